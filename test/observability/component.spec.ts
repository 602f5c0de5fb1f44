// The Observability component built directly from (fake) contracts under the mock cloud: what it declares in a dev-like
// and a prod-like stack, the custom resources against the pinned CRD schemas, secrets only by reference, the capacity
// it declares per pool, and the optional MongoDB exporter on and off.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { Observability } from "../../infra/observability";
import { ObservabilitySettings } from "../../infra/observability/config";
import { MockCloud } from "../../tools/offline/mocks";
import { fakeCluster, fakeKarpenter } from "../fakeContracts";
import { isMap, validate } from "./check";
import { fakeLogging, fakeSecrets } from "./fakeContracts";
import { POD_MONITOR_SPEC_SCHEMA, PROMETHEUS_RULE_SPEC_SCHEMA, SERVICE_MONITOR_SPEC_SCHEMA } from "./fixtures/upstream";

const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

type Seen = { type: string; name: string; inputs: Record<string, unknown> };
class CapturingCloud extends MockCloud {
    readonly seen: Seen[] = [];
    newResource(args: pulumi.runtime.MockResourceArgs) {
        this.seen.push({ type: args.type, name: args.name, inputs: JSON.parse(JSON.stringify(args.inputs ?? {})) as Record<string, unknown> });
        return super.newResource(args);
    }
}

const settings = (env: "dev" | "prod") => ENVIRONMENT_DEFAULTS[env]["observability"] as ObservabilitySettings;
const cloud = new CapturingCloud({ region: "eu-west-1", project: "platform", stack: "obs" });

function build(prefix: string, env: "dev" | "prod", s: ObservabilitySettings, logging: boolean) {
    const cluster = fakeCluster(prefix, `platform-${env}`);
    const o = new Observability(prefix, {
        cluster,
        karpenter: fakeKarpenter(),
        secrets: fakeSecrets(),
        ...(logging ? { logging: fakeLogging() } : {}),
        settings: s,
        environment: env,
        stack: env,
        region: "eu-west-1",
        tags: { "platform:stack": env },
    });
    return { o, cluster };
}

const mine = (prefix: string) => cloud.seen.filter((r) => r.name.startsWith(`${prefix}-`));
const ofKind = (prefix: string, kind: string) => mine(prefix).filter((r) => r.inputs["kind"] === kind);
const releases = (prefix: string) => mine(prefix).filter((r) => r.type === "kubernetes:helm.sh/v3:Release");

