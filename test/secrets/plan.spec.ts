// The secrets layer in the planned program (dev and prod, memoized runs): custom resources validate against the
// pinned CRD schema, every ExternalSecret names an existing store and a key that store may read, nothing secret in
// the plan, outputs or ConfigMaps, and the wiring (placement, seal key policy, IRSA, bootstrap order) holds.
import * as assert from "assert";
import { RecordedResource } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { Inputs, inputs, isSecretInput, ofType, one, planStack, stackOutputs } from "../helpers";
import { EXTERNAL_SECRET_SPEC_SCHEMA, STORE_SPEC_SCHEMA } from "./fixtures/crds";
import { ESO_VALUES_KEYS, VAULT_VALUES_KEYS } from "./fixtures/upstream";
import { unknownKeys, validate } from "./schema";
import { APPS_KV_PREFIX, PLATFORM_KV_PREFIX } from "../../infra/secrets/names";

const ES = "kubernetes:external-secrets.io/v1:ExternalSecret";
const CSS = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const SS = "kubernetes:external-secrets.io/v1:SecretStore";
const RELEASE = "kubernetes:helm.sh/v3:Release";

function at(v: unknown, path: string): unknown {
    let cur = v;
    for (const p of path.split(".")) cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[p] : undefined;
    return cur;
}

function policyOf(run: ProgramRun, type: string, name: string): { Statement: { Sid: string; Effect: string; Action: string | string[]; Resource?: string | string[]; Principal?: unknown }[] } {
    return JSON.parse(String(inputs(one(run, type, name))["policy"])) as ReturnType<typeof policyOf>;
}

/** Does an IAM resource pattern (with `*`) cover an ARN? */
function covers(pattern: string, arn: string): boolean {
    return new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(arn);
}

