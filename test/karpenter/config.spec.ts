// platform:karpenter: per-environment defaults, stack overrides, and a clear message for every bad value.
import { strict as assert } from "assert";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { KarpenterSettings } from "../../infra/karpenter/config";
import { inputs, one, planStack, rejection } from "../helpers";

/** Every problem line of a config rejection. */
async function problems(stack: "dev" | "prod", karpenter: Record<string, unknown>): Promise<string> {
    return rejection(planStack(stack, { "platform:karpenter": karpenter }));
}

describe("karpenter: config (platform:karpenter)", () => {
    it("prod defaults are larger and stricter than dev", () => {
        const dev = ENVIRONMENT_DEFAULTS.dev["karpenter"] as KarpenterSettings;
        const prod = ENVIRONMENT_DEFAULTS.prod["karpenter"] as KarpenterSettings;
        assert.ok(Number(prod.limits.cpu) > Number(dev.limits.cpu));
        assert.ok(prod.budgetPercent < dev.budgetPercent);
        assert.equal(prod.budgetPercent, 10);
        assert.match(prod.amiAlias, /^al2023@v\d{8}$/);
        assert.equal(dev.createSpotServiceLinkedRole, false);
        assert.equal(prod.createSpotServiceLinkedRole, false);
    });

    it("merges a partial stack value over the environment's defaults", async () => {
        const run = await planStack("dev", { "platform:karpenter": { limits: { cpu: "8" } } });
        const spec = inputs(one(run, "kubernetes:karpenter.sh/v1:NodePool", "karpenter-node-pool"))["spec"] as { limits: Record<string, string>; disruption: { budgets: { nodes: string }[] } };
        assert.deepEqual(spec.limits, { cpu: "8", memory: "256Gi" });
        assert.equal(spec.disruption.budgets[0].nodes, "20%");
    });

    it("rejects limits that are not quantities", async () => {
        const message = await problems("dev", { limits: { cpu: "lots", memory: "1 TB" } });
        assert.match(message, /platform:karpenter\.limits\.cpu: expected a Kubernetes quantity like 64, 500m, 256Gi or 1Ti, found "lots"/);
        assert.match(message, /platform:karpenter\.limits\.memory: expected a Kubernetes quantity .*, found "1 TB"/);
    });

    it("rejects a budget percentage over 100", async () => {
        assert.match(await problems("prod", { budgetPercent: 150 }), /platform:karpenter\.budgetPercent: expected a percentage from 0 to 100, found 150/);
    });

    it("rejects an unknown capacity type", async () => {
        assert.match(
            await problems("dev", { capacityTypes: ["spot", "preemptible"] }),
            /platform:karpenter\.capacityTypes\[1\]: expected one of spot, on-demand, found "preemptible"/,
        );
        assert.match(await problems("dev", { capacityTypes: [] }), /platform:karpenter\.capacityTypes: expected at least one capacity type, found \[\]/);
        assert.match(await problems("dev", { capacityTypes: ["spot", "spot"] }), /platform:karpenter\.capacityTypes: expected each capacity type once/);
    });

    it("rejects durations Karpenter's CRD would reject", async () => {
        const message = await problems("dev", { consolidateAfter: "1d", expireAfter: "30 days", businessHours: { schedule: "weekdays", duration: "30s" } });
        assert.match(message, /platform:karpenter\.consolidateAfter: expected a duration in s\/m\/h like 30s, 5m, 720h, or "Never", found "1d"/);
        assert.match(message, /platform:karpenter\.expireAfter: expected .*, found "30 days"/);
        assert.match(message, /platform:karpenter\.businessHours\.schedule: expected a cron schedule .*, found "weekdays"/);
        assert.match(message, /platform:karpenter\.businessHours\.duration: expected a duration in hours and\/or minutes .*, found "30s"/);
    });

    it("rejects AMI aliases that are not AL2023, and an unpinned AMI in prod", async () => {
        assert.match(await problems("dev", { amiAlias: "ubuntu@v1" }), /platform:karpenter\.amiAlias: expected al2023@latest or a pinned release like al2023@v20260714, found "ubuntu@v1"/);
        assert.match(await problems("prod", { amiAlias: "al2023@latest" }), /platform:karpenter\.amiAlias: expected a pinned AMI release in prod/);
    });

    it("rejects out-of-range sizes, generations, volumes and a non-boolean toggle", async () => {
        const message = await problems("dev", { maxInstanceCpu: 1, minInstanceGeneration: 0, rootVolumeGiB: 5000, budgetPercent: 12.5, createSpotServiceLinkedRole: "yes" });
        assert.match(message, /platform:karpenter\.maxInstanceCpu: expected at least 2 vCPUs, found 1/);
        assert.match(message, /platform:karpenter\.minInstanceGeneration: expected an EC2 generation from 1 to 10, found 0/);
        assert.match(message, /platform:karpenter\.rootVolumeGiB: expected 20 to 1000 GiB, found 5000/);
        assert.match(message, /platform:karpenter\.budgetPercent: expected a whole percentage, found 12\.5/);
        assert.match(message, /platform:karpenter\.createSpotServiceLinkedRole: .*found "yes"/);
        assert.match(await problems("prod", { budgetPercent: -1 }), /platform:karpenter\.budgetPercent: expected a percentage from 0 to 100, found -1/);
        assert.match(await problems("prod", { maxInstanceCpu: 500 }), /platform:karpenter\.maxInstanceCpu: expected at most 192 vCPUs, found 500/);
    });

    it("rejects a platform:karpenter that is not an object", async () => {
        assert.match(await rejection(planStack("dev", { "platform:karpenter": "big" })), /platform:karpenter: .*found "big"/);
    });

    it("names misspelt keys", async () => {
        assert.match(await problems("dev", { budgetPercentage: 10 }), /platform:karpenter\.budgetPercentage: not a known setting/);
        assert.match(await problems("dev", { limits: { cpu: "8", gpu: "1" } }), /platform:karpenter\.limits\.gpu: not a known setting/);
    });
});
