// The data tier: customer KMS keys, RDS PostgreSQL, ElastiCache for Valkey, AWS Backup and CloudWatch alarms.
// What leaves this layer is the DataContract: where to connect and the ARNs of the credentials, never a value.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, withTags } from "../lib/naming";
import { Alarms } from "./alarms";
import { Backup } from "./backup";
import { Cache } from "./cache";
import { AlarmSettings, CacheSettings, DatabaseSettings } from "./config";
import { DataContract } from "./contract";
import { Database } from "./database";
import { alarmKeyPolicy, dataKeyPolicy } from "./iam";

export type { DataContract } from "./contract";

export interface DataTierArgs {
    clusterName: string;
    database: DatabaseSettings;
    cache: CacheSettings;
    alarms: AlarmSettings;
    vpcId: pulumi.Input<string>;
    dataSubnetIds: pulumi.Input<string>[];
    /** CIDRs of the data subnets (planSubnets(...).data), handed on in the contract. */
    dataSubnetCidrs: string[];
    /** EKS cluster security group: on system and Karpenter nodes; the only source the data stores admit. */
    clusterSecurityGroupId: pulumi.Input<string>;
    logRetentionDays: number;
    protectStatefulResources: boolean;
    tags: Tags;
}

export class DataTier extends pulumi.ComponentResource {
    readonly contract: DataContract;
    readonly dataKeyArn: pulumi.Output<string>;
    readonly database: Database;
    readonly cache: Cache;
    readonly backup: Backup;
    readonly alarms: Alarms;

    constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:DataTier", name, {}, opts);
        const parent = { parent: this };
        const protect = args.protectStatefulResources;
        const identity = aws.getCallerIdentityOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent).partition;

        // One key for everything stateful here: losing it would make every snapshot unreadable, hence protect.
        const dataKey = new aws.kms.Key(
            `${name}-data`,
            {
                description: `Data tier of ${args.clusterName}: RDS, Performance Insights, ElastiCache, secrets, backups`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.all([identity.accountId, partition]).apply(([account, p]) => JSON.stringify(dataKeyPolicy(account, p))),
                tags: withTags(args.tags, { Name: `${args.clusterName}-data` }),
            },
            { ...parent, protect },
        );
        new aws.kms.Alias(`${name}-data`, { name: `alias/${args.clusterName}-data`, targetKeyId: dataKey.keyId }, parent);
        this.dataKeyArn = dataKey.arn;

        const alarmKey = new aws.kms.Key(
            `${name}-alarms`,
            {
                description: `Alarm topic of the ${args.clusterName} data tier (CloudWatch may use it)`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.all([identity.accountId, partition]).apply(([account, p]) => JSON.stringify(alarmKeyPolicy(account, p))),
                tags: withTags(args.tags, { Name: `${args.clusterName}-data-alarms` }),
            },
            // A deleted key leaves the encrypted topic unusable until it is recreated: protected like every key.
            { ...parent, protect },
        );
        new aws.kms.Alias(`${name}-alarms`, { name: `alias/${args.clusterName}-data-alarms`, targetKeyId: alarmKey.keyId }, parent);

        const common = {
            clusterName: args.clusterName,
            vpcId: args.vpcId,
            dataSubnetIds: args.dataSubnetIds,
            clientSecurityGroupId: args.clusterSecurityGroupId,
            kmsKeyArn: dataKey.arn,
            logRetentionDays: args.logRetentionDays,
            protect,
            tags: args.tags,
        };
        this.database = new Database(`${name}-postgres`, { ...common, settings: args.database, partition }, parent);
        this.cache = new Cache(`${name}-valkey`, { ...common, settings: args.cache }, parent);
        this.backup = new Backup(`${name}-backup`, { clusterName: args.clusterName, kmsKeyArn: dataKey.arn, partition, protect, tags: args.tags }, parent);
        this.alarms = new Alarms(
            `${name}-alarms`,
            {
                clusterName: args.clusterName,
                settings: args.alarms,
                targets: {
                    dbInstanceIdentifier: this.database.identifier,
                    dbMaxConnections: args.database.maxConnections,
                    cacheMembers: this.cache.members,
                    cacheHasReplicas: args.cache.replicas > 0,
                },
                topicKmsKeyArn: alarmKey.arn,
                tags: args.tags,
                dependsOn: [this.database.instance, this.cache.replicationGroup],
            },
            parent,
        );

        this.contract = {
            database: {
                address: this.database.address,
                port: this.database.port,
                databaseName: this.database.databaseName,
                username: this.database.username,
                credentialSecretArn: this.database.masterSecretArn,
                securityGroupId: this.database.securityGroupId,
            },
            cache: {
                primaryAddress: this.cache.primaryAddress,
                readerAddress: this.cache.readerAddress,
                port: this.cache.port,
                authTokenSecretArn: this.cache.authTokenSecretArn,
                securityGroupId: this.cache.securityGroupId,
            },
            dataSubnetCidrs: args.dataSubnetCidrs,
        };

        this.registerOutputs({
            databaseAddress: this.contract.database.address,
            cachePrimaryAddress: this.contract.cache.primaryAddress,
            backupVaultArn: this.backup.vaultArn,
            alarmTopicArn: this.alarms.topicArn,
        });
    }
}
