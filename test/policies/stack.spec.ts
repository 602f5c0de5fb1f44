// Stack policies: stateful protection, disruption budgets, HPA targets' cpu requests.
import { strict as assert } from "assert";
import { selectorMatches } from "../../policies/stack";
import { DEPLOYMENT, WORKLOAD_KINDS, check, goodContainer, goodPodSpec, hpa, of, pdb, resource, workloadResource } from "./helpers";

const ROLLOUT = WORKLOAD_KINDS.find((k) => k.kind === "Rollout")!;

describe("policies: stack rules", () => {
    describe("stateful-resources-protected", () => {
        const TAGS = { "platform:stack": "prod", "platform:environment": "prod", "cost-center": "platform" };
        it("protect or an RDS deletionProtection input satisfies it; otherwise each stateful type fails", async () => {
            const ok = await check([
                resource("aws:kms/key:Key", "k", { enableKeyRotation: true, tags: TAGS }, { protect: true }),
                resource("aws:rds/instance:Instance", "db", { instanceClass: "db.m7g.large", storageEncrypted: true, backupRetentionPeriod: 7, multiAz: true, deletionProtection: true, tags: TAGS }),
            ]);
            assert.deepEqual(ok, []);
            const types = ["aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:backup/vault:Vault"];
            const vs = of(await check(types.map((t, i) => resource(t, `r${i}`, { tags: TAGS }))), "stateful-resources-protected");
            assert.equal(vs.length, 5);
            assert.match(vs[0].message, /set deletionProtection: true or the protect resource option/);
        });
        it("dev config disables it", async () => {
            const vs = await check([resource("aws:backup/vault:Vault", "v", { tags: {} })], { "stateful-resources-protected": "disabled" });
            assert.equal(of(vs, "stateful-resources-protected").length, 0);
        });
    });

    describe("pdb-required", () => {
        it("selectors: matchLabels subset and every matchExpressions operator", () => {
            const labels = { app: "web", tier: "frontend" };
            assert.ok(selectorMatches({ matchLabels: { app: "web" } }, labels));
            assert.ok(!selectorMatches({ matchLabels: { app: "api" } }, labels));
            assert.ok(selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["frontend", "edge"] }, { key: "canary", operator: "DoesNotExist" }] }, labels));
            assert.ok(!selectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["frontend"] }] }, labels));
            assert.ok(!selectorMatches({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels));
            assert.ok(selectorMatches({}, labels));
            assert.ok(!selectorMatches(undefined, labels));
        });
        for (const k of [DEPLOYMENT, ROLLOUT]) {
            it(`${k.kind}: replicated without a matching PDB in its namespace fails`, async () => {
                const w = workloadResource(k, goodPodSpec(), { replicas: 3 });
                assert.deepEqual(of(await check([w, pdb("app")]), "pdb-required"), []);
                assert.match(of(await check([w]), "pdb-required")[0].message, new RegExp(`${k.kind} "app" \\(namespace apps\\) is replicated`));
                assert.equal(of(await check([w, pdb("app", "other")]), "pdb-required").length, 1);
                assert.equal(of(await check([w, pdb("app", "apps", { matchLabels: { app: "other" } })]), "pdb-required").length, 1);
            });
        }
        it("a single replica needs no PDB, unless an HPA scales it", async () => {
            const w = workloadResource(DEPLOYMENT, goodPodSpec(), { replicas: 1 });
            assert.equal(of(await check([w]), "pdb-required").length, 0);
            assert.equal(of(await check([w, hpa("app", { kind: "Deployment", name: "app" }, 2)]), "pdb-required").length, 1);
        });
    });

    describe("hpa-target-cpu-requests", () => {
        it("every container of an HPA target requests cpu", async () => {
            const noCpu = goodPodSpec({ containers: [goodContainer("app"), goodContainer("sidecar", { resources: { requests: { memory: "64Mi" }, limits: { memory: "64Mi" } } })] });
            const vs = await check([workloadResource(DEPLOYMENT, noCpu), pdb("app"), hpa("app", { kind: "Deployment", name: "app" }, 2)]);
            assert.match(of(vs, "hpa-target-cpu-requests")[0].message, /scaled by HPA "app" but containers "sidecar" have no cpu request/);
            const sidecar = goodPodSpec({ initContainers: [goodContainer("proxy", { restartPolicy: "Always", resources: { requests: { memory: "64Mi" }, limits: { memory: "64Mi" } } }), goodContainer("migrate", { resources: { requests: { memory: "64Mi" }, limits: { memory: "64Mi" } } })] });
            const sv = await check([workloadResource(DEPLOYMENT, sidecar), pdb("app"), hpa("app", { kind: "Deployment", name: "app" }, 2)]);
            assert.match(of(sv, "hpa-target-cpu-requests")[0].message, /containers "proxy" have no cpu request/);
            const untargeted = await check([workloadResource(DEPLOYMENT, noCpu), pdb("app")]);
            assert.equal(of(untargeted, "hpa-target-cpu-requests").length, 0);
        });
    });
});