describe("observability: the component", () => {
    before(() => pulumi.runtime.setMocks(cloud, "platform", "obs", true));
    after(() => waitForRPCs());

    let dev: ReturnType<typeof build>;
    let prod: ReturnType<typeof build>;
    before(async () => {
        dev = build("obsdev", "dev", settings("dev"), false);
        prod = build("obsprod", "prod", { ...settings("prod"), mongodb: { uri: { store: "aws", key: "observability/mongodb", property: "uri" } } }, true);
        await waitForRPCs();
    });

    it("installs the CRDs as their own release and the stack without them; YACE with its Pod Identity role", () => {
        const r = releases("obsdev").map((x) => [x.inputs["name"], x.inputs["chart"], x.inputs["version"]]);
        // Registration order follows dependency resolution, not declaration: compare as a set.
        assert.deepStrictEqual(r.sort(), [
            ["prometheus-operator-crds", "prometheus-operator-crds", "31.0.1"],
            ["kps", "kube-prometheus-stack", "88.5.3"],
            ["yace", "prometheus-yet-another-cloudwatch-exporter", "0.47.0"],
        ].sort());
        const kps = releases("obsdev").find((x) => x.inputs["chart"] === "kube-prometheus-stack") as Seen;
        assert.strictEqual(kps.inputs["skipCrds"], true);
        assert.strictEqual((kps.inputs["values"] as { crds: { enabled: boolean } }).crds.enabled, false);
        const assoc = mine("obsdev").find((x) => x.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation");
        assert.deepStrictEqual([assoc?.inputs["namespace"], assoc?.inputs["serviceAccount"]], ["monitoring", "yace"]);
        const policy = mine("obsdev").find((x) => x.type === "aws:iam/rolePolicy:RolePolicy");
        const doc = JSON.parse(String(policy?.inputs["policy"])) as { Statement: { Action: string[] }[] };
        assert.deepStrictEqual(doc.Statement.flatMap((s) => s.Action).sort(), ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "tag:GetResources"]);
    });

    it("dev: Grafana's admin from an ExternalSecret, no receiver secret, no MongoDB; notices say so", () => {
        const es = ofKind("obsdev", "ExternalSecret");
        assert.deepStrictEqual(es.map((e) => (e.inputs["metadata"] as { name: string }).name), ["grafana-admin"]);
        const spec = es[0].inputs["spec"] as { secretStoreRef: { name: string }; data: { secretKey: string; remoteRef: { key: string; property: string } }[] };
        assert.strictEqual(spec.secretStoreRef.name, "vault");
        assert.deepStrictEqual(spec.data.map((d) => [d.secretKey, d.remoteRef.key, d.remoteRef.property]), [
            ["admin-user", "platform/observability/grafana", "admin-user"],
            ["admin-password", "platform/observability/grafana", "admin-password"],
        ]);
        assert.ok(!releases("obsdev").some((r) => r.inputs["chart"] === "prometheus-mongodb-exporter"));
        assert.ok(!ofKind("obsdev", "PrometheusRule").some((r) => (r.inputs["metadata"] as { name: string }).name === "platform-mongodb"));
        assert.ok(dev.o.notices.some((n) => n.startsWith("alerts notify no one")));
        assert.ok(dev.o.notices.some((n) => n.startsWith("Grafana has no Loki/Tempo datasources")));
    });

    it("prod: receivers' secrets synced from one store, mounted into Alertmanager; the MongoDB exporter with its URI from Secrets Manager", () => {
        const es = ofKind("obsprod", "ExternalSecret");
        const byName = new Map(es.map((e) => [(e.inputs["metadata"] as { name: string }).name, e.inputs["spec"] as Record<string, unknown>]));
        assert.deepStrictEqual([...byName.keys()].sort(), ["alertmanager-receivers", "grafana-admin", "mongodb-exporter-uri"]);
        const receivers = byName.get("alertmanager-receivers") as { data: { secretKey: string }[]; target: { name: string } };
        assert.deepStrictEqual(receivers.data.map((d) => d.secretKey), ["slack-webhook-url", "pagerduty-routing-key", "deadmansswitch-url"]);
        const mongo = byName.get("mongodb-exporter-uri") as { secretStoreRef: { name: string }; data: { remoteRef: { key: string } }[] };
        assert.strictEqual(mongo.secretStoreRef.name, "aws-secrets-manager");
        // AWS keys are read under the platform prefix the AWS store may read.
        assert.strictEqual(mongo.data[0].remoteRef.key, "platform-test/observability/mongodb");
        const kps = releases("obsprod").find((r) => r.inputs["chart"] === "kube-prometheus-stack");
        const am = (kps?.inputs["values"] as { alertmanager: { alertmanagerSpec: { secrets: string[] } } }).alertmanager.alertmanagerSpec;
        assert.deepStrictEqual(am.secrets, ["alertmanager-receivers"]);
        const exporter = releases("obsprod").find((r) => r.inputs["chart"] === "prometheus-mongodb-exporter");
        assert.deepStrictEqual((exporter?.inputs["values"] as { existingSecret: unknown }).existingSecret, { name: "mongodb-exporter-uri", key: "mongodb-uri" });
        assert.ok(ofKind("obsprod", "PrometheusRule").some((r) => (r.inputs["metadata"] as { name: string }).name === "platform-mongodb"));
        assert.ok(mine("obsprod").some((r) => (r.inputs["metadata"] as { name?: string } | undefined)?.name === "dashboard-platform-mongodb"));
        assert.ok(!mine("obsdev").some((r) => (r.inputs["metadata"] as { name?: string } | undefined)?.name === "dashboard-platform-mongodb"));
    });

    it("custom resources validate against the v0.93.1 CRD schemas", () => {
        for (const prefix of ["obsdev", "obsprod"]) {
            const rules = ofKind(prefix, "PrometheusRule");
            assert.ok(rules.length >= 2);
            for (const r of rules) assert.deepStrictEqual(validate(r.inputs["spec"], PROMETHEUS_RULE_SPEC_SCHEMA, "spec"), [], String(r.name));
            for (const r of ofKind(prefix, "ServiceMonitor")) assert.deepStrictEqual(validate(r.inputs["spec"], SERVICE_MONITOR_SPEC_SCHEMA, "spec"), [], String(r.name));
            for (const r of ofKind(prefix, "PodMonitor")) assert.deepStrictEqual(validate(r.inputs["spec"], POD_MONITOR_SPEC_SCHEMA, "spec"), [], String(r.name));
            for (const r of [...rules, ...ofKind(prefix, "ServiceMonitor"), ...ofKind(prefix, "PodMonitor")]) assert.strictEqual(r.inputs["apiVersion"], "monitoring.coreos.com/v1");
        }
        assert.deepStrictEqual(ofKind("obsdev", "ServiceMonitor").map((r) => (r.inputs["metadata"] as { namespace: string }).namespace), ["kube-system"]);
    });

    it("dashboards: one ConfigMap per JSON file, labelled for the Grafana sidecar", () => {
        const maps = mine("obsdev").filter((r) => r.type === "kubernetes:core/v1:ConfigMap");
        assert.strictEqual(maps.length, 5);
        for (const m of maps) assert.deepStrictEqual((m.inputs["metadata"] as { labels: unknown }).labels, { grafana_dashboard: "1" });
    });

    it("capacity: Prometheus, Alertmanager and Grafana on the platform pool; operator, kube-state-metrics and YACE on the system nodes; node-exporter per node", () => {
        const comp = (pool: "system" | "platform") => prod.cluster.capacity.demands(pool).map((d) => `${d.component}x${d.replicas}${d.perNode ? "/node" : ""}`);
        assert.deepStrictEqual(comp("platform"), ["kps/prometheusx2", "kps/alertmanagerx3", "kps/grafanax1"]);
        assert.deepStrictEqual(comp("system"), ["kps/operatorx1", "kps/kube-state-metricsx1", "kps/node-exporterx1/node", "yacex1", "mongodb-exporterx1"]);
        const prom = prod.cluster.capacity.demands("platform")[0];
        // Prometheus 1 CPU / 4Gi plus its config reloader 10m / 32Mi.
        assert.deepStrictEqual([prom.cpu, prom.memory, prom.memoryLimit], ["1010m", "4128Mi", "6208Mi"]);
    });

    it("no secret value anywhere in what the component declares", () => {
        const text = JSON.stringify(mine("obsprod").map((r) => r.inputs));
        assert.ok(!/hooks\.slack\.com|events\.pagerduty|mongodb(\+srv)?:\/\/[^"]*@/.test(text));
        for (const r of mine("obsprod").filter((x) => x.type === "kubernetes:core/v1:Secret")) assert.fail(`a plain Secret is declared: ${r.name}`);
        assert.ok(isMap(prod.o.outputs) && prod.o.outputs.grafanaAdminSecret === "monitoring/grafana-admin");
    });
});
