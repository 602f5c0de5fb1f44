// Vault Raft snapshots to the backup bucket: a CronJob whose pod logs in to Vault with its own ServiceAccount
// (Kubernetes auth, the snapshot-only role the secrets layer creates), saves a snapshot to an emptyDir, and
// uploads it with the AWS CLI under its own Pod Identity role (PutObject on one prefix only).
//   init container `snapshot`: hashicorp/vault (the server's version, vault-helm 0.34.1 values.yaml server.image)
//     vault write auth/<mount>/login role=<role> jwt=@<token>   → a token allowed only sys/storage/raft/snapshot
//     vault operator raft snapshot save /snapshot/vault.snap      (standbys forward it to the active node)
//   container `upload`: the AWS CLI v2 (Pod Identity needs >= 2.15.0, EKS user guide pod-id-minimum-sdk.html)
//     aws s3 cp /snapshot/vault.snap s3://<bucket>/<prefix>/vault-<UTC time>.snap  (SSE-KMS: the bucket default)
// Pod security: the restricted profile (non-root, no privilege escalation, all capabilities dropped, RuntimeDefault
// seccomp, read-only root filesystem); the ServiceAccount token is not automounted, the Vault login uses a
// projected token with the audience the Vault role expects.
import type * as k8s from "@pulumi/kubernetes";
import type { PodPlacement } from "./values";

/** hashicorp/vault-helm 0.34.1 values.yaml `server.image`: hashicorp/vault 2.0.4 (the secrets layer's server). */
export const VAULT_IMAGE = "hashicorp/vault:2.0.4";
/** aws/aws-cli tag 2.36.7 (2026-07-23); the project publishes every release as public.ecr.aws/aws-cli/aws-cli:<version>. */
export const AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.36.7";
export const VAULT_SNAPSHOT_CRONJOB = "vault-snapshot";
/** Objects of the snapshot job live under this prefix of the backup bucket (and nowhere else). */
export const VAULT_SNAPSHOT_PREFIX = "vault-raft";
const TOKEN_DIR = "/var/run/secrets/vault";
const CA_DIR = "/etc/vault-ca";
const UID = 65532;

export const SNAPSHOT_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } };
export const UPLOAD_RESOURCES = { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } };

export interface VaultSnapshotJobArgs {
    namespace: string;
    serviceAccount: string;
    cron: string;
    /** From SecretsContract.vault: the address, the snapshot role, the auth mount, the audience its roles require, the CA. */
    vault: { address: string; role: string; kubernetesAuthMount: string; audience: string; caConfigMap: { name: string; key: string } };
    bucket: string;
    region: string;
    placement: PodPlacement;
    labels: Record<string, string>;
}

/** The shell run by the `snapshot` init container (POSIX sh of the alpine-based vault image). */
export const SNAPSHOT_SCRIPT = [
    "set -eu",
    `VAULT_TOKEN="$(vault write -field=token "auth/$VAULT_AUTH_MOUNT/login" role="$VAULT_ROLE" jwt=@${TOKEN_DIR}/token)"`,
    "export VAULT_TOKEN",
    "vault operator raft snapshot save /snapshot/vault.snap",
    'test -s /snapshot/vault.snap || { echo "empty snapshot" >&2; exit 1; }',
].join("\n");

/** The shell run by the `upload` container. */
export const UPLOAD_SCRIPT = [
    "set -eu",
    'key="$PREFIX/vault-$(date -u +%Y%m%dT%H%M%SZ).snap"',
    'aws s3 cp /snapshot/vault.snap "s3://$BUCKET/$key" --only-show-errors',
    'echo "uploaded s3://$BUCKET/$key"',
].join("\n");

const CONTAINER_SECURITY = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
};

export function vaultSnapshotServiceAccount(a: Pick<VaultSnapshotJobArgs, "namespace" | "serviceAccount" | "labels">): k8s.core.v1.ServiceAccountArgs {
    return {
        metadata: { name: a.serviceAccount, namespace: a.namespace, labels: { ...a.labels } },
        // The pod mounts a projected token for Vault and gets AWS credentials from the Pod Identity webhook.
        automountServiceAccountToken: false,
    };
}

