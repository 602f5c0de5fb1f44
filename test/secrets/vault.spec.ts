// Vault's server config, ACL policies and roles, the bootstrap script and Job: pure builders, checked for the
// properties that matter (Raft peers and TLS, seal, each service reads only its own path, init only once, keys
// never printed, restricted pods, a changed declaration replaces the Job).
import * as assert from "assert";
import { bootstrapDocument, consumerPath, vaultAccess } from "../../infra/secrets/access";
import { bootstrapChecksum, bootstrapFiles, bootstrapJobSpec, bootstrapScript } from "../../infra/secrets/bootstrap";
import { CHART_PLACEHOLDERS, kvReadRules, policyHcl, raftPeers, vaultServerConfig } from "../../infra/secrets/hcl";
import { IN_CLUSTER_POLICY_PREFIX, KUBERNETES_AUTH_MOUNT, KV_MOUNT } from "../../infra/secrets/names";
import { vaultServerSans } from "../../infra/secrets/tls";

const CONSUMERS = [
    { namespace: "quotes", serviceAccount: "quotes" },
    { namespace: "billing", serviceAccount: "api" },
];
const access = vaultAccess({ kvMount: KV_MOUNT, authMount: KUBERNETES_AUTH_MOUNT, policyPrefix: IN_CLUSTER_POLICY_PREFIX, consumers: CONSUMERS });
const settings = { mode: "inCluster" as const, vaultAddress: "https://vault-active.vault.svc:8200", recoveryShares: 5, recoveryThreshold: 3, kubernetesHost: "https://kubernetes.default.svc:443", region: "eu-west-1" };

