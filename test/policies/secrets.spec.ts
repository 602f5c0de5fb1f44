// no-plaintext-credentials / no-plaintext-credentials-env: pass and fail cases through the real pack.
import * as assert from "assert";
import { DEPLOYMENT, WORKLOAD_KINDS, check, goodContainer, goodPodSpec, of, resource, workloadResource } from "./helpers";

const PROD = { "no-plaintext-credentials": "mandatory" as const, "no-plaintext-credentials-env": "mandatory" as const };

function secret(name: string, extra: Record<string, unknown>) {
    return resource("kubernetes:core/v1:Secret", name, { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "apps" }, ...extra });
}
function configMap(name: string, data: Record<string, string>) {
    return resource("kubernetes:core/v1:ConfigMap", name, { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "apps" }, data });
}
function withEnv(env: Record<string, unknown>[]) {
    return workloadResource(DEPLOYMENT, goodPodSpec({ containers: [goodContainer("app", { env })] }));
}

describe("policy no-plaintext-credentials", () => {
    it("fails a declared Secret with stringData or data, naming the keys but never the values", async () => {
        const vs = of(await check([secret("db", { stringData: { password: "hunter2" } }), secret("tls", { type: "kubernetes.io/tls", data: { "tls.key": "a2V5" } })], PROD), "no-plaintext-credentials");
        assert.strictEqual(vs.length, 2);
        assert.match(vs[0].message, /Secret "db" declares key "password" in the program/);
        assert.match(vs[1].message, /Secret "tls" declares key "tls.key"/);
        for (const v of vs) assert.ok(!v.message.includes("hunter2") && !v.message.includes("a2V5"));
        assert.strictEqual(vs[0].enforcement, "mandatory");
    });

    it("passes an empty service-account-token Secret (Kubernetes fills it) and an ExternalSecret", async () => {
        const es = resource("kubernetes:external-secrets.io/v1:ExternalSecret", "db", { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "db", namespace: "apps" }, spec: { secretStoreRef: { name: "vault", kind: "ClusterSecretStore" }, data: [] } });
        const sa = secret("reviewer", { type: "kubernetes.io/service-account-token", metadata: { name: "reviewer", namespace: "vault", annotations: { "kubernetes.io/service-account.name": "r" } } });
        assert.deepStrictEqual(of(await check([sa, es], PROD), "no-plaintext-credentials"), []);
    });

    it("fails a ConfigMap holding a private key, an AWS access key or a URL with a password; passes a certificate and plain config", async () => {
        const bad = [
            configMap("k", { "key.pem": "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----" }),
            configMap("a", { env: "AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP" }),
            configMap("u", { url: "postgres://app:s3cret@db:5432/app" }),
        ];
        const vs = of(await check(bad, PROD), "no-plaintext-credentials");
        assert.deepStrictEqual(vs.map((v) => (v.message.split("\n").pop() ?? "").replace(/ holds .*/, "")), ['ConfigMap "k" key "key.pem"', 'ConfigMap "a" key "env"', 'ConfigMap "u" key "url"']);
        assert.ok(!vs.some((v) => v.message.includes("s3cret")));
        const good = [configMap("ca", { "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" }), configMap("nginx", { "x.conf": "server { listen 8080; }" }), configMap("u2", { url: "https://db:5432/app" })];
        assert.deepStrictEqual(of(await check(good, PROD), "no-plaintext-credentials"), []);
    });

    it("is advisory where the stack config says so (dev)", async () => {
        const vs = of(await check([secret("db", { stringData: { password: "x" } })], { "no-plaintext-credentials": "advisory" }), "no-plaintext-credentials");
        assert.strictEqual(vs[0].enforcement, "advisory");
    });
});

describe("policy no-plaintext-credentials-env", () => {
    it("fails a credential-named variable with a literal value, in every pod-bearing kind", async () => {
        for (const k of WORKLOAD_KINDS) {
            const r = workloadResource(k, goodPodSpec({ containers: [goodContainer("app", { env: [{ name: "DATABASE_PASSWORD", value: "hunter2" }] })] }));
            const vs = of(await check([r], PROD), "no-plaintext-credentials-env");
            assert.strictEqual(vs.length, 1, k.kind);
            assert.match(vs[0].message, /container "app" sets DATABASE_PASSWORD to a literal/);
            assert.ok(!vs[0].message.includes("hunter2"));
        }
    });

    it("fails a credential-looking value under any name (init containers too)", async () => {
        const r = workloadResource(DEPLOYMENT, goodPodSpec({ initContainers: [goodContainer("migrate", { env: [{ name: "DSN", value: "postgres://u:p4ss@db/app" }] })] }));
        const vs = of(await check([r], PROD), "no-plaintext-credentials-env");
        assert.match(vs[0].message, /container "migrate" env DSN holds a URL with a password/);
    });

    it("passes secretKeyRef, references to secrets (ARN, file, name) and plain settings", async () => {
        const env = [
            { name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
            { name: "RECOVERY_SECRET_ARN", value: "arn:aws:secretsmanager:eu-west-1:1:secret:x" },
            { name: "TOKEN_FILE", value: "/var/run/token" },
            { name: "DATABASE_USER", value: "app" },
            { name: "DATABASE_URL_TEMPLATE", value: "postgres://db:5432/app" },
            { name: "API_KEY", value: "" },
        ];
        assert.deepStrictEqual(of(await check([withEnv(env)], PROD), "no-plaintext-credentials-env"), []);
    });
});
