// The backup layer: Velero (chart, Pod Identity role, node agent, schedules) writing to a KMS-encrypted, versioned
// bucket; Vault Raft snapshots to the same bucket when the secrets layer runs Vault; alert rules when the monitoring
// stack is there. What is backed up where, and how to restore it: docs/backup.md.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../cluster/contract";
import type { KarpenterContract } from "../karpenter/contract";
import { PodDemand } from "../lib/capacity";
import { charts } from "../lib/charts";
import { customerKey } from "../lib/kms";
import { Tags } from "../lib/naming";
import { ProblemsError } from "../lib/problems";
import { secureBucket } from "../lib/secureBucket";
import { systemChart } from "../lib/systemChart";
import { WorkloadIdentity } from "../lib/workloadIdentity";
import { ALERTS_NAMESPACE, backupAlerts } from "./alerts";
import { backupLifecycleRules } from "./bucket";
import type { BackupSettings } from "./config";
import type { BackupContract, BackupOutputs } from "./contract";
import { veleroPolicy, vaultSnapshotPolicy } from "./iam";
import { VELERO_NAMESPACE, VELERO_RELEASE, STORAGE_LOCATION, scheduleName } from "./schedules";
import { SERVER_SERVICE_ACCOUNT, VELERO_PREFIX, resourcesOf, veleroValues } from "./values";
import {
    UPLOAD_RESOURCES,
    VAULT_SNAPSHOT_CRONJOB,
    VAULT_SNAPSHOT_PREFIX,
    vaultSnapshotCronJob,
    vaultSnapshotServiceAccount,
} from "./vaultSnapshot";

export { backupSection } from "./config";
export type { BackupSettings } from "./config";
export type { BackupContract, BackupOutputs } from "./contract";

/**
 * What the backup layer needs of the secrets layer: SecretsContract["vault"] (infra/secrets/contract.ts), which
 * satisfies this structurally (test/backup/plan.spec.ts checks it). The job mounts the Vault CA from a ConfigMap in its
 * own namespace: copied from `caCertPem` when the secrets layer offers the CA's PEM, or expected there already when
 * `caNamespace` is the job's namespace.
 */
export interface VaultSnapshotSource {
    address: string;
    caConfigMap: { name: string; key: string };
    /** Namespace of caConfigMap (SecretsContract: "vault"); undefined means the job's namespace. */
    caNamespace?: string;
    /** The CA certificate (public), to copy into the job's namespace. */
    caCertPem?: pulumi.Input<string>;
    kubernetesAuthMount: string;
    /** Audience Vault's Kubernetes auth roles require in the presented token. */
    audience: string;
    snapshot: { role: string; namespace: string; serviceAccount: string };
}

/**
 * What the backup layer needs of the monitoring stack (the Prometheus operator's CRDs and the runbooks):
 * ObservabilityContract (infra/observability/contract.ts) satisfies it structurally.
 */
export interface BackupMonitoring {
    /** The release(s) that install the monitoring.coreos.com CRDs: the ServiceMonitor and PrometheusRule wait for them. */
    ready: pulumi.Resource[];
    /** docs/runbooks.md as the operators browse it; alerts link to `<base>#<alert lower-cased>`. */
    runbookBaseUrl: string;
    /** Labels the Prometheus ruleSelector / serviceMonitorSelector requires (none when it selects everything). */
    selectorLabels?: Record<string, string>;
}

export interface BackupArgs {
    cluster: ClusterContract;
    /** The platform pool: the node agent runs there too (it must reach every pod volume). */
    karpenter: KarpenterContract;
    settings: BackupSettings;
    protectStateful: boolean;
    /** The secrets layer (Vault); without it no Vault snapshot job is planned. */
    secrets?: { vault: VaultSnapshotSource };
    /** The monitoring stack; without it no ServiceMonitor, PodMonitor or PrometheusRule is planned. */
    monitoring?: BackupMonitoring;
    tags: Tags;
}

const LABELS = { "app.kubernetes.io/part-of": "platform-backup", "app.kubernetes.io/managed-by": "pulumi" };

