// The Velero Schedules, as the chart's `schedules` value: a MAP keyed by name (vmware-tanzu/helm-charts
// charts/velero/templates/schedule.yaml @ velero-12.1.0 renders one `velero.io/v1` Schedule per entry, named
// `<fullname>-<key>`, with `spec.template` copied verbatim from the entry's `template`). The template fields are
// Velero's BackupSpec (charts/velero/crds/schedules.yaml, identical to velero v1.18.1
// config/crd/v1/bases/velero.io_schedules.yaml); test/backup validates them against that schema.
import type { BackupSettings } from "./config";

/** Release and namespace of Velero; the chart's fullname is then "velero" (the release name contains the chart name). */
export const VELERO_NAMESPACE = "velero";
export const VELERO_RELEASE = "velero";
/** The BackupStorageLocation and VolumeSnapshotLocation the chart creates (`configuration.*[].name`). */
export const STORAGE_LOCATION = "default";
export const SNAPSHOT_LOCATION = "default";

/** A Schedule's `spec.template` (Velero BackupSpec): only the fields the platform sets. */
export interface BackupTemplate {
    ttl: string;
    storageLocation: string;
    volumeSnapshotLocations?: string[];
    includedNamespaces: string[];
    excludedNamespaces?: string[];
    includeClusterResources?: boolean;
    excludedNamespaceScopedResources?: string[];
    snapshotVolumes: boolean;
    defaultVolumesToFsBackup: boolean;
    metadata?: { labels: Record<string, string> };
}

/** One entry of the chart's `schedules` map (keys from the commented example in values.yaml @ velero-12.1.0). */
export interface ChartSchedule {
    disabled: boolean;
    schedule: string;
    useOwnerReferencesInBackup: boolean;
    paused: boolean;
    skipImmediately: boolean;
    template: BackupTemplate;
}

export type ScheduleKey = "apps-daily" | "apps-weekly" | "apps-monthly" | "cluster-daily";

/** The Schedule object's name as the chart renders it: `{{ include "velero.fullname" $ }}-{{ $scheduleName }}`. */
export function scheduleName(key: ScheduleKey): string {
    return `${VELERO_RELEASE}-${key}`;
}

/** Label put on every backup a schedule creates, so a restore can pick backups by tier. */
export const TIER_LABEL = "platform.io/backup-tier";

/** Pod-volume data in application namespaces: EBS snapshots of PVs, the node agent for annotated pod volumes. */
function appsTemplate(ttl: string, platformNamespaces: string[]): BackupTemplate {
    return {
        ttl,
        storageLocation: STORAGE_LOCATION,
        volumeSnapshotLocations: [SNAPSHOT_LOCATION],
        // Every namespace but the platform's: a new team namespace is covered without a config change.
        includedNamespaces: ["*"],
        excludedNamespaces: [...platformNamespaces],
        // includeClusterResources left unset: Velero then adds the cluster-scoped objects the namespaced ones
        // need (the PVs behind the PVCs), which a restore of the volumes requires.
        snapshotVolumes: true,
        // Opt-in per pod volume (`backup.velero.io/backup-volumes`): EBS-backed PVs are snapshotted, the node agent
        // (kopia) copies the volumes snapshots cannot take (see docs/backup.md).
        defaultVolumesToFsBackup: false,
        metadata: { labels: { [TIER_LABEL]: "apps" } },
    };
}

/** Configuration export: every cluster-scoped object and everything in the platform namespaces, no volume data. */
function clusterTemplate(ttl: string, platformNamespaces: string[]): BackupTemplate {
    return {
        ttl,
        storageLocation: STORAGE_LOCATION,
        includedNamespaces: [...platformNamespaces],
        includeClusterResources: true,
        // Events are noise in a configuration export.
        excludedNamespaceScopedResources: ["events", "events.events.k8s.io"],
        snapshotVolumes: false,
        defaultVolumesToFsBackup: false,
        metadata: { labels: { [TIER_LABEL]: "cluster" } },
    };
}

function entry(cron: string, template: BackupTemplate): ChartSchedule {
    return {
        disabled: false,
        schedule: cron,
        // Backups outlive their Schedule: deleting a Schedule must never garbage-collect its backups.
        useOwnerReferencesInBackup: false,
        paused: false,
        // A new Schedule takes its first backup at once, so a fresh stack has a restore point on day one.
        skipImmediately: false,
        template,
    };
}

/** The chart's `schedules` value. */
export function veleroSchedules(settings: Pick<BackupSettings, "schedules" | "platformNamespaces">): Record<ScheduleKey, ChartSchedule> {
    const s = settings.schedules;
    const ns = settings.platformNamespaces;
    return {
        "apps-daily": entry(s.appsDaily.cron, appsTemplate(s.appsDaily.ttl, ns)),
        "apps-weekly": entry(s.appsWeekly.cron, appsTemplate(s.appsWeekly.ttl, ns)),
        "apps-monthly": entry(s.appsMonthly.cron, appsTemplate(s.appsMonthly.ttl, ns)),
        "cluster-daily": entry(s.clusterDaily.cron, clusterTemplate(s.clusterDaily.ttl, ns)),
    };
}

/** The schedules whose backups must succeed at least daily (the "no backup in 25 h" alert watches these). */
export const DAILY_SCHEDULES: readonly ScheduleKey[] = ["apps-daily", "cluster-daily"];
/** The schedules that back up application namespaces (the drill restores from these). */
export const APP_SCHEDULES: readonly ScheduleKey[] = ["apps-daily", "apps-weekly", "apps-monthly"];
