// IAM documents of the backup layer, as pure data.
import { PolicyDocument, Statement, policyDocument } from "../lib/iamDocuments";

/**
 * The actions of velero-io/velero-plugin-for-aws README.md @ v1.14.2 ("Set permissions for Velero"), exactly:
 * EC2 snapshot actions on "*", object actions on the bucket's objects, ListBucket on the bucket.
 * (`s3:PutObjectTagging` is listed upstream and is only used when a BSL sets `config.tagging`.)
 */
export const PLUGIN_EC2_ACTIONS = [
    "ec2:DescribeVolumes",
    "ec2:DescribeSnapshots",
    "ec2:CreateTags",
    "ec2:CreateVolume",
    "ec2:CreateSnapshot",
    "ec2:DeleteSnapshot",
] as const;
export const PLUGIN_OBJECT_ACTIONS = [
    "s3:GetObject",
    "s3:DeleteObject",
    "s3:PutObject",
    "s3:PutObjectTagging",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
] as const;
export const PLUGIN_BUCKET_ACTIONS = ["s3:ListBucket"] as const;

/**
 * Using an object of a bucket whose default encryption is SSE-KMS with a customer key needs the key:
 * GenerateDataKey to write, Decrypt to read and to complete multipart uploads (S3 user guide,
 * UsingKMSEncryption.html "Permissions"). Not in the plugin README, whose policy assumes SSE-S3.
 */
export const KEY_USE_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

export interface BackupIamContext {
    partition: string;
    region: string;
    dnsSuffix: string;
}

function keyViaS3(sid: string, kmsKeyArn: string, ctx: BackupIamContext): Statement {
    return {
        Sid: sid,
        Effect: "Allow",
        Action: [...KEY_USE_ACTIONS],
        Resource: kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${ctx.region}.${ctx.dnsSuffix}` } },
    };
}

/**
 * The Velero server's and node agent's permissions (one ServiceAccount, one Pod Identity role). Object actions
 * are limited to Velero's prefix of the bucket (the BSL prefix holds backups, restores and the kopia
 * repositories), so Velero cannot touch the Vault snapshots beside them. No s3:DeleteObjectVersion: on the
 * versioned bucket a delete only adds a delete marker, so Velero can never destroy a backup for good.
 */
export function veleroPolicy(a: { bucketArn: string; prefix: string; kmsKeyArn: string; ctx: BackupIamContext }): PolicyDocument {
    return policyDocument([
        { Sid: "EbsSnapshots", Effect: "Allow", Action: [...PLUGIN_EC2_ACTIONS], Resource: "*" },
        { Sid: "BackupObjects", Effect: "Allow", Action: [...PLUGIN_OBJECT_ACTIONS], Resource: `${a.bucketArn}/${a.prefix}/*` },
        { Sid: "ListBackupBucket", Effect: "Allow", Action: [...PLUGIN_BUCKET_ACTIONS], Resource: a.bucketArn },
        keyViaS3("UseBackupKeyViaS3", a.kmsKeyArn, a.ctx),
    ]);
}

/**
 * The Vault snapshot CronJob's permissions: write (and abort the multipart uploads of) objects under its own
 * prefix, nothing else. `aws s3 cp` of a file above 8 MiB uses a multipart upload, whose Create/UploadPart/
 * Complete calls are all authorized by s3:PutObject.
 */
export function vaultSnapshotPolicy(a: { bucketArn: string; prefix: string; kmsKeyArn: string; ctx: BackupIamContext }): PolicyDocument {
    return policyDocument([
        { Sid: "WriteVaultSnapshots", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: `${a.bucketArn}/${a.prefix}/*` },
        keyViaS3("UseBackupKeyViaS3", a.kmsKeyArn, a.ctx),
    ]);
}