/** `<cluster>-backup-<account>-<region>`: globally unique, and derived from the stack so a rebuilt stack finds its backups. */
export function backupBucketName(clusterName: string, accountId: string, region: string): string {
    return `${clusterName}-backup-${accountId}-${region}`.toLowerCase();
}

/** Problems with the inputs, each naming what was expected and what was found (checked before any resource). */
export function backupArgProblems(a: { clusterName: string; region: string; secrets?: { vault: VaultSnapshotSource } }): string[] {
    const out: string[] = [];
    const probe = backupBucketName(a.clusterName, "123456789012", a.region);
    if (probe.length > 63) {
        out.push(`backup bucket name: expected at most 63 characters, found ${probe.length} in "${probe}" (shorten the project or stack name)`);
    } else if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(probe)) {
        out.push(`backup bucket name: expected lower-case letters, digits, dots and hyphens, found "${probe}"`);
    }
    const snap = a.secrets?.vault.snapshot;
    if (snap && snap.namespace !== VELERO_NAMESPACE) {
        out.push(`secrets.vault.snapshot.namespace: expected "${VELERO_NAMESPACE}" (the backup layer runs the snapshot job beside Velero), found "${snap.namespace}"`);
    }
    if (snap && snap.serviceAccount === SERVER_SERVICE_ACCOUNT) {
        out.push(`secrets.vault.snapshot.serviceAccount: expected a ServiceAccount of its own, found Velero's "${SERVER_SERVICE_ACCOUNT}"`);
    }
    return out;
}

/** The pods the Velero chart runs, as the values ask for them (the CRD-upgrade hook Job runs only during an upgrade). */
export function veleroPods(s: BackupSettings): { server: PodDemand; nodeAgent: PodDemand } {
    const server = resourcesOf(s.server);
    const agent = resourcesOf(s.nodeAgent);
    return {
        server: { component: "velero/server", replicas: 1, cpu: server.requests.cpu, memory: server.requests.memory, memoryLimit: server.limits.memory },
        nodeAgent: { component: "velero/node-agent", replicas: 1, cpu: agent.requests.cpu, memory: agent.requests.memory, memoryLimit: agent.limits.memory, perNode: true },
    };
}

/**
 * The snapshot pod: its init container runs before the upload container, so the pod asks for the larger of the two,
 * which is the upload container's (the tests check it against SNAPSHOT_RESOURCES).
 */
export const VAULT_SNAPSHOT_POD: PodDemand = {
    component: "velero/vault-snapshot (CronJob)",
    replicas: 1,
    cpu: UPLOAD_RESOURCES.requests.cpu,
    memory: UPLOAD_RESOURCES.requests.memory,
    memoryLimit: UPLOAD_RESOURCES.limits.memory,
};

/** Where the snapshot job finds the Vault CA: "copy" (from the PEM), "local" (already in its namespace) or "missing". */
export function vaultCaSource(v: VaultSnapshotSource): "copy" | "local" | "missing" {
    if (v.caCertPem !== undefined) return "copy";
    return v.caNamespace === undefined || v.caNamespace === v.snapshot.namespace ? "local" : "missing";
}

/** What the stack leaves out or still needs, in words (the plan prints these). */
export function backupNotices(a: Pick<BackupArgs, "secrets" | "monitoring">): string[] {
    const out: string[] = [];
    if (!a.secrets) out.push("backup: no Vault in this stack, so no Vault snapshot job (docs/backup.md)");
    if (!a.monitoring) out.push("backup: no monitoring stack, so no backup alerts, ServiceMonitor or PodMonitor (docs/backup.md)");
    if (a.secrets && vaultCaSource(a.secrets.vault) === "missing") {
        const v = a.secrets.vault;
        out.push(
            `backup: the Vault snapshot job mounts ConfigMap ${v.snapshot.namespace}/${v.caConfigMap.name}, but the secrets layer keeps the CA in ` +
                `${String(v.caNamespace)}/${v.caConfigMap.name}; until SecretsContract.vault offers caCertPem (then the layer copies it) the job cannot ` +
                "verify Vault's TLS and does not start (docs/backup.md)",
        );
    }
    return out;
}

