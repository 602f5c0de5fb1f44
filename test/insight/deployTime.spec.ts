import { strict as assert } from "assert";
import { CycleError, GraphNode, schedule } from "../../tools/insight/graph";
import { creationMinutes, estimateDeployTime } from "../../tools/insight/deployTime";
import { PlanResource } from "../../tools/insight/model";

const n = (id: string, minutes: number, after: string[] = []): GraphNode => ({ id, minutes, after });

describe("insight: critical path on hand-made graphs", () => {
    it("a chain adds up", () => {
        const s = schedule([n("a", 2), n("b", 3, ["a"]), n("c", 1, ["b"])]);
        assert.equal(s.total, 6);
        assert.deepEqual(s.criticalPath, ["a", "b", "c"]);
        assert.equal(s.start.get("c"), 5);
    });

    it("parallel branches: the longer one bounds the join", () => {
        const s = schedule([n("a", 1), n("slow", 5, ["a"]), n("fast", 2, ["a"]), n("join", 1, ["slow", "fast"])]);
        assert.equal(s.total, 7);
        assert.deepEqual(s.criticalPath, ["a", "slow", "join"]);
        assert.equal(s.finish.get("fast"), 3);
        assert.equal(s.start.get("join"), 6);
    });

    it("independent chains run side by side; serializing them shows up in the total", () => {
        const parallel = schedule([n("db", 18), n("cluster", 12), n("nodes", 4, ["cluster"])]);
        assert.equal(parallel.total, 18);
        assert.deepEqual(parallel.criticalPath, ["db"]);
        const serialized = schedule([n("db", 18), n("cluster", 12, ["db"]), n("nodes", 4, ["cluster"])]);
        assert.equal(serialized.total, 34);
        assert.deepEqual(serialized.criticalPath, ["db", "cluster", "nodes"]);
    });

    it("is deterministic on ties and ignores ids outside the graph", () => {
        const s = schedule([n("b", 2), n("a", 2), n("c", 1, ["b", "a", "urn:pulumi:x::y::pulumi:pulumi:Stack::s"])]);
        assert.deepEqual(s.criticalPath, ["a", "c"]);
        assert.equal(s.total, 3);
    });

    it("refuses a cycle and names it", () => {
        assert.throws(
            () => schedule([n("a", 1, ["c"]), n("b", 1, ["a"]), n("c", 1, ["b"]), n("d", 1)]),
            (e: unknown) => e instanceof CycleError && /cycle: a -> c -> b -> a/.test(e.message) && e.cycle.length === 4,
        );
        assert.throws(() => schedule([n("self", 1, ["x"]), n("x", 1, ["self"])]), CycleError);
    });

    it("handles deep chains without recursion limits", () => {
        const chain = Array.from({ length: 12000 }, (_, i) => n(`r${String(i).padStart(5, "0")}`, 0.01, i ? [`r${String(i - 1).padStart(5, "0")}`] : []));
        const s = schedule(chain);
        assert.equal(s.criticalPath.length, 12000);
        assert.ok(Math.abs(s.total - 120) < 1e-6);
    });
});

const P = "urn:pulumi:prod::platform::";
function res(type: string, name: string, inputs: Record<string, unknown> = {}, extra: Partial<PlanResource> = {}): PlanResource {
    return { urn: `${P}${type}::${name}`, type, name, parent: null, custom: true, dependencies: [], inputs, ...extra };
}

describe("insight: deploy time of resources", () => {
    it("weights by type: components register at once, Multi-AZ RDS is slower, Helm waits are capped by the timeout", () => {
        assert.equal(creationMinutes(res("platform:data:Database", "db", {}, { custom: false })), 0);
        assert.equal(creationMinutes(res("aws:rds/instance:Instance", "a", { multiAz: true })), 18);
        assert.equal(creationMinutes(res("aws:rds/instance:Instance", "b", { multiAz: false })), 12);
        assert.equal(creationMinutes(res("kubernetes:helm.sh/v3:Release", "h", { timeout: 60 })), 1);
        assert.equal(creationMinutes(res("kubernetes:helm.sh/v3:Release", "h", { timeout: 600 })), 2);
        assert.equal(creationMinutes(res("kubernetes:helm.sh/v3:Release", "h", { skipAwait: true })), 0.5);
        assert.equal(creationMinutes(res("kubernetes:networking.k8s.io/v1:Ingress", "i", { metadata: { annotations: { "pulumi.com/skipAwait": "true" } } })), 0.1);
        assert.equal(creationMinutes(res("eks:index:Cluster", "c", {}, { custom: false })), 12);
    });

    it("a child waits for its custom parent and its dependencies; the chain is named", () => {
        const vpc = res("aws:ec2/vpc:Vpc", "vpc");
        const nat = res("aws:ec2/natGateway:NatGateway", "nat", {}, { dependencies: [vpc.urn] });
        const comp = res("platform:data:Database", "data", {}, { custom: false, dependencies: [nat.urn] });
        const db = res("aws:rds/instance:Instance", "db", { multiAz: true }, { parent: comp.urn });
        const key = res("aws:kms/key:Key", "key");
        const e = estimateDeployTime([vpc, nat, comp, db, key]);
        assert.equal(e.json.criticalPathMinutes, 0.3 + 2 + 18);
        assert.deepEqual(e.json.criticalPath, [vpc.urn, nat.urn, comp.urn, db.urn]);
        assert.ok(e.json.assumptions.some((a) => /unlimited parallelism/.test(a)));
    });
});
