// Every service's RED metrics, SLO and Apdex series, and its alerts, from one typed description. The golden path
// (ProductionService `slo`) renders these into a PrometheusRule in the service's namespace; the observability layer's
// docs and tests use the same functions.
//
// Two sources of the indicators:
//   - "http" (default): the service's own Prometheus metrics, scraped by its ServiceMonitor, in the convention of the
//     Prometheus client libraries' HTTP middleware: a counter `http_requests_total{code}` and a classic histogram
//     `http_request_duration_seconds` (seconds). The ServiceMonitor adds the `namespace` and `service` target labels.
//   - "alb": the service's target group on the shared ALB, from CloudWatch through YACE (for services that expose no
//     request metrics of their own, like nginx with only stub_status). Requests, codes and latency percentiles are
//     real; Apdex needs a latency histogram, which CloudWatch percentiles are not, so an "alb" SLO has no Apdex.
//
// Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs", table 5-8 recommendation):
//   page   when the 1 h and 5 m burn rates both exceed 14.4 (2 % of a 30-day budget in an hour)
//   page   when the 6 h and 30 m burn rates both exceed 6   (5 % of the budget in 6 hours)
//   ticket when the 3 d and 6 h burn rates both exceed 1    (the budget would be gone by the end of the window)
import { AlertRule, PrometheusRuleSpec, RecordingRule, leMatcher, num, runbookUrl } from "./promRules";

export interface ServiceSlo {
    /** Availability objective: the share of requests that must not fail with a 5xx. Default 0.999. */
    objective?: number;
    /** Latency thresholds (seconds) the p90, p95 and p99 must stay under; alerts fire above them. */
    latency: { p90: number; p95: number; p99: number };
    /**
     * Apdex: T in seconds (satisfied <= T, tolerating <= 4T) and the score to stay above (default 0.9). T and 4T must be
     * bucket boundaries of the service's histogram. Only with the "http" indicator.
     */
    apdex?: { tSeconds: number; target?: number };
    /** Where the indicators come from. Default { kind: "http" }. */
    indicator?: { kind: "http" } | { kind: "alb" };
}

export interface ServiceRef {
    namespace: string;
    /** The Kubernetes Service name (the ServiceMonitor's `service` label; the ALB target group's name part). */
    name: string;
}

/** The windows the SLO rules need: every short and long window of the three burn-rate pairs. */
export const SLO_WINDOWS = ["5m", "30m", "1h", "6h", "3d"] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

export const BURN_RATE_ALERTS = [
    { alert: "SloErrorBudgetBurnFast", long: "1h", short: "5m", factor: 14.4, severity: "critical", forDuration: "2m" },
    { alert: "SloErrorBudgetBurnMedium", long: "6h", short: "30m", factor: 6, severity: "critical", forDuration: "15m" },
    { alert: "SloErrorBudgetBurnSlow", long: "3d", short: "6h", factor: 1, severity: "warning", forDuration: "1h" },
] as const;

/** HTTP 5xx ratio thresholds of the operators' list (over 5 minutes). */
export const ERROR_RATIO = { critical: 0.05, warning: 0.01 } as const;

export const DEFAULT_OBJECTIVE = 0.999;
export const DEFAULT_APDEX_TARGET = 0.9;

