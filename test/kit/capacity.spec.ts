// Will it schedule? The capacity ledger, the allocatable table and the system-node check, and the report the
// Platform gives for both stacks.
import * as assert from "assert";
import { CapacityLedger, NODE_DAEMONSETS, allocatable, checkSystemCapacity, cpuMillis, memoryMiB } from "../../infra/lib/capacity";
import { plainValue } from "../../tools/offline/recorder";
import { planStack } from "../helpers";

describe("kit: capacity", () => {
    it("reads Kubernetes quantities and refuses what is not one", () => {
        assert.strictEqual(cpuMillis("250m"), 250);
        assert.strictEqual(cpuMillis("1.5"), 1500);
        assert.strictEqual(memoryMiB("1Gi"), 1024);
        assert.strictEqual(memoryMiB("512Mi"), 512);
        assert.strictEqual(Math.round(memoryMiB("1G")), 954);
        assert.throws(() => cpuMillis("lots"), /expected a CPU quantity like 250m or 1, found "lots"/);
        assert.throws(() => memoryMiB("1GB"), /expected a memory quantity/);
    });

    it("computes allocatable as the node does: kube-reserved CPU and memory, eviction threshold, VM overhead", () => {
        // m7i.large: 2000m - (60m + 10m); 8192Mi x 0.925 - (11 x 29 + 255) - 100.
        assert.deepStrictEqual(allocatable("m7i.large"), { cpuMillis: 1930, memoryMiB: 6903, maxPods: 29 });
        assert.deepStrictEqual(allocatable("m7i.xlarge"), { cpuMillis: 3920, memoryMiB: 14162, maxPods: 58 });
        assert.strictEqual(allocatable("x9.huge"), undefined);
    });

    it("the ledger sums replicas x requests per pool and keeps DaemonSets per node", () => {
        const l = new CapacityLedger();
        l.add("system", [{ component: "a", replicas: 2, cpu: "100m", memory: "128Mi", memoryLimit: "256Mi" }]);
        l.add("platform", [{ component: "b", replicas: 3, cpu: "1", memory: "2Gi", memoryLimit: "2Gi" }]);
        l.add("platform", [{ component: "ds", replicas: 1, cpu: "50m", memory: "64Mi", memoryLimit: "128Mi", perNode: true }]);
        const [platform, system] = l.summary();
        assert.deepStrictEqual(system, { pool: "system", pods: 2, cpuMillis: 200, memoryMiB: 256, perNodeCpuMillis: 0, perNodeMemoryMiB: 0, components: ["a"] });
        assert.deepStrictEqual(platform, { pool: "platform", pods: 3, cpuMillis: 3000, memoryMiB: 6144, perNodeCpuMillis: 50, perNodeMemoryMiB: 64, components: ["b", "ds"] });
        assert.throws(() => l.add("system", [{ component: "bad", replicas: 1, cpu: "1", memory: "1Gi", memoryLimit: "512Mi" }]), /bad: memory limit 512Mi is below its request 1Gi/);
    });

    it("fails with the numbers when the system node group at minSize cannot hold what is pinned to it", () => {
        const pinned = [{ component: "big", replicas: 3, cpu: "1", memory: "3Gi", memoryLimit: "3Gi" }];
        const fits = checkSystemCapacity(["m7i.large"], 3, [...pinned, ...NODE_DAEMONSETS]);
        assert.deepStrictEqual(fits.problems, []);
        const tight = checkSystemCapacity(["m7i.large"], 1, [...pinned, ...NODE_DAEMONSETS]);
        assert.strictEqual(tight.problems.length, 2);
        assert.match(tight.problems[0], /^system nodes: pods pinned there request 3000m CPU, but 1 x m7i.large \(after DaemonSets: 1750m CPU, 6751Mi per node\) offer 1750m; raise platform:systemNodes.minSize/);
        assert.match(tight.problems[1], /request 9216Mi memory/);
        const huge = checkSystemCapacity(["m7i.large"], 3, [{ component: "whale", replicas: 1, cpu: "2", memory: "1Gi", memoryLimit: "1Gi" }]);
        assert.match(huge.problems.join("\n"), /one whale pod requests 2 CPU \/ 1Gi, more than one m7i.large offers/);
        // The smallest configured type is the one the group may get.
        assert.strictEqual(checkSystemCapacity(["m7i.xlarge", "m7i.large"], 2, []).instanceType, "m7i.large");
    });

    it("says so, rather than passing, when an instance type is not in the table", () => {
        const r = checkSystemCapacity(["x9.huge"], 2, [{ component: "a", replicas: 1, cpu: "100m", memory: "64Mi", memoryLimit: "64Mi" }]);
        assert.deepStrictEqual(r.problems, []);
        assert.match(r.notice ?? "", /^system node capacity not verified: x9.huge not in the allocatable table/);
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: every add-on pinned to the system nodes is counted and fits at minSize`, async () => {
            const run = await planStack(stack);
            const platform = run.resources.find((r) => r.type === "platform:index:Platform");
            assert.ok(platform);
            const cap = plainValue(run.componentOutputs.get(platform.urn)?.["capacity"]) as {
                pools: { pool: string; components: string[]; cpuMillis: number }[];
                system: { requestedCpuMillis: number; allocatableCpuMillis: number; requestedMemoryMiB: number; allocatableMemoryMiB: number; notice?: string };
            };
            const system = cap.pools.find((p) => p.pool === "system");
            assert.ok(system);
            for (const c of ["coredns", "ebs-csi-controller", "metrics-server", "karpenter", "aws-load-balancer-controller"]) {
                assert.ok(system.components.includes(c), `${c} is not declared to the capacity ledger`);
            }
            assert.strictEqual(cap.system.notice, undefined);
            assert.ok(cap.system.requestedCpuMillis > 0 && cap.system.requestedCpuMillis <= cap.system.allocatableCpuMillis);
            assert.ok(cap.system.requestedMemoryMiB <= cap.system.allocatableMemoryMiB);
        });
    }
});
