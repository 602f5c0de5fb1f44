// Every alert and recording rule of the layer and of the golden path's per-service rules: the fields operators rely on,
// PromQL that Prometheus's own grammar parses, runbook anchors that exist, the operators' thresholds, and the
// PrometheusRule spec against the v0.93.1 CRD schema.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AlertRule, PrometheusRuleSpec, RuleGroup, isAlert, leMatcher, runbookAnchor } from "../../infra/lib/promRules";
import { BURN_RATE_ALERTS, SERVICE_ALERT_NAMES, serviceRules, sloProblems, targetGroupPrefix } from "../../infra/lib/serviceRules";
import { observabilitySection, ObservabilitySettings } from "../../infra/observability/config";
import { ALB_SERVICE_METRICS, layerRuleGroups } from "../../infra/observability/rules";
import { promqlProblems, validate } from "./check";
import { PROMETHEUS_RULE_SPEC_SCHEMA } from "./fixtures/upstream";

const prod = (observabilitySection.defaults.prod as { observability: ObservabilitySettings }).observability;
const withMongo: ObservabilitySettings = { ...prod, mongodb: { uri: { store: "vault", key: "teams/orders/mongodb", property: "uri" } } };
const layer = layerRuleGroups(withMongo);
const httpSvc = serviceRules({
    service: { namespace: "shop", name: "checkout" },
    slo: { objective: 0.999, latency: { p90: 0.25, p95: 0.5, p99: 1 }, apdex: { tSeconds: 0.25, target: 0.9 } },
    runbookBaseUrl: prod.runbookBaseUrl,
});
const albSvc = serviceRules({
    service: { namespace: "quotes", name: "quotes" },
    slo: { latency: { p90: 0.2, p95: 0.3, p99: 0.5 }, indicator: { kind: "alb" } },
    runbookBaseUrl: prod.runbookBaseUrl,
    alb: ALB_SERVICE_METRICS,
});
const allGroups: [string, RuleGroup[]][] = [
    ["platform", layer.platform],
    ["aws", layer.aws],
    ["mongodb", layer.mongodb],
    ["service (http)", httpSvc.groups],
    ["service (alb)", albSvc.groups],
];
const alerts = allGroups.flatMap(([, g]) => g.flatMap((x) => x.rules.filter(isAlert)));
const byName = (name: string, from: AlertRule[] = alerts) => {
    const found = from.find((a) => a.alert === name);
    assert.ok(found, `alert ${name} exists`);
    return found;
};

