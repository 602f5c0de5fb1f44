import * as assert from "assert";
import { ConfigError } from "../../infra/lib/configSchema";
import { parsePlatformConfig } from "../../infra/config";
import { QuotesSettings } from "../../infra/workloads/config";
import { fakeSource, withRequired } from "../configSource";

function load(env: "dev" | "prod", values: Record<string, unknown> = {}): QuotesSettings {
    return parsePlatformConfig({ source: fakeSource(withRequired({ environment: env, ...values })), project: "platform", stack: env, region: "eu-west-1" }).quotes;
}

function problems(env: "dev" | "prod", values: Record<string, unknown>): string[] {
    try {
        load(env, values);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
    throw new Error("expected the config to be rejected");
}

describe("workloads: config (platform:quotes)", () => {
    it("defaults per stack: dev 2 fixed replicas, prod HPA 3-12, both on a pinned tag", () => {
        assert.deepStrictEqual(load("dev"), {
            imageTag: "1.29.5-alpine",
            replicas: 2,
            autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 4 },
            resources: { cpu: "50m", memory: "64Mi", memoryLimit: "128Mi" },
            delivery: "deployment",
        });
        const prod = load("prod");
        // A Deployment until the service's owners opt in (dev's stack file does: Pulumi.dev.yaml, delivery: canary).
        assert.strictEqual(prod.delivery, "deployment");
        assert.deepStrictEqual(prod.autoscaling, { enabled: true, minReplicas: 3, maxReplicas: 12 });
        assert.strictEqual(prod.replicas, 3);
        assert.deepStrictEqual(prod.resources, { cpu: "100m", memory: "128Mi", memoryLimit: "128Mi" });
    });

    it("merges a partial override key by key", () => {
        assert.strictEqual(load("prod", { quotes: { resources: { memory: "256Mi", memoryLimit: "512Mi" } } }).resources.cpu, "100m");
    });

    it("rejects the latest tag", () => {
        assert.deepStrictEqual(problems("dev", { quotes: { imageTag: "latest" } }), ['platform:quotes.imageTag: expected a pinned tag, not latest, found "latest"']);
    });

    it("rejects replicas 0", () => {
        assert.deepStrictEqual(problems("dev", { quotes: { replicas: 0 } }), ["platform:quotes.replicas: expected at least 1, found 0"]);
    });

    it("rejects a single fixed replica in prod", () => {
        assert.deepStrictEqual(problems("prod", { quotes: { replicas: 1, autoscaling: { enabled: false } } }), [
            "platform:quotes.replicas: expected at least 2 in prod (3 recommended in prod), found 1",
        ]);
    });

    it("rejects an HPA minimum below 2 in prod and min above max", () => {
        assert.deepStrictEqual(problems("prod", { quotes: { autoscaling: { minReplicas: 1 } } }), ["platform:quotes.autoscaling.minReplicas: expected at least 2 in prod, found 1"]);
        assert.deepStrictEqual(problems("dev", { quotes: { autoscaling: { minReplicas: 5, maxReplicas: 3 } } }), [
            "platform:quotes.autoscaling: expected minReplicas <= maxReplicas, found 5 > 3",
        ]);
    });

    it("rejects a memory limit below the request and a bad quantity", () => {
        assert.deepStrictEqual(problems("dev", { quotes: { resources: { memory: "256Mi", memoryLimit: "128Mi" } } }), [
            "platform:quotes.resources.memoryLimit: expected at least the memory request (256Mi), found 128Mi",
        ]);
        assert.deepStrictEqual(problems("dev", { quotes: { resources: { cpu: "half" } } }), [
            'platform:quotes.resources.cpu: expected a Kubernetes quantity like 500m, 2, 512Mi or 1Ti, found "half"',
        ]);
    });

    it("rejects unknown keys by their full name", () => {
        assert.deepStrictEqual(problems("dev", { quotes: { replica: 2 } }), ["platform:quotes.replica: not a known setting (check the spelling)"]);
    });
});
