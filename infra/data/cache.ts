// ElastiCache for Valkey: a cluster-mode-disabled replication group in the data subnets, reachable only from
// the cluster security group, encrypted at rest (data key) and in transit (TLS required), with an AUTH token
// that is generated here, kept as a Pulumi secret and published to apps only through a Secrets Manager secret.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Tags, withTags } from "../lib/naming";
import { clusterOnlySecurityGroup } from "./securityGroup";
import { CacheSettings, valkeyFamily } from "./config";
import { replicationGroupIdProblem } from "./names";

export const VALKEY_PORT = 6379;

/** Non-alphanumerics ElastiCache accepts in an AUTH token (ElastiCache guide, "Authenticating with AUTH"). */
export const AUTH_TOKEN_SPECIALS = "!&#$^<>-";

/** One member cache cluster of the replication group, as the per-node alarms need it. */
export interface CacheMember {
    /** Stable key for logical and alarm names: `<replicationGroupId>-001`, `-002`... from the configured node count. */
    key: string;
    /** The member cluster's real id (CloudWatch's CacheClusterId), read from the replication group. */
    clusterId: pulumi.Input<string>;
}

/**
 * The `index`-th member cluster id, from the replication group's `memberClusters` (a TypeSet in the provider:
 * order not guaranteed, so sorted here). The names of the per-node alarms come from the configured node count
 * (they must not change with the ids AWS assigns); this checks that the group really has that many members and
 * fails with both numbers otherwise. When the node count changes, the provider marks memberClusters unknown in the
 * preview (customdiff.ComputedIf("member_clusters", ...num_cache_clusters...) in
 * internal/service/elasticache/replication_group.go), so the check runs on the applied group.
 */
export function memberClusterAt(replicationGroupId: string, expected: number, actual: readonly string[] | undefined, index: number): string {
    const sorted = [...(actual ?? [])].sort();
    if (sorted.length !== expected) {
        throw new pulumi.RunError(
            `ElastiCache replication group "${replicationGroupId}": expected ${expected} member cache clusters (1 primary + platform:cache.replicas ${expected - 1}), ` +
                `found ${sorted.length}${sorted.length > 0 ? ` (${sorted.join(", ")})` : ""}: the per-node alarms cannot be matched to the group's nodes`,
        );
    }
    return sorted[index];
}

export interface CacheArgs {
    clusterName: string;
    settings: CacheSettings;
    vpcId: pulumi.Input<string>;
    dataSubnetIds: pulumi.Input<string>[];
    clientSecurityGroupId: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    logRetentionDays: number;
    protect: boolean;
    tags: Tags;
}

export class Cache extends pulumi.ComponentResource {
    readonly replicationGroup: aws.elasticache.ReplicationGroup;
    readonly replicationGroupId: string;
    /** Member cache clusters: keys from the configured node count, ids from the group's memberClusters. */
    readonly members: CacheMember[];
    readonly primaryAddress: pulumi.Output<string>;
    readonly readerAddress: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly authTokenSecretArn: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:Cache", name, {}, opts);
        const parent = { parent: this };
        const s = args.settings;
        this.replicationGroupId = `${args.clusterName}-valkey`.toLowerCase();
        // Stack names may still bring "_" or "." (see names.ts).
        const idProblem = replicationGroupIdProblem(this.replicationGroupId);
        if (idProblem) throw new Error(`the replication group id ${idProblem}`);
        const nodes = 1 + s.replicas;

        const subnetGroup = new aws.elasticache.SubnetGroup(
            name,
            { name: this.replicationGroupId, description: `Isolated data subnets of ${args.clusterName}`, subnetIds: args.dataSubnetIds, tags: args.tags },
            parent,
        );

        const sg = clusterOnlySecurityGroup(
            name,
            { groupName: this.replicationGroupId, engine: "Valkey", port: VALKEY_PORT, clusterName: args.clusterName, vpcId: args.vpcId, clientSecurityGroupId: args.clientSecurityGroupId, tags: args.tags },
            parent,
        );
        this.securityGroupId = sg.id;

