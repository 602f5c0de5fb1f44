// Prometheus rules as typed data: the PrometheusRule (monitoring.coreos.com/v1) spec shape, and the annotation
// contract every platform alert honours (summary, description, runbook_url into docs/runbooks.md).
// CRD: prometheus-operator v0.93.1 crd-prometheusrules.yaml (kube-prometheus-stack 88.5.3 charts/crds/crds @ ea930bae):
// spec.groups[] {name (required), interval?, labels?, limit?, rules[] {record | alert, expr (required), for?,
// keep_firing_for?, labels?, annotations?}}.

export type Severity = "critical" | "warning" | "info";

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: { severity: Severity } & Record<string, string>;
    annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export interface RecordingRule {
    record: string;
    expr: string;
    labels?: Record<string, string>;
}

export type Rule = AlertRule | RecordingRule;

export interface RuleGroup {
    name: string;
    interval?: string;
    rules: Rule[];
}

export interface PrometheusRuleSpec {
    groups: RuleGroup[];
}

export function isAlert(r: Rule): r is AlertRule {
    return "alert" in r;
}

/** The docs/runbooks.md anchor of an alert: the section heading is the alert name, GitHub lower-cases it. */
export function runbookAnchor(alert: string): string {
    return alert.toLowerCase();
}

/** runbook_url for an alert: `<base>#<anchor>`; the base is platform:observability.runbookBaseUrl. */
export function runbookUrl(base: string, alert: string): string {
    return `${base}#${runbookAnchor(alert)}`;
}

/** A number as PromQL text, without exponent notation or float noise (0.1 * 3 → 0.3). */
export function num(n: number): string {
    const s = Number(n.toPrecision(12)).toString();
    if (/e/i.test(s)) throw new Error(`number ${n} would need exponent notation in PromQL`);
    return s;
}

/** A duration in seconds as a Prometheus duration ("300" → "5m", "0.5" → "500ms"). */
export function promDuration(seconds: number): string {
    if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
    if (seconds % 86400 === 0) return `${seconds / 86400}d`;
    if (seconds % 3600 === 0) return `${seconds / 3600}h`;
    if (seconds % 60 === 0) return `${seconds / 60}m`;
    return `${seconds}s`;
}

/**
 * A matcher for a classic-histogram `le` bucket boundary. Client libraries write integers as "1" and Prometheus 3
 * normalises classic-histogram `le` values to float text ("1.0") on ingestion, so both spellings match.
 */
export function leMatcher(bound: number): string {
    const text = num(bound);
    return Number.isInteger(bound) ? `le=~"${text}|${text}\\\\.0"` : `le="${text}"`;
}
