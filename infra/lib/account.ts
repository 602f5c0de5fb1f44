// The AWS account, partition and DNS suffix every ARN and service principal in the program is built from,
// resolved once per stack and handed to every layer through the ClusterContract.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AccountContext {
    accountId: pulumi.Output<string>;
    /** aws, aws-cn, aws-us-gov: the second field of every ARN. */
    partition: pulumi.Output<string>;
    /** amazonaws.com (amazonaws.com.cn in China): service principals are `<service>.<dnsSuffix>`. */
    dnsSuffix: pulumi.Output<string>;
    region: string;
}

export function resolveAccountContext(region: string, opts: pulumi.InvokeOptions): AccountContext {
    const partition = aws.getPartitionOutput({}, opts);
    return {
        accountId: aws.getCallerIdentityOutput({}, opts).accountId,
        partition: partition.partition,
        dnsSuffix: partition.dnsSuffix,
        region,
    };
}

/** The service principal of an AWS service in the account's partition (`ec2.amazonaws.com`, `ec2.amazonaws.com.cn`). */
export function servicePrincipal(service: string, dnsSuffix: string): string {
    return `${service}.${dnsSuffix}`;
}