describe("secrets: Vault server config", () => {
    const hcl = vaultServerConfig({ replicas: 3, region: "eu-west-1", sealKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc", clusterName: "platform-prod" });

    it("joins every Raft peer over TLS by its headless-service name, trusting the platform CA file", () => {
        assert.deepStrictEqual(raftPeers(3), ["vault-0.vault-internal", "vault-1.vault-internal", "vault-2.vault-internal"]);
        for (const peer of raftPeers(3)) assert.ok(hcl.includes(`leader_api_addr     = "https://${peer}:8200"`), peer);
        assert.strictEqual(hcl.match(/retry_join \{/g)?.length, 3);
        assert.strictEqual(hcl.match(/leader_ca_cert_file = "\/vault\/userconfig\/vault-tls\/ca.crt"/g)?.length, 3);
        assert.match(hcl, /storage "raft" \{\n  path = "\/vault\/data"/);
    });

    it("serves TLS 1.2+ with the mounted certificate, auto-unseals with awskms, registers with Kubernetes", () => {
        assert.match(hcl, /tls_cert_file   = "\/vault\/userconfig\/vault-tls\/tls.crt"/);
        assert.match(hcl, /tls_key_file    = "\/vault\/userconfig\/vault-tls\/tls.key"/);
        assert.match(hcl, /tls_min_version = "tls12"/);
        assert.doesNotMatch(hcl, /tls_disable/);
        assert.match(hcl, /seal "awskms" \{\n  region     = "eu-west-1"\n  kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key\/abc"\n\}/);
        assert.match(hcl, /service_registration "kubernetes" \{\}/);
        assert.match(hcl, /disable_mlock = true/);
    });

    it("contains none of the words the chart's start script rewrites, and refuses them", () => {
        for (const p of CHART_PLACEHOLDERS) assert.ok(!hcl.includes(p), p);
        assert.throws(() => vaultServerConfig({ replicas: 1, region: "eu-west-1", sealKeyId: "alias/HOSTNAME", clusterName: "x" }), /contains "HOSTNAME"/);
        assert.throws(() => vaultServerConfig({ replicas: 1, region: "eu-west-1", sealKeyId: 'a"b', clusterName: "x" }), /contains a quote/);
    });

    it("the server certificate names every peer, the services and the loopback address", () => {
        const sans = vaultServerSans(3);
        for (const n of ["vault-0.vault-internal", "vault-1.vault-internal", "vault-2.vault-internal", "vault-active.vault.svc", "vault.vault.svc", "*.vault-internal"]) {
            assert.ok(sans.dnsNames.includes(n), n);
        }
        assert.deepStrictEqual(sans.ipAddresses, ["127.0.0.1", "::1"]);
    });
});

describe("secrets: Vault policies and roles", () => {
    it("each consumer's policy reads only its own kv path (data + metadata), nothing else", () => {
        for (const c of CONSUMERS) {
            const p = access.policies.find((x) => x.name === `platform-apps-${c.namespace}-${c.serviceAccount}`);
            assert.ok(p);
            assert.deepStrictEqual(p.rules, [
                { path: `platform/data/apps/${c.namespace}/${c.serviceAccount}/*`, capabilities: ["read"] },
                { path: `platform/metadata/apps/${c.namespace}/${c.serviceAccount}/*`, capabilities: ["read", "list"] },
            ]);
        }
        assert.strictEqual(consumerPath(CONSUMERS[0]), "apps/quotes/quotes");
    });

    it("each consumer's role binds exactly its service account and namespace, requires audience vault", () => {
        const r = access.roles.find((x) => x.name === "apps-billing-api");
        assert.deepStrictEqual(r, {
            name: "apps-billing-api",
            boundServiceAccountNames: ["api"],
            boundServiceAccountNamespaces: ["billing"],
            audience: "vault",
            policies: ["platform-apps-billing-api"],
            tokenTtl: "15m",
        });
        for (const role of access.roles) assert.strictEqual(role.audience, "vault", role.name);
    });

    it("the external-secrets controller reads platform-owned secrets only; the snapshot role only takes snapshots", () => {
        assert.deepStrictEqual(access.policies.find((p) => p.name === "platform-external-secrets")?.rules, kvReadRules("platform", "platform"));
        assert.deepStrictEqual(access.policies.find((p) => p.name === "platform-vault-snapshot")?.rules, [{ path: "sys/storage/raft/snapshot", capabilities: ["read"] }]);
        assert.deepStrictEqual(access.roles.find((r) => r.name === "vault-snapshot")?.boundServiceAccountNamespaces, ["velero"]);
    });

    it("the bootstrap policy owns only its mount, auth method, audit device, prefixed policies and roles", () => {
        const rules = access.policies.find((p) => p.name === "platform-bootstrap")?.rules ?? [];
        const paths = rules.map((r) => r.path);
        assert.ok(paths.includes("sys/policies/acl/platform-*"));
        assert.ok(!paths.some((p) => p === "*" || p.startsWith("platform/data") || p.startsWith("sys/storage")), "no secret data, no snapshots");
        // Enabling auth methods and audit devices needs sudo (Vault API /sys/auth, /sys/audit).
        assert.deepStrictEqual(rules.find((r) => r.path === "sys/auth/kubernetes")?.capabilities, ["create", "read", "update", "sudo"]);
        assert.deepStrictEqual(rules.find((r) => r.path === "sys/audit/file")?.capabilities, ["create", "read", "update", "sudo"]);
    });

    it("kv rules refuse wildcards and empty segments; policy HCL renders one block per rule", () => {
        assert.throws(() => kvReadRules("platform", "apps/*"), /plain path/);
        assert.throws(() => kvReadRules("platform", "apps//x"), /plain path/);
        assert.strictEqual(policyHcl([{ path: "a/b/*", capabilities: ["read", "list"] }]), 'path "a/b/*" {\n  capabilities = ["read", "list"]\n}\n');
        assert.throws(() => vaultAccess({ kvMount: "p", authMount: "k", policyPrefix: "x-", consumers: [{ namespace: "velero", serviceAccount: "vault-snapshot" }, { namespace: "velero", serviceAccount: "vault-snapshot" }] }), /declared twice/);
    });

    it("the bootstrap document lists every policy and role with the API's field names", () => {
        const doc = JSON.parse(bootstrapDocument(access)) as { roles: Record<string, Record<string, string>>; policies: Record<string, string> };
        assert.deepStrictEqual(doc.roles["apps-quotes-quotes"], {
            bound_service_account_names: "quotes",
            bound_service_account_namespaces: "quotes",
            audience: "vault",
            token_policies: "platform-apps-quotes-quotes",
            token_ttl: "15m",
            token_max_ttl: "15m",
        });
        assert.match(doc.policies["platform-apps-quotes-quotes"], /path "platform\/data\/apps\/quotes\/quotes\/\*"/);
    });
});

describe("secrets: bootstrap Job", () => {
    const script = bootstrapScript(access, settings);

    it("initialises only an uninitialised Vault (operator init -status exit 2), with recovery shares and threshold", () => {
        assert.match(script, /vault operator init -status >\/dev\/null 2>&1; INIT=\$\?/);
        assert.match(script, /if \[ "\$INIT" -eq 2 \]; then/);
        assert.match(script, /vault operator init -recovery-shares=5 -recovery-threshold=3 -format=json > \/scratch\/init.json/);
    });

    it("checks the recovery-key secret before init, stores the keys before using the root token, then revokes it", () => {
        const describe = script.indexOf("aws secretsmanager describe-secret");
        const init = script.indexOf("vault operator init -recovery-shares");
        const put = script.indexOf("aws secretsmanager put-secret-value");
        const use = script.indexOf("VAULT_TOKEN=$(sed");
        assert.ok(describe >= 0 && describe < init && init < put && put < use, "describe < init < put < use");
        assert.match(script, /rm -f \/scratch\/init.json/);
        assert.match(script, /vault token revoke -self/);
    });

    it("never prints a key or token: no set -x, no cat/echo of the init output or the token", () => {
        assert.doesNotMatch(script, /set -[a-z]*x/);
        assert.doesNotMatch(script, /cat \/scratch|echo "?\$VAULT_TOKEN|echo .*init\.json/);
        assert.match(script, /umask 077/);
    });

    it("applies every declared policy and role, and deletes only owned leftovers", () => {
        for (const p of access.policies) assert.ok(script.includes(`vault policy write ${p.name} /bootstrap/policy-${p.name}.hcl`), p.name);
        for (const r of access.roles) assert.ok(script.includes(`vault write auth/kubernetes/role/${r.name} `), r.name);
        assert.match(script, /case "\$p" in platform-\*\)/);
        assert.match(script, /audience=vault/);
        assert.match(script, /vault audit enable -path=file file file_path=\/vault\/audit\/vault_audit.log mode=0600/);
        assert.match(script, /vault secrets enable -path=platform -version=2 kv/);
    });

    it("refuses a value the script would have to quote", () => {
        assert.throws(() => bootstrapScript(vaultAccess({ kvMount: "pl atform", authMount: "k", policyPrefix: "p-", consumers: [] }), settings), /does not quote/);
    });

    it("the checksum changes exactly when what the Job applies changes (so the Job is replaced, else untouched)", () => {
        const a = bootstrapChecksum(bootstrapFiles(access, settings));
        assert.strictEqual(bootstrapChecksum(bootstrapFiles(access, settings)), a);
        const more = vaultAccess({ kvMount: KV_MOUNT, authMount: KUBERNETES_AUTH_MOUNT, policyPrefix: IN_CLUSTER_POLICY_PREFIX, consumers: [...CONSUMERS, { namespace: "x", serviceAccount: "y" }] });
        assert.notStrictEqual(bootstrapChecksum(bootstrapFiles(more, settings)), a);
    });

    it("runs restricted, with only a projected audience-vault token and the init output in memory", () => {
        const spec = bootstrapJobSpec({ configMapName: "cm", checksum: "abc", external: false, env: { RECOVERY_SECRET_ARN: "arn:x" } });
        const tpl = JSON.parse(JSON.stringify(spec.template)) as { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> };
        const pod = tpl.spec as { automountServiceAccountToken: boolean; serviceAccountName: string; containers: Record<string, unknown>[]; initContainers: Record<string, unknown>[]; volumes: Record<string, unknown>[] };
        assert.strictEqual(tpl.metadata.annotations["platform.io/bootstrap-checksum"], "abc");
        assert.strictEqual(pod.automountServiceAccountToken, false);
        assert.strictEqual(pod.serviceAccountName, "vault-bootstrap");
        for (const c of [...pod.containers, ...pod.initContainers]) {
            assert.deepStrictEqual(c["securityContext"], { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
            assert.match(String(c["image"]), /^(hashicorp\/vault:2\.0\.4|amazon\/aws-cli:2\.27\.50)$/);
        }
        assert.deepStrictEqual(pod.volumes.find((v) => v["name"] === "vault-token"), {
            name: "vault-token",
            projected: { sources: [{ serviceAccountToken: { audience: "vault", expirationSeconds: 600, path: "token" } }] },
        });
        assert.deepStrictEqual(pod.volumes.find((v) => v["name"] === "scratch"), { name: "scratch", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } });
    });
});