/** Problems with an SLO description, each naming the field (`slo.<field>: expected ..., found ...`). */
export function sloProblems(slo: ServiceSlo): string[] {
    const out: string[] = [];
    const objective = slo.objective ?? DEFAULT_OBJECTIVE;
    if (!(objective > 0.9 && objective < 1)) out.push(`slo.objective: expected a ratio between 0.9 and 1 (exclusive), like 0.999, found ${objective}`);
    const { p90, p95, p99 } = slo.latency;
    for (const [k, v] of Object.entries(slo.latency)) {
        if (!(typeof v === "number" && v > 0 && v <= 60)) out.push(`slo.latency.${k}: expected seconds between 0 and 60, found ${v}`);
    }
    if (!(p90 <= p95 && p95 <= p99)) out.push(`slo.latency: expected p90 <= p95 <= p99, found ${p90} / ${p95} / ${p99}`);
    if (slo.apdex) {
        if ((slo.indicator?.kind ?? "http") === "alb") {
            out.push('slo.apdex: expected no Apdex with the "alb" indicator (CloudWatch percentiles are not a histogram), found an apdex setting');
        }
        if (!(slo.apdex.tSeconds > 0 && slo.apdex.tSeconds <= 15)) out.push(`slo.apdex.tSeconds: expected seconds between 0 and 15, found ${slo.apdex.tSeconds}`);
        const target = slo.apdex.target ?? DEFAULT_APDEX_TARGET;
        if (!(target > 0 && target < 1)) out.push(`slo.apdex.target: expected a score between 0 and 1 (exclusive), found ${target}`);
    }
    return out;
}

/** The ALB target group name prefix the AWS Load Balancer Controller gives a Service's target group. */
export function targetGroupPrefix(svc: ServiceRef): string {
    // pkg/ingress/model_build_target_group.go (aws-load-balancer-controller): "k8s-%.8s-%.8s-%.10s" of the namespace and
    // service name with every non-alphanumeric character removed, then a hash. Two services whose first 8 characters
    // agree in both parts share the prefix: give such services the "http" indicator.
    const clean = (s: string) => s.replace(/[^A-Za-z0-9]/g, "").slice(0, 8);
    return `k8s-${clean(svc.namespace)}-${clean(svc.name)}-`;
}

interface Indicator {
    /** Requests per second over a window, one series. */
    requests(w: string): string;
    /** 5xx responses per second over a window, one series (0 when there were none). */
    errors(w: string): string;
    /** Requests per second by status code (or class), labelled `code`. */
    byCode(w: string): string;
    latency(q: 0.9 | 0.95 | 0.99): string;
    apdex?(w: string, t: number): string;
}

function httpIndicator(svc: ServiceRef): Indicator {
    const sel = `namespace="${svc.namespace}", service="${svc.name}"`;
    return {
        requests: (w) => `sum(rate(http_requests_total{${sel}}[${w}]))`,
        errors: (w) => `(sum(rate(http_requests_total{${sel}, code=~"5.."}[${w}])) or vector(0))`,
        byCode: (w) => `sum by (code) (rate(http_requests_total{${sel}}[${w}]))`,
        latency: (q) => `histogram_quantile(${num(q)}, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`,
        apdex: (w, t) =>
            `(sum(rate(http_request_duration_seconds_bucket{${sel}, ${leMatcher(t)}}[${w}])) + ` +
            `sum(rate(http_request_duration_seconds_bucket{${sel}, ${leMatcher(4 * t)}}[${w}]))) / 2 / ` +
            `sum(rate(http_request_duration_seconds_count{${sel}}[${w}]))`,
    };
}

function albIndicator(svc: ServiceRef, metrics: AlbMetricNames): Indicator {
    // YACE exports each CloudWatch datapoint (a per-minute Sum) as a gauge; per-second rates are sum_over_time / seconds
    // in the window, and ratios need no scaling. The target group dimension is "targetgroup/<name>/<id>".
    const sel = `dimension_TargetGroup=~"targetgroup/${targetGroupPrefix(svc)}[0-9a-f]+/.+"`;
    const perSecond = (metric: string, w: string) => `sum(sum_over_time(${metric}{${sel}}[${w}])) / ${num(seconds(w))} / ${num(samplesPerPeriod)}`;
    return {
        requests: (w) => perSecond(metrics.requests, w),
        errors: (w) => `(${perSecond(metrics.target5xx, w)} or vector(0))`,
        byCode: (w) =>
            metrics.targetCodes
                .map(([code, metric]) => `label_replace(${perSecond(metric, w)}, "code", "${code}", "", "")`)
                .join(" or "),
        latency: (q) => `max(max_over_time(${metrics.responseTime(q)}{${sel}}[5m]))`,
    };
}