        // Family valkey8 covers 8.0-8.2, valkey7 covers 7.2 (ElastiCache guide, "Engine specific parameters").
        const parameterGroup = new aws.elasticache.ParameterGroup(
            name,
            {
                name: `${this.replicationGroupId}-${valkeyFamily(s.engineVersion)}`,
                family: valkeyFamily(s.engineVersion),
                description: `Valkey settings of ${this.replicationGroupId}`,
                parameters: [
                    { name: "maxmemory-policy", value: s.maxmemoryPolicy },
                    { name: "slowlog-log-slower-than", value: String(s.slowlogSlowerThanMicros) },
                    { name: "slowlog-max-len", value: "128" },
                ],
                tags: args.tags,
            },
            parent,
        );

        const slowLog = new aws.cloudwatch.LogGroup(
            `${name}-slow-log`,
            { name: `/aws/elasticache/${this.replicationGroupId}/slow-log`, retentionInDays: args.logRetentionDays, tags: args.tags },
            parent,
        );

        // AUTH token: 16-128 printable characters, specials only from AUTH_TOKEN_SPECIALS. The result is a
        // Pulumi secret (encrypted in state); it leaves the program only into the replication group and the
        // KMS-encrypted Secrets Manager secret below.
        const authToken = new random.RandomPassword(
            `${name}-auth-token`,
            { length: 64, special: true, overrideSpecial: AUTH_TOKEN_SPECIALS, minUpper: 4, minLower: 4, minNumeric: 4, minSpecial: 2 },
            { ...parent, additionalSecretOutputs: ["result"] },
        );

        const secret = new aws.secretsmanager.Secret(
            `${name}-auth-token`,
            {
                name: `${args.clusterName}/data/valkey-auth-token`,
                description: `AUTH token of the ${this.replicationGroupId} Valkey replication group (JSON: authToken)`,
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: args.protect ? 30 : 7,
                tags: args.tags,
            },
            { ...parent, protect: args.protect },
        );
        new aws.secretsmanager.SecretVersion(
            `${name}-auth-token`,
            { secretId: secret.id, secretString: pulumi.secret(pulumi.jsonStringify({ authToken: authToken.result })) },
            parent,
        );
        this.authTokenSecretArn = secret.arn;

        const replicated = s.replicas > 0;
        this.replicationGroup = new aws.elasticache.ReplicationGroup(
            name,
            {
                replicationGroupId: this.replicationGroupId,
                description: `Valkey cache of ${args.clusterName}`,
                engine: "valkey",
                engineVersion: s.engineVersion,
                nodeType: s.nodeType,
                numCacheClusters: nodes,
                automaticFailoverEnabled: replicated,
                multiAzEnabled: replicated,
                port: VALKEY_PORT,
                parameterGroupName: parameterGroup.name,
                subnetGroupName: subnetGroup.name,
                securityGroupIds: [sg.id],
                atRestEncryptionEnabled: true,
                kmsKeyId: args.kmsKeyArn,
                transitEncryptionEnabled: true,
                transitEncryptionMode: "required",
                authToken: authToken.result,
                snapshotRetentionLimit: s.snapshotRetentionDays,
                snapshotWindow: s.snapshotWindow,
                finalSnapshotIdentifier: args.protect ? `${this.replicationGroupId}-final` : undefined,
                maintenanceWindow: s.maintenanceWindow,
                autoMinorVersionUpgrade: true,
                applyImmediately: s.applyImmediately,
                logDeliveryConfigurations: [
                    { destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
                ],
                tags: withTags(args.tags, { Name: this.replicationGroupId }),
            },
            { ...parent, protect: args.protect, additionalSecretOutputs: ["authToken"] },
        );

        const rgId = this.replicationGroupId;
        this.members = Array.from({ length: nodes }, (_, i) => ({
            key: `${rgId}-${String(i + 1).padStart(3, "0")}`,
            clusterId: this.replicationGroup.memberClusters.apply((ids) => memberClusterAt(rgId, nodes, ids, i)),
        }));

        this.primaryAddress = this.replicationGroup.primaryEndpointAddress;
        this.readerAddress = this.replicationGroup.readerEndpointAddress;
        this.port = this.replicationGroup.port.apply((p) => p ?? VALKEY_PORT);

        this.registerOutputs({
            primaryAddress: this.primaryAddress,
            readerAddress: this.readerAddress,
            port: this.port,
            authTokenSecretArn: this.authTokenSecretArn,
            securityGroupId: this.securityGroupId,
        });
    }
}
