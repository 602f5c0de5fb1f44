// AWS policies: RDS, ElastiCache, S3, EKS, security groups, KMS, tags, IMDSv2.
import { strict as assert } from "assert";
import { Json, UNKNOWN, check, names, of, resource } from "./helpers";

const TAGS = { "platform:stack": "prod", "platform:environment": "prod", "cost-center": "platform" };

function rds(extra: Json = {}) {
    return resource("aws:rds/instance:Instance", "db", {
        engine: "postgres",
        instanceClass: "db.m7g.large",
        storageEncrypted: true,
        publiclyAccessible: false,
        backupRetentionPeriod: 14,
        multiAz: true,
        deletionProtection: true,
        tags: TAGS,
        ...extra,
    }, { protect: true });
}

describe("policies: AWS", () => {
    describe("RDS", () => {
        it("an encrypted, private, backed-up Multi-AZ instance passes", async () => {
            assert.deepEqual(await check([rds()]), []);
        });
        it("unencrypted and public instances fail", async () => {
            const vs = await check([rds({ storageEncrypted: false, publiclyAccessible: true })]);
            assert.deepEqual(names(vs), ["rds-not-public", "rds-storage-encrypted"]);
        });
        it("backup retention, Multi-AZ and deletion protection follow the stack's parameters", async () => {
            const weak = rds({ backupRetentionPeriod: 1, multiAz: false, deletionProtection: false });
            const prod = of(await check([weak]), "rds-backups-and-resilience").map((v) => v.message);
            assert.equal(prod.length, 3);
            assert.match(prod.join("\n"), /backupRetentionPeriod is 1; at least 7 day/);
            const dev = await check([weak], { "rds-backups-and-resilience": { minBackupRetentionDays: 1, requireMultiAz: false, requireDeletionProtection: false } });
            assert.equal(of(dev, "rds-backups-and-resilience").length, 0);
        });
    });

    describe("ElastiCache", () => {
        const rg = (extra: Json) => resource("aws:elasticache/replicationGroup:ReplicationGroup", "cache", { description: "c", nodeType: "cache.t4g.small", tags: TAGS, atRestEncryptionEnabled: true, transitEncryptionEnabled: true, ...extra }, { protect: true });
        it("encrypted with an auth token (a secret on the wire) or RBAC user groups passes", async () => {
            const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t-token-value" };
            assert.deepEqual(await check([rg({ authToken: secret })]), []);
            assert.deepEqual(await check([rg({ userGroupIds: ["ug-1"] })]), []);
        });
        it("missing encryption or auth fails", async () => {
            const vs = await check([rg({ transitEncryptionEnabled: false })]);
            assert.deepEqual(names(vs), ["elasticache-auth", "elasticache-encryption"]);
        });
    });

    describe("S3 (stack)", () => {
        const bucket = (name: string, tags: Json = TAGS, extra: Json = {}) => resource("aws:s3/bucket:Bucket", name, { bucket: name, tags, ...extra }, { protect: true });
        const child = (type: string, name: string, on: string, inputs: Json, byDependency = true) =>
            resource(type, name, { bucket: byDependency ? "bucket-id-from-output" : on, ...inputs }, { dependencies: byDependency ? [`urn:pulumi:test::platform::aws:s3/bucket:Bucket::${on}`] : [] });
        const sse = (on: string, dep = true) => child("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${on}-sse`, on, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }, dep);
        const pab = (on: string, flags: Json = {}) => child("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${on}-pab`, on, { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...flags });
        const versioning = (on: string, status: string) => child("aws:s3/bucketVersioning:BucketVersioning", `${on}-versioning`, on, { versioningConfiguration: { status } });

        it("a bucket with SSE and a full public access block passes (matched by dependency or literal name)", async () => {
            assert.deepEqual(await check([bucket("logs"), sse("logs"), pab("logs")]), []);
            assert.deepEqual(await check([bucket("logs"), sse("logs", false), pab("logs")]), []);
        });
        it("missing SSE, missing or partial public access blocks fail, naming the bucket", async () => {
            const vs = of(await check([bucket("a"), pab("a", { restrictPublicBuckets: false }), bucket("b"), sse("b")]), "s3-bucket-protection");
            assert.deepEqual(vs.map((v) => v.message.split("\n")[1]).sort(), [
                'S3 bucket "a" has no BucketServerSideEncryptionConfiguration',
                'S3 bucket "a": its BucketPublicAccessBlock must set restrictPublicBuckets to true',
                'S3 bucket "b" has no BucketPublicAccessBlock',
            ]);
            assert.ok(vs.every((v) => v.urn?.endsWith("aws:s3/bucket:Bucket::a") || v.urn?.endsWith("aws:s3/bucket:Bucket::b")));
        });
        it("during preview a bucket whose name is still unknown is matched by dependency; a missing match is advisory", async () => {
            const b = resource("aws:s3/bucket:Bucket", "logs", { bucket: UNKNOWN, tags: TAGS }, { protect: true });
            assert.deepEqual(await check([b, sse("logs"), pab("logs")]), []);
            // Without a dependent public access block the policy would have to compare literal names,
            // which are unknown: it says so (advisory) instead of guessing.
            const partial = of(await check([b, sse("logs")]), "s3-bucket-protection");
            assert.deepEqual(partial.map((v) => v.enforcement), ["advisory"]);
            assert.match(partial[0].message, /can't run policy 's3-bucket-protection'/);
        });
        it("a bucket that does not belong to the resource is not matched", async () => {
            const vs = await check([bucket("a"), bucket("b"), sse("b"), pab("b")]);
            assert.equal(of(vs, "s3-bucket-protection").length, 2);
        });
        it("backup buckets need versioning Enabled", async () => {
            const tags = { ...TAGS, "platform:purpose": "backups" };
            const vs = await check([bucket("bk", tags), sse("bk"), pab("bk"), versioning("bk", "Suspended")]);
            assert.match(of(vs, "s3-bucket-protection")[0].message, /holds backups .* BucketVersioning with status "Enabled"/);
            assert.deepEqual(await check([bucket("bk", tags), sse("bk"), pab("bk"), versioning("bk", "Enabled")]), []);
        });
    });

    describe("EKS", () => {
        const component = (extra: Json) =>
            resource("eks:index:Cluster", "cluster", {
                tags: TAGS,
                endpointPrivateAccess: true,
                endpointPublicAccess: false,
                enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                encryptionConfigKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
                ...extra,
            });
        const raw = (extra: Json) =>
            resource("aws:eks/cluster:Cluster", "raw", {
                roleArn: "arn:aws:iam::123456789012:role/eks",
                tags: TAGS,
                vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
                enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" } },
                ...extra,
            });
        it("private endpoint, all logs and secrets encryption pass on both the component and the raw cluster", async () => {
            assert.deepEqual(await check([component({}), raw({})]), []);
        });
        it("public-only endpoints, missing logs and missing encryption fail", async () => {
            const vs = await check([
                component({ endpointPrivateAccess: undefined, endpointPublicAccess: undefined, enabledClusterLogTypes: ["api"], encryptionConfigKeyArn: undefined }),
                raw({ vpcConfig: { subnetIds: ["s"], publicAccessCidrs: ["0.0.0.0/0"] }, encryptionConfig: undefined, enabledClusterLogTypes: undefined }),
            ]);
            assert.deepEqual(names(vs), ["eks-control-plane-logging", "eks-private-endpoint", "eks-secrets-encryption"]);
            assert.equal(vs.length, 8); // on each cluster: no private endpoint, public endpoint open to the world, logs, encryption
            assert.match(of(vs, "eks-control-plane-logging")[0].message, /missing audit, authenticator, controllerManager, scheduler/);
        });
    });

    describe("security groups (stack)", () => {
        const sg = (name: string, ingress: Json[], lb = false) => resource("aws:ec2/securityGroup:SecurityGroup", name, { vpcId: "vpc-1", ingress, tags: { ...TAGS, ...(lb ? { "platform:load-balancer": "true" } : {}) } });
        it("HTTPS from anywhere passes on a load-balancer group only", async () => {
            const https = [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }];
            assert.deepEqual(await check([sg("alb", https, true)]), []);
            assert.match(of(await check([sg("app", https)]), "security-group-no-public-ingress")[0].message, /port 443 from 0.0.0.0\/0, ::\/0 is only allowed on load-balancer/);
        });
        it("admin ports, port ranges and all-protocol rules from anywhere fail even on load balancers", async () => {
            const vs = await check([sg("alb", [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }, { protocol: "tcp", fromPort: 80, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }], true)]);
            assert.equal(of(vs, "security-group-no-public-ingress").length, 3);
        });
        it("standalone rules are judged with the group they attach to", async () => {
            const group = sg("alb", [], true);
            const rule = (type: string, name: string, inputs: Json) => resource(type, name, { securityGroupId: "sg-1", ...inputs }, { dependencies: [group.urn] });
            const ok = await check([group, rule("aws:ec2/securityGroupRule:SecurityGroupRule", "https", { type: "ingress", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] })]);
            assert.deepEqual(ok, []);
            const bad = await check([
                group,
                rule("aws:ec2/securityGroupRule:SecurityGroupRule", "ssh", { type: "ingress", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
                rule("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "pg", { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv6: "::/0", tags: TAGS }),
                rule("aws:ec2/securityGroupRule:SecurityGroupRule", "egress", { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }),
                rule("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "vpc", { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.0.0/16", tags: TAGS }),
            ]);
            assert.deepEqual(of(bad, "security-group-no-public-ingress").map((v) => v.urn?.split("::").pop()), ["ssh", "pg"]);
        });
    });

    describe("KMS", () => {
        it("symmetric keys rotate; asymmetric keys are exempt", async () => {
            const key = (extra: Json) => resource("aws:kms/key:Key", "k", { tags: TAGS, ...extra }, { protect: true });
            assert.deepEqual(await check([key({ enableKeyRotation: true })]), []);
            assert.deepEqual(names(await check([key({})])), ["kms-key-rotation"]);
            assert.deepEqual(await check([key({ customerMasterKeySpec: "RSA_3072", keyUsage: "SIGN_VERIFY" })]), []);
        });
    });

    describe("required tags", () => {
        it("any aws resource passing tags must carry the required keys; the listed types must have tags", async () => {
            const vs = await check([
                resource("aws:iam/role:Role", "r", { assumeRolePolicy: "{}", tags: { "cost-center": "x" } }),
                resource("aws:ec2/vpc:Vpc", "v", { cidrBlock: "10.0.0.0/16" }),
                resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", { role: "r", policyArn: "arn" }),
                resource("aws:ec2/subnet:Subnet", "s", { vpcId: "v", cidrBlock: "10.0.0.0/24", tags: TAGS }),
            ]);
            const msgs = of(vs, "aws-required-tags").map((v) => `${v.urn?.split("::").pop()}: ${v.message.split("\n")[1]}`);
            assert.deepEqual(msgs, ["r: missing required tags: platform:stack, platform:environment", "v: no tags; required: platform:stack, platform:environment, cost-center"]);
        });
        it("the list of required keys is a parameter", async () => {
            const vs = await check([resource("aws:ec2/subnet:Subnet", "s", { tags: TAGS })], { "aws-required-tags": { requiredTags: ["owner"] } });
            assert.match(of(vs, "aws-required-tags")[0].message, /missing required tags: owner/);
        });
    });

    describe("IMDSv2", () => {
        it("launch templates and EC2NodeClasses require tokens", async () => {
            const lt = (httpTokens: string) => resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { tags: TAGS, metadataOptions: { httpTokens }, blockDeviceMappings: [] });
            assert.deepEqual(await check([lt("required")]), []);
            assert.deepEqual(names(await check([lt("optional")])), ["imdsv2-required"]);
            const nc = (spec: Json) => resource("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "nc", { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "default" }, spec });
            assert.deepEqual(await check([nc({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } })]), []);
            assert.match(of(await check([nc({})]), "imdsv2-required")[0].message, /spec.metadataOptions.httpTokens is unset/);
        });
        it("managed node groups use a launch template", async () => {
            const ng = (extra: Json) => resource("aws:eks/nodeGroup:NodeGroup", "ng", { clusterName: "c", tags: TAGS, instanceTypes: ["m7i.large"], ...extra });
            assert.deepEqual(await check([ng({ launchTemplate: { id: "lt-1", version: "1" } })]), []);
            assert.deepEqual(names(await check([ng({})])), ["eks-node-group-launch-template"]);
        });
        it("an unknown launch-template id during preview is advisory, not a violation", async () => {
            const vs = await check([resource("aws:eks/nodeGroup:NodeGroup", "ng", { clusterName: "c", tags: TAGS, launchTemplate: { id: UNKNOWN, version: "1" } })]);
            assert.deepEqual(vs.map((v) => v.enforcement), ["advisory"]);
            assert.match(vs[0].message, /can't run policy 'eks-node-group-launch-template'/);
        });
    });
});
