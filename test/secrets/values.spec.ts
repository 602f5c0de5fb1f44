// Chart values at the pinned versions: every key is declared by the chart (fixtures/upstream.ts), and the values
// say what the platform needs (HA Raft, TLS, injector off, storage class, OnDelete, placement, leader election).
import * as assert from "assert";
import { parsePlatformConfig } from "../../infra/config";
import { PLATFORM_POOL_LABEL, PLATFORM_POOL_TOLERATION, Placement, SYSTEM_NODE_LABEL, SYSTEM_NODE_TOLERATION } from "../../infra/lib/placement";
import { vaultServerConfig } from "../../infra/secrets/hcl";
import { esoPods, esoValues, vaultPods, vaultValues } from "../../infra/secrets/values";
import { fakeSource, withRequired } from "../configSource";
import { ESO_VALUES_KEYS, VAULT_VALUES_KEYS } from "./fixtures/upstream";
import { unknownKeys } from "./schema";

/** A value at a path of a JSON-shaped object (undefined past a missing step). */
function at(v: unknown, ...path: string[]): unknown {
    let cur = v;
    for (const p of path) cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[p] : undefined;
    return cur;
}

const platform: Placement = { pool: "platform", nodeSelector: { ...PLATFORM_POOL_LABEL }, tolerations: [PLATFORM_POOL_TOLERATION], dependsOn: [] };
const system: Placement = { pool: "system", nodeSelector: { ...SYSTEM_NODE_LABEL }, tolerations: [SYSTEM_NODE_TOLERATION], dependsOn: [] };

function settings(environment: "dev" | "prod") {
    return parsePlatformConfig({ source: fakeSource(withRequired({ environment })), project: "platform", stack: environment, region: "eu-west-1" }).secrets;
}

function vault(environment: "dev" | "prod", ui?: "clusterOnly" | "internalLoadBalancer") {
    const s = settings(environment);
    const v = { ...s.vault, ...(ui ? { ui } : {}) };
    return vaultValues({
        settings: v,
        placement: platform,
        storageClass: "gp3",
        config: vaultServerConfig({ replicas: v.replicas, region: "eu-west-1", sealKeyId: "arn:aws:kms:eu-west-1:1:key/k", clusterName: "c" }),
        sealRoleArn: "arn:aws:iam::1:role/seal",
        vpcCidr: "10.20.0.0/16",
        zoneSpreadMode: v.replicas > 1 ? "DoNotSchedule" : "ScheduleAnyway",
    });
}

