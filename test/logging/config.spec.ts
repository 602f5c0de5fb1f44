// platform:logging: defaults per environment and every error path, through the real loader.
import * as assert from "assert";
import { PlatformConfig, parsePlatformConfig } from "../../infra/config";
import { prometheusReplicaUrl } from "../../infra/logging/config";

function parse(environment: "dev" | "prod", logging?: unknown): PlatformConfig {
    const text: Record<string, string> = { environment };
    if (environment === "prod") text["ingress"] = JSON.stringify({ domain: "apps.example.com" });
    if (logging !== undefined) text["logging"] = JSON.stringify(logging);
    return parsePlatformConfig({
        source: { get: (k) => text[k], isSecret: () => false, keys: () => Object.keys(text) },
        project: "platform",
        stack: environment,
        region: "eu-west-1",
    });
}

function problem(environment: "dev" | "prod", logging: unknown): string {
    try {
        parse(environment, logging);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected a config error");
}

describe("logging config", () => {
    it("dev: single-replica Monolithic Loki with 7 days of retention, Tempo 3 days, one collector", () => {
        const l = parse("dev").logging;
        assert.strictEqual(l.loki.deploymentMode, "Monolithic");
        assert.strictEqual(l.loki.replicas, 1);
        assert.strictEqual(l.loki.retentionDays, 7);
        assert.strictEqual(l.loki.tenant, "platform");
        assert.strictEqual(l.tempo.retentionDays, 3);
        assert.strictEqual(l.collector.replicas, 1);
        assert.deepStrictEqual(l.prometheusUrls, ["http://prometheus-kps-prometheus-0.prometheus-operated.monitoring.svc:9090"]);
    });

    it("prod: Distributed Loki with 3 ingesters and 30 days, Tempo 14 days, two collectors, caches below the chart's 8 GiB", () => {
        const l = parse("prod").logging;
        assert.strictEqual(l.loki.deploymentMode, "Distributed");
        assert.strictEqual(l.loki.replicas, 3);
        assert.strictEqual(l.loki.retentionDays, 30);
        assert.strictEqual(l.tempo.retentionDays, 14);
        assert.strictEqual(l.collector.replicas, 2);
        assert.ok(l.loki.chunksCacheMiB < 8192, `chunks cache ${l.loki.chunksCacheMiB} MiB`);
        // Every Prometheus replica gets every sample.
        assert.deepStrictEqual(l.prometheusUrls, [0, 1].map((i) => `http://prometheus-kps-prometheus-${i}.prometheus-operated.monitoring.svc:9090`));
    });

    it("a partial override keeps the other defaults", () => {
        const l = parse("prod", { loki: { retentionDays: 90 } }).logging;
        assert.strictEqual(l.loki.retentionDays, 90);
        assert.strictEqual(l.loki.deploymentMode, "Distributed");
        assert.strictEqual(l.tempo.retentionDays, 14);
    });

    it("Distributed needs at least 3 ingesters", () => {
        assert.match(
            problem("dev", { loki: { deploymentMode: "Distributed", replicas: 1 } }),
            /platform:logging\.loki\.replicas: expected at least 3 ingesters in Distributed mode .*found 1/,
        );
        assert.strictEqual(parse("dev", { loki: { deploymentMode: "Distributed", replicas: 3 } }).logging.loki.replicas, 3);
    });

    it("two replicas (a replication factor that tolerates no loss) are refused", () => {
        assert.match(problem("dev", { loki: { replicas: 2 } }), /platform:logging\.loki\.replicas: expected 1 or at least 3 .*found 2/);
        assert.strictEqual(parse("dev", { loki: { replicas: 3 } }).logging.loki.replicas, 3);
    });

    it("prod needs two collector replicas", () => {
        assert.match(problem("prod", { collector: { replicas: 1 } }), /platform:logging\.collector\.replicas: expected at least 2 in prod .*found 1/);
    });

    it("a memory limit below the request names the key", () => {
        assert.match(
            problem("dev", { alloy: { resources: { cpu: "50m", memory: "512Mi", memoryLimit: "256Mi" } } }),
            /platform:logging\.alloy\.resources\.memoryLimit: expected at least the memory request \(512Mi\), found 256Mi/,
        );
    });

    it("rejects an unknown deployment mode, a bad tenant id, a misspelt key and a Prometheus URL with a path", () => {
        const msg = problem("dev", {
            loki: { deploymentMode: "SimpleScalable", tenant: "Platform Team", retentionDays: 0 },
            tempo: { retentoinDays: 3 },
            prometheusUrls: ["http://prometheus:9090/api/v1/write"],
        });
        assert.match(msg, /platform:logging\.loki\.deploymentMode: expected one of "Monolithic"\|"Distributed", found "SimpleScalable"/);
        assert.match(msg, /platform:logging\.loki\.tenant: expected a tenant id .*found "Platform Team"/);
        assert.match(msg, /platform:logging\.loki\.retentionDays: expected at least 1 day, found 0/);
        assert.match(msg, /platform:logging\.tempo\.retentoinDays: not a known setting/);
        assert.match(msg, /platform:logging\.prometheusUrls\[0\]: expected a Prometheus base URL without a path/);
    });

    it("refuses the same Prometheus twice and a burst below the rate", () => {
        const msg = problem("dev", { prometheusUrls: [prometheusReplicaUrl(0), prometheusReplicaUrl(0)], loki: { ingestionRateMB: 20, ingestionBurstSizeMB: 10 } });
        assert.match(msg, /platform:logging\.prometheusUrls: expected each Prometheus replica once/);
        assert.match(msg, /platform:logging\.loki\.ingestionBurstSizeMB: expected at least ingestionRateMB \(20\), found 10/);
    });
});
