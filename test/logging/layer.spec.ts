// The logging layer as the program declares it (memoized dev and prod plans): buckets, key, identities, releases,
// placement and the absence of secrets.
import * as assert from "assert";
import { containsSecret, plainValue } from "../../tools/offline/recorder";
import { lokiChunksBucketName, lokiRulerBucketName, tempoBucketName } from "../../infra/logging/buckets";
import { LOKI_S3_ACTIONS, TEMPO_S3_ACTIONS } from "../../infra/logging/iam";
import { physicalNames } from "../../infra/lib/naming";
import { Inputs, inputs, one, ofType, planStack, stackOutputs } from "../helpers";
import { isMap } from "./check";

const ACCOUNT = "123456789012"; // the mock cloud's account
const REGION = "eu-west-1";

function at(v: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((n, k) => (isMap(n) ? n[k] : undefined), v);
}

const RELEASE = "kubernetes:helm.sh/v3:Release";
const BUCKETS = ["logging-loki-chunks", "logging-loki-ruler", "logging-tempo"];

describe("logging layer in the plan", () => {
    for (const stack of ["dev", "prod"] as const) {
        const days = stack === "prod" ? { loki: 30, tempo: 14 } : { loki: 7, tempo: 3 };

        it(`${stack}: three buckets encrypted with the layer's own KMS key, public access blocked, TLS-only, protect ${stack === "prod"}`, async () => {
            const run = await planStack(stack);
            const key = one(run, "aws:kms/key:Key", "logging-key");
            assert.strictEqual(inputs(key)["enableKeyRotation"], true);
            assert.strictEqual(key.protect, stack === "prod");
            for (const name of BUCKETS) {
                const bucket = one(run, "aws:s3/bucket:Bucket", name);
                assert.strictEqual(bucket.protect, stack === "prod", name);
                const sse = inputs(one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name));
                assert.strictEqual(at((sse["rules"] as Inputs[])[0], "applyServerSideEncryptionByDefault.sseAlgorithm"), "aws:kms", name);
                assert.match(String(at((sse["rules"] as Inputs[])[0], "applyServerSideEncryptionByDefault.kmsMasterKeyId")), /^arn:aws:kms:/, name);
                const pab = inputs(one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name));
                for (const f of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.strictEqual(pab[f], true, `${name} ${f}`);
                const policy = JSON.parse(String(inputs(one(run, "aws:s3/bucketPolicy:BucketPolicy", name))["policy"])) as { Statement: Inputs[] };
                assert.ok(
                    policy.Statement.some((s) => s["Effect"] === "Deny" && at(s, "Condition.Bool.aws:SecureTransport") === "false"),
                    `${name}: no TLS-only deny`,
                );
            }
            const names = BUCKETS.map((n) => inputs(one(run, "aws:s3/bucket:Bucket", n))["bucket"]);
            assert.deepStrictEqual(names, [
                lokiChunksBucketName(`platform-${stack}`, ACCOUNT, REGION),
                lokiRulerBucketName(`platform-${stack}`, ACCOUNT, REGION),
                tempoBucketName(`platform-${stack}`, ACCOUNT, REGION),
            ]);
        });

        it(`${stack}: lifecycle follows retention (${days.loki} d of logs, ${days.tempo} d of traces), scoped to the tenant prefixes`, async () => {
            const run = await planStack(stack);
            const rules = (name: string) => inputs(one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name))["rules"] as Inputs[];
            const chunks = rules("logging-loki-chunks").find((r) => r["id"] === "expire-orphaned-chunks");
            // Longer than retention + the compactor's 2 h delete delay, and never an empty prefix (Loki retention docs).
            assert.deepStrictEqual({ prefix: at(chunks, "filter.prefix"), days: at(chunks, "expiration.days") }, { prefix: "platform/", days: days.loki + 1 });
            const traces = rules("logging-tempo").find((r) => r["id"] === "expire-orphaned-blocks");
            assert.deepStrictEqual({ prefix: at(traces, "filter.prefix"), days: at(traces, "expiration.days") }, { prefix: "single-tenant/", days: days.tempo + 1 });
            for (const name of BUCKETS) {
                assert.ok(rules(name).some((r) => at(r, "abortIncompleteMultipartUpload.daysAfterInitiation") === 1), name);
                assert.ok(!rules(name).some((r) => at(r, "expiration") !== undefined && !at(r, "filter.prefix")), `${name}: an expiration without a prefix`);
            }
            // Rules are configuration: never expired, versioned.
            assert.ok(!rules("logging-loki-ruler").some((r) => at(r, "expiration") !== undefined));
            assert.strictEqual(at(inputs(one(run, "aws:s3/bucketVersioning:BucketVersioning", "logging-loki-ruler")), "versioningConfiguration.status"), "Enabled");
        });

        it(`${stack}: Loki and Tempo reach S3 through Pod Identity with exactly the documented actions on their own buckets`, async () => {
            const run = await planStack(stack);
            const cases = [
                { id: "logging-loki", ns: "logging", sa: "loki", actions: LOKI_S3_ACTIONS, buckets: BUCKETS.slice(0, 2) },
                { id: "logging-tempo", ns: "tracing", sa: "tempo", actions: TEMPO_S3_ACTIONS, buckets: BUCKETS.slice(2) },
            ];
            for (const c of cases) {
                const assoc = inputs(one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", c.id));
                assert.deepStrictEqual([assoc["namespace"], assoc["serviceAccount"]], [c.ns, c.sa]);
                const doc = JSON.parse(String(inputs(one(run, "aws:iam/rolePolicy:RolePolicy", c.id))["policy"])) as { Statement: Inputs[] };
                const s3 = doc.Statement.filter((s) => (s["Action"] as string[]).some((a) => a.startsWith("s3:")));
                assert.deepStrictEqual(s3.flatMap((s) => s["Action"] as string[]).sort(), [...c.actions].sort());
                const names = c.buckets.map((b) => String(inputs(one(run, "aws:s3/bucket:Bucket", b))["bucket"]));
                const arns = s3.flatMap((s) => s["Resource"] as string[]);
                assert.deepStrictEqual([...new Set(arns.map((a) => a.replace(/^arn:aws:s3:::/, "").replace(/\/\*$/, "")))].sort(), [...names].sort());
            }
        });

        it(`${stack}: five pinned releases in their namespaces; Loki values name the planned buckets and region`, async () => {
            const run = await planStack(stack);
            const releases = ofType(run, RELEASE).filter((r) => r.name.startsWith("logging-"));
            assert.deepStrictEqual(
                releases.map((r) => [r.name, inputs(r)["chart"], inputs(r)["version"], inputs(r)["namespace"]]).sort(),
                [
                    ["logging-alloy", "alloy", "1.11.1", "logging"],
                    ["logging-alloy-events", "alloy", "1.11.1", "logging"],
                    ["logging-loki", "loki", "18.11.0", "logging"],
                    ["logging-otel-gateway", "opentelemetry-collector", "0.170.0", "tracing"],
                    ["logging-tempo", "tempo", "2.2.4", "tracing"],
                ],
            );
            const loki = inputs(one(run, RELEASE, "logging-loki"))["values"];
            assert.deepStrictEqual(at(loki, "loki.storage.bucketNames"), {
                chunks: inputs(one(run, "aws:s3/bucket:Bucket", "logging-loki-chunks"))["bucket"],
                ruler: inputs(one(run, "aws:s3/bucket:Bucket", "logging-loki-ruler"))["bucket"],
            });
            assert.strictEqual(at(loki, "loki.storage.s3.region"), REGION);
            assert.strictEqual(at(loki, "deploymentMode"), stack === "prod" ? "Distributed" : "Monolithic");
            const tempo = inputs(one(run, RELEASE, "logging-tempo"))["values"];
            assert.strictEqual(at(tempo, "tempo.storage.trace.s3.endpoint"), `s3.${REGION}.amazonaws.com`);
        });

        it(`${stack}: Loki, Tempo and the gateway wait for the platform NodePool; the Alloy releases for the system nodes`, async () => {
            const run = await planStack(stack);
            const nodePool = ofType(run, "kubernetes:karpenter.sh/v1:NodePool").find((r) => r.name.endsWith("platform-pool"));
            assert.ok(nodePool, "the platform NodePool");
            for (const name of ["logging-loki", "logging-tempo", "logging-otel-gateway"]) {
                assert.ok(one(run, RELEASE, name).dependencies.includes(nodePool.urn), name);
            }
            const systemGroup = ofType(run, "aws:eks/nodeGroup:NodeGroup")[0];
            for (const name of ["logging-alloy", "logging-alloy-events"]) assert.ok(one(run, RELEASE, name).dependencies.includes(systemGroup.urn), name);
            // The identities exist before the pods that use them.
            const lokiAssoc = one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "logging-loki");
            assert.ok(one(run, RELEASE, "logging-loki").dependencies.includes(lokiAssoc.urn));
        });

        it(`${stack}: no secret and no static AWS key anywhere in the layer`, async () => {
            const run = await planStack(stack);
            // Every logical name of the layer starts with its component's name (children of the Logging component and of
            // the WorkloadIdentity components it creates).
            const mine = run.resources.filter((r) => r.name === "logging" || r.name.startsWith("logging-"));
            assert.ok(mine.length >= 30, `the filter found ${mine.length} resources of the layer`);
            for (const r of mine) {
                assert.ok(!Object.values(r.inputs).some(containsSecret), `${r.name} has a secret input`);
                assert.doesNotMatch(JSON.stringify(r.inputs), /access_?key|secret_?(access_)?key|accessKeyId|secretAccessKey|AKIA[0-9A-Z]{16}/i, r.name);
            }
        });
    }

    it("prod: the contract URLs are stack outputs, and the capacity report puts Loki's Distributed pods on the platform pool", async () => {
        const run = await planStack("prod");
        const out = stackOutputs(run);
        assert.deepStrictEqual(
            [out["lokiUrl"], out["tempoUrl"], out["otlpGrpcEndpoint"], out["otlpHttpEndpoint"], out["lokiTenant"]],
            ["http://loki-gateway.logging.svc", "http://tempo.tracing.svc:3200", "http://otel-gateway.tracing.svc:4317", "http://otel-gateway.tracing.svc:4318", "platform"],
        );
        const platform = one(run, "platform:index:Platform");
        const capacity = plainValue(run.componentOutputs.get(platform.urn)?.["capacity"]) as { pools: { pool: string; components: string[] }[] };
        const pool = (name: string) => capacity.pools.find((p) => p.pool === name)?.components ?? [];
        for (const c of ["loki/ingester", "loki/distributor", "loki/querier", "loki/chunks-cache", "tempo/monolithic", "otel-gateway/collector"]) {
            assert.ok(pool("platform").includes(c), c);
        }
        for (const c of ["alloy/daemonset", "alloy-events/deployment"]) assert.ok(pool("system").includes(c), c);
    });

    it("the Loki chunk bucket name is covered by the stack-name length check", () => {
        const names = physicalNames({ project: "platform", stack: "prod", region: REGION, postgresMajor: "17" });
        const entry = names.find((n) => n.what === "Loki chunk bucket name");
        assert.strictEqual(entry?.name, lokiChunksBucketName("platform-prod", ACCOUNT, REGION));
        assert.ok(lokiRulerBucketName("platform-prod", ACCOUNT, REGION).length <= (entry?.name.length ?? 0));
        assert.ok(tempoBucketName("platform-prod", ACCOUNT, REGION).length <= (entry?.name.length ?? 0));
    });
});
