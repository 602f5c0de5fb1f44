// Alerts of the backup layer as a PrometheusRule spec (monitoring.coreos.com/v1). Metric names and labels are
// Velero's own, read in velero-io/velero pkg/metrics/metrics.go @ v1.18.1 (26ef8fa7; unchanged in v1.18.2):
//   velero_backup_failure_total{schedule}            counter, +1 per failed backup (backup_controller.go)
//   velero_backup_partial_failure_total{schedule}    counter, +1 per partially failed backup
//   velero_backup_last_successful_timestamp{schedule} gauge, Unix seconds; recomputed from the Backup objects
//                                                      every resync (backup_controller.go updateTotalBackupMetric),
//                                                      absent for a schedule that never succeeded
//   velero_backup_location_status_gauge{backup_location_name} gauge, 1 available / 0 unavailable
// `schedule` is the Schedule's name ("velero-apps-daily"); ad-hoc backups carry schedule="".
// The Vault snapshot alert uses kube-state-metrics' kube_cronjob_status_last_successful_time and
// kube_cronjob_created (STABLE, docs/metrics/workload/cronjob-metrics.md).
// Rules are the platform's typed rules (lib/promRules.ts): summary, description, runbook_url = <base>#<alert lower-cased>;
// the sections are in docs/runbooks.md.
import { AlertRule, PrometheusRuleSpec, runbookUrl } from "../lib/promRules";
import { DAILY_SCHEDULES, VELERO_NAMESPACE, scheduleName } from "./schedules";

export const ALERTS = {
    backupFailed: "VeleroBackupFailed",
    backupPartiallyFailed: "VeleroBackupPartiallyFailed",
    noRecentBackup: "VeleroNoRecentBackup",
    storageLocationUnavailable: "VeleroBackupStorageLocationUnavailable",
    vaultSnapshotMissing: "VaultSnapshotMissing",
} as const;

export interface BackupAlertArgs {
    /** Hours without a successful daily backup before alerting: the RPO plus one hour of slack (24 → 25). */
    staleAfterHours: number;
    /** Where the runbooks live, e.g. https://github.com/acme/platform/blob/main/docs/runbooks.md */
    runbookBaseUrl: string;
    /** The Vault snapshot CronJob, when the platform runs Vault. */
    vaultSnapshot?: { namespace: string; cronJob: string };
}

export function backupAlerts(a: BackupAlertArgs): PrometheusRuleSpec {
    const rb = (alert: string) => runbookUrl(a.runbookBaseUrl, alert);
    const stale = a.staleAfterHours * 3600;
    const daily = DAILY_SCHEDULES.map(scheduleName);
    const dailyRegex = daily.join("|");
    const rules: AlertRule[] = [
        {
            alert: ALERTS.backupFailed,
            expr: `increase(velero_backup_failure_total{schedule!=""}[1h]) > 0`,
            for: "0m",
            labels: { severity: "critical" },
            annotations: {
                summary: "A Velero backup failed",
                description: "A backup of schedule {{ $labels.schedule }} failed in the last hour; its restore point is missing.",
                runbook_url: rb(ALERTS.backupFailed),
            },
        },
        {
            alert: ALERTS.backupPartiallyFailed,
            expr: `increase(velero_backup_partial_failure_total{schedule!=""}[1h]) > 0`,
            for: "0m",
            labels: { severity: "warning" },
            annotations: {
                summary: "A Velero backup partially failed",
                description: "A backup of schedule {{ $labels.schedule }} completed with errors in the last hour; some items or volumes are not in it.",
                runbook_url: rb(ALERTS.backupPartiallyFailed),
            },
        },
        {
            alert: ALERTS.noRecentBackup,
            // Either the last success is too old, or there has never been one (or Velero is down, so the series is gone).
            expr: [
                `(time() - velero_backup_last_successful_timestamp{schedule=~"${dailyRegex}"}) > ${stale}`,
                ...daily.map((s) => `absent(velero_backup_last_successful_timestamp{schedule="${s}"})`),
            ].join("\nor\n"),
            for: "1h",
            labels: { severity: "critical" },
            annotations: {
                summary: `No successful Velero backup in ${a.staleAfterHours} hours`,
                description: `Schedule {{ $labels.schedule }} has had no successful backup for more than ${a.staleAfterHours} hours (RPO exceeded), or Velero reports none at all.`,
                runbook_url: rb(ALERTS.noRecentBackup),
            },
        },
        {
            alert: ALERTS.storageLocationUnavailable,
            expr: `velero_backup_location_status_gauge == 0`,
            for: "15m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Velero cannot reach its backup storage location",
                description: "Backup storage location {{ $labels.backup_location_name }} has been unavailable for 15 minutes; no backup can be written or read.",
                runbook_url: rb(ALERTS.storageLocationUnavailable),
            },
        },
    ];
    if (a.vaultSnapshot) {
        const sel = `namespace="${a.vaultSnapshot.namespace}", cronjob="${a.vaultSnapshot.cronJob}"`;
        rules.push({
            alert: ALERTS.vaultSnapshotMissing,
            // No success for too long; or none ever although the CronJob exists for longer than that.
            expr: [
                `(time() - kube_cronjob_status_last_successful_time{${sel}}) > ${stale}`,
                `(absent(kube_cronjob_status_last_successful_time{${sel}}) and on() ((time() - kube_cronjob_created{${sel}}) > ${stale}))`,
            ].join("\nor\n"),
            for: "15m",
            labels: { severity: "critical" },
            annotations: {
                summary: `No Vault Raft snapshot in ${a.staleAfterHours} hours`,
                description: `CronJob ${a.vaultSnapshot.namespace}/${a.vaultSnapshot.cronJob} has not completed successfully for more than ${a.staleAfterHours} hours (Vault RPO exceeded).`,
                runbook_url: rb(ALERTS.vaultSnapshotMissing),
            },
        });
    }
    return { groups: [{ name: "backup", rules }] };
}

/** Namespace of the PrometheusRule: next to Velero. */
export const ALERTS_NAMESPACE = VELERO_NAMESPACE;
