// The ALB access-log bucket. ALB access logs support SSE-S3 only ("The only server-side encryption option that's
// supported is Amazon S3-managed keys (SSE-S3)", enable-access-logging.html). No versioning: the objects are written
// once under unique keys and never overwritten, and the only deletions are the lifecycle expiry, which versioning
// would turn into noncurrent versions kept (and paid for) until another rule removed them.
import * as pulumi from "@pulumi/pulumi";
import { AccountContext } from "../lib/account";
import { Tags, withTags } from "../lib/naming";
import { SecureBucket, secureBucket } from "../lib/secureBucket";
import { elbLogDeliveryStatement } from "./iam";
import { ACCESS_LOG_PREFIX } from "./values";

export interface AccessLogBucketArgs {
    stackName: string;
    retentionDays: number;
    protect: boolean;
    account: AccountContext;
    tags: Tags;
}

export function accessLogBucketName(stackName: string, accountId: string, region: string): string {
    const n = `${stackName}-alb-logs-${accountId}-${region}`.toLowerCase();
    if (n.length > 63) throw new Error(`ALB access-log bucket name "${n}" is longer than 63 characters`);
    return n;
}

export function accessLogBucket(name: string, args: AccessLogBucketArgs, parent: pulumi.Resource): SecureBucket {
    return secureBucket(
        name,
        {
            bucketName: args.account.accountId.apply((account) => accessLogBucketName(args.stackName, account, args.account.region)),
            encryption: { sse: "AES256" },
            lifecycleRules: [
                {
                    id: "expire-access-logs",
                    status: "Enabled",
                    filter: {},
                    expiration: { days: args.retentionDays },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                },
            ],
            statements: (bucketArn, facts) => [elbLogDeliveryStatement(bucketArn, ACCESS_LOG_PREFIX, facts.accountId)],
            protect: args.protect,
            tags: withTags(args.tags, { Name: `${args.stackName}-alb-logs` }),
        },
        args.account,
        { parent },
    );
}
