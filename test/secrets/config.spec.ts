// platform:secrets: defaults per environment and every error path, through the real loader.
import * as assert from "assert";
import { PlatformConfig, parsePlatformConfig } from "../../infra/config";
import { fakeSource, withRequired } from "../configSource";

function parse(environment: "dev" | "prod", secrets?: unknown): PlatformConfig {
    const values: Record<string, unknown> = { environment };
    if (secrets !== undefined) values["secrets"] = secrets;
    return parsePlatformConfig({ source: fakeSource(withRequired(values)), project: "platform", stack: environment, region: "eu-west-1" });
}

function problem(environment: "dev" | "prod", secrets: unknown): string {
    try {
        parse(environment, secrets);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected a config error");
}

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("secrets config", () => {
    it("dev: one in-cluster Vault voter, cluster-only UI, single external-secrets pods, 15m refresh", () => {
        const s = parse("dev").secrets;
        assert.strictEqual(s.vault.mode, "inCluster");
        assert.strictEqual(s.vault.replicas, 1);
        assert.strictEqual(s.vault.ui, "clusterOnly");
        assert.deepStrictEqual(s.externalSecrets, { replicas: 1, webhookReplicas: 1, certControllerReplicas: 1 });
        assert.strictEqual(s.refreshInterval, "15m");
        assert.deepStrictEqual([s.vault.recoveryShares, s.vault.recoveryThreshold], [5, 3]);
        assert.deepStrictEqual(s.vaultConsumers, [{ namespace: "quotes", serviceAccount: "quotes" }]);
    });

    it("prod: three Raft voters, internal load balancer for the UI, two of every external-secrets pod, 1h refresh", () => {
        const s = parse("prod").secrets;
        assert.strictEqual(s.vault.replicas, 3);
        assert.strictEqual(s.vault.ui, "internalLoadBalancer");
        assert.deepStrictEqual(s.externalSecrets, { replicas: 2, webhookReplicas: 2, certControllerReplicas: 2 });
        assert.strictEqual(s.refreshInterval, "1h");
        assert.deepStrictEqual(s.vault.resources, { cpu: "500m", memory: "512Mi", memoryLimit: "1Gi" });
    });

    it("a stack file overrides one field and keeps the others", () => {
        const s = parse("prod", { vault: { replicas: 5 } }).secrets;
        assert.strictEqual(s.vault.replicas, 5);
        assert.strictEqual(s.vault.recoveryShares, 5);
    });

    it("prod refuses fewer than 3 or an even number of Raft voters", () => {
        assert.match(problem("prod", { vault: { replicas: 1 } }), /platform:secrets\.vault\.replicas: expected an odd number of at least 3 Raft voters in prod .*found 1/);
        assert.match(problem("prod", { vault: { replicas: 4 } }), /platform:secrets\.vault\.replicas: .*found 4/);
        assert.match(problem("dev", { vault: { replicas: 2 } }), /platform:secrets\.vault\.replicas: expected 1 or an odd number .*found 2/);
        assert.match(problem("dev", { vault: { replicas: 9 } }), /platform:secrets\.vault\.replicas: expected at most 7 Raft voters, found 9/);
    });

    it("the recovery threshold cannot exceed the shares, nor be 1 of several", () => {
        assert.match(problem("dev", { vault: { recoveryShares: 3, recoveryThreshold: 4 } }), /platform:secrets\.vault\.recoveryThreshold: expected at most recoveryShares \(3\), found 4/);
        assert.match(problem("dev", { vault: { recoveryThreshold: 1 } }), /platform:secrets\.vault\.recoveryThreshold: expected at least 2 .*found 1/);
    });

    it("external mode needs the external block, and in-cluster mode refuses one", () => {
        assert.match(problem("dev", { vault: { mode: "external" } }), /platform:secrets\.vault\.external: expected \{ address, caCertPem \} .*found nothing/);
        assert.match(problem("dev", { vault: { external: { address: "https://vault.example.internal:8200", caCertPem: CA } } }), /platform:secrets\.vault\.external: expected no external Vault settings with mode inCluster/);
        const s = parse("dev", { vault: { mode: "external", external: { address: "https://vault.example.internal:8200", caCertPem: CA } } }).secrets;
        assert.strictEqual(s.vault.external?.address, "https://vault.example.internal:8200");
    });

    it("rejects a plain-http external address and a CA that is not a PEM certificate", () => {
        const msg = problem("dev", { vault: { mode: "external", external: { address: "http://vault:8200", caCertPem: "hello" } } });
        assert.match(msg, /platform:secrets\.vault\.external\.address: expected an https:\/\/ address of the external Vault/);
        assert.match(msg, /platform:secrets\.vault\.external\.caCertPem: expected the PEM CA certificate/);
    });

    it("prod needs two of every external-secrets pod", () => {
        const msg = problem("prod", { externalSecrets: { webhookReplicas: 1 } });
        assert.match(msg, /platform:secrets\.externalSecrets\.webhookReplicas: expected at least 2 in prod .*found 1/);
    });

    it("consumers: DNS-label names, each pair once; unknown fields named", () => {
        assert.match(problem("dev", { vaultConsumers: [{ namespace: "Quotes", serviceAccount: "q" }] }), /platform:secrets\.vaultConsumers\[0\]\.namespace: expected a namespace name/);
        assert.match(
            problem("dev", { vaultConsumers: [{ namespace: "a", serviceAccount: "b" }, { namespace: "a", serviceAccount: "b" }] }),
            /platform:secrets\.vaultConsumers\[1\]: expected each namespace\/serviceAccount once, found a\/b twice/,
        );
        assert.match(problem("dev", { vault: { replica: 3 } }), /platform:secrets\.vault\.replica: not a known setting/);
        assert.match(problem("dev", { refreshInterval: "soon" }), /platform:secrets\.refreshInterval: expected a duration like 30s, 5m or 720h, found "soon"/);
    });

    it("a memory limit below the request is refused", () => {
        assert.match(problem("dev", { vault: { resources: { cpu: "100m", memory: "1Gi", memoryLimit: "512Mi" } } }), /platform:secrets\.vault\.resources\.memoryLimit: expected at least the memory request \(1Gi\), found 512Mi/);
    });
});
