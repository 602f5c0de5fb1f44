// The golden path's `secrets` seam: validation (every error names the field), env and file delivery, one owned
// ExternalSecret per item, and the checksum annotation that rolls the pods when a declaration (or `rotation`) changes.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { consumerLookup } from "../../infra/secrets/access";
import { ProductionService, SECRETS_CHECKSUM_ANNOTATION, ServiceArgsError, ServiceSecrets, secretsChecksum } from "../../infra/workloads/service";
import { secretEnvVars, secretVolumes, secretsProblems } from "../../infra/workloads/service/secrets";
import { Inputs, inputs, ofType } from "../helpers";
import { minimalArgs } from "./fixtures";
import { at, object, render } from "./render";

function declared(rotation?: number): ServiceSecrets {
    return {
        ready: [],
        refreshInterval: "1h",
        items: [
            {
                name: "api-db",
                store: "aws-secrets-manager",
                data: [
                    { secretKey: "username", remoteKey: "platform-test/team/api-db", property: "username" },
                    { secretKey: "password", remoteKey: "platform-test/team/api-db", property: "password" },
                ],
                template: { url: "postgresql://{{ .username }}:{{ .password | urlquery }}@db:5432/app", password: "{{ .password }}" },
                env: { DATABASE_URL: "url", DATABASE_PASSWORD: "password" },
                ...(rotation !== undefined ? { rotation } : {}),
            },
            {
                name: "api-key",
                store: "vault-apps-team-api",
                data: [{ secretKey: "key", remoteKey: "apps/team/api/key", property: "value" }],
                mountPath: "/var/run/secrets/api",
                refreshInterval: "5m",
            },
        ],
    };
}

