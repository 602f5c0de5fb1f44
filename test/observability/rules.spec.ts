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
import { ALB_5XX_RATIO } from "../../infra/observability/rules/aws";
import { platformMonitors } from "../../infra/observability/monitors";
import { NS, yaceMetricName } from "../../infra/observability/yace";
import { groupingLabelProblems, promqlProblems, unguardedSparseOperands, validate } from "./check";
import { ALB_NONZERO_ONLY_METRICS, CONTROLLER_METRIC_LABELS, PROMETHEUS_RULE_SPEC_SCHEMA } from "./fixtures/upstream";

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

    it("aggregations group controller metrics only by labels those metrics carry (Karpenter 1.14, external-secrets)", () => {
        const problems = allGroups.flatMap(([, groups]) =>
            groups.flatMap((g) => g.rules.flatMap((r) => groupingLabelProblems(r.expr, CONTROLLER_METRIC_LABELS).map((p) => `${g.name}/${"alert" in r ? r.alert : r.record}: ${p}`))),
        );
        assert.deepStrictEqual(problems, []);
        assert.deepStrictEqual(groupingLabelProblems("sum by (nodepool) (increase(karpenter_cloudprovider_instance_launch_failures_total[15m])) > 5", CONTROLLER_METRIC_LABELS), [
            "by (nodepool): not a label of karpenter_cloudprovider_instance_launch_failures_total",
        ]);
    });

    it("ExternalSecretSyncErrors groups by the ExternalSecret's own namespace: the external-secrets PodMonitor honours the metric's labels", () => {
        assert.match(byName("ExternalSecretSyncErrors").expr, /sum by \(namespace, name\)/);
        const eso = platformMonitors().find((m) => m.name === "external-secrets");
        assert.ok(eso && "podMetricsEndpoints" in eso.spec);
        // Without honorLabels the target's namespace (external-secrets) replaces it and the metric's goes to exported_namespace.
        assert.deepStrictEqual(eso.spec.podMetricsEndpoints.map((e) => e.honorLabels), [true]);
    });

    it("crash looping means more than 3 restarts in 10 minutes, despite increase()'s extrapolation", () => {
        // Prometheus's extrapolatedRate (promql/functions.go) for a counter over a left-open 10 m window with 30 s
        // scrapes: 20 samples from 585 s to 15 s before the evaluation.
        const increase = (restarts: number, before = 10): number => {
            const times = Array.from({ length: 20 }, (_, i) => 15 + 30 * i);
            const values = times.map((_, i) => before + Math.round((restarts * i) / 19));
            const result = values[values.length - 1] - values[0];
            const sampled = times[times.length - 1] - times[0];
            const average = sampled / (times.length - 1);
            let toStart = times[0];
            let toEnd = 600 - times[times.length - 1];
            if (toStart >= average * 1.1) toStart = average / 2;
            if (result > 0 && values[0] >= 0) toStart = Math.min(toStart, sampled * (values[0] / result));
            if (toEnd >= average * 1.1) toEnd = average / 2;
            return (result * (sampled + toStart + toEnd)) / sampled;
        };
        assert.ok(increase(3) > 3, "3 restarts read as more than 3 without floor()");
        for (const restarts of [0, 1, 2, 3, 4, 5, 8]) assert.strictEqual(Math.floor(increase(restarts)) > 3, restarts > 3, `${restarts} restarts`);
        assert.strictEqual(byName("PodCrashLooping").for, "0m");
    });

    it("PodNotReady: Pending/Unknown pods and Running pods not Ready, never evicted or completed pods, never Job pods", () => {
        const expr = byName("PodNotReady").expr;
        // A Pending pod nobody can schedule has no Ready condition at all: it must be found by its phase.
        assert.ok(expr.includes('kube_pod_status_phase{phase=~"Pending|Unknown"}'), expr);
        // Readiness only for Running pods: Failed (evicted) and Succeeded pods keep Ready=false until garbage-collected.
        assert.ok(expr.includes('kube_pod_status_phase{phase="Running"}') && expr.includes('kube_pod_status_ready{condition="true"}) == 0'), expr);
        assert.ok(!expr.includes('condition="false"'), expr);
        assert.ok(expr.endsWith('unless on (namespace, pod) (max by (namespace, pod) (kube_pod_owner{owner_kind="Job"}))'), expr);
        assert.strictEqual(byName("PodNotReady").for, "15m");
    });

    it("Karpenter provisioning failures count failed NodeClaim creations, not per-offering CreateFleet fallbacks", () => {
        assert.strictEqual(byName("KarpenterProvisioningFailures").expr, 'sum(increase(karpenter_cloudprovider_errors_total{method="Create"}[15m])) > 5');
    });

    it("arithmetic never hides an alert behind a metric CloudWatch publishes only when non-zero (each such operand is guarded with `or`)", () => {
        const sparse = new Set(ALB_NONZERO_ONLY_METRICS.map((m) => yaceMetricName(NS.alb, m, "Sum")));
        const problems = allGroups.flatMap(([, groups]) =>
            groups.flatMap((g) => g.rules.flatMap((r) => unguardedSparseOperands(r.expr, sparse).map((p) => `${g.name}/${"alert" in r ? r.alert : r.record}: ${p}`))),
        );
        assert.deepStrictEqual(problems, []);
        // The check catches the unguarded form: an ALB that never answered an ELB 5xx has no such series, so a sum with
        // it is empty even while its targets answer only 5xx.
        const elb = yaceMetricName(NS.alb, "HTTPCode_ELB_5XX_Count", "Sum");
        const target = yaceMetricName(NS.alb, "HTTPCode_Target_5XX_Count", "Sum");
        assert.strictEqual(unguardedSparseOperands(`(sum by (lb) (${elb}) + sum by (lb) (${target})) / sum by (lb) (requests)`, sparse).length, 3);
    });

    it("ALB 5xx ratio: ELB-generated 5xx count in the denominator (RequestCount counts only requests a target was chosen for)", () => {
        const record = layer.aws.flatMap((g) => g.rules).find((r) => "record" in r && r.record === ALB_5XX_RATIO);
        assert.ok(record);
        assert.strictEqual(byName("AlbHttp5xxRatioCritical").expr, `${ALB_5XX_RATIO} > 0.05`);
        assert.strictEqual(byName("AlbHttp5xxRatioHigh").expr, `${ALB_5XX_RATIO} > 0.01`);
        const [numerator, denominator] = record.expr.split(" / ");
        for (const m of ["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"]) assert.ok(numerator.includes(yaceMetricName(NS.alb, m, "Sum")), m);
        for (const m of ["RequestCount", "HTTPCode_ELB_5XX_Count"]) assert.ok(denominator.includes(yaceMetricName(NS.alb, m, "Sum")), m);
        assert.ok(!denominator.includes(yaceMetricName(NS.alb, "HTTPCode_Target_5XX_Count", "Sum")));
    });

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
        assert.strictEqual(byName("PodCrashLooping").expr, "floor(increase(kube_pod_container_status_restarts_total[10m])) > 3");
        assert.match(byName("ContainerMemoryNearLimit").expr, /kube_pod_container_resource_limits\{resource="memory"\}\) > 0\.8$/);
        assert.match(byName("ContainerCpuThrottled").expr, /> 0\.25$/);
        assert.match(byName("PvcUsageHigh").expr, /> 0\.8$/);
        assert.match(byName("PvcFullIn24h").expr, /predict_linear\(kubelet_volume_stats_available_bytes\[6h\], 24 \* 3600\)\) < 0/);
        assert.strictEqual(byName("HpaAtMaxReplicas").for, "15m");
        assert.match(byName("HpaAtMaxReplicas").expr, /^max by \(namespace, horizontalpodautoscaler\) \(kube_horizontalpodautoscaler_status_current_replicas\) >= max by .*spec_max_replicas\) and on/);
        // minReplicas == maxReplicas is at its maximum by design: such an HPA would alert for ever.
        assert.ok(byName("HpaAtMaxReplicas").expr.endsWith("(kube_horizontalpodautoscaler_spec_max_replicas) != max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_min_replicas))"));
        assert.match(byName("CertificateExpiringSoon").expr, /< 30$/);
        assert.match(byName("CertificateExpiryCritical").expr, /< 7$/);
        assert.strictEqual(byName("CertificateExpiryCritical").labels.severity, "critical");
        assert.match(byName("VaultSealed").expr, /kube_pod_labels\{label_vault_sealed="true"\}/);
        assert.match(byName("ExternalSecretSyncErrors").expr, /externalsecret_sync_calls_error\[15m\]/);
        assert.match(byName("KarpenterInterruptionQueueBacklog").expr, /karpenter_interruption_message_queue_duration_seconds_bucket/);
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
