// Values of the Velero chart 12.1.0 as a pure function. Every key below is declared by
// vmware-tanzu/helm-charts charts/velero/values.yaml at tag velero-12.1.0 (commit 73466ca9) or read by its
// templates (test/backup/fixtures/upstream.ts lists the declared paths; the tests compare).
// - `configuration.backupStorageLocation` / `.volumeSnapshotLocation` are LISTS: a map fails the render
//   (templates/NOTES.txt: "make .configuration.backupStorageLocation from map to slice").
// - `schedules` is a MAP keyed by name (templates/schedule.yaml), see ./schedules.ts.
// - `credentials.useSecret: false`: no key file; the server and the node agent (same ServiceAccount,
//   templates/node-agent-daemonset.yaml) take EKS Pod Identity credentials through the SDKs' default chain.
// - The AWS plugin is an init container copying its binary into the `plugins` emptyDir mounted at /target.
// - `upgradeCRDs: true`: a pre-install/pre-upgrade hook Job runs `velero install --crds-only --apply` with the
//   Velero image (templates/upgrade-crds/upgrade-crds.yaml), because Helm never upgrades a chart's crds/.
import type { ResourceSettings, BackupSettings } from "./config";
import { STORAGE_LOCATION, SNAPSHOT_LOCATION, veleroSchedules } from "./schedules";

/** Chart 12.1.0 ships Velero v1.18.1; v1.18.2 (2026-06-24, velero-io/velero) is the newest patch: CVE fixes,
 *  CRDs (config/crd) and metrics (pkg/metrics) unchanged from v1.18.1 (`git diff v1.18.1 v1.18.2` is empty there). */
export const VELERO_IMAGE_TAG = "v1.18.2";
/**
 * velero-io/velero-plugin-for-aws README @ v1.14.2 (commit 5463822f): "v1.14.x ↔ Velero v1.18.x". v1.14.2 is
 * the newest GA tag (2026-06-16; v1.14.2-rc.1 was its candidate); its go.mod builds against velero v1.18.0 with
 * aws-sdk-go-v2/config v1.32.17.
 */
export const AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.2";
export const SERVER_SERVICE_ACCOUNT = "velero-server";
/** Objects of the BackupStorageLocation (backups, restores, the kopia repositories) live under this prefix. */
export const VELERO_PREFIX = "velero";
export const REPO_MAINTENANCE_CONFIGMAP = "velero-repo-maintenance";

export interface Toleration {
    key: string;
    operator: "Exists" | "Equal";
    value?: string;
    effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}

export interface PodPlacement {
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
}

export interface VeleroValuesArgs {
    settings: BackupSettings;
    bucket: string;
    region: string;
    /** Where the server (and its CRD-upgrade hook Job and the repository maintenance Jobs) run: the system nodes. */
    system: PodPlacement;
    /** Tolerations of the node agent DaemonSet: it must run wherever pods with volumes run. */
    nodeAgentTolerations: Toleration[];
    /** Create the ServiceMonitor/PodMonitor (only when the Prometheus operator CRDs are installed). */
    serviceMonitor: boolean;
    /** Labels the Prometheus serviceMonitorSelector / podMonitorSelector requires, if any. */
    monitorLabels?: Record<string, string>;
}

export function resourcesOf(r: ResourceSettings): { requests: { cpu: string; memory: string }; limits: { memory: string } } {
    return { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memoryLimit } };
}

/** Requests and limit of the CRD-upgrade hook Job (`upgradeJobResources`) and the plugin init container. */
export const UPGRADE_JOB_RESOURCES = { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } };
export const PLUGIN_INIT_RESOURCES = { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } };
/** Kopia repository maintenance Jobs (velero v1.18.1 pkg/types/repo_maintenance.go JobConfigs.podResources). */
export const MAINTENANCE_JOB_RESOURCES = { cpuRequest: "100m", memoryRequest: "256Mi", memoryLimit: "1Gi" };

/**
 * Maintenance Jobs inherit from the Velero Deployment only the tolerations whose key is in Velero's allowlist
 * (velero v1.18.1 pkg/util/third_party.go ThirdPartyTolerations: "kubernetes.azure.com/scalesetpriority",
 * "CriticalAddonsOnly"; pkg/repository/maintenance/maintenance.go buildTolerationsForMaintenanceJob).
 */
export const MAINTENANCE_INHERITED_TOLERATION_KEYS = ["kubernetes.azure.com/scalesetpriority", "CriticalAddonsOnly"] as const;