/** Scrapes per CloudWatch period: Prometheus scrapes YACE every 30 s and a minute's datapoint is seen twice. */
const samplesPerPeriod = 2;

function seconds(w: string): number {
    const m = /^(\d+)(m|h|d)$/.exec(w);
    if (!m) throw new Error(`unsupported window ${w}`);
    return Number(m[1]) * { m: 60, h: 3600, d: 86400 }[m[2] as "m" | "h" | "d"];
}

export interface AlbMetricNames {
    requests: string;
    target5xx: string;
    targetCodes: [string, string][];
    responseTime(q: 0.9 | 0.95 | 0.99): string;
}

export interface ServiceRulesArgs {
    service: ServiceRef;
    slo: ServiceSlo;
    runbookBaseUrl: string;
    /** YACE metric names for the "alb" indicator (infra/observability/yace.ts AWS_METRICS). */
    alb?: AlbMetricNames;
}

/** Recording-rule names (level:metric:operations, the Prometheus naming convention). */
export const RECORD = {
    requests: (w: SloWindow | "5m") => `service:http_requests:rate${w}`,
    errors: (w: SloWindow) => `service:http_errors:ratio_rate${w}`,
    byCode: "service_code:http_requests:rate5m",
    latency: (q: 90 | 95 | 99) => `service:http_request_duration_seconds:p${q}`,
    apdex: "service:apdex:ratio_rate5m",
    objective: "service:slo_objective:ratio",
    budgetRemaining: "service:slo_error_budget_remaining:ratio_rate30d",
} as const;

