// platform:secrets.vault.mode external: the layer rendered alone with stand-in contracts (cheap, no full program run).
// No chart, seal or TLS; the same stores and roles against the external address, on this cluster's own mounts.
import * as assert from "assert";
import { parsePlatformConfig } from "../../infra/config";
import { Secrets } from "../../infra/secrets";
import { ProgramRun } from "../../tools/offline/run";
import { fakeSource, withRequired } from "../configSource";
import { fakeCluster, fakeKarpenter } from "../fakeContracts";
import { Inputs, inputs, ofType, one } from "../helpers";
import { at, fakeData, render } from "../workloads/render";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBexternal\n-----END CERTIFICATE-----\n";
const ADDRESS = "https://vault.example.internal:8200";

describe("secrets: external Vault", () => {
    let run: ProgramRun;
    let layer: Secrets | undefined;
    before(async () => {
        const settings = parsePlatformConfig({
            source: fakeSource(withRequired({ environment: "prod", secrets: { vault: { mode: "external", external: { address: ADDRESS, caCertPem: CA } } } })),
            project: "platform",
            stack: "prod",
            region: "eu-west-1",
        }).secrets;
        run = await render(() => {
            layer = new Secrets("secrets", { cluster: fakeCluster("ext", "platform-prod"), karpenter: fakeKarpenter(), data: fakeData(), settings, vpcCidr: "10.20.0.0/16", protectStateful: true, tags: {} });
        }, "prod");
    });

    it("installs no Vault, no seal key and no TLS material", () => {
        assert.deepStrictEqual(ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => r.name), ["external-secrets"]);
        assert.deepStrictEqual(ofType(run, "aws:kms/key:Key").map((r) => r.name), ["secrets-key"]);
        assert.deepStrictEqual(ofType(run, "tls:index/privateKey:PrivateKey"), []);
        assert.deepStrictEqual(ofType(run, "aws:secretsmanager/secret:Secret").map((r) => inputs(r)["name"]), ["platform-prod-vault/admin-token"]);
        assert.deepStrictEqual(ofType(run, "aws:secretsmanager/secretVersion:SecretVersion"), [], "the admin token is written by the external Vault's operators");
    });

    it("trusts the configured CA and points every store at the external address, on this cluster's mounts", () => {
        const cm = inputs(one(run, "kubernetes:core/v1:ConfigMap", "secrets-vault-ca"));
        assert.deepStrictEqual(cm["data"], { "ca.crt": CA });
        for (const r of ofType(run, "kubernetes:external-secrets.io/v1:ClusterSecretStore").filter((s) => s.name !== "secrets-aws-store")) {
            const v = at(inputs(r), "spec.provider.vault") as Inputs;
            assert.strictEqual(v["server"], ADDRESS, r.name);
            assert.strictEqual(v["path"], "platform-platform-prod", r.name);
            assert.strictEqual(at(v, "auth.kubernetes.mountPath"), "kubernetes-platform-prod", r.name);
        }
        assert.strictEqual(layer?.contract.vault.address, ADDRESS);
        assert.strictEqual(layer?.contract.kvMount, "platform-platform-prod");
    });

    it("gives the external Vault an empty, Kubernetes-filled reviewer token bound to system:auth-delegator", () => {
        const secret = inputs(one(run, "kubernetes:core/v1:Secret", "secrets-token-reviewer"));
        assert.strictEqual(secret["type"], "kubernetes.io/service-account-token");
        assert.ok(secret["data"] === undefined && secret["stringData"] === undefined);
        const binding = inputs(one(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "secrets-token-reviewer"));
        assert.deepStrictEqual(at(binding, "roleRef.name"), "system:auth-delegator");
    });

    it("the bootstrap configures the external Vault with the cluster endpoint and reads the admin token, never initialises", () => {
        const script = String((at(inputs(one(run, "kubernetes:core/v1:ConfigMap", "secrets-bootstrap")), "data") as Record<string, string>)["bootstrap.sh"]);
        assert.doesNotMatch(script, /operator init/);
        assert.match(script, /kubernetes_host=https:\/\/0123456789ABCDEF\.gr7\.eu-west-1\.eks\.amazonaws\.com kubernetes_ca_cert=@\/var\/run\/kube-ca\/ca\.crt token_reviewer_jwt=@\/var\/run\/token-reviewer\/token/);
        assert.match(script, /get-secret-value --secret-id "\$ADMIN_TOKEN_SECRET_ARN"/);
        assert.match(script, /case "\$p" in platform-prod-\*\)/, "owns only its own policy prefix on a shared Vault");
        const job = inputs(one(run, "kubernetes:batch/v1:Job", "secrets-bootstrap"));
        const c = (at(job, "spec.template.spec.containers") as Inputs[])[0];
        assert.deepStrictEqual((c["env"] as Inputs[]).map((e) => e["name"]), ["ADMIN_TOKEN_SECRET_ARN"]);
        const policy = JSON.parse(String(inputs(one(run, "aws:iam/rolePolicy:RolePolicy", "secrets-bootstrap"))["policy"])) as { Statement: { Sid: string }[] };
        assert.deepStrictEqual(policy.Statement.map((s) => s.Sid), ["ReadExternalVaultAdminToken", "UsePlatformSecretsKey"]);
    });
});
