// The ingress layer as the real program declares it for both stacks (mock cloud).
import * as assert from "assert";
import { charts } from "../../infra/lib/charts";
import { RecordedResource } from "../../tools/offline/recorder";
import { Inputs, inputs, one, ofType, planStack } from "../helpers";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const PARAMS = "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams";
const SYSTEM_TOLERATION = { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" };
const SYSTEM_NODE_SELECTOR = { "platform.io/node-pool": "system" };

function values(r: RecordedResource): Inputs {
    return inputs(r)["values"] as Inputs;
}

function dependsOn(r: RecordedResource, other: RecordedResource): boolean {
    return r.dependencies.includes(other.urn);
}

function attributes(spec: Inputs): Record<string, string> {
    return Object.fromEntries((spec["loadBalancerAttributes"] as { key: string; value: string }[]).map((a) => [a.key, a.value]));
}

describe("ingress: AWS Load Balancer Controller", () => {
    it("is pinned to chart 3.5.0 from the eks-charts repository", () => {
        assert.deepStrictEqual(
            { chart: charts.awsLoadBalancerController.chart, repo: charts.awsLoadBalancerController.repo, version: charts.awsLoadBalancerController.version },
            { chart: "aws-load-balancer-controller", repo: "https://aws.github.io/eks-charts", version: "3.5.0" },
        );
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: installs the release in kube-system with the values the chart reads`, async () => {
            const run = await planStack(stack);
            const release = one(run, RELEASE, "ingress-lbc");
            const i = inputs(release);
            assert.strictEqual(i["chart"], "aws-load-balancer-controller");
            assert.strictEqual(i["version"], "3.5.0");
            assert.deepStrictEqual(i["repositoryOpts"], { repo: "https://aws.github.io/eks-charts" });
            assert.strictEqual(i["namespace"], "kube-system");
            assert.strictEqual(i["name"], "aws-load-balancer-controller");
            const v = values(release);
            assert.strictEqual(v["clusterName"], `platform-${stack}`);
            assert.strictEqual(v["region"], "eu-west-1");
            assert.match(v["vpcId"] as string, /^vpc-[0-9a-f]{17}$/);
            assert.strictEqual(v["replicaCount"], 2);
            assert.deepStrictEqual(v["podDisruptionBudget"], { maxUnavailable: 1 });
            assert.deepStrictEqual(v["serviceAccount"], { create: true, name: "aws-load-balancer-controller" });
            assert.strictEqual(v["ingressClass"], "alb");
            assert.strictEqual(v["createIngressClassResource"], false);
            assert.deepStrictEqual(v["ingressClassParams"], { create: false });
            assert.strictEqual(v["defaultTargetType"], "ip");
            assert.strictEqual(v["defaultSSLPolicy"], "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
            assert.strictEqual(v["keepTLSSecret"], true);
            assert.strictEqual(v["enableServiceMutatorWebhook"], false);
            assert.deepStrictEqual(v["podMutatorWebhookConfig"], { failurePolicy: "Fail" });
            assert.strictEqual(v["enableWaf"], false);
            assert.deepStrictEqual(v["tolerations"], [SYSTEM_TOLERATION]);
            assert.deepStrictEqual(v["nodeSelector"], SYSTEM_NODE_SELECTOR);
            assert.deepStrictEqual(v["resources"], { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } });
        });
    }

    it("the VPC id in the values is the stack's VPC", async () => {
        const run = await planStack("prod");
        const vpc = one(run, "aws:ec2/vpc:Vpc");
        const release = one(run, RELEASE, "ingress-lbc");
        assert.ok(dependsOn(release, vpc) || (release.propertyDependencies["values"] ?? []).includes(vpc.urn));
    });

    it("waits for the system node group and the Pod Identity association", async () => {
        const run = await planStack("prod");
        const release = one(run, RELEASE, "ingress-lbc");
        assert.ok(dependsOn(release, one(run, "aws:eks/nodeGroup:NodeGroup")));
        assert.ok(dependsOn(release, one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "ingress-lbc")));
    });

    it("binds the Pod Identity role to kube-system/aws-load-balancer-controller", async () => {
        const run = await planStack("dev");
        const assoc = inputs(one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "ingress-lbc"));
        assert.strictEqual(assoc["namespace"], "kube-system");
        assert.strictEqual(assoc["serviceAccount"], "aws-load-balancer-controller");
        assert.strictEqual(assoc["clusterName"], "platform-dev");
        const trust = JSON.parse(inputs(one(run, "aws:iam/role:Role", "ingress-lbc"))["assumeRolePolicy"] as string) as {
            Statement: { Principal: unknown; Action: unknown }[];
        };
        assert.deepStrictEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
    });
});

describe("ingress: IngressClass and IngressClassParams", () => {
    it("prod: one shared internet-facing group with TLS 1.3, redirect to 443, the certificate and the WAF", async () => {
        const run = await planStack("prod");
        const params = one(run, PARAMS, "ingress-alb-params");
        const i = inputs(params);
        assert.strictEqual(i["apiVersion"], "elbv2.k8s.aws/v1beta1");
        assert.deepStrictEqual(i["metadata"], { name: "alb" });
        const spec = i["spec"] as Inputs;
        assert.deepStrictEqual(spec["group"], { name: "platform-prod" });
        assert.strictEqual(spec["scheme"], "internet-facing");
        assert.strictEqual(spec["targetType"], "ip");
        assert.strictEqual(spec["sslPolicy"], "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
        assert.strictEqual(spec["sslRedirectPort"], "443");
        const validation = inputs(one(run, "aws:acm/certificateValidation:CertificateValidation", "ingress-cert"));
        assert.deepStrictEqual(spec["certificateArn"], [validation["certificateArn"]]);
        assert.match((spec["certificateArn"] as string[])[0], /^arn:aws:acm:eu-west-1:123456789012:certificate\//);
        assert.match(spec["wafv2AclArn"] as string, /^arn:aws:wafv2:eu-west-1:123456789012:regional\/webacl\/platform-prod-ingress\//);
        const publicSubnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => /public/.test(s.name));
        assert.strictEqual((spec["subnets"] as { ids: string[] }).ids.length, publicSubnets.length);
        assert.strictEqual(publicSubnets.length, 3);
        assert.deepStrictEqual(attributes(spec), {
            "access_logs.s3.enabled": "true",
            "access_logs.s3.bucket": "platform-prod-alb-logs-123456789012-eu-west-1",
            "access_logs.s3.prefix": "alb",
            "idle_timeout.timeout_seconds": "60",
            "deletion_protection.enabled": "true",
            "routing.http.drop_invalid_header_fields.enabled": "true",
        });
        assert.ok((spec["tags"] as { key: string; value: string }[]).some((t) => t.key === "platform:stack" && t.value === "prod"));
    });

    it("dev without a domain: no certificate, TLS policy or redirect; no deletion protection", async () => {
        const run = await planStack("dev");
        const spec = inputs(one(run, PARAMS, "ingress-alb-params"))["spec"] as Inputs;
        assert.deepStrictEqual(spec["group"], { name: "platform-dev" });
        assert.strictEqual(spec["scheme"], "internet-facing");
        for (const key of ["certificateArn", "sslRedirectPort", "sslPolicy"]) assert.ok(!(key in spec), `${key} must be absent`);
        assert.strictEqual(attributes(spec)["deletion_protection.enabled"], "false");
        assert.strictEqual(attributes(spec)["access_logs.s3.enabled"], "true");
        assert.match(spec["wafv2AclArn"] as string, /platform-dev-ingress/);
    });

    it("dev with a domain gets the redirect too", async () => {
        const run = await planStack("dev", { "platform:ingress": { domain: "dev.example.com" } });
        const spec = inputs(one(run, PARAMS, "ingress-alb-params"))["spec"] as Inputs;
        assert.strictEqual(spec["sslRedirectPort"], "443");
        assert.strictEqual((spec["certificateArn"] as string[]).length, 1);
    });

    it("the params wait for the controller and the bucket policy; the class points at them", async () => {
        const run = await planStack("prod");
        const params = one(run, PARAMS, "ingress-alb-params");
        assert.ok(dependsOn(params, one(run, RELEASE, "ingress-lbc")));
        assert.ok(dependsOn(params, one(run, "aws:s3/bucketPolicy:BucketPolicy", "ingress-alb-logs")));
        const cls = one(run, "kubernetes:networking.k8s.io/v1:IngressClass", "ingress-alb");
        assert.ok(dependsOn(cls, params));
        assert.deepStrictEqual(inputs(cls)["spec"], {
            controller: "ingress.k8s.aws/alb",
            parameters: { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: "alb" },
        });
        assert.deepStrictEqual(inputs(cls)["metadata"], { name: "alb" });
    });
});

describe("ingress: certificate and DNS", () => {
    it("prod: looks the zone up, requests <domain> + *.<domain> and validates them with one DNS record", async () => {
        const run = await planStack("prod");
        const cert = inputs(one(run, "aws:acm/certificate:Certificate", "ingress-cert"));
        assert.strictEqual(cert["domainName"], "apps.example.com");
        assert.deepStrictEqual(cert["subjectAlternativeNames"], ["*.apps.example.com"]);
        assert.strictEqual(cert["validationMethod"], "DNS");
        const records = ofType(run, "aws:route53/record:Record");
        assert.strictEqual(records.length, 1);
        const record = inputs(records[0]);
        assert.match(record["zoneId"] as string, /^Z[0-9A-F]{20}$/);
        assert.match(record["name"] as string, /^_[0-9a-f]{32}\.apps\.example\.com\.$/);
        assert.strictEqual(record["type"], "CNAME");
        assert.strictEqual((record["records"] as string[]).length, 1);
        assert.match((record["records"] as string[])[0], /\.acm-validations\.aws\.$/);
        assert.strictEqual(record["allowOverwrite"], true);
        const validation = one(run, "aws:acm/certificateValidation:CertificateValidation", "ingress-cert");
        assert.deepStrictEqual(inputs(validation)["validationRecordFqdns"], [(record["name"] as string).replace(/\.$/, "")]);
        assert.ok(dependsOn(validation, records[0]));
    });

    it("dev without a domain declares no certificate, record or external-dns", async () => {
        const run = await planStack("dev");
        for (const type of ["aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation", "aws:route53/record:Record"]) {
            assert.strictEqual(ofType(run, type).length, 0, type);
        }
        assert.strictEqual(ofType(run, RELEASE).filter((r) => r.name === "ingress-external-dns").length, 0);
        assert.strictEqual(ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((r) => r.name === "ingress-external-dns").length, 0);
    });

    it("the stack output says why TLS is off in dev, and that it is on in prod", async () => {
        const dev = (await planStack("dev")).outputs as Inputs;
        assert.strictEqual(dev["ingressTls"], "disabled: no platform:ingress.domain set");
        const prod = (await planStack("prod")).outputs as Inputs;
        assert.match(prod["ingressTls"] as string, /^enabled: ACM certificate for apps\.example\.com and \*\.apps\.example\.com/);
        assert.match(prod["ingressCertificateArn"] as string, /^arn:aws:acm:/);
        assert.match(prod["wafAclArn"] as string, /^arn:aws:wafv2:/);
    });
});

describe("ingress: external-dns", () => {
    it("is pinned to chart 1.21.1 from the kubernetes-sigs repository", () => {
        assert.strictEqual(charts.externalDns.version, "1.21.1");
        assert.strictEqual(charts.externalDns.repo, "https://kubernetes-sigs.github.io/external-dns/");
    });

    it("prod: upsert-only, one zone, owner id per stack", async () => {
        const run = await planStack("prod");
        const release = one(run, RELEASE, "ingress-external-dns");
        assert.strictEqual(inputs(release)["chart"], "external-dns");
        assert.strictEqual(inputs(release)["version"], "1.21.1");
        assert.strictEqual(inputs(release)["namespace"], "kube-system");
        const v = values(release);
        const zoneId = inputs(one(run, "aws:route53/record:Record"))["zoneId"] as string;
        assert.deepStrictEqual(v["provider"], { name: "aws" });
        assert.strictEqual(v["policy"], "upsert-only");
        assert.strictEqual(v["registry"], "txt");
        assert.strictEqual(v["txtOwnerId"], "platform-prod");
        assert.deepStrictEqual(v["domainFilters"], ["apps.example.com"]);
        assert.deepStrictEqual(v["sources"], ["ingress", "service"]);
        assert.deepStrictEqual(v["extraArgs"], [`--zone-id-filter=/hostedzone/${zoneId}`, "--aws-zone-type=public"]);
        assert.deepStrictEqual(v["serviceAccount"], { create: true, name: "external-dns" });
        assert.deepStrictEqual(v["tolerations"], [SYSTEM_TOLERATION]);
        assert.ok(dependsOn(release, one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "ingress-external-dns")));
        assert.ok(dependsOn(release, one(run, "aws:eks/nodeGroup:NodeGroup")));
    });

    it("dev with a domain: sync, with its own owner id", async () => {
        const run = await planStack("dev", { "platform:ingress": { domain: "dev.example.com" } });
        const v = values(one(run, RELEASE, "ingress-external-dns"));
        assert.strictEqual(v["policy"], "sync");
        assert.strictEqual(v["txtOwnerId"], "platform-dev");
        assert.deepStrictEqual(v["domainFilters"], ["dev.example.com"]);
    });
});

describe("ingress: WAF", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: a regional web ACL with the rate limit and the two AWS baseline rule groups`, async () => {
            const run = await planStack(stack);
            const acl = inputs(one(run, "aws:wafv2/webAcl:WebAcl", "ingress-waf"));
            assert.strictEqual(acl["scope"], "REGIONAL");
            assert.deepStrictEqual(acl["defaultAction"], { allow: {} });
            assert.deepStrictEqual(acl["visibilityConfig"], { cloudwatchMetricsEnabled: true, metricName: `platform-${stack}-ingress`, sampledRequestsEnabled: true });
            const rules = acl["rules"] as Inputs[];
            assert.deepStrictEqual(
                rules.map((r) => [r["priority"], r["name"]]),
                [
                    [0, "rate-limit-per-ip"],
                    [1, "AWSManagedRulesCommonRuleSet"],
                    [2, "AWSManagedRulesKnownBadInputsRuleSet"],
                ],
            );
            assert.deepStrictEqual(rules[0]["action"], { block: {} });
            assert.deepStrictEqual(rules[0]["statement"], { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } });
            for (const r of rules.slice(1)) {
                assert.deepStrictEqual(r["overrideAction"], { none: {} });
                assert.ok(!("action" in r));
                assert.deepStrictEqual(r["statement"], { managedRuleGroupStatement: { vendorName: "AWS", name: r["name"] } });
            }
            for (const r of rules) {
                assert.deepStrictEqual(r["visibilityConfig"], { cloudwatchMetricsEnabled: true, metricName: r["name"], sampledRequestsEnabled: true });
            }
        });
    }

    it("takes the rate limit from config", async () => {
        const run = await planStack("dev", { "platform:ingress": { wafRateLimit: 10 } });
        const rules = inputs(one(run, "aws:wafv2/webAcl:WebAcl", "ingress-waf"))["rules"] as Inputs[];
        assert.strictEqual((rules[0]["statement"] as { rateBasedStatement: { limit: number } }).rateBasedStatement.limit, 10);
    });
});

