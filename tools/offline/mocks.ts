// The mock cloud: answers every resource registration and invoke the program makes, with realistic,
// deterministic ids and ARNs (account 123456789012, the stack's region). The tests and `npm run plan`
// share it, so a green test means the plan works.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT_ID = "123456789012";

type State = Record<string, unknown>;

function hex(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
    return out.slice(0, length);
}

function str(v: unknown, fallback: string): string {
    return typeof v === "string" && v.length > 0 ? v : fallback;
}

/** Short resource-id prefixes EC2 and friends use. */
const EC2_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
};

export interface MockCloudOptions {
    region: string;
    project: string;
    stack: string;
}

/**
 * Deterministic mock of AWS, Kubernetes and the @pulumi/eks remote components. Ids derive from the
 * resource's type and name only, so the same program yields byte-identical output on every run.
 */
export class MockCloud implements pulumi.runtime.Mocks {
    constructor(private readonly opts: MockCloudOptions) {}

    private arn(service: string, resource: string, region: string = this.opts.region, account: string = ACCOUNT_ID): string {
        return `arn:aws:${service}:${region}:${account}:${resource}`;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: State } {
        const { type, name } = args;
        const inputs = (args.inputs ?? {}) as State;
        const seed = `${type}::${name}`;
        const physical = (input: unknown, max = 64) => str(input, `${name}-${hex(seed, 7)}`.slice(0, max));
        const ec2Prefix = EC2_PREFIX[type];
        if (ec2Prefix) {
            const id = `${ec2Prefix}-${hex(seed, 17)}`;
            const state: State = { ...inputs, arn: this.arn("ec2", `${ec2Prefix === "sg" ? "security-group" : ec2Prefix}/${id}`), ownerId: ACCOUNT_ID };
            if (type === "aws:ec2/launchTemplate:LaunchTemplate") Object.assign(state, { latestVersion: 1, defaultVersion: 1, name: physical(inputs["name"]) });
            if (type === "aws:ec2/eip:Eip") Object.assign(state, { publicIp: `203.0.113.${parseInt(hex(seed, 2), 16) % 250}`, allocationId: id });
            if (type === "aws:ec2/vpc:Vpc") Object.assign(state, { defaultSecurityGroupId: `sg-${hex(`${seed}/default`, 17)}`, mainRouteTableId: `rtb-${hex(`${seed}/main`, 17)}` });
            if (type === "aws:ec2/securityGroup:SecurityGroup") state["name"] = physical(inputs["name"], 255);
            return { id, state };
        }
        switch (type) {
            case "eks:index:Cluster":
                return { id: "", state: this.eksCluster(name, inputs) };
            case "aws:iam/role:Role": {
                const roleName = physical(inputs["name"]);
                return { id: roleName, state: { ...inputs, name: roleName, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${roleName}`, uniqueId: `AROA${hex(seed, 17).toUpperCase()}` } };
            }
            case "aws:iam/policy:Policy": {
                const policyName = physical(inputs["name"]);
                const arn = `arn:aws:iam::${ACCOUNT_ID}:policy/${policyName}`;
                return { id: arn, state: { ...inputs, name: policyName, arn } };
            }
            case "aws:iam/instanceProfile:InstanceProfile": {
                const n = physical(inputs["name"]);
                return { id: n, state: { ...inputs, name: n, arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${n}` } };
            }
            case "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
                const service = str(inputs["awsServiceName"], "unknown.amazonaws.com");
                const n = `AWSServiceRoleFor${service.split(".")[0].replace(/^./, (c) => c.toUpperCase())}`;
                const arn = `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/${service}/${n}`;
                return { id: arn, state: { ...inputs, name: n, arn } };
            }
            case "aws:kms/key:Key": {
                const keyId = `${hex(seed, 8)}-${hex(seed + "a", 4)}-${hex(seed + "b", 4)}-${hex(seed + "c", 4)}-${hex(seed + "d", 12)}`;
                return { id: keyId, state: { ...inputs, keyId, arn: this.arn("kms", `key/${keyId}`) } };
            }
            case "aws:kms/alias:Alias":
                return { id: str(inputs["name"], name), state: { ...inputs, arn: this.arn("kms", str(inputs["name"], name)) } };
            case "aws:cloudwatch/logGroup:LogGroup": {
                const n = physical(inputs["name"], 512);
                return { id: n, state: { ...inputs, name: n, arn: this.arn("logs", `log-group:${n}`) } };
            }
            case "aws:eks/nodeGroup:NodeGroup": {
                const ngName = str(inputs["nodeGroupName"], `${str(inputs["nodeGroupNamePrefix"], name)}${hex(seed, 26)}`);
                const cluster = str(inputs["clusterName"], "cluster");
                return {
                    id: `${cluster}:${ngName}`,
                    state: { ...inputs, nodeGroupName: ngName, arn: this.arn("eks", `nodegroup/${cluster}/${ngName}/${hex(seed, 8)}`), status: "ACTIVE" },
                };
            }
            case "aws:eks/addon:Addon": {
                const cluster = str(inputs["clusterName"], "cluster");
                return { id: `${cluster}:${str(inputs["addonName"], name)}`, state: { ...inputs, arn: this.arn("eks", `addon/${cluster}/${str(inputs["addonName"], name)}/${hex(seed, 8)}`) } };
            }
            case "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
                const associationId = `a-${hex(seed, 17)}`;
                const cluster = str(inputs["clusterName"], "cluster");
                return { id: `${cluster},${associationId}`, state: { ...inputs, associationId, associationArn: this.arn("eks", `podidentityassociation/${cluster}/${associationId}`) } };
            }
            case "aws:eks/accessEntry:AccessEntry": {
                const cluster = str(inputs["clusterName"], "cluster");
                return { id: `${cluster}:${str(inputs["principalArn"], name)}`, state: { ...inputs, accessEntryArn: this.arn("eks", `access-entry/${cluster}/${hex(seed, 8)}`) } };
            }
            case "aws:sqs/queue:Queue": {
                const n = physical(inputs["name"], 80);
                const url = `https://sqs.${this.opts.region}.amazonaws.com/${ACCOUNT_ID}/${n}`;
                return { id: url, state: { ...inputs, name: n, url, arn: this.arn("sqs", n) } };
            }
            case "aws:secretsmanager/secret:Secret": {
                const n = physical(inputs["name"], 512);
                const arn = this.arn("secretsmanager", `secret:${n}-${hex(seed, 6)}`);
                return { id: arn, state: { ...inputs, name: n, arn } };
            }
            case "aws:sns/topic:Topic": {
                const n = physical(inputs["name"], 256);
                const arn = this.arn("sns", n);
                return { id: arn, state: { ...inputs, name: n, arn } };
            }
            case "aws:cloudwatch/eventRule:EventRule": {
                const n = physical(inputs["name"]);
                return { id: n, state: { ...inputs, name: n, arn: this.arn("events", `rule/${n}`) } };
            }
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2": {
                const b = physical(inputs["bucket"], 63).toLowerCase();
                return { id: b, state: { ...inputs, bucket: b, arn: `arn:aws:s3:::${b}`, bucketRegionalDomainName: `${b}.s3.${this.opts.region}.amazonaws.com` } };
            }
            case "aws:rds/instance:Instance": {
                const identifier = physical(inputs["identifier"], 63).toLowerCase();
                const address = `${identifier}.c${hex(seed, 11)}.${this.opts.region}.rds.amazonaws.com`;
                const port = typeof inputs["port"] === "number" ? inputs["port"] : 5432;
                const secretArn = this.arn("secretsmanager", `secret:rds!db-${hex(seed, 8)}-${hex(seed + "s", 6)}`);
                return {
                    id: `db-${hex(seed, 26).toUpperCase()}`,
                    state: {
                        ...inputs,
                        identifier,
                        address,
                        endpoint: `${address}:${port}`,
                        port,
                        arn: this.arn("rds", `db:${identifier}`),
                        resourceId: `db-${hex(seed, 26).toUpperCase()}`,
                        ...(inputs["manageMasterUserPassword"] ? { masterUserSecrets: [{ secretArn, secretStatus: "active", kmsKeyId: inputs["masterUserSecretKmsKeyId"] ?? null }] } : {}),
                    },
                };
            }
            case "aws:elasticache/replicationGroup:ReplicationGroup": {
                const id = str(inputs["replicationGroupId"], name).toLowerCase();
                const port = typeof inputs["port"] === "number" ? inputs["port"] : 6379;
                const host = `${id}.${hex(seed, 6)}.${this.opts.region.replace(/-/g, "")}.cache.amazonaws.com`;
                // Cluster mode disabled: ElastiCache names the member cache clusters <group id>-001, -002...
                // (one per numCacheClusters). The provider stores them as a set, so their order is not
                // guaranteed: returned last-first here, so a program that assumes an order is caught.
                const members = typeof inputs["numCacheClusters"] === "number" ? inputs["numCacheClusters"] : 1;
                const memberClusters = Array.from({ length: members }, (_, i) => `${id}-${String(i + 1).padStart(3, "0")}`).reverse();
                return {
                    id,
                    state: {
                        ...inputs,
                        arn: this.arn("elasticache", `replicationgroup:${id}`),
                        primaryEndpointAddress: `master.${host}`,
                        readerEndpointAddress: `replica.${host}`,
                        configurationEndpointAddress: null,
                        memberClusters,
                        port,
                    },
                };
            }
            case "aws:acm/certificate:Certificate": {
                const arn = this.arn("acm", `certificate/${hex(seed, 8)}-${hex(seed + "1", 4)}-${hex(seed + "2", 4)}-${hex(seed + "3", 4)}-${hex(seed + "4", 12)}`);
                const domain = str(inputs["domainName"], "example.com");
                const names = [domain, ...((inputs["subjectAlternativeNames"] as string[] | undefined) ?? [])];
                return {
                    id: arn,
                    state: {
                        ...inputs,
                        arn,
                        domainValidationOptions: [...new Set(names)].map((d) => ({
                            domainName: d,
                            // Like ACM: a wildcard is validated through its base name, so *.d and d share one record.
                            resourceRecordName: `_${hex(d.replace(/^\*\./, ""), 32)}.${d.replace(/^\*\./, "")}.`,
                            resourceRecordType: "CNAME",
                            resourceRecordValue: `_${hex(d.replace(/^\*\./, "") + "v", 32)}.acm-validations.aws.`,
                        })),
                    },
                };
            }
            case "aws:route53/record:Record": {
                const zoneId = str(inputs["zoneId"], "ZUNKNOWN");
                const recordName = str(inputs["name"], name);
                const fqdn = recordName.replace(/\.$/, "");
                return { id: `${zoneId}_${fqdn}_${str(inputs["type"], "A")}`, state: { ...inputs, fqdn } };
            }
            case "aws:wafv2/webAcl:WebAcl": {
                const n = physical(inputs["name"], 128);
                const id = `${hex(seed, 8)}-${hex(seed + "1", 4)}-${hex(seed + "2", 4)}-${hex(seed + "3", 4)}-${hex(seed + "4", 12)}`;
                return { id, state: { ...inputs, name: n, arn: this.arn("wafv2", `regional/webacl/${n}/${id}`), capacity: 1100 } };
            }
            case "aws:backup/vault:Vault": {
                const n = physical(inputs["name"], 50);
                return { id: n, state: { ...inputs, name: n, arn: this.arn("backup", `backup-vault:${n}`) } };
            }
            case "aws:backup/plan:Plan": {
                const id = `${hex(seed, 8)}-${hex(seed + "1", 4)}-${hex(seed + "2", 4)}-${hex(seed + "3", 4)}-${hex(seed + "4", 12)}`;
                return { id, state: { ...inputs, arn: this.arn("backup", `backup-plan:${id}`), version: hex(seed, 32) } };
            }
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
                const host = str(inputs["url"], "https://oidc.example.com").replace(/^https:\/\//, "");
                const arn = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${host}`;
                return { id: arn, state: { ...inputs, arn, thumbprintLists: inputs["thumbprintLists"] ?? [] } };
            }
            case "aws:ecr/repository:Repository": {
                const n = physical(inputs["name"], 256);
                return {
                    id: n,
                    state: { ...inputs, name: n, arn: this.arn("ecr", `repository/${n}`), registryId: ACCOUNT_ID, repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${this.opts.region}.amazonaws.com/${n}` },
                };
            }
            case "random:index/randomPassword:RandomPassword":
                // A fixed placeholder: the real value only ever exists in the engine's encrypted state.
                return { id: "none", state: { ...inputs, result: `mock-password-${hex(seed, 24)}`, bcryptHash: "$2a$10$mock" } };
            case "random:index/randomId:RandomId":
                return { id: hex(seed, 8), state: { ...inputs, hex: hex(seed, 8), b64Url: hex(seed, 11), dec: String(parseInt(hex(seed, 8), 16)) } };
            case "kubernetes:helm.sh/v3:Release":
                return {
                    id: `${str(inputs["namespace"], "default")}/${str(inputs["name"], name)}`,
                    state: { ...inputs, status: { name: inputs["name"], namespace: inputs["namespace"], status: "deployed", version: inputs["version"], revision: 1 } },
                };
            // @pulumi/tls: placeholders shaped like PEM blocks (the real keys exist only in the engine's encrypted state).
            case "tls:index/privateKey:PrivateKey":
                return { id: hex(seed, 40), state: { ...inputs, privateKeyPem: `-----BEGIN PRIVATE KEY-----\nmock-${hex(seed, 32)}\n-----END PRIVATE KEY-----\n`, publicKeyPem: `-----BEGIN PUBLIC KEY-----\nmock-${hex(seed, 32)}\n-----END PUBLIC KEY-----\n` } };
            case "tls:index/selfSignedCert:SelfSignedCert":
            case "tls:index/locallySignedCert:LocallySignedCert":
                return { id: String(parseInt(hex(seed, 12), 16)), state: { ...inputs, certPem: `-----BEGIN CERTIFICATE-----\nmock-${hex(seed, 32)}\n-----END CERTIFICATE-----\n`, validityStartTime: "2026-01-01T00:00:00Z", validityEndTime: "2027-01-01T00:00:00Z", readyForRenewal: false } };
            case "tls:index/certRequest:CertRequest":
                return { id: hex(seed, 40), state: { ...inputs, certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\nmock-${hex(seed, 32)}\n-----END CERTIFICATE REQUEST-----\n` } };
            case "pulumi:providers:kubernetes":
            case "pulumi:providers:aws":
                return { id: `${name}-provider-${hex(seed, 8)}`, state: inputs };
        }
        if (type.startsWith("kubernetes:")) {
            const metadata = (inputs["metadata"] ?? {}) as State;
            const ns = metadata["namespace"];
            const objName = str(metadata["name"], `${name}-${hex(seed, 8)}`);
            return {
                id: typeof ns === "string" && ns ? `${ns}/${objName}` : objName,
                state: { ...inputs, metadata: { ...metadata, name: objName, uid: `${hex(seed, 8)}-${hex(seed + "u", 4)}-${hex(seed + "v", 4)}-${hex(seed + "w", 4)}-${hex(seed + "x", 12)}` } },
            };
        }
        if (type.startsWith("aws:")) {
            // Generic AWS resource: a stable id and an ARN in the service's namespace.
            const service = type.split(":")[1].split("/")[0];
            const id = str(inputs["name"], `${name}-${hex(seed, 8)}`);
            return { id, state: { ...inputs, arn: this.arn(service, `${type.split(":")[2].toLowerCase()}/${id}`) } };
        }
        return { id: `${name}-${hex(seed, 8)}`, state: inputs };
    }

    private eksCluster(name: string, inputs: State): State {
        const clusterName = str(inputs["name"], name);
        const region = this.opts.region;
        const oidcId = hex(`oidc::${clusterName}`, 32).toUpperCase();
        const endpoint = `https://${hex(`endpoint::${clusterName}`, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
        const ca = Buffer.from(`mock-ca-for-${clusterName}`).toString("base64");
        const kubeconfig = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": ca } }],
            contexts: [{ name: "aws", context: { cluster: clusterName, user: "aws" } }],
            "current-context": "aws",
            users: [
                {
                    name: "aws",
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "aws",
                            args: ["--region", region, "eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                        },
                    },
                },
            ],
        };
        return {
            ...inputs,
            kubeconfig,
            kubeconfigJson: JSON.stringify(kubeconfig),
            clusterSecurityGroupId: "",
            nodeSecurityGroupId: "",
            oidcIssuer: `oidc.eks.${region}.amazonaws.com/id/${oidcId}`,
            oidcProviderUrl: `https://oidc.eks.${region}.amazonaws.com/id/${oidcId}`,
            oidcProviderArn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/${oidcId}`,
        };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const inputs = (args.inputs ?? {}) as State;
        const region = this.opts.region;
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/offline-plan`, userId: "AIDAOFFLINEPLAN", id: ACCOUNT_ID };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
            case "aws:index/getRegion:getRegion":
                return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const names = ["a", "b", "c"].map((l) => `${region}${l}`);
                return { names, zoneIds: names.map((_, i) => `${region.split("-").map((p) => p[0]).join("")}${region.slice(-1)}-az${i + 1}`), id: region, groupNames: [region] };
            }
            case "aws:eks/getCluster:getCluster": {
                const n = str(inputs["name"], "cluster");
                const oidcId = hex(`oidc::${n}`, 32).toUpperCase();
                return {
                    id: n,
                    name: n,
                    arn: this.arn("eks", `cluster/${n}`),
                    endpoint: `https://${hex(`endpoint::${n}`, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
                    version: "1.35",
                    status: "ACTIVE",
                    certificateAuthorities: [{ data: Buffer.from(`mock-ca-for-${n}`).toString("base64") }],
                    identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${oidcId}` }] }],
                    vpcConfig: { clusterSecurityGroupId: `sg-${hex(`cluster-sg::${n}`, 17)}`, endpointPrivateAccess: true },
                };
            }
            case "aws:eks/getAddonVersion:getAddonVersion": {
                const addon = str(inputs["addonName"], "addon");
                return { addonName: addon, kubernetesVersion: inputs["kubernetesVersion"], version: `v1.0.0-eksbuild.${parseInt(hex(addon, 2), 16) % 9 + 1}`, id: addon };
            }
            case "aws:route53/getZone:getZone": {
                const zoneName = str(inputs["name"], "example.com").replace(/\.$/, "");
                const zoneId = `Z${hex(`zone::${zoneName}`, 20).toUpperCase()}`;
                return { id: zoneId, zoneId, name: `${zoneName}.`, arn: `arn:aws:route53:::hostedzone/${zoneId}`, privateZone: false };
            }
            case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
                const url = str(inputs["url"], "https://token.actions.githubusercontent.com");
                const arn = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${url.replace(/^https:\/\//, "")}`;
                return { id: arn, arn, url: url.replace(/^https:\/\//, ""), clientIdLists: ["sts.amazonaws.com"], thumbprintLists: [], tags: {} };
            }
            case "aws:iam/getPolicyDocument:getPolicyDocument":
                return { json: JSON.stringify({ Version: "2012-10-17", Statement: inputs["statements"] ?? [] }), id: "policy" };
        }
        throw new Error(
            `The offline mock cloud has no answer for the invoke ${args.token}. Add it to tools/offline/mocks.ts ` +
                `(MockCloud.call) with the fields the program reads.`,
        );
    }
}
