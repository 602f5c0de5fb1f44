// IAM documents of the ingress layer: the controller policy against upstream's iam_policy.json statements
// (transcribed in fixtures/upstream.ts), the external-dns zone scope and the access-log bucket policy.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Statement } from "../../infra/lib/iamDocuments";
import { accessLogBucketPolicy, externalDnsPolicy, loadBalancerControllerPolicy } from "../../infra/ingress/iam";
import { inputs, one, planStack } from "../helpers";
import { UPSTREAM_LBC_POLICY } from "./fixtures/upstream";

type UpstreamStatement = Omit<Statement, "Sid">;

function upstream(): { Version: string; Statement: UpstreamStatement[] } {
    return UPSTREAM_LBC_POLICY;
}

function withoutSid(s: Statement): UpstreamStatement {
    const { Sid: _sid, ...rest } = s;
    return rest;
}

describe("ingress IAM: AWS Load Balancer Controller policy", () => {
    it("has upstream's 16 statements, in order, identical apart from the added Sid", () => {
        const ours = loadBalancerControllerPolicy();
        const theirs = upstream();
        assert.strictEqual(ours.Version, theirs.Version);
        assert.strictEqual(theirs.Statement.length, 16);
        assert.strictEqual(ours.Statement.length, theirs.Statement.length);
        ours.Statement.forEach((s, i) => assert.deepStrictEqual(withoutSid(s), theirs.Statement[i], `statement ${i + 1} (${s.Sid})`));
    });

    it("gives every statement a distinct alphanumeric Sid", () => {
        const sids = loadBalancerControllerPolicy().Statement.map((s) => s.Sid);
        assert.ok(sids.every((sid) => /^[A-Za-z0-9]+$/.test(sid)));
        assert.strictEqual(new Set(sids).size, sids.length);
    });

    it("docs and code describe the comparison the test makes: a cited transcription, no verbatim or checksummed copy", () => {
        const root = path.join(__dirname, "..", "..");
        assert.ok(fs.existsSync(path.join(root, "test/ingress/fixtures/upstream.ts")));
        for (const file of ["docs/ingress.md", "infra/ingress/iam.ts"]) {
            const text = fs.readFileSync(path.join(root, file), "utf8").replace(/\s+/g, " ");
            assert.ok(text.includes("test/ingress/fixtures/upstream.ts"), `${file} names the transcription`);
            assert.ok(!/verbatim copy of the (upstream )?file|sha256-checked/.test(text), `${file} claims a verbatim, checksummed copy`);
        }
    });

    it("does not grant wafv2:ListWebACLs (the ACL is pinned by ARN, not looked up by name)", () => {
        const actions = loadBalancerControllerPolicy().Statement.flatMap((s) => s.Action);
        assert.ok(!actions.includes("wafv2:ListWebACLs"));
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: the controller role carries exactly that policy`, async () => {
            const run = await planStack(stack);
            const policy = inputs(one(run, "aws:iam/rolePolicy:RolePolicy", "ingress-lbc"));
            assert.deepStrictEqual(JSON.parse(policy["policy"] as string), loadBalancerControllerPolicy());
        });
    }
});

describe("ingress IAM: external-dns", () => {
    const zoneArn = "arn:aws:route53:::hostedzone/Z0123456789ABC";

    it("changes records in the one hosted zone only", () => {
        const doc = externalDnsPolicy(zoneArn);
        const change = doc.Statement.filter((s) => ([] as string[]).concat(s.Action).includes("route53:ChangeResourceRecordSets"));
        assert.strictEqual(change.length, 1);
        assert.deepStrictEqual(change[0].Resource, [zoneArn]);
        assert.strictEqual(change[0].Effect, "Allow");
    });

    it("reads records and tags of that zone only, and may list zones", () => {
        assert.deepStrictEqual(
            externalDnsPolicy(zoneArn).Statement.map((s) => ({ Action: s.Action, Resource: s.Resource })),
            [
                {
                    Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
                    Resource: [zoneArn],
                },
                { Action: ["route53:ListHostedZones"], Resource: ["*"] },
            ],
        );
    });

    it("prod: the role policy names the looked-up zone's ARN and no wildcard zone", async () => {
        const run = await planStack("prod");
        const doc = JSON.parse(inputs(one(run, "aws:iam/rolePolicy:RolePolicy", "ingress-external-dns"))["policy"] as string) as {
            Statement: Statement[];
        };
        const resources = doc.Statement.flatMap((s) => ([] as string[]).concat(s.Resource ?? []));
        assert.ok(resources.every((r) => r === "*" || /^arn:aws:route53:::hostedzone\/Z[0-9A-F]+$/.test(r)), resources.join(", "));
        assert.ok(!resources.includes("arn:aws:route53:::hostedzone/*"));
        const wildcardStatements = doc.Statement.filter((s) => ([] as string[]).concat(s.Resource ?? []).includes("*"));
        assert.deepStrictEqual(
            wildcardStatements.flatMap((s) => s.Action),
            ["route53:ListHostedZones"],
        );
    });

    it("prod: the association binds kube-system/external-dns, the name the chart's service account gets", async () => {
        const run = await planStack("prod");
        const assoc = inputs(one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "ingress-external-dns"));
        assert.strictEqual(assoc["namespace"], "kube-system");
        assert.strictEqual(assoc["serviceAccount"], "external-dns");
    });
});

describe("ingress IAM: access-log bucket policy", () => {
    const doc = accessLogBucketPolicy({ partition: "aws", bucketName: "logs-bucket", prefix: "alb", accountId: "123456789012" });

    it("lets only the ELB log-delivery service write, under the prefix and this account", () => {
        const allow = doc.Statement.filter((s) => s.Effect === "Allow");
        assert.deepStrictEqual(allow, [
            {
                Sid: "AllowElbLogDelivery",
                Effect: "Allow",
                Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: "arn:aws:s3:::logs-bucket/alb/AWSLogs/123456789012/*",
            },
        ]);
    });

    it("denies every request without TLS", () => {
        const deny = doc.Statement.filter((s) => s.Effect === "Deny");
        assert.deepStrictEqual(deny, [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: ["arn:aws:s3:::logs-bucket", "arn:aws:s3:::logs-bucket/*"],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
    });
});
