// The one recipe for an S3 bucket the platform owns: encryption (KMS or SSE-S3), public access blocked,
// BucketOwnerEnforced, a TLS-only bucket policy plus the caller's statements, optional versioning, object lock
// and lifecycle, and `protect` by config. Every child resource takes the bucket's logical name, so a bucket
// moved here from hand-written code keeps its URNs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountContext } from "./account";
import { Statement, policyDocument } from "./iamDocuments";

export interface BucketFacts {
    arn: string;
    name: string;
    accountId: string;
    partition: string;
}

export interface SecureBucketArgs {
    /** Physical name (globally unique, 3-63 characters). */
    bucketName: pulumi.Input<string>;
    encryption: { sse: "AES256" } | { sse: "aws:kms"; kmsKeyArn: pulumi.Input<string> };
    versioning?: boolean;
    /** Default retention for new objects (needs versioning; set at creation). */
    objectLock?: { mode: "GOVERNANCE" | "COMPLIANCE"; days: number };
    lifecycleRules?: aws.types.input.s3.BucketLifecycleConfigurationRule[];
    /** Statements added before the TLS-only deny (service principals that write, roles that read...). */
    statements?: (bucketArn: string, facts: BucketFacts) => Statement[];
    protect: boolean;
    /** Keep the bucket in AWS even when it leaves the program or the stack is destroyed (Pulumi retainOnDelete). */
    retainOnDelete?: boolean;
    tags: Record<string, pulumi.Input<string>>;
}

export interface SecureBucket {
    bucket: aws.s3.Bucket;
    name: pulumi.Output<string>;
    arn: pulumi.Output<string>;
    policy: aws.s3.BucketPolicy;
}

/** The statement every platform bucket carries: requests without TLS are refused. */
export function denyInsecureTransport(bucketArn: string): Statement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

export function secureBucket(name: string, args: SecureBucketArgs, account: AccountContext, opts: { parent: pulumi.Resource }): SecureBucket {
    if (args.objectLock && !args.versioning) throw new Error(`bucket ${name}: object lock needs versioning`);
    const parent = { parent: opts.parent };
    const bucket = new aws.s3.Bucket(
        name,
        {
            bucket: args.bucketName,
            forceDestroy: false,
            ...(args.objectLock ? { objectLockEnabled: true } : {}),
            tags: args.tags,
        },
        { parent: opts.parent, protect: args.protect, ...(args.retainOnDelete ? { retainOnDelete: true } : {}) },
    );
    const ref = { bucket: bucket.id };
    const ownership = new aws.s3.BucketOwnershipControls(name, { ...ref, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
        name,
        { ...ref, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        parent,
    );
    const enc = args.encryption;
    new aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        {
            ...ref,
            rules: [
                enc.sse === "aws:kms"
                    ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: enc.kmsKeyArn }, bucketKeyEnabled: true }
                    : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
            ],
        },
        parent,
    );
    const versioning = args.versioning
        ? new aws.s3.BucketVersioning(name, { ...ref, versioningConfiguration: { status: "Enabled" } }, parent)
        : undefined;
    if (args.objectLock) {
        new aws.s3.BucketObjectLockConfiguration(
            name,
            { ...ref, rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.days } } },
            { parent: opts.parent, dependsOn: versioning ? [versioning] : [] },
        );
    }
    if (args.lifecycleRules && args.lifecycleRules.length > 0) {
        new aws.s3.BucketLifecycleConfiguration(name, { ...ref, rules: args.lifecycleRules }, { parent: opts.parent, dependsOn: versioning ? [versioning] : [] });
    }
    const policy = new aws.s3.BucketPolicy(
        name,
        {
            ...ref,
            policy: pulumi.all([account.partition, bucket.bucket, account.accountId]).apply(([partition, bucketName, accountId]) => {
                const arn = `arn:${partition}:s3:::${bucketName}`;
                const extra = args.statements?.(arn, { arn, name: bucketName, accountId, partition }) ?? [];
                return JSON.stringify(policyDocument([...extra, denyInsecureTransport(arn)]));
            }),
        },
        // The public-access block first: with BlockPublicPolicy on, S3 judges the policy as not public.
        { parent: opts.parent, dependsOn: [publicAccess, ownership] },
    );
    return { bucket, name: bucket.bucket, arn: bucket.arn, policy };
}
