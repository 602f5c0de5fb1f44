// The logging layer's buckets: Loki chunks, Loki rules and Tempo traces, each a SecureBucket (the layer's KMS key,
// public access blocked, TLS-only policy, protect in prod), with lifecycle rules that follow the retention.
import * as aws from "@pulumi/aws";

type LifecycleRule = aws.types.input.s3.BucketLifecycleConfigurationRule;

/** Physical names: the stack, the purpose, account and region (globally unique; lib/naming.ts checks the length). */
export function lokiChunksBucketName(stackName: string, accountId: string, region: string): string {
    return `${stackName}-loki-chunks-${accountId}-${region}`.toLowerCase();
}
export function lokiRulerBucketName(stackName: string, accountId: string, region: string): string {
    return `${stackName}-loki-ruler-${accountId}-${region}`.toLowerCase();
}
export function tempoBucketName(stackName: string, accountId: string, region: string): string {
    return `${stackName}-tempo-${accountId}-${region}`.toLowerCase();
}

const abortUploads = (id: string): LifecycleRule => ({
    id,
    status: "Enabled",
    filter: {},
    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
});

/**
 * Loki chunks: the compactor deletes chunks after the retention period (plus retention_delete_delay, 2h). The
 * lifecycle rule is a safety net one day later for chunks the compactor orphaned, and it is scoped to the tenant's
 * chunk prefix `<tenant>/`: the index (`index/`), the delete-request store and loki_cluster_seed.json live in the same
 * bucket and must never expire (grafana/loki docs/sources/operations/storage/retention.md @ v3.7.6, "Object store
 * lifecycle policies": expiration longer than retention plus the delete delay, never an empty prefix).
 */
export function lokiChunksLifecycle(tenant: string, retentionDays: number): LifecycleRule[] {
    return [
        { id: "expire-orphaned-chunks", status: "Enabled", filter: { prefix: `${tenant}/` }, expiration: { days: retentionDays + 1 } },
        abortUploads("abort-incomplete-uploads"),
    ];
}

/** Loki rules are configuration, never expired; old versions of a rewritten rule file are kept 30 days. */
export function lokiRulerLifecycle(): LifecycleRule[] {
    return [
        { id: "expire-old-rule-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 } },
        abortUploads("abort-incomplete-uploads"),
    ];
}

/**
 * Tempo: the compactor deletes blocks after block_retention (plus compacted_block_retention, 1h); the safety net
 * one day later is scoped to the tenant prefix (`single-tenant/` with multitenancy off), so the bucket-level files
 * Tempo keeps outside it are untouched. Incomplete multipart uploads go after one day, as Tempo's S3 page advises
 * (docs/sources/tempo/configuration/hosted-storage/s3.md @ v2.10.8).
 */
export function tempoLifecycle(tenantPrefix: string, retentionDays: number): LifecycleRule[] {
    return [
        { id: "expire-orphaned-blocks", status: "Enabled", filter: { prefix: `${tenantPrefix}/` }, expiration: { days: retentionDays + 1 } },
        abortUploads("abort-incomplete-uploads"),
    ];
}
