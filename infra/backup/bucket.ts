// Lifecycle of the backup bucket as pure data (aws.s3.BucketLifecycleConfiguration rules, @pulumi/aws v7).
//   velero/      backups, restores and the kopia repositories. Velero deletes a backup at its TTL; here objects
//                only move to colder classes: STANDARD_IA, then GLACIER_IR (Glacier Instant Retrieval, millisecond
//                reads: Velero reads backup metadata during its sync and a restore must not wait for a Glacier
//                restore, so never the asynchronous GLACIER or DEEP_ARCHIVE classes).
//   vault-raft/  the Vault snapshots; the job never deletes, so lifecycle expires them after retentionDays.
// The bucket is versioned: a delete (Velero's garbage collection, a mistake, a compromised role) only adds a delete
// marker, and the previous version stays recoverable for noncurrentVersionExpirationDays.
import type * as aws from "@pulumi/aws";
import type { BackupSettings } from "./config";
import { VELERO_PREFIX } from "./values";
import { VAULT_SNAPSHOT_PREFIX } from "./vaultSnapshot";

type Rule = aws.types.input.s3.BucketLifecycleConfigurationRule;

/** Incomplete multipart uploads (an interrupted kopia or aws s3 cp upload) are aborted after this many days. */
export const ABORT_MULTIPART_DAYS = 7;

export function backupLifecycleRules(s: Pick<BackupSettings, "bucket" | "vaultSnapshot">): Rule[] {
    const versions = { noncurrentVersionExpiration: { noncurrentDays: s.bucket.noncurrentVersionExpirationDays } };
    const abort = { abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS } };
    return [
        {
            id: "velero-tiering",
            status: "Enabled",
            filter: { prefix: `${VELERO_PREFIX}/` },
            transitions: [
                { days: s.bucket.transitionToInfrequentAccessDays, storageClass: "STANDARD_IA" },
                { days: s.bucket.transitionToGlacierInstantRetrievalDays, storageClass: "GLACIER_IR" },
            ],
            // Once the old versions behind a delete marker are gone, the marker itself is removed.
            expiration: { expiredObjectDeleteMarker: true },
            ...versions,
            ...abort,
        },
        {
            id: "vault-snapshot-retention",
            status: "Enabled",
            filter: { prefix: `${VAULT_SNAPSHOT_PREFIX}/` },
            expiration: { days: s.vaultSnapshot.retentionDays },
            ...versions,
            ...abort,
        },
    ];
}
