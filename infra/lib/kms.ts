// A customer-managed KMS key with rotation and an alias: every key the platform creates comes from here.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./iamDocuments";

export interface CustomerKeyArgs {
    description: string;
    /** Alias without the `alias/` prefix, e.g. `platform-prod-data`. */
    alias: string;
    /** Key policy; without one KMS applies its default (the account administers the key through IAM). */
    policy?: pulumi.Input<PolicyDocument>;
    /** prod: `protect` (a deleted key makes everything encrypted with it unreadable). */
    protect: boolean;
    /** Keep the key in AWS even when it leaves the program or the stack is destroyed (Pulumi retainOnDelete). */
    retainOnDelete?: boolean;
    tags: Record<string, pulumi.Input<string>>;
    /** Days KMS waits before deleting a scheduled key (7-30). */
    deletionWindowInDays?: number;
}

export interface CustomerKey {
    key: aws.kms.Key;
    arn: pulumi.Output<string>;
    alias: aws.kms.Alias;
}

/** Creates the key `name` and the alias `name` (same logical name, so URNs follow the key). */
export function customerKey(name: string, args: CustomerKeyArgs, opts: { parent: pulumi.Resource }): CustomerKey {
    const key = new aws.kms.Key(
        name,
        {
            description: args.description,
            enableKeyRotation: true,
            deletionWindowInDays: args.deletionWindowInDays ?? 30,
            ...(args.policy !== undefined ? { policy: pulumi.output(args.policy).apply((d) => JSON.stringify(d)) } : {}),
            tags: args.tags,
        },
        { parent: opts.parent, protect: args.protect, ...(args.retainOnDelete ? { retainOnDelete: true } : {}) },
    );
    const alias = new aws.kms.Alias(name, { name: `alias/${args.alias}`, targetKeyId: key.keyId }, { parent: opts.parent });
    return { key, arn: key.arn, alias };
}
