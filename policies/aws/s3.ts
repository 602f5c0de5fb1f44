// S3 buckets: encryption configured, public access blocked, versioning for backup buckets.
// In @pulumi/aws v7 these are separate resources that name the bucket; the stack policy matches them to
// the bucket by dependency (their `bucket` input is the bucket's output, so the engine records the
// bucket's URN as a dependency) or, failing that, by the bucket's literal name.
import type { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { at, bool, judgesOnly, obj, str, stringMap } from "../lib";

export const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);
const SSE_TYPES = new Set([
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
]);
const PAB_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const VERSIONING_TYPES = new Set(["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"]);
export const PAB_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

/** Bucket-level resources (SSE, public access block, versioning) that belong to `bucket`. */
function attached(bucket: PolicyResource, candidates: PolicyResource[]): PolicyResource[] {
    const byDep = candidates.filter((c) => c.dependencies.some((d) => d.urn === bucket.urn) || c.parent?.urn === bucket.urn);
    const rest = candidates.filter((c) => !byDep.includes(c));
    if (byDep.length > 0) return byDep;
    const literal = str(bucket.props["bucket"]);
    // Only read `bucket` of resources not already matched: during preview it is unknown for new buckets.
    if (literal === undefined) return [];
    const unbound = rest.filter((c) => !c.dependencies.some((d) => BUCKET_TYPES.has(d.type)));
    return unbound.filter((c) => str(c.props["bucket"]) === literal);
}

export const s3Bucket: StackValidationPolicy = judgesOnly<StackValidationPolicy>({
    name: "s3-bucket-protection",
    description:
        "Every S3 bucket has a server-side encryption configuration and a public access block with all four flags on; buckets tagged `<backupTagKey>=<backupTagValue>` have versioning Enabled.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            backupTagKey: { type: "string", default: "platform:purpose" },
            backupTagValue: { type: "string", default: "backups" },
        },
    },
    validateStack: (args, report) => {
        const cfg = args.getConfig<{ backupTagKey: string; backupTagValue: string }>();
        const buckets = args.resources.filter((r) => BUCKET_TYPES.has(r.type));
        if (buckets.length === 0) return;
        const sses = args.resources.filter((r) => SSE_TYPES.has(r.type));
        const pabs = args.resources.filter((r) => r.type === PAB_TYPE);
        const versionings = args.resources.filter((r) => VERSIONING_TYPES.has(r.type));
        for (const b of buckets) {
            const label = `S3 bucket "${b.name}"`; // the logical name: `bucket` may be unknown during preview
            const inlineSse = obj(b.props["serverSideEncryptionConfiguration"]) !== undefined;
            if (!inlineSse && attached(b, sses).length === 0) report(`${label} has no BucketServerSideEncryptionConfiguration`, b.urn);
            const blocks = attached(b, pabs);
            if (blocks.length === 0) report(`${label} has no BucketPublicAccessBlock`, b.urn);
            else {
                const off = PAB_FLAGS.filter((f) => !blocks.some((p) => bool(p.props[f]) === true));
                if (off.length > 0) report(`${label}: its BucketPublicAccessBlock must set ${off.join(", ")} to true`, b.urn);
            }
            if (stringMap(b.props["tags"])[cfg.backupTagKey] === cfg.backupTagValue) {
                const inline = bool(at(b.props, "versioning", "enabled")) === true;
                const enabled = attached(b, versionings).some((v) => str(at(v.props, "versioningConfiguration", "status")) === "Enabled");
                if (!inline && !enabled) report(`${label} holds backups (${cfg.backupTagKey}=${cfg.backupTagValue}) and needs a BucketVersioning with status "Enabled"`, b.urn);
            }
        }
    },
}, (type) => BUCKET_TYPES.has(type) || SSE_TYPES.has(type) || type === PAB_TYPE || VERSIONING_TYPES.has(type));

export const s3Policies: Policies = [s3Bucket];
