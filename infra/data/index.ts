// The data tier: customer KMS keys, RDS PostgreSQL, ElastiCache for Valkey, AWS Backup and CloudWatch alarms.
// What leaves this layer is the DataContract: where to connect and the ARNs of the credentials, never a value.
import * as pulumi from "@pulumi/pulumi";
import { AccountContext } from "../lib/account";
import { customerKey } from "../lib/kms";
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
    account: AccountContext;
    tags: Tags;
}

/** The flat stack outputs this layer owns: endpoints and the ARNs of the credentials' secrets; never a credential. */
export interface DataOutputs {
    databaseAddress: pulumi.Output<string>;
    databasePort: pulumi.Output<number>;
    databaseName: string;
    databaseUsername: string;
    databaseCredentialSecretArn: pulumi.Output<string>;
    databaseSecurityGroupId: pulumi.Output<string>;
    cachePrimaryAddress: pulumi.Output<string>;
    cacheReaderAddress: pulumi.Output<string>;
    cachePort: pulumi.Output<number>;
    cacheAuthTokenSecretArn: pulumi.Output<string>;
    cacheSecurityGroupId: pulumi.Output<string>;
    dataSubnetCidrs: string[];
    backupVaultArn: pulumi.Output<string>;
    dataAlarmTopicArn: pulumi.Output<string>;
}

export class DataTier extends pulumi.ComponentResource {
    readonly contract: DataContract;
    readonly outputs: DataOutputs;
    readonly notices: string[] = [];
    readonly dataKeyArn: pulumi.Output<string>;
    readonly database: Database;
    readonly cache: Cache;
    readonly backup: Backup;
    readonly alarms: Alarms;

    constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:DataTier", name, {}, opts);
        const parent = { parent: this };
        const protect = args.protectStatefulResources;
        const { accountId, partition } = args.account;

        // One key for everything stateful here: losing it would make every snapshot unreadable, hence protect.
        const dataKey = customerKey(
            `${name}-data`,
            {
                description: `Data tier of ${args.clusterName}: RDS, Performance Insights, ElastiCache, secrets, backups`,
                alias: `${args.clusterName}-data`,
                policy: pulumi.all([accountId, partition]).apply(([account, p]) => dataKeyPolicy(account, p)),
                protect,
                tags: withTags(args.tags, { Name: `${args.clusterName}-data` }),
            },
            parent,
        );
        this.dataKeyArn = dataKey.arn;

        // A deleted key leaves the encrypted topic unusable until it is recreated: protected like every key.
        const alarmKey = customerKey(
            `${name}-alarms`,
            {
                description: `Alarm topic of the ${args.clusterName} data tier (CloudWatch may use it)`,
                alias: `${args.clusterName}-data-alarms`,
                policy: pulumi.all([accountId, partition]).apply(([account, p]) => alarmKeyPolicy(account, p)),
                protect,
                tags: withTags(args.tags, { Name: `${args.clusterName}-data-alarms` }),
            },
            parent,
        );

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
            kmsKeyArn: dataKey.arn,
        };
        const c = this.contract;
        this.outputs = {
            databaseAddress: c.database.address,
            databasePort: c.database.port,
            databaseName: c.database.databaseName,
            databaseUsername: c.database.username,
            databaseCredentialSecretArn: c.database.credentialSecretArn,
            databaseSecurityGroupId: c.database.securityGroupId,
            cachePrimaryAddress: c.cache.primaryAddress,
            cacheReaderAddress: c.cache.readerAddress,
            cachePort: c.cache.port,
            cacheAuthTokenSecretArn: c.cache.authTokenSecretArn,
            cacheSecurityGroupId: c.cache.securityGroupId,
            dataSubnetCidrs: c.dataSubnetCidrs,
            backupVaultArn: this.backup.vaultArn,
            dataAlarmTopicArn: this.alarms.topicArn,
        };

        this.registerOutputs({
            databaseAddress: this.contract.database.address,
            cachePrimaryAddress: this.contract.cache.primaryAddress,
            backupVaultArn: this.backup.vaultArn,
            alarmTopicArn: this.alarms.topicArn,
        });
    }
}