/** The `global` entry of the repository-maintenance ConfigMap (rendered as JSON by templates/repo-maintenance-configmap.yaml). */
export function maintenanceJobConfig(system: PodPlacement): Record<string, unknown> {
    // Pin the Jobs to the system nodes only if they can tolerate those nodes' taint; otherwise a nodeSelector
    // would leave them Pending forever, and they run on the general pool instead.
    const inherits = system.tolerations.some((t) => (MAINTENANCE_INHERITED_TOLERATION_KEYS as readonly string[]).includes(t.key));
    return {
        podResources: MAINTENANCE_JOB_RESOURCES,
        keepLatestMaintenanceJobs: 3,
        ...(inherits && Object.keys(system.nodeSelector).length > 0 ? { loadAffinity: [{ nodeSelector: { matchLabels: { ...system.nodeSelector } } }] } : {}),
    };
}

const SERVER_CONTAINER = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
};
const RESTRICTED_CONTAINER = { ...SERVER_CONTAINER, readOnlyRootFilesystem: true };

export function veleroValues(a: VeleroValuesArgs): Record<string, unknown> {
    const s = a.settings;
    return {
        image: { tag: VELERO_IMAGE_TAG },
        initContainers: [
            {
                name: "velero-plugin-for-aws",
                image: AWS_PLUGIN_IMAGE,
                imagePullPolicy: "IfNotPresent",
                volumeMounts: [{ mountPath: "/target", name: "plugins" }],
                resources: PLUGIN_INIT_RESOURCES,
                // The image is FROM scratch with USER 65532:65532 (Dockerfile @ v1.14.2).
                securityContext: { ...RESTRICTED_CONTAINER, runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 },
            },
        ],
        resources: resourcesOf(s.server),
        nodeSelector: { ...a.system.nodeSelector },
        tolerations: a.system.tolerations.map((t) => ({ ...t })),
        // The Velero image runs as the named user `cnb` (Dockerfile @ v1.18.1 `USER cnb:cnb`), so runAsNonRoot
        // cannot be verified by the kubelet and is not set; the rest of the restricted profile is.
        podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
        // Also used by the CRD-upgrade hook Job and copied into the repository maintenance Jobs. No
        // readOnlyRootFilesystem: the kopia repository config goes to $HOME/udmrepo (velero v1.18.1
        // pkg/repository/udmrepo/repo_options.go getRepoConfigFile) and its cache under $HOME, which a read-only
        // root breaks (maintenance Jobs error out: vmware-tanzu/helm-charts#638, open).
        containerSecurityContext: SERVER_CONTAINER,
        upgradeCRDs: true,
        upgradeJobResources: UPGRADE_JOB_RESOURCES,
        cleanUpCRDs: false,
        credentials: { useSecret: false },
        serviceAccount: { server: { create: true, name: SERVER_SERVICE_ACCOUNT } },
        configuration: {
            backupStorageLocation: [
                {
                    name: STORAGE_LOCATION,
                    provider: "aws",
                    bucket: a.bucket,
                    prefix: VELERO_PREFIX,
                    default: true,
                    accessMode: "ReadWrite",
                    // The bucket's default encryption (SSE-KMS with the backup key) applies; no kmsKeyId needed.
                    config: { region: a.region },
                },
            ],
            volumeSnapshotLocation: [{ name: SNAPSHOT_LOCATION, provider: "aws", config: { region: a.region } }],
            uploaderType: "kopia",
            // Ad-hoc backups (`velero backup create`) without --ttl are kept 30 days.
            defaultBackupTTL: "720h",
            logFormat: "json",
            repositoryMaintenanceJob: {
                repositoryConfigData: { name: REPO_MAINTENANCE_CONFIGMAP, global: maintenanceJobConfig(a.system), repositories: {} },
            },
        },
        backupsEnabled: true,
        snapshotsEnabled: true,
        deployNodeAgent: true,
        nodeAgent: {
            resources: resourcesOf(s.nodeAgent),
            tolerations: a.nodeAgentTolerations.map((t) => ({ ...t })),
        },
        metrics: {
            enabled: true,
            serviceMonitor: { enabled: a.serviceMonitor, autodetect: false, ...(a.monitorLabels ? { additionalLabels: { ...a.monitorLabels } } : {}) },
            nodeAgentPodMonitor: { enabled: a.serviceMonitor, autodetect: false, ...(a.monitorLabels ? { additionalLabels: { ...a.monitorLabels } } : {}) },
        },
        schedules: veleroSchedules(s),
    };
}
