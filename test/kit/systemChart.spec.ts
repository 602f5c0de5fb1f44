// SystemChart: a controller never starts before its identity's role, permissions and association exist, and
// waits for its pool and the pod identity agent.
import * as assert from "assert";
import { RecordedResource } from "../../tools/offline/recorder";
import { inputs, ofType, one, planStack } from "../helpers";

function release(run: Awaited<ReturnType<typeof planStack>>, releaseName: string): RecordedResource {
    const matches = ofType(run, "kubernetes:helm.sh/v3:Release").filter((r) => inputs(r)["name"] === releaseName);
    assert.strictEqual(matches.length, 1, `one release ${releaseName}`);
    return matches[0];
}

describe("kit: systemChart", () => {
    const cases = [
        { release: "karpenter", identity: "karpenter-controller" },
        { release: "aws-load-balancer-controller", identity: "ingress-lbc" },
        { release: "external-dns", identity: "ingress-external-dns" },
    ];
    for (const c of cases) {
        it(`prod: ${c.release} waits for the node group, the pod identity agent, its role, its role policy and its association`, async () => {
            const run = await planStack("prod");
            const r = release(run, c.release);
            const deps = new Set(r.dependencies);
            const must = [
                one(run, "aws:eks/nodeGroup:NodeGroup"),
                one(run, "aws:eks/addon:Addon", "cluster-eks-pod-identity-agent"),
                one(run, "aws:iam/role:Role", c.identity),
                one(run, "aws:iam/rolePolicy:RolePolicy", c.identity),
                one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", c.identity),
            ];
            for (const m of must) assert.ok(deps.has(m.urn), `${c.release} does not wait for ${m.type} ${m.name}`);
        });
    }

    it("the platform NodePool is on-demand, tainted and labelled as the platform placement expects", async () => {
        const run = await planStack("prod");
        const pool = ofType(run, "kubernetes:karpenter.sh/v1:NodePool").find((r) => (inputs(r)["metadata"] as { name: string }).name === "platform");
        assert.ok(pool);
        const spec = inputs(pool)["spec"] as {
            template: { metadata: { labels: Record<string, string> }; spec: { taints: unknown[]; requirements: { key: string; values: string[] }[] } };
            disruption: { consolidationPolicy: string };
            limits: { cpu: string; memory: string };
        };
        assert.deepStrictEqual(spec.template.metadata.labels, { "platform.io/node-pool": "platform" });
        assert.deepStrictEqual(spec.template.spec.taints, [{ key: "platform.io/pool", value: "platform", effect: "NoSchedule" }]);
        assert.deepStrictEqual(spec.template.spec.requirements.find((q) => q.key === "karpenter.sh/capacity-type")?.values, ["on-demand"]);
        assert.strictEqual(spec.disruption.consolidationPolicy, "WhenEmpty");
        assert.deepStrictEqual(spec.limits, { cpu: "96", memory: "384Gi" });
    });
});