const runbooks = fs.readFileSync(path.join(__dirname, "../../docs/runbooks.md"), "utf8");
const anchors = new Set(
    runbooks
        .split("\n")
        .filter((l) => /^#{1,6} /.test(l))
        .map((l) => l.replace(/^#+ /, "").trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-")),
);

describe("observability: alert and recording rules", () => {
    for (const [source, groups] of allGroups) {
        it(`${source}: every rule's PromQL parses and the spec validates against the PrometheusRule CRD`, () => {
            const problems = groups.flatMap((g) => g.rules.flatMap((r) => promqlProblems(r.expr).map((p) => `${g.name}/${"alert" in r ? r.alert : r.record}: ${p}`)));
            assert.deepStrictEqual(problems, []);
            const spec: PrometheusRuleSpec = { groups };
            assert.deepStrictEqual(validate(JSON.parse(JSON.stringify(spec)), PROMETHEUS_RULE_SPEC_SCHEMA, "spec"), []);
        });
    }

    it("every alert has for, severity, summary, description and a runbook_url whose anchor is a section of docs/runbooks.md", () => {
        assert.ok(alerts.length >= 35, `found ${alerts.length} alerts`);
        for (const a of alerts) {
            assert.match(a.for, /^[0-9]+(s|m|h|d)$/, `${a.alert}: for`);
            assert.ok(["critical", "warning", "info"].includes(a.labels.severity), `${a.alert}: severity`);
            assert.ok(a.annotations.summary.length > 10 && a.annotations.description.length > 20, `${a.alert}: summary/description`);
            assert.strictEqual(a.annotations.runbook_url, `${prod.runbookBaseUrl}#${runbookAnchor(a.alert)}`);
            assert.ok(anchors.has(runbookAnchor(a.alert)), `docs/runbooks.md has no section for ${a.alert}`);
        }
        for (const name of SERVICE_ALERT_NAMES) assert.ok(anchors.has(runbookAnchor(name)), `docs/runbooks.md has no section for ${name}`);
    });

    it("the anchor check fails for a missing section and the PromQL check for broken expressions", () => {
        assert.ok(!anchors.has(runbookAnchor("NoSuchAlert")));
        assert.notDeepStrictEqual(promqlProblems("sum(rate(http_requests_total[5m]) >"), []);
        assert.notDeepStrictEqual(promqlProblems("rate(http_requests_total) > 1"), []);
        const bad = validate({ groups: [{ rules: [{ alert: "X", expr: "up", for: "ten minutes" }] }] }, PROMETHEUS_RULE_SPEC_SCHEMA, "spec");
        assert.deepStrictEqual(bad, ["spec.groups[0].name: required", "spec.groups[0].rules[0].for: ten minutes does not match ^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"]);
    });

    it("alert names are unique within the layer", () => {
        const names = [...layer.platform, ...layer.aws, ...layer.mongodb].flatMap((g) => g.rules.filter(isAlert).map((a) => a.alert));
        assert.deepStrictEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
    });

    it("the operators' thresholds: crash loop, memory, throttling, PVC, HPA, certificates", () => {
        assert.match(byName("PodCrashLooping").expr, /increase\(kube_pod_container_status_restarts_total\[10m\]\) > 3$/);
        assert.match(byName("ContainerMemoryNearLimit").expr, /kube_pod_container_resource_limits\{resource="memory"\}\) > 0\.8$/);
        assert.match(byName("ContainerCpuThrottled").expr, /> 0\.25$/);
        assert.match(byName("PvcUsageHigh").expr, /> 0\.8$/);
        assert.match(byName("PvcFullIn24h").expr, /predict_linear\(kubelet_volume_stats_available_bytes\[6h\], 24 \* 3600\)\) < 0/);
        assert.strictEqual(byName("HpaAtMaxReplicas").for, "15m");
        assert.match(byName("HpaAtMaxReplicas").expr, /current_replicas\) >= max by .*spec_max_replicas\)$/);
        assert.match(byName("CertificateExpiringSoon").expr, /< 30$/);
        assert.match(byName("CertificateExpiryCritical").expr, /< 7$/);
        assert.strictEqual(byName("CertificateExpiryCritical").labels.severity, "critical");
        assert.match(byName("VaultSealed").expr, /kube_pod_labels\{label_vault_sealed="true"\}/);
        assert.match(byName("ExternalSecretSyncErrors").expr, /externalsecret_sync_calls_error\[15m\]/);
        assert.match(byName("KarpenterInterruptionQueueBacklog").expr, /karpenter_interruption_message_queue_duration_seconds_bucket/);
        assert.match(byName("KarpenterProvisioningFailures").expr, /karpenter_cloudprovider_instance_launch_failures_total/);
    });

    it("HTTP 5xx ratio: critical above 5 %, warning above 1 %, twins for inhibition", () => {
        const svcAlerts = httpSvc.groups.flatMap((g) => g.rules.filter(isAlert));
        const crit = byName("HttpErrorRatioCritical", svcAlerts);
        const warn = byName("HttpErrorRatioHigh", svcAlerts);
        assert.match(crit.expr, /service:http_errors:ratio_rate5m\{namespace="shop", service="checkout"\} > 0\.05$/);
        assert.match(warn.expr, /> 0\.01$/);
        assert.deepStrictEqual([crit.labels.severity, warn.labels.severity], ["critical", "warning"]);
        assert.strictEqual(crit.labels["twin"], warn.labels["twin"]);
        assert.match(byName("AlbHttp5xxRatioCritical").expr, /> 0\.05$/);
        assert.match(byName("AlbHttp5xxRatioHigh").expr, /> 0\.01$/);
    });

    it("multi-window multi-burn-rate: 1h/5m at 14.4x and 6h/30m at 6x page, 3d/6h at 1x tickets (99.9 % by default)", () => {
        const svcAlerts = httpSvc.groups.flatMap((g) => g.rules.filter(isAlert));
        const expected = [
            ["SloErrorBudgetBurnFast", "1h", "5m", "14.4", "critical"],
            ["SloErrorBudgetBurnMedium", "6h", "30m", "6", "critical"],
            ["SloErrorBudgetBurnSlow", "3d", "6h", "1", "warning"],
        ];
        assert.strictEqual(BURN_RATE_ALERTS.length, 3);
        for (const [name, long, short, factor, severity] of expected) {
            const a = byName(name, svcAlerts);
            assert.strictEqual(
                a.expr,
                `service:http_errors:ratio_rate${long}{namespace="shop", service="checkout"} > (${factor} * 0.001) and service:http_errors:ratio_rate${short}{namespace="shop", service="checkout"} > (${factor} * 0.001)`,
            );
            assert.strictEqual(a.labels.severity, severity);
        }
        const records = httpSvc.groups.flatMap((g) => g.rules.filter((r) => !isAlert(r)).map((r) => ("record" in r ? r.record : "")));
        for (const w of ["5m", "30m", "1h", "6h", "3d"]) assert.ok(records.includes(`service:http_errors:ratio_rate${w}`), w);
    });

    it("per-service latency thresholds and Apdex", () => {
        const svcAlerts = httpSvc.groups.flatMap((g) => g.rules.filter(isAlert));
        assert.match(byName("HttpLatencyP90High", svcAlerts).expr, /p90\{.*\} > 0\.25$/);
        assert.match(byName("HttpLatencyP95High", svcAlerts).expr, /p95\{.*\} > 0\.5$/);
        assert.match(byName("HttpLatencyP99High", svcAlerts).expr, /p99\{.*\} > 1$/);
        assert.match(byName("ApdexLow", svcAlerts).expr, /service:apdex:ratio_rate5m\{.*\} < 0\.9 and/);
        const apdex = httpSvc.groups.flatMap((g) => g.rules).find((r) => "record" in r && r.record === "service:apdex:ratio_rate5m");
        assert.ok(apdex);
        // T = 0.25 s and 4T = 1 s (integer: "1" or Prometheus 3's normalised "1.0").
        assert.ok(apdex.expr.includes('le="0.25"') && apdex.expr.includes('le=~"1|1\\\\.0"'), apdex.expr);
        assert.strictEqual(leMatcher(2), 'le=~"2|2\\\\.0"');
    });

    it("the alb indicator reads the service's target group and has no Apdex", () => {
        assert.strictEqual(targetGroupPrefix({ namespace: "quotes", name: "quotes" }), "k8s-quotes-quotes-");
        assert.strictEqual(targetGroupPrefix({ namespace: "team-payments", name: "checkout-api" }), "k8s-teampaym-checkout-");
        const rules = albSvc.groups.flatMap((g) => g.rules);
        assert.ok(rules.every((r) => !("record" in r) || r.record !== "service:apdex:ratio_rate5m"));
        const req = rules.find((r) => "record" in r && r.record === "service:http_requests:rate5m");
        assert.ok(req && req.expr.includes('dimension_TargetGroup=~"targetgroup/k8s-quotes-quotes-[0-9a-f]+/.+"'), req?.expr);
        assert.ok(req.expr.startsWith("sum(sum_over_time(aws_applicationelb_request_count_sum{"), req.expr);
    });

    it("SLO arguments are checked with the field named", () => {
        assert.deepStrictEqual(sloProblems({ objective: 1.2, latency: { p90: 2, p95: 1, p99: 0.5 }, apdex: { tSeconds: 0.3 }, indicator: { kind: "alb" } }), [
            "slo.objective: expected a ratio between 0.9 and 1 (exclusive), like 0.999, found 1.2",
            "slo.latency: expected p90 <= p95 <= p99, found 2 / 1 / 0.5",
            'slo.apdex: expected no Apdex with the "alb" indicator (CloudWatch percentiles are not a histogram), found an apdex setting',
        ]);
        assert.throws(() => serviceRules({ service: { namespace: "a", name: "b" }, slo: { latency: { p90: 1, p95: 1, p99: 0 } }, runbookBaseUrl: "x" }), /slo.latency.p99: expected seconds between 0 and 60, found 0/);
    });

    it("MongoDB alerts cover disk, open cursors, CPU and RAM, and exist only when MongoDB is configured", () => {
        for (const name of ["MongodbDiskUsageHigh", "MongodbOpenCursorsHigh", "MongodbCpuHigh", "MongodbMemoryHigh"]) byName(name);
        assert.match(byName("MongodbOpenCursorsHigh").expr, /mongodb_ss_metrics_cursor_open\{csr_type="total"\}\) > 1000$/);
        assert.deepStrictEqual(layerRuleGroups(prod).mongodb, []);
    });

    it("AWS alerts: ALB unhealthy targets, RDS storage and connections, cache memory and evictions", () => {
        assert.match(byName("AlbUnhealthyTargets").expr, /aws_applicationelb_un_healthy_host_count_maximum\[5m\]\)\) > 0$/);
        assert.match(byName("RdsFreeStorageLow").expr, /aws_rds_free_storage_space_minimum\[15m\]\)\) < 5 \* 1024 \* 1024 \* 1024$/);
        assert.match(byName("RdsConnectionsHigh").expr, /aws_rds_database_connections_average\[10m\]\)\) > 150$/);
        assert.match(byName("CacheMemoryHigh").expr, /aws_elasticache_database_memory_usage_percentage_average\[10m\]\)\) > 80$/);
        assert.match(byName("CacheEvictions").expr, /aws_elasticache_evictions_sum\[15m\]\)\) > 10$/);
        assert.deepStrictEqual(layerRuleGroups({ ...prod, cloudwatch: { ...prod.cloudwatch, enabled: false } }).aws, []);
    });
});