describe("ingress: access-log bucket", () => {
    for (const [stack, protect] of [["dev", false], ["prod", true]] as const) {
        it(`${stack}: SSE-S3, no public access, owner-enforced, 30-day expiry, protect=${protect}`, async () => {
            const run = await planStack(stack);
            const bucket = one(run, "aws:s3/bucket:Bucket", "ingress-alb-logs");
            assert.strictEqual(bucket.protect, protect);
            assert.strictEqual(inputs(bucket)["forceDestroy"], false);
            assert.strictEqual(inputs(bucket)["bucket"], `platform-${stack}-alb-logs-123456789012-eu-west-1`);
            assert.deepStrictEqual(
                inputs(one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "ingress-alb-logs"))["rules"],
                [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            );
            const pab = inputs(one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "ingress-alb-logs"));
            for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.strictEqual(pab[k], true, k);
            assert.deepStrictEqual(inputs(one(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "ingress-alb-logs"))["rule"], {
                objectOwnership: "BucketOwnerEnforced",
            });
            const lifecycle = inputs(one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "ingress-alb-logs"));
            const rules = lifecycle["rules"] as Inputs[];
            assert.strictEqual(rules.length, 1);
            assert.strictEqual(rules[0]["status"], "Enabled");
            assert.deepStrictEqual(rules[0]["expiration"], { days: 30 });
            assert.deepStrictEqual(rules[0]["filter"], {});
            // Logs are write-once: no versioning resource.
            assert.strictEqual(ofType(run, "aws:s3/bucketVersioning:BucketVersioning").filter((r) => r.name.startsWith("ingress")).length, 0);
        });
    }

    it("the bucket policy lets the ELB log-delivery service write under alb/AWSLogs/<account>/ and denies plain HTTP", async () => {
        const run = await planStack("prod");
        const policy = JSON.parse(inputs(one(run, "aws:s3/bucketPolicy:BucketPolicy", "ingress-alb-logs"))["policy"] as string) as {
            Statement: { Sid: string; Effect: string; Principal: unknown; Resource: unknown; Condition?: unknown }[];
        };
        const bucket = "platform-prod-alb-logs-123456789012-eu-west-1";
        assert.deepStrictEqual(
            policy.Statement.map((s) => [s.Sid, s.Effect, s.Principal, s.Resource]),
            [
                ["AllowElbLogDelivery", "Allow", { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, `arn:aws:s3:::${bucket}/alb/AWSLogs/123456789012/*`],
                ["DenyInsecureTransport", "Deny", "*", [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]],
            ],
        );
    });

    it("takes the retention from config", async () => {
        const run = await planStack("dev", { "platform:ingress": { accessLogRetentionDays: 7 } });
        const rules = inputs(one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "ingress-alb-logs"))["rules"] as Inputs[];
        assert.deepStrictEqual(rules[0]["expiration"], { days: 7 });
    });
});