/** The PrometheusRule spec for one service: RED, SLO and Apdex recording rules, then its alerts. */
export function serviceRules(args: ServiceRulesArgs): PrometheusRuleSpec {
    const problems = sloProblems(args.slo);
    if (problems.length > 0) throw new Error(`service ${args.service.namespace}/${args.service.name}: ${problems.join("; ")}`);
    const svc = args.service;
    const slo = args.slo;
    const kind = slo.indicator?.kind ?? "http";
    if (kind === "alb" && !args.alb) throw new Error(`service ${svc.namespace}/${svc.name}: the "alb" indicator needs the YACE metric names`);
    const ind = kind === "alb" ? albIndicator(svc, args.alb as AlbMetricNames) : httpIndicator(svc);
    const objective = slo.objective ?? DEFAULT_OBJECTIVE;
    const budget = 1 - objective;
    const labels = { namespace: svc.namespace, service: svc.name };
    const who = `${svc.namespace}/${svc.name}`;
    const rb = (alert: string) => runbookUrl(args.runbookBaseUrl, alert);

    const red: RecordingRule[] = [
        { record: RECORD.requests("5m"), expr: ind.requests("5m"), labels },
        { record: RECORD.byCode, expr: ind.byCode("5m"), labels },
        ...([90, 95, 99] as const).map((q) => ({ record: RECORD.latency(q), expr: ind.latency((q / 100) as 0.9 | 0.95 | 0.99), labels })),
    ];
    const sloRecords: RecordingRule[] = [
        { record: RECORD.objective, expr: num(objective), labels },
        ...SLO_WINDOWS.map((w) => ({
            record: RECORD.errors(w),
            // No traffic means no errors: clamp the denominator so an idle service reads 0, not NaN.
            expr: `${ind.errors(w)} / clamp_min(${ind.requests(w)}, 0.000000001)`,
            labels,
        })),
    ];
    const apdexRecords: RecordingRule[] =
        slo.apdex && ind.apdex ? [{ record: RECORD.apdex, expr: ind.apdex("5m", slo.apdex.tSeconds), labels }] : [];

    const sel = `{namespace="${svc.namespace}", service="${svc.name}"}`;
    const alerts: AlertRule[] = [
        ...BURN_RATE_ALERTS.map((b) => ({
            alert: b.alert,
            expr: `${RECORD.errors(b.long)}${sel} > (${num(b.factor)} * ${num(budget)}) and ${RECORD.errors(b.short)}${sel} > (${num(b.factor)} * ${num(budget)})`,
            for: b.forDuration,
            labels: { severity: b.severity, ...labels, slo: "availability", burn_window: b.long, twin: "slo-burn" },
            annotations: {
                summary: `${who} is burning its error budget ${num(b.factor)}x too fast`,
                description: `${who}: the 5xx ratio over ${b.long} and ${b.short} exceeds ${num(b.factor)} x the budget ${num(budget)} of the ${num(objective * 100)} % availability SLO ({{ $value | humanizePercentage }} over ${b.long}).`,
                runbook_url: rb(b.alert),
            },
        })),
        {
            alert: "HttpErrorRatioCritical",
            expr: `${RECORD.errors("5m")}${sel} > ${num(ERROR_RATIO.critical)}`,
            for: "5m",
            labels: { severity: "critical", ...labels, twin: "http-5xx-ratio" },
            annotations: {
                summary: `${who}: more than ${num(ERROR_RATIO.critical * 100)} % of requests fail with 5xx`,
                description: `${who} answered {{ $value | humanizePercentage }} of its requests with a 5xx over the last 5 minutes (critical above ${num(ERROR_RATIO.critical * 100)} %).`,
                runbook_url: rb("HttpErrorRatioCritical"),
            },
        },
        {
            alert: "HttpErrorRatioHigh",
            expr: `${RECORD.errors("5m")}${sel} > ${num(ERROR_RATIO.warning)}`,
            for: "10m",
            labels: { severity: "warning", ...labels, twin: "http-5xx-ratio" },
            annotations: {
                summary: `${who}: more than ${num(ERROR_RATIO.warning * 100)} % of requests fail with 5xx`,
                description: `${who} answered {{ $value | humanizePercentage }} of its requests with a 5xx over the last 5 minutes (warning above ${num(ERROR_RATIO.warning * 100)} %).`,
                runbook_url: rb("HttpErrorRatioHigh"),
            },
        },
        ...([90, 95, 99] as const).map((q) => {
            const threshold = slo.latency[`p${q}`];
            const alert = `HttpLatencyP${q}High`;
            return {
                alert,
                expr: `${RECORD.latency(q)}${sel} > ${num(threshold)}`,
                for: "10m",
                labels: { severity: "warning" as const, ...labels },
                annotations: {
                    summary: `${who}: p${q} latency above ${num(threshold)} s`,
                    description: `${who}: the ${q}th percentile of request latency is {{ $value | humanizeDuration }}, above its ${num(threshold)} s threshold, for 10 minutes.`,
                    runbook_url: rb(alert),
                },
            };
        }),
    ];
    if (apdexRecords.length > 0 && slo.apdex) {
        const target = slo.apdex.target ?? DEFAULT_APDEX_TARGET;
        alerts.push({
            alert: "ApdexLow",
            expr: `${RECORD.apdex}${sel} < ${num(target)} and ${RECORD.requests("5m")}${sel} > 0`,
            for: "15m",
            labels: { severity: "warning", ...labels },
            annotations: {
                summary: `${who}: Apdex below ${num(target)}`,
                description: `${who}: Apdex (T = ${num(slo.apdex.tSeconds)} s) is {{ $value | printf "%.2f" }}, below the target ${num(target)}, for 15 minutes.`,
                runbook_url: rb("ApdexLow"),
            },
        });
    }
    return {
        groups: [
            { name: `${svc.name}.red`, interval: "30s", rules: red },
            { name: `${svc.name}.slo`, interval: "30s", rules: [...sloRecords, ...apdexRecords] },
            { name: `${svc.name}.alerts`, rules: alerts },
        ],
    };
}

/** Alert names the per-service rules can produce (the runbook must have a section for each). */
export const SERVICE_ALERT_NAMES = [
    ...BURN_RATE_ALERTS.map((b) => b.alert),
    "HttpErrorRatioCritical",
    "HttpErrorRatioHigh",
    "HttpLatencyP90High",
    "HttpLatencyP95High",
    "HttpLatencyP99High",
    "ApdexLow",
] as const;