/** The batch/v1 CronJob, as the object's metadata and spec (typed by @pulumi/kubernetes, so a misspelt field fails tsc). */
export function vaultSnapshotCronJob(a: VaultSnapshotJobArgs): { metadata: k8s.types.input.meta.v1.ObjectMeta; spec: k8s.types.input.batch.v1.CronJobSpec } {
    const podLabels = { ...a.labels, "app.kubernetes.io/component": "vault-snapshot" };
    return {
        metadata: { name: VAULT_SNAPSHOT_CRONJOB, namespace: a.namespace, labels: podLabels },
        spec: {
            schedule: a.cron,
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            // A run missed by more than an hour (control plane down) is skipped; the next one comes soon enough.
            startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
                spec: {
                    backoffLimit: 2,
                    activeDeadlineSeconds: 1800,
                    ttlSecondsAfterFinished: 86400,
                    template: {
                        metadata: { labels: podLabels },
                        spec: {
                            serviceAccountName: a.serviceAccount,
                            automountServiceAccountToken: false,
                            restartPolicy: "Never",
                            nodeSelector: { ...a.placement.nodeSelector },
                            tolerations: a.placement.tolerations.map((t) => ({ ...t })),
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: UID,
                                runAsGroup: UID,
                                fsGroup: UID,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            initContainers: [
                                {
                                    name: "snapshot",
                                    image: VAULT_IMAGE,
                                    imagePullPolicy: "IfNotPresent",
                                    command: ["/bin/sh", "-c", SNAPSHOT_SCRIPT],
                                    env: [
                                        { name: "VAULT_ADDR", value: a.vault.address },
                                        { name: "VAULT_CACERT", value: `${CA_DIR}/${a.vault.caConfigMap.key}` },
                                        { name: "VAULT_ROLE", value: a.vault.role },
                                        { name: "VAULT_AUTH_MOUNT", value: a.vault.kubernetesAuthMount },
                                        { name: "HOME", value: "/tmp" },
                                    ],
                                    resources: SNAPSHOT_RESOURCES,
                                    securityContext: CONTAINER_SECURITY,
                                    volumeMounts: [
                                        { name: "vault-token", mountPath: TOKEN_DIR, readOnly: true },
                                        { name: "vault-ca", mountPath: CA_DIR, readOnly: true },
                                        { name: "snapshot", mountPath: "/snapshot" },
                                        { name: "tmp", mountPath: "/tmp" },
                                    ],
                                },
                            ],
                            containers: [
                                {
                                    name: "upload",
                                    image: AWS_CLI_IMAGE,
                                    imagePullPolicy: "IfNotPresent",
                                    command: ["/bin/sh", "-c", UPLOAD_SCRIPT],
                                    env: [
                                        { name: "BUCKET", value: a.bucket },
                                        { name: "PREFIX", value: VAULT_SNAPSHOT_PREFIX },
                                        { name: "AWS_REGION", value: a.region },
                                        { name: "HOME", value: "/tmp" },
                                    ],
                                    resources: UPLOAD_RESOURCES,
                                    securityContext: CONTAINER_SECURITY,
                                    volumeMounts: [
                                        { name: "snapshot", mountPath: "/snapshot", readOnly: true },
                                        { name: "tmp", mountPath: "/tmp" },
                                    ],
                                },
                            ],
                            volumes: [
                                {
                                    name: "vault-token",
                                    projected: {
                                        sources: [{ serviceAccountToken: { audience: a.vault.audience, expirationSeconds: 600, path: "token" } }],
                                    },
                                },
                                { name: "vault-ca", configMap: { name: a.vault.caConfigMap.name, items: [{ key: a.vault.caConfigMap.key, path: a.vault.caConfigMap.key }] } },
                                { name: "snapshot", emptyDir: { sizeLimit: "4Gi" } },
                                { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                            ],
                        },
                    },
                },
            },
        },
    };
}