export class Backup extends pulumi.ComponentResource {
    readonly outputs: BackupOutputs;
    readonly notices: string[];
    readonly contract: BackupContract;
    readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:backup:Backup", name, {}, opts);
        const { cluster, settings: s } = args;
        const problems = backupArgProblems({ clusterName: cluster.name, region: cluster.account.region, secrets: args.secrets });
        if (problems.length > 0) throw new ProblemsError("The backup layer cannot be planned", problems);
        const parent = { parent: this };
        const account = cluster.account;
        const k8sOpts = { parent: this, provider: cluster.provider };
        const tags = { ...args.tags };

        const key = customerKey(
            `${name}-key`,
            {
                description: `Velero backups and Vault snapshots of ${cluster.name}`,
                alias: `${cluster.name}-backup`,
                protect: args.protectStateful,
                // Backups must outlive the stack: even an unprotected destroy leaves the key and the bucket in AWS.
                retainOnDelete: args.protectStateful,
                tags,
            },
            parent,
        );
        const bucket = secureBucket(
            `${name}-bucket`,
            {
                bucketName: account.accountId.apply((id) => backupBucketName(cluster.name, id, account.region)),
                encryption: { sse: "aws:kms", kmsKeyArn: key.arn },
                versioning: true,
                ...(s.bucket.objectLock ? { objectLock: { mode: "GOVERNANCE" as const, days: s.bucket.objectLock.days } } : {}),
                lifecycleRules: backupLifecycleRules(s),
                protect: args.protectStateful,
                retainOnDelete: args.protectStateful,
                // The s3-bucket-protection policy requires versioning on buckets with this tag.
                tags: { ...tags, "platform:purpose": "backups" },
            },
            account,
            parent,
        );

