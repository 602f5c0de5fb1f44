// IAM documents of the logging layer, as data. Both Loki and Tempo reach S3 through EKS Pod Identity.
import { PolicyDocument, Statement, policyDocument } from "../lib/iamDocuments";

/**
 * The S3 actions Loki's docs list, on the chunk and ruler buckets and their objects: grafana/loki
 * docs/sources/configure/storage.md and docs/sources/setup/install/helm/deployment-guides/aws.md @ v3.7.6.
 */
export const LOKI_S3_ACTIONS = ["s3:ListBucket", "s3:PutObject", "s3:GetObject", "s3:DeleteObject"] as const;

/**
 * The S3 actions Tempo's docs list, on its bucket and objects: grafana/tempo
 * docs/sources/tempo/configuration/hosted-storage/s3.md @ v2.10.8 ("minimal permissions required by Tempo").
 */
export const TEMPO_S3_ACTIONS = ["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"] as const;

/**
 * SSE-KMS: S3 calls KMS on the caller's behalf, so the caller needs kms:GenerateDataKey to write and kms:Decrypt to
 * read (and to complete multipart uploads) objects under the bucket's key (Amazon S3 user guide, UsingKMSEncryption
 * "Permissions"). kms:ViaService limits both to requests S3 makes in this region.
 */
export const SSE_KMS_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

export interface BucketAccess {
    partition: string;
    region: string;
    /** DNS suffix of the partition (amazonaws.com, amazonaws.com.cn) for kms:ViaService. */
    dnsSuffix: string;
    kmsKeyArn: string;
}

const bucketArn = (partition: string, name: string) => `arn:${partition}:s3:::${name}`;

/** Bucket-level actions on the buckets, object-level actions on their objects, KMS through S3 only. */
function s3Statements(prefix: string, actions: readonly string[], buckets: string[], a: BucketAccess): Statement[] {
    const bucketLevel = actions.filter((x) => x === "s3:ListBucket");
    const objectLevel = actions.filter((x) => x !== "s3:ListBucket");
    return [
        { Sid: `${prefix}ListBuckets`, Effect: "Allow", Action: bucketLevel, Resource: buckets.map((b) => bucketArn(a.partition, b)) },
        { Sid: `${prefix}Objects`, Effect: "Allow", Action: objectLevel, Resource: buckets.map((b) => `${bucketArn(a.partition, b)}/*`) },
        {
            Sid: `${prefix}BucketKey`,
            Effect: "Allow",
            Action: [...SSE_KMS_ACTIONS],
            Resource: a.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${a.region}.${a.dnsSuffix}` } },
        },
    ];
}

export function lokiStoragePolicy(a: BucketAccess & { chunksBucket: string; rulerBucket: string }): PolicyDocument {
    return policyDocument(s3Statements("Loki", LOKI_S3_ACTIONS, [a.chunksBucket, a.rulerBucket], a));
}

export function tempoStoragePolicy(a: BucketAccess & { bucket: string }): PolicyDocument {
    return policyDocument(s3Statements("Tempo", TEMPO_S3_ACTIONS, [a.bucket], a));
}
