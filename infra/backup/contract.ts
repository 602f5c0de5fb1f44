// What other layers (and tools) may know about the backup layer: plain names, no resources to reach into.
import type * as pulumi from "@pulumi/pulumi";

export interface BackupContract {
    /** Namespace of Velero and the Vault snapshot job. */
    namespace: string;
    /** The BackupStorageLocation every schedule writes to. */
    storageLocation: string;
    /** Names of the Velero Schedule objects, by purpose. */
    schedules: { appsDaily: string; appsWeekly: string; appsMonthly: string; clusterDaily: string };
    bucketName: pulumi.Output<string>;
    bucketArn: pulumi.Output<string>;
}

/** The stack outputs the layer owns (flat, spread into the platform's outputs). */
export interface BackupOutputs {
    backupBucketName: pulumi.Output<string>;
    backupKmsKeyArn: pulumi.Output<string>;
    veleroRoleArn: pulumi.Output<string>;
    /** Present when the Vault snapshot job is planned (the secrets layer runs Vault). */
    vaultSnapshotRoleArn?: pulumi.Output<string>;
}
