// The backup alerts: Velero's metric names and labels as pkg/metrics/metrics.go @ v1.18.1 defines them,
// thresholds from the objectives, runbook anchors, and the Vault snapshot alert only with a Vault.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALERTS, backupAlerts } from "../../infra/backup/alerts";
import { AlertRule, isAlert } from "../../infra/lib/promRules";
import { promqlProblems } from "../observability/check";
import { KSM_CRONJOB_METRICS, VELERO_METRICS } from "./fixtures/upstream";

const BASE = "https://github.com/acme/platform/blob/main/docs/runbooks.md";
const KNOWN: Record<string, readonly string[]> = Object.fromEntries(
    [...Object.values(VELERO_METRICS), ...Object.values(KSM_CRONJOB_METRICS)].map((m) => [m.name, m.labels]),
);

/** Every `metric{matchers}` selector in an expression: the metric name and the label names it matches on. */
function selectors(expr: string): { metric: string; labels: string[] }[] {
    const out: { metric: string; labels: string[] }[] = [];
    for (const m of expr.matchAll(/([a-z_][a-z0-9_]*)\s*(\{([^}]*)\})?/g)) {
        const name = m[1];
        if (!/^(velero|kube)_/.test(name)) continue;
        const labels = m[3] ? [...m[3].matchAll(/([a-z_]+)\s*(=~|!=|!~|=)/g)].map((x) => x[1]) : [];
        out.push({ metric: name, labels });
    }
    return out;
}

function rule(rules: AlertRule[], name: string): AlertRule {
    const r = rules.find((x) => x.alert === name);
    assert.ok(r, name);
    return r;
}

describe("backup alerts", () => {
    const withVault = backupAlerts({ staleAfterHours: 25, runbookBaseUrl: BASE, vaultSnapshot: { namespace: "velero", cronJob: "vault-snapshot" } });
    const rules = withVault.groups[0].rules.filter(isAlert);

    it("parses with Prometheus's own PromQL grammar", () => {
        for (const r of rules) assert.deepStrictEqual(promqlProblems(r.expr), [], r.alert);
        assert.notDeepStrictEqual(promqlProblems("increase(velero_backup_failure_total) > 0"), [], "the check itself catches a missing range");
    });

    it("uses only metrics Velero 1.18 and kube-state-metrics export, with their labels", () => {
        for (const r of rules) {
            const sels = selectors(r.expr);
            assert.ok(sels.length > 0, r.alert);
            for (const s of sels) {
                assert.ok(s.metric in KNOWN, `${r.alert}: unknown metric ${s.metric}`);
                for (const l of s.labels) assert.ok(KNOWN[s.metric].includes(l), `${r.alert}: ${s.metric} has no label ${l}`);
            }
        }
        // The check itself notices a metric Velero does not have.
        assert.deepStrictEqual(selectors('velero_backup_failed_total{schedule!=""}').map((s) => s.metric in KNOWN), [false]);
    });

    it("alerts on failed and partially failed backups of any schedule", () => {
        assert.strictEqual(rule(rules, ALERTS.backupFailed).expr, 'increase(velero_backup_failure_total{schedule!=""}[1h]) > 0');
        assert.strictEqual(rule(rules, ALERTS.backupFailed).labels.severity, "critical");
        assert.strictEqual(rule(rules, ALERTS.backupPartiallyFailed).expr, 'increase(velero_backup_partial_failure_total{schedule!=""}[1h]) > 0');
        assert.strictEqual(rule(rules, ALERTS.backupPartiallyFailed).labels.severity, "warning");
    });

    it("alerts when a daily schedule has had no successful backup for 25 hours, or none at all", () => {
        const r = rule(rules, ALERTS.noRecentBackup);
        assert.match(r.expr, /^\(time\(\) - velero_backup_last_successful_timestamp\{schedule=~"velero-apps-daily\|velero-cluster-daily"\}\) > 90000\nor\n/);
        assert.match(r.expr, /absent\(velero_backup_last_successful_timestamp\{schedule="velero-apps-daily"\}\)/);
        assert.match(r.expr, /absent\(velero_backup_last_successful_timestamp\{schedule="velero-cluster-daily"\}\)/);
        assert.strictEqual(r.for, "1h");
        assert.match(backupAlerts({ staleAfterHours: 13, runbookBaseUrl: BASE }).groups[0].rules.filter(isAlert)[2].expr, /> 46800\n/);
    });

    it("alerts when the backup storage location has been unavailable for 15 minutes", () => {
        const r = rule(rules, ALERTS.storageLocationUnavailable);
        assert.strictEqual(r.expr, "velero_backup_location_status_gauge == 0");
        assert.strictEqual(r.for, "15m");
    });

    it("alerts on a missing Vault snapshot only when the platform runs Vault", () => {
        const r = rule(rules, ALERTS.vaultSnapshotMissing);
        assert.match(r.expr, /kube_cronjob_status_last_successful_time\{namespace="velero", cronjob="vault-snapshot"\}\) > 90000/);
        const without = backupAlerts({ staleAfterHours: 25, runbookBaseUrl: BASE }).groups[0].rules.filter(isAlert).map((x) => x.alert);
        assert.deepStrictEqual(without, [ALERTS.backupFailed, ALERTS.backupPartiallyFailed, ALERTS.noRecentBackup, ALERTS.storageLocationUnavailable]);
    });

    it("links each alert to its runbook section and says what happened", () => {
        for (const r of rules) {
            assert.strictEqual(r.annotations.runbook_url, `${BASE}#${r.alert.toLowerCase()}`);
            assert.ok(r.annotations.summary.length > 10 && r.annotations.description.length > 20, r.alert);
            assert.ok(["critical", "warning"].includes(r.labels.severity));
        }
        assert.strictEqual(new Set(rules.map((r) => r.alert)).size, rules.length);
    });

    it("has a section in docs/runbooks.md for every alert (the anchor runbook_url points at)", () => {
        const doc = fs.readFileSync(path.join(__dirname, "../../docs/runbooks.md"), "utf8");
        const anchors = new Set([...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim().toLowerCase()));
        for (const name of Object.values(ALERTS)) assert.ok(anchors.has(name.toLowerCase()), `docs/runbooks.md has no section for ${name}`);
    });
});