        // Privileged: the node agent reads pod volumes through hostPath as root (templates/node-agent-daemonset.yaml).
        // The snapshot job meets the restricted profile regardless; warn/audit at restricted make any drift visible.
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: VELERO_NAMESPACE,
                    labels: {
                        ...LABELS,
                        "pod-security.kubernetes.io/enforce": "privileged",
                        "pod-security.kubernetes.io/audit": "restricted",
                        "pod-security.kubernetes.io/warn": "restricted",
                    },
                },
            },
            k8sOpts,
        );

        const ctx = pulumi.all([account.partition, account.dnsSuffix, bucket.arn, key.arn]);
        const pods = veleroPods(s);
        const velero = systemChart(
            VELERO_RELEASE,
            {
                cluster,
                placement: cluster.system,
                chart: charts.velero,
                namespace: VELERO_NAMESPACE,
                releaseName: VELERO_RELEASE,
                values: bucket.name.apply((bucketName) =>
                    veleroValues({
                        settings: s,
                        bucket: bucketName,
                        region: account.region,
                        system: cluster.system,
                        nodeAgentTolerations: [...cluster.system.tolerations, ...args.karpenter.platform.tolerations],
                        serviceMonitor: args.monitoring !== undefined,
                        ...(args.monitoring?.selectorLabels ? { monitorLabels: args.monitoring.selectorLabels } : {}),
                    }),
                ),
                identity: {
                    name: `${name}-velero`,
                    serviceAccount: SERVER_SERVICE_ACCOUNT,
                    policy: ctx.apply(([partition, dnsSuffix, bucketArn, kmsKeyArn]) =>
                        veleroPolicy({ bucketArn, prefix: VELERO_PREFIX, kmsKeyArn, ctx: { partition, region: account.region, dnsSuffix } }),
                    ),
                },
                pods: [pods.server, pods.nodeAgent],
                dependsOn: [namespace, bucket.policy, ...(args.monitoring?.ready ?? [])],
                tags,
            },
            parent,
        );
        this.release = velero.release;
        const veleroIdentity = velero.identity as WorkloadIdentity;

        let vaultSnapshotRoleArn: pulumi.Output<string> | undefined;
        if (args.secrets) {
            const v = args.secrets.vault;
            const snapshotIdentity = new WorkloadIdentity(
                `${name}-vault-snapshot`,
                {
                    clusterName: cluster.nameOutput,
                    namespace: v.snapshot.namespace,
                    serviceAccount: v.snapshot.serviceAccount,
                    policy: ctx.apply(([partition, dnsSuffix, bucketArn, kmsKeyArn]) =>
                        vaultSnapshotPolicy({ bucketArn, prefix: VAULT_SNAPSHOT_PREFIX, kmsKeyArn, ctx: { partition, region: account.region, dnsSuffix } }),
                    ),
                    partition: account.partition,
                    tags,
                },
                parent,
            );
            vaultSnapshotRoleArn = snapshotIdentity.roleArn;
            const sa = new k8s.core.v1.ServiceAccount(
                `${name}-vault-snapshot`,
                vaultSnapshotServiceAccount({ namespace: v.snapshot.namespace, serviceAccount: v.snapshot.serviceAccount, labels: LABELS }),
                { ...k8sOpts, dependsOn: [namespace] },
            );
            const ca =
                v.caCertPem !== undefined && vaultCaSource(v) === "copy"
                    ? [
                          new k8s.core.v1.ConfigMap(
                              `${name}-vault-ca`,
                              { metadata: { name: v.caConfigMap.name, namespace: v.snapshot.namespace, labels: LABELS }, data: { [v.caConfigMap.key]: v.caCertPem } },
                              { ...k8sOpts, dependsOn: [namespace] },
                          ),
                      ]
                    : [];
            const job = bucket.name.apply((bucketName) =>
                vaultSnapshotCronJob({
                    namespace: v.snapshot.namespace,
                    serviceAccount: v.snapshot.serviceAccount,
                    cron: s.vaultSnapshot.cron,
                    vault: { address: v.address, role: v.snapshot.role, kubernetesAuthMount: v.kubernetesAuthMount, audience: v.audience, caConfigMap: v.caConfigMap },
                    bucket: bucketName,
                    region: account.region,
                    placement: cluster.system,
                    labels: LABELS,
                }),
            );
            new k8s.batch.v1.CronJob(
                `${name}-vault-snapshot`,
                { metadata: job.metadata, spec: job.spec },
                {
                    ...k8sOpts,
                    dependsOn: [sa, ...ca, cluster.podIdentityAgent, snapshotIdentity.role, ...snapshotIdentity.permissions, snapshotIdentity.association, bucket.policy, ...cluster.system.dependsOn],
                },
            );
            cluster.capacity.add(cluster.system.pool, [VAULT_SNAPSHOT_POD]);
        }

        if (args.monitoring) {
            const rules = backupAlerts({
                staleAfterHours: s.objectives.rpoHours + 1,
                runbookBaseUrl: args.monitoring.runbookBaseUrl,
                ...(args.secrets ? { vaultSnapshot: { namespace: args.secrets.vault.snapshot.namespace, cronJob: VAULT_SNAPSHOT_CRONJOB } } : {}),
            });
            new k8s.apiextensions.CustomResource(
                `${name}-alerts`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PrometheusRule",
                    metadata: { name: "backup", namespace: ALERTS_NAMESPACE, labels: { ...LABELS, ...(args.monitoring.selectorLabels ?? {}) } },
                    spec: rules,
                },
                { ...k8sOpts, dependsOn: [namespace, ...args.monitoring.ready] },
            );
        }

        this.contract = {
            namespace: VELERO_NAMESPACE,
            storageLocation: STORAGE_LOCATION,
            schedules: {
                appsDaily: scheduleName("apps-daily"),
                appsWeekly: scheduleName("apps-weekly"),
                appsMonthly: scheduleName("apps-monthly"),
                clusterDaily: scheduleName("cluster-daily"),
            },
            bucketName: bucket.name,
            bucketArn: bucket.arn,
        };
        this.outputs = {
            backupBucketName: bucket.name,
            backupKmsKeyArn: key.arn,
            veleroRoleArn: veleroIdentity.roleArn,
            ...(vaultSnapshotRoleArn ? { vaultSnapshotRoleArn } : {}),
        };
        this.notices = backupNotices(args);
        this.registerOutputs({ backupBucketName: bucket.name });
    }
}
