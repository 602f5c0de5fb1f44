// Naming and tagging shared by every layer.
import * as pulumi from "@pulumi/pulumi";

export type Tags = Record<string, string>;

/** Merges resource-specific tags over the common ones (a `Name` tag is the usual extra). */
export function withTags(common: Tags, extra: Record<string, pulumi.Input<string>> = {}): Record<string, pulumi.Input<string>> {
    return { ...common, ...extra };
}

/** The AWS account and partition every ARN in the program is built from, resolved once. */
export interface AccountContext {
    accountId: pulumi.Output<string>;
    partition: pulumi.Output<string>;
    region: string;
}