function value(o: pulumi.Output<string> | undefined): Promise<string | undefined> {
    return o === undefined ? Promise.resolve(undefined) : new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("workloads: the secrets seam of ProductionService", () => {
    it("accepts a valid declaration", () => {
        assert.deepStrictEqual(secretsProblems(declared(), { env: [], mountPaths: ["/tmp"] }), []);
    });

    it("names every bad field, what was expected and what was found", () => {
        const bad: ServiceSecrets = {
            ready: [],
            refreshInterval: "hourly",
            items: [
                { name: "Api_DB", store: "", data: [], env: { DB: "nope" } },
                { name: "x", store: "s", data: [{ secretKey: "a", remoteKey: "k" }, { secretKey: "a", remoteKey: "k" }], env: { "1BAD": "a", LOG_LEVEL: "a" }, mountPath: "tmp", rotation: -1 },
                { name: "y", store: "s", data: [{ secretKey: "a", remoteKey: "" }] },
            ],
        };
        const problems = secretsProblems(bad, { env: ["LOG_LEVEL"], mountPaths: ["/tmp"] });
        const expected = [
            'secrets.refreshInterval: expected a Go duration like 1h or 15m, found "hourly"',
            'secrets.items[0].name: expected a DNS-1123 name like app-db, found "Api_DB"',
            "secrets.items[0].store: expected a ClusterSecretStore name (SecretsContract.awsStore or vaultAccessFor(...).store), found nothing",
            "secrets.items[0].data: expected at least one remote key, found none",
            'secrets.items[0].env.DB: expected one of the Secret\'s keys (), found "nope"',
            'secrets.items[1].data[1].secretKey: expected each key once, found "a" twice',
            'secrets.items[1].env: expected an environment variable name, found "1BAD"',
            "secrets.items[1].env.LOG_LEVEL: expected a variable set once (not also in env, secretEnv or another secret), found it twice",
            'secrets.items[1].mountPath: expected an absolute path, found "tmp"',
            "secrets.items[1].rotation: expected a whole number >= 0, found -1",
            'secrets.items[2].data[0].remoteKey: expected a remote key, found ""',
            "secrets.items[2]: expected env or mountPath (how the container receives the Secret), found neither",
        ];
        for (const e of expected) assert.ok(problems.includes(e), `missing: ${e}\nfound:\n${problems.join("\n")}`);
    });

    it("env variables come from secretKeyRef; mounted secrets are read-only volumes", () => {
        assert.deepStrictEqual(secretEnvVars(declared()), [
            { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "api-db", key: "url" } } },
            { name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: "api-db", key: "password" } } },
        ]);
        assert.deepStrictEqual(secretVolumes(declared()), {
            volumes: [{ name: "secret-0", secret: { secretName: "api-key", defaultMode: 0o440 } }],
            mounts: [{ name: "secret-0", mountPath: "/var/run/secrets/api", readOnly: true }],
        });
    });

    it("the checksum is stable, and changes when a declaration changes or `rotation` is bumped", async () => {
        const a = await value(secretsChecksum(declared()));
        assert.match(String(a), /^[0-9a-f]{64}$/);
        assert.strictEqual(await value(secretsChecksum(declared())), a);
        assert.strictEqual(await value(secretsChecksum(declared(0))), a, "rotation 0 is the default");
        assert.notStrictEqual(await value(secretsChecksum(declared(1))), a);
        const moved = declared();
        moved.items[0].data[1].property = "pass";
        assert.notStrictEqual(await value(secretsChecksum(moved)), a);
        assert.strictEqual(secretsChecksum(undefined), undefined);
    });

    it("renders one owned ExternalSecret per item, the env, the volume and the checksum annotation", async () => {
        const run = await render((provider) => void new ProductionService("api", { ...minimalArgs(), secrets: declared(2) }, { provider }));
        const ess = ofType(run, "kubernetes:external-secrets.io/v1:ExternalSecret")
            .map((r) => inputs(r))
            .sort((x, y) => String(at(x, "metadata.name")).localeCompare(String(at(y, "metadata.name"))));
        assert.deepStrictEqual(ess.map((e) => [at(e, "metadata.name"), at(e, "metadata.namespace"), at(e, "spec.secretStoreRef.name"), at(e, "spec.refreshInterval"), at(e, "spec.target.creationPolicy")]), [
            ["api-db", "team", "aws-secrets-manager", "1h", "Owner"],
            ["api-key", "team", "vault-apps-team-api", "5m", "Owner"],
        ]);
        assert.deepStrictEqual(at(ess[0], "spec.target.template.data"), declared().items[0].template);
        const d = object(run, "kubernetes:apps/v1:Deployment", "api").i;
        const ann = at(d, "spec.template.metadata.annotations") as Record<string, string>;
        assert.strictEqual(ann[SECRETS_CHECKSUM_ANNOTATION], await value(secretsChecksum(declared(2))));
        const c = (at(d, "spec.template.spec.containers") as Inputs[])[0];
        assert.deepStrictEqual((c["env"] as Inputs[]).map((e) => e["name"]), ["DATABASE_URL", "DATABASE_PASSWORD"]);
        assert.ok((c["volumeMounts"] as Inputs[]).some((m) => m["mountPath"] === "/var/run/secrets/api" && m["readOnly"] === true));
        assert.deepStrictEqual(ofType(run, "kubernetes:core/v1:Secret"), []);
    });

    it("refuses bad secrets before declaring anything", () => {
        assert.throws(
            () => new ProductionService("api", { ...minimalArgs(), env: { DATABASE_URL: "x" }, secrets: declared() }),
            (e: unknown) => e instanceof ServiceArgsError && e.problems.includes("secrets.items[0].env.DATABASE_URL: expected a variable set once (not also in env, secretEnv or another secret), found it twice"),
        );
    });

    it("vaultAccessFor gives a declared consumer its store and path, and names the config key for any other", () => {
        const lookup = consumerLookup([{ namespace: "quotes", serviceAccount: "quotes" }], (ns, sa) => `vault-apps-${ns}-${sa}`);
        assert.deepStrictEqual(lookup("quotes", "quotes"), { store: "vault-apps-quotes-quotes", pathPrefix: "apps/quotes/quotes" });
        assert.throws(() => lookup("billing", "api"), /platform:secrets\.vaultConsumers: expected an entry \{ namespace: billing, serviceAccount: api \} .*found \["quotes\/quotes"\]/);
    });
});