for (const stack of ["dev", "prod"] as const) {
    describe(`secrets in the ${stack} plan`, () => {
        let run: ProgramRun;
        before(async () => {
            run = await planStack(stack);
        });

        it("every ClusterSecretStore, SecretStore and ExternalSecret validates against the external-secrets.io/v1 CRD schema (2.9.0)", () => {
            const crs = [...ofType(run, CSS), ...ofType(run, SS), ...ofType(run, ES)];
            assert.ok(crs.length >= 7, `found ${crs.length}`);
            for (const r of crs) {
                const i = inputs(r);
                assert.strictEqual(i["apiVersion"], "external-secrets.io/v1", r.name);
                const schema = r.type === ES ? EXTERNAL_SECRET_SPEC_SCHEMA : STORE_SPEC_SCHEMA;
                assert.deepStrictEqual(validate(i["spec"], schema, `${r.name}.spec`), [], r.name);
            }
        });

        it("the stores: AWS with Pod Identity (no auth block), Vault with Kubernetes auth, audience vault and the Vault CA", () => {
            const aws = inputs(one(run, CSS, "secrets-aws-store"));
            assert.deepStrictEqual(at(aws, "spec.provider"), { aws: { service: "SecretsManager", region: "eu-west-1" } });
            const vault = inputs(one(run, CSS, "secrets-vault-store"));
            assert.deepStrictEqual(at(vault, "spec.provider.vault.auth"), {
                kubernetes: { mountPath: "kubernetes", role: "external-secrets", serviceAccountRef: { name: "external-secrets", namespace: "external-secrets", audiences: ["vault"] } },
            });
            assert.deepStrictEqual(at(vault, "spec.provider.vault.caProvider"), { type: "ConfigMap", name: "vault-ca", key: "ca.crt", namespace: "vault" });
            assert.strictEqual(at(vault, "spec.provider.vault.server"), "https://vault-active.vault.svc:8200");
            assert.strictEqual(at(vault, "spec.provider.vault.version"), "v2");
            const quotes = inputs(one(run, CSS, "secrets-vault-apps-quotes-quotes"));
            assert.deepStrictEqual(at(quotes, "spec.conditions"), [{ namespaces: ["quotes"] }]);
            assert.deepStrictEqual(at(quotes, "spec.provider.vault.auth.kubernetes.serviceAccountRef"), { name: "quotes", namespace: "quotes", audiences: ["vault"] });
        });

        it("every store waits for the external-secrets release (its webhook fails closed); Vault stores for the bootstrap too", () => {
            const eso = one(run, RELEASE, "external-secrets");
            const job = one(run, "kubernetes:batch/v1:Job", "secrets-bootstrap");
            for (const s of [...ofType(run, CSS), ...ofType(run, SS)]) assert.ok(s.dependencies.includes(eso.urn), s.name);
            for (const s of ofType(run, CSS).filter((r) => r.name !== "secrets-aws-store")) assert.ok(s.dependencies.includes(job.urn), s.name);
        });

        it("every ExternalSecret names a store that exists and a key that store may read", () => {
            const clusterStores = new Map(ofType(run, CSS).map((r) => [String(at(inputs(r), "metadata.name")), inputs(r)]));
            const nsStores = new Map(ofType(run, SS).map((r) => [`${String(at(inputs(r), "metadata.namespace"))}/${String(at(inputs(r), "metadata.name"))}`, inputs(r)]));
            const esoPolicy = policyOf(run, "aws:iam/rolePolicy:RolePolicy", "secrets-external-secrets");
            const readable = esoPolicy.Statement.filter((s) => s.Sid === "ReadPlatformSecrets").flatMap((s) => ([] as string[]).concat(s.Resource ?? []));
            const tlsReader = policyOf(run, "aws:iam/rolePolicy:RolePolicy", "secrets-vault-tls-reader").Statement[0].Resource as string;
            const secretArns = new Map(ofType(run, "aws:secretsmanager/secret:Secret").map((r) => [String(inputs(r)["name"]), r]));
            for (const r of ofType(run, ES)) {
                const i = inputs(r);
                const ref = at(i, "spec.secretStoreRef") as { name: string; kind: string };
                const store = ref.kind === "ClusterSecretStore" ? clusterStores.get(ref.name) : nsStores.get(`${String(at(i, "metadata.namespace"))}/${ref.name}`);
                assert.ok(store, `${r.name}: store ${ref.kind}/${ref.name} does not exist`);
                for (const d of at(i, "spec.data") as Inputs[]) {
                    const key = String(at(d, "remoteRef.key"));
                    if (at(store, "spec.provider.aws.role") !== undefined) {
                        // vault-tls: by name; the TLS reader reads exactly that secret.
                        assert.ok(secretArns.has(key) && tlsReader.includes(key), `${r.name}: ${key}`);
                    } else if (at(store, "spec.provider.aws") !== undefined) {
                        assert.ok(readable.some((p) => covers(p, key)), `${r.name}: the AWS store's role cannot read ${key}`);
                    } else if (at(store, "spec.provider.vault") !== undefined) {
                        // Vault: the store's kubernetes-auth role reads one kv prefix (infra/secrets/access.ts): an
                        // application's own path for apps-<ns>-<sa>, the platform-owned path for the controller's store.
                        const role = String(at(store, "spec.provider.vault.auth.kubernetes.role"));
                        const m = /^apps-(.+)$/.exec(role);
                        const allowed = m ? `${APPS_KV_PREFIX}/${String(at(i, "metadata.namespace"))}/` : `${PLATFORM_KV_PREFIX}/`;
                        assert.ok(key.startsWith(allowed), `${r.name}: ${ref.name} (role ${role}) cannot read ${key}, only ${allowed}*`);
                    } else {
                        assert.fail(`${r.name}: unexpected store kind`);
                    }
                }
            }
        });

        it("no secret value in the plan: keys and tokens are secret inputs, ConfigMaps and outputs hold none", () => {
            const text = JSON.stringify(run.resources.map((r) => ({ t: r.type, n: r.name, i: inputs(r) })));
            assert.doesNotMatch(text, /PRIVATE KEY/);
            assert.doesNotMatch(text, /mock-password-/);
            assert.ok(isSecretInput(one(run, "aws:secretsmanager/secretVersion:SecretVersion", "secrets-tls"), "secretString"));
            assert.ok(isSecretInput(one(run, "tls:index/locallySignedCert:LocallySignedCert", "secrets-vault-server"), "caPrivateKeyPem"));
            for (const cm of ofType(run, "kubernetes:core/v1:ConfigMap")) {
                assert.doesNotMatch(JSON.stringify(inputs(cm)), /PRIVATE KEY|mock-password|hv[sbr]\.[A-Za-z0-9_-]{20}/, cm.name);
            }
            const outputs = JSON.stringify(stackOutputs(run));
            assert.doesNotMatch(outputs, /PRIVATE KEY|mock-password|-----BEGIN/);
            // The recovery-key secret is declared without a value: nothing of it is in the state.
            assert.ok(!ofType(run, "aws:secretsmanager/secretVersion:SecretVersion").some((r) => r.name.includes("recovery")));
            assert.ok(!ofType(run, "kubernetes:core/v1:Secret").some((r) => inputs(r)["data"] !== undefined || inputs(r)["stringData"] !== undefined));
        });

        it("the chart values use only keys the pinned charts declare", () => {
            assert.deepStrictEqual(unknownKeys(inputs(one(run, RELEASE, "vault"))["values"] as Inputs, VAULT_VALUES_KEYS), []);
            assert.deepStrictEqual(unknownKeys(inputs(one(run, RELEASE, "external-secrets"))["values"] as Inputs, ESO_VALUES_KEYS), []);
        });

        it("pins both charts from the catalogue", () => {
            assert.deepStrictEqual([inputs(one(run, RELEASE, "vault"))["version"], at(inputs(one(run, RELEASE, "vault")), "repositoryOpts.repo")], ["0.34.1", "https://helm.releases.hashicorp.com"]);
            assert.deepStrictEqual([inputs(one(run, RELEASE, "external-secrets"))["version"], at(inputs(one(run, RELEASE, "external-secrets")), "repositoryOpts.repo")], ["2.9.0", "https://charts.external-secrets.io"]);
        });

        it("Vault runs on the platform pool and waits for its NodePool; external-secrets on the system nodes", () => {
            const vault = one(run, RELEASE, "vault");
            assert.deepStrictEqual(at(inputs(vault), "values.server.nodeSelector"), { "platform.io/node-pool": "platform" });
            const nodePool = ofType(run, "kubernetes:karpenter.sh/v1:NodePool").find((r) => String(at(inputs(r), "metadata.name")) === "platform");
            assert.ok(nodePool && vault.dependencies.includes(nodePool.urn), "the release waits for the platform NodePool");
            assert.deepStrictEqual(at(inputs(one(run, RELEASE, "external-secrets")), "values.global.nodeSelector"), { "platform.io/node-pool": "system" });
        });

        it("the seal: config names the seal key; its key policy gives use to the IRSA role only; the role trusts vault/vault", () => {
            const key = one(run, "aws:kms/key:Key", "secrets-vault-seal");
            const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/";
            assert.strictEqual(inputs(key)["enableKeyRotation"], true);
            const config = String(at(inputs(one(run, RELEASE, "vault")), "values.server.ha.raft.config"));
            assert.match(config, new RegExp(`kms_key_id = "${keyArn}[0-9a-f-]+"`));
            const role = one(run, "aws:iam/role:Role", "secrets-vault-seal");
            const keyPolicy = JSON.parse(String(inputs(key)["policy"])) as { Statement: { Sid: string; Principal: { AWS: string }; Action: string[] }[] };
            const use = keyPolicy.Statement.find((s) => s.Sid === "VaultSealUsesKey");
            const annotated = at(inputs(one(run, RELEASE, "vault")), "values.server.serviceAccount.annotations") as Record<string, string>;
            // The role the chart's service account assumes (IRSA) is the one principal the key policy lets use the key.
            assert.ok(use && use.Principal.AWS.startsWith("arn:aws:iam::123456789012:role/"));
            assert.strictEqual(annotated["eks.amazonaws.com/role-arn"], use?.Principal.AWS);
            const trust = JSON.parse(String(inputs(role)["assumeRolePolicy"])) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
            const cond = trust.Statement[0].Condition.StringEquals;
            assert.deepStrictEqual(Object.entries(cond).map(([k, v]) => [k.replace(/^.*:/, ""), v]), [["sub", "system:serviceaccount:vault:vault"], ["aud", "sts.amazonaws.com"]]);
            assert.strictEqual(key.protect, stack === "prod");
        });

        it("the bootstrap Job runs after Vault and its own Pod Identity; its ConfigMap holds the script and policies only", () => {
            const job = one(run, "kubernetes:batch/v1:Job", "secrets-bootstrap");
            const vault = one(run, RELEASE, "vault");
            const assoc = one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "secrets-bootstrap");
            assert.ok(job.dependencies.includes(vault.urn) && job.dependencies.includes(assoc.urn));
            assert.match((at(inputs(job), "spec.template.metadata.annotations") as Record<string, string>)["platform.io/bootstrap-checksum"], /^[0-9a-f]{64}$/);
            const data = at(inputs(one(run, "kubernetes:core/v1:ConfigMap", "secrets-bootstrap")), "data") as Record<string, string>;
            assert.deepStrictEqual(Object.keys(data).sort(), ["bootstrap.sh", "policy-platform-apps-quotes-quotes.hcl", "policy-platform-bootstrap.hcl", "policy-platform-external-secrets.hcl", "policy-platform-vault-snapshot.hcl"]);
            const env = at(inputs(job), "spec.template.spec.containers") as Inputs[];
            assert.deepStrictEqual((env[0]["env"] as Inputs[]).map((e) => e["name"]), ["RECOVERY_SECRET_ARN"]);
        });

        it("quotes' ExternalSecrets: owned Secrets, the layer's refresh interval, the data tier's secret ARNs, connection-string templates", () => {
            const db = inputs(one(run, ES, "quotes-quotes-database"));
            assert.strictEqual(at(db, "spec.refreshInterval"), stack === "prod" ? "1h" : "15m");
            assert.strictEqual(at(db, "spec.target.creationPolicy"), "Owner");
            const dbArn = String(stackOutputs(run)["databaseCredentialSecretArn"]);
            assert.deepStrictEqual((at(db, "spec.data") as Inputs[]).map((d) => [d["secretKey"], at(d, "remoteRef.key"), at(d, "remoteRef.property")]), [
                ["username", dbArn, "username"],
                ["password", dbArn, "password"],
            ]);
            assert.match(String(at(db, "spec.target.template.data.url")), /^postgresql:\/\/\{\{ \.username \| urlquery \}\}:\{\{ \.password \| urlquery \}\}@platform-\w+-postgres\..*:5432\/app\?sslmode=require$/);
            const cache = inputs(one(run, ES, "quotes-quotes-cache"));
            assert.deepStrictEqual((at(cache, "spec.data") as Inputs[])[0], { secretKey: "authToken", remoteRef: { key: String(stackOutputs(run)["cacheAuthTokenSecretArn"]), property: "authToken" } });
            assert.match(String(at(cache, "spec.target.template.data.url")), /^rediss:\/\/:\{\{ \.authToken \| urlquery \}\}@master\./);
        });

        it("quotes' pods carry the secrets checksum and wait for their ExternalSecrets", () => {
            // The workload is a Deployment, or an Argo Rollouts Rollout where platform:quotes.delivery says so (dev).
            const workloads = ["kubernetes:apps/v1:Deployment", "kubernetes:argoproj.io/v1alpha1:Rollout"].flatMap((t) => ofType(run, t).filter((r: RecordedResource) => r.name === "quotes"));
            assert.strictEqual(workloads.length, 1);
            const d = workloads[0];
            const ann = at(inputs(d), "spec.template.metadata.annotations") as Record<string, string>;
            assert.match(ann["platform.io/secrets-checksum"], /^[0-9a-f]{64}$/);
            for (const es of ofType(run, ES).filter((r: RecordedResource) => r.name.startsWith("quotes-"))) assert.ok(d.dependencies.includes(es.urn), es.name);
        });
    });
}
