// What the data tier hands to the secrets and workloads layers. No secret value crosses this boundary:
// only where to connect and the ARN of the credential.
import * as pulumi from "@pulumi/pulumi";

export interface DatabaseContract {
    address: pulumi.Output<string>;
    port: pulumi.Output<number>;
    databaseName: string;
    username: string;
    /** ARN of the Secrets Manager secret (or Pulumi-secret holder) with the credential; never the value. */
    credentialSecretArn: pulumi.Output<string>;
    securityGroupId: pulumi.Output<string>;
}

export interface CacheContract {
    primaryAddress: pulumi.Output<string>;
    readerAddress: pulumi.Output<string>;
    port: pulumi.Output<number>;
    /** ARN of where the auth token lives; never the value. */
    authTokenSecretArn: pulumi.Output<string>;
    securityGroupId: pulumi.Output<string>;
}

export interface DataContract {
    database: DatabaseContract;
    cache: CacheContract;
    /** CIDRs of the data subnets (workload egress rules to the database and cache). */
    dataSubnetCidrs: string[];
    /** The data tier's KMS key: it encrypts both credential secrets (a reader of them needs kms:Decrypt on it). */
    kmsKeyArn: pulumi.Output<string>;
}