describe("secrets: Vault chart values (vault-helm 0.34.1)", () => {
    for (const env of ["dev", "prod"] as const) {
        it(`${env}: every key is declared by the chart's values.yaml (both UI modes)`, () => {
            assert.deepStrictEqual(unknownKeys(vault(env, "clusterOnly"), VAULT_VALUES_KEYS), []);
            assert.deepStrictEqual(unknownKeys(vault(env, "internalLoadBalancer"), VAULT_VALUES_KEYS), []);
        });
    }

    it("the key check catches a misspelt key", () => {
        assert.deepStrictEqual(unknownKeys({ server: { ha: { raft: { enabeld: true } } } }, VAULT_VALUES_KEYS), ["server.ha.raft.enabeld"]);
    });

    it("prod: HA Raft with 3 replicas, TLS on, injector off, OnDelete, node ids from pod names", () => {
        const v = vault("prod");
        assert.deepStrictEqual(at(v, "global"), { enabled: true, tlsDisable: false });
        assert.deepStrictEqual(at(v, "injector"), { enabled: false });
        assert.strictEqual(at(v, "server", "updateStrategyType"), "OnDelete");
        assert.strictEqual(at(v, "server", "ha", "enabled"), true);
        assert.strictEqual(at(v, "server", "ha", "replicas"), 3);
        assert.deepStrictEqual([at(v, "server", "ha", "raft", "enabled"), at(v, "server", "ha", "raft", "setNodeId")], [true, true]);
        assert.match(String(at(v, "server", "ha", "raft", "config")), /seal "awskms"/);
        assert.strictEqual(at(v, "server", "standalone", "enabled"), false);
        assert.strictEqual(at(v, "server", "ha", "apiAddr"), "https://$(VAULT_K8S_POD_NAME).vault-internal:8200");
        assert.deepStrictEqual(at(v, "server", "ha", "disruptionBudget"), { enabled: true, maxUnavailable: 1 });
        assert.strictEqual(at(v, "server", "image", "tag"), "2.0.4");
    });

    it("dev: one replica and no PDB (maxUnavailable 0 would block every drain)", () => {
        const v = vault("dev");
        assert.strictEqual(at(v, "server", "ha", "replicas"), 1);
        assert.deepStrictEqual(at(v, "server", "ha", "disruptionBudget"), { enabled: false });
    });

    it("runs on the platform pool, keeps the chart's required anti-affinity, spreads over zones", () => {
        const v = vault("prod");
        assert.deepStrictEqual(at(v, "server", "nodeSelector"), { "platform.io/node-pool": "platform" });
        assert.deepStrictEqual(at(v, "server", "tolerations"), [{ key: "platform.io/pool", operator: "Equal", value: "platform", effect: "NoSchedule" }]);
        assert.ok(!("affinity" in (at(v, "server") as object)), "server.affinity unset: the chart's required podAntiAffinity on kubernetes.io/hostname applies");
        assert.deepStrictEqual(at(v, "server", "topologySpreadConstraints"), [
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server" } } },
        ]);
    });

    it("data and audit volumes on the encrypted gp3 class; TLS secret mounted where the config reads it", () => {
        const v = vault("prod");
        assert.deepStrictEqual(at(v, "server", "dataStorage"), { enabled: true, size: "20Gi", storageClass: "gp3", mountPath: "/vault/data" });
        assert.deepStrictEqual(at(v, "server", "auditStorage"), { enabled: true, size: "20Gi", storageClass: "gp3", mountPath: "/vault/audit" });
        assert.deepStrictEqual((at(v, "server", "volumeMounts") as unknown[])[0], { name: "vault-tls", mountPath: "/vault/userconfig/vault-tls", readOnly: true });
        assert.deepStrictEqual((at(v, "server", "volumes") as unknown[])[0], { name: "vault-tls", secret: { secretName: "vault-tls", defaultMode: 0o440 } });
    });

    it("requests and a memory limit; restricted container; IRSA annotation on the pinned service account", () => {
        const v = vault("prod");
        assert.deepStrictEqual(at(v, "server", "resources"), { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } });
        assert.deepStrictEqual(at(v, "server", "statefulSet", "securityContext", "container"), {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.deepStrictEqual(at(v, "server", "serviceAccount"), { create: true, name: "vault", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/seal" } });
        assert.deepStrictEqual(vaultPods(settings("prod").vault), [{ component: "vault/server", replicas: 3, cpu: "500m", memory: "512Mi", memoryLimit: "1Gi" }]);
    });

    it("UI: an internal NLB limited to the VPC CIDR in prod, ClusterIP in dev", () => {
        const prod = at(vault("prod"), "ui");
        assert.strictEqual(at(prod, "serviceType"), "LoadBalancer");
        assert.strictEqual(at(prod, "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme"), "internal");
        assert.deepStrictEqual(at(prod, "loadBalancerSourceRanges"), ["10.20.0.0/16"]);
        assert.deepStrictEqual(at(vault("dev"), "ui"), { enabled: true, activeVaultPodOnly: true, serviceType: "ClusterIP" });
    });
});

describe("secrets: external-secrets chart values (2.9.0)", () => {
    const values = (env: "dev" | "prod") => esoValues({ settings: settings(env).externalSecrets, placement: system, serviceAccount: "external-secrets" });

    for (const env of ["dev", "prod"] as const) {
        it(`${env}: every key is declared by the chart's values.yaml`, () => {
            assert.deepStrictEqual(unknownKeys(values(env), ESO_VALUES_KEYS), []);
        });
    }

    it("prod: two of each pod, leader election on, PDBs, webhook failing closed; CRDs installed, v1beta1 not served", () => {
        const v = values("prod");
        assert.deepStrictEqual([at(v, "replicaCount"), at(v, "webhook", "replicaCount"), at(v, "certController", "replicaCount")], [2, 2, 2]);
        assert.strictEqual(at(v, "leaderElect"), true);
        assert.deepStrictEqual(at(v, "podDisruptionBudget"), { enabled: true, minAvailable: 1 });
        assert.deepStrictEqual(at(v, "webhook", "podDisruptionBudget"), { enabled: true, minAvailable: 1 });
        assert.strictEqual(at(v, "webhook", "failurePolicy"), "Fail");
        assert.strictEqual(at(v, "installCRDs"), true);
        assert.deepStrictEqual(at(v, "crds"), { unsafeServeV1Beta1: false });
    });

    it("dev: single pods, no leader election, no PDBs", () => {
        const v = values("dev");
        assert.deepStrictEqual([at(v, "replicaCount"), at(v, "leaderElect"), at(v, "podDisruptionBudget", "enabled")], [1, false, false]);
    });

    it("placed on the system nodes through global.*, the pinned service account, requests and limits on all three", () => {
        const v = values("prod");
        assert.deepStrictEqual(at(v, "global"), { nodeSelector: { "platform.io/node-pool": "system" }, tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }] });
        assert.deepStrictEqual(at(v, "serviceAccount"), { create: true, name: "external-secrets" });
        for (const r of [at(v, "resources"), at(v, "webhook", "resources"), at(v, "certController", "resources")]) {
            assert.ok(at(r, "requests", "cpu") && at(r, "requests", "memory") && at(r, "limits", "memory"));
        }
        const pods = esoPods(settings("prod").externalSecrets);
        assert.deepStrictEqual(pods.map((p) => [p.component, p.replicas]), [["external-secrets/controller", 2], ["external-secrets/webhook", 2], ["external-secrets/cert-controller", 2]]);
    });
});
