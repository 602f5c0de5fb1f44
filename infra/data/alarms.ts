// CloudWatch alarms on the database and the cache, notifying a KMS-encrypted SNS topic (alarm and recovery).
// Metric names and dimensions: RDS User Guide "Amazon CloudWatch metrics for Amazon RDS" (AWS/RDS,
// DBInstanceIdentifier) and ElastiCache guide "Metrics for Valkey and Redis OSS" / "Host-Level Metrics"
// (AWS/ElastiCache, CacheClusterId = one member cluster of the replication group + CacheNodeId 0001). The member
// cluster ids are read from the replication group (memberClusters), not assumed.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "../lib/naming";
import type { CacheMember } from "./cache";
import { AlarmSettings } from "./config";

/** The single node of each member cache cluster of a cluster-mode-disabled replication group. */
export const CACHE_NODE_ID = "0001";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface AlarmSpec {
    /** Logical and physical name suffix. */
    id: string;
    namespace: "AWS/RDS" | "AWS/ElastiCache";
    metricName: string;
    /** Values may be outputs (the cache member cluster ids come from the replication group). */
    dimensions: Record<string, pulumi.Input<string>>;
    statistic: "Average" | "Minimum" | "Maximum" | "Sum";
    comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
    threshold: number;
    periodSeconds: number;
    evaluationPeriods: number;
    /**
     * Gauges a healthy resource always reports keep their state when data is missing ("missing"); metrics that
     * only exist in some situations (evictions, replication lag on a primary, slot lag without slots) treat
     * missing data as fine ("notBreaching").
     */
    treatMissingData: "missing" | "notBreaching";
    description: pulumi.Input<string>;
}

export interface AlarmTargets {
    dbInstanceIdentifier: string;
    /** The max_connections value set in the parameter group. */
    dbMaxConnections: number;
    /** One per configured node: `key` names the alarms, `clusterId` is the dimension value. */
    cacheMembers: CacheMember[];
    /** Replication lag is published by replicas only; without replicas there is nothing to watch. */
    cacheHasReplicas: boolean;
}

/** Every alarm of the data tier, as plain data (unit-tested without the runtime). */
export function alarmSpecs(t: AlarmTargets, a: AlarmSettings): AlarmSpec[] {
    const db = { DBInstanceIdentifier: t.dbInstanceIdentifier };
    const base = { periodSeconds: 300, evaluationPeriods: 3 };
    const specs: AlarmSpec[] = [
        {
            id: "db-cpu",
            namespace: "AWS/RDS",
            metricName: "CPUUtilization",
            dimensions: db,
            statistic: "Average",
            comparisonOperator: "GreaterThanThreshold",
            threshold: a.databaseCpuPercent,
            ...base,
            treatMissingData: "missing",
            description: `PostgreSQL CPU above ${a.databaseCpuPercent}% for 15 minutes`,
        },
        {
            id: "db-free-storage",
            namespace: "AWS/RDS",
            metricName: "FreeStorageSpace",
            dimensions: db,
            statistic: "Minimum",
            comparisonOperator: "LessThanThreshold",
            threshold: a.databaseFreeStorageGiB * GIB,
            ...base,
            treatMissingData: "missing",
            description: `PostgreSQL free storage below ${a.databaseFreeStorageGiB} GiB (autoscaling may have hit its ceiling)`,
        },
        {
            id: "db-freeable-memory",
            namespace: "AWS/RDS",
            metricName: "FreeableMemory",
            dimensions: db,
            statistic: "Minimum",
            comparisonOperator: "LessThanThreshold",
            threshold: a.databaseFreeableMemoryMiB * MIB,
            ...base,
            treatMissingData: "missing",
            description: `PostgreSQL freeable memory below ${a.databaseFreeableMemoryMiB} MiB`,
        },
        {
            id: "db-connections",
            namespace: "AWS/RDS",
            metricName: "DatabaseConnections",
            dimensions: db,
            statistic: "Maximum",
            comparisonOperator: "GreaterThanThreshold",
            threshold: Math.floor((t.dbMaxConnections * a.databaseConnectionsPercent) / 100),
            ...base,
            treatMissingData: "missing",
            description: `PostgreSQL connections above ${a.databaseConnectionsPercent}% of max_connections (${t.dbMaxConnections})`,
        },
        {
            // There is no read replica (Multi-AZ's standby is synchronous and publishes no ReplicaLag), so the
            // replication risk worth watching is a logical replication slot nobody consumes: it retains WAL
            // until the disk is full.
            id: "db-replication-slot-lag",
            namespace: "AWS/RDS",
            metricName: "OldestReplicationSlotLag",
            dimensions: db,
            statistic: "Maximum",
            comparisonOperator: "GreaterThanThreshold",
            threshold: a.databaseReplicationSlotLagGiB * GIB,
            ...base,
            treatMissingData: "notBreaching",
            description: `A PostgreSQL replication slot retains more than ${a.databaseReplicationSlotLagGiB} GiB of WAL`,
        },
    ];
    for (const { key: node, clusterId } of t.cacheMembers) {
        // "Each metric is published under a single set of dimensions. When retrieving metrics, you must supply both
        // the CacheClusterId and CacheNodeId dimensions" (ElastiCache User Guide, "Dimensions for ElastiCache Metrics",
        // awsdocs/amazon-elasticache-docs doc_source/CacheMetrics.DimensionsAndSets.md). An alarm on CacheClusterId
        // alone matches no published series: the gauges would sit in INSUFFICIENT_DATA and the notBreaching ones
        // (evictions, replication lag) would stay OK forever. Each member cluster of a cluster-mode-disabled
        // replication group holds one node, whose CacheNodeId is 0001.
        const dims = { CacheClusterId: clusterId, CacheNodeId: CACHE_NODE_ID };
        // Descriptions name the real member cluster (plain strings stay plain for the unit tests).
        const about = (text: (id: string) => string): pulumi.Input<string> =>
            typeof clusterId === "string" ? text(clusterId) : pulumi.output(clusterId).apply(text);
        specs.push(
            {
                id: `cache-cpu-${node}`,
                namespace: "AWS/ElastiCache",
                metricName: "CPUUtilization",
                dimensions: dims,
                statistic: "Average",
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.cacheCpuPercent,
                ...base,
                treatMissingData: "missing",
                description: about((id) => `Valkey node ${id} host CPU above ${a.cacheCpuPercent}%`),
            },
            {
                id: `cache-engine-cpu-${node}`,
                namespace: "AWS/ElastiCache",
                metricName: "EngineCPUUtilization",
                dimensions: dims,
                statistic: "Average",
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.cacheEngineCpuPercent,
                ...base,
                treatMissingData: "missing",
                description: about((id) => `Valkey node ${id} engine thread above ${a.cacheEngineCpuPercent}%`),
            },
            {
                id: `cache-memory-${node}`,
                namespace: "AWS/ElastiCache",
                metricName: "DatabaseMemoryUsagePercentage",
                dimensions: dims,
                statistic: "Maximum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.cacheMemoryPercent,
                ...base,
                treatMissingData: "missing",
                description: about((id) => `Valkey node ${id} uses more than ${a.cacheMemoryPercent}% of maxmemory`),
            },
            {
                id: `cache-evictions-${node}`,
                namespace: "AWS/ElastiCache",
                metricName: "Evictions",
                dimensions: dims,
                statistic: "Sum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.cacheEvictions,
                periodSeconds: 300,
                evaluationPeriods: 1,
                treatMissingData: "notBreaching",
                description: about((id) => `Valkey node ${id} evicted more than ${a.cacheEvictions} keys in 5 minutes`),
            },
        );
        if (t.cacheHasReplicas) {
            // Every node gets one: after a failover the replica is another node. The primary publishes no
            // ReplicationLag, hence notBreaching.
            specs.push({
                id: `cache-replication-lag-${node}`,
                namespace: "AWS/ElastiCache",
                metricName: "ReplicationLag",
                dimensions: dims,
                statistic: "Maximum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.cacheReplicationLagSeconds,
                ...base,
                treatMissingData: "notBreaching",
                description: about((id) => `Valkey node ${id} replicates more than ${a.cacheReplicationLagSeconds}s behind the primary`),
            });
        }
    }
    return specs;
}

export interface AlarmsArgs {
    clusterName: string;
    settings: AlarmSettings;
    targets: AlarmTargets;
    /** Key of the topic; its policy must let cloudwatch.amazonaws.com use it (see alarmKeyPolicy). */
    topicKmsKeyArn: pulumi.Input<string>;
    tags: Tags;
    /** The alarmed resources, so alarms are created after them. */
    dependsOn: pulumi.Resource[];
}

export class Alarms extends pulumi.ComponentResource {
    readonly topicArn: pulumi.Output<string>;
    readonly alarmNames: string[];

    constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:Alarms", name, {}, opts);
        const parent = { parent: this };

        const topic = new aws.sns.Topic(
            name,
            { name: `${args.clusterName}-data-alarms`, kmsMasterKeyId: args.topicKmsKeyArn, tags: args.tags },
            parent,
        );
        this.topicArn = topic.arn;

        args.settings.emails.forEach(
            (email, i) => new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent),
        );

        const specs = alarmSpecs(args.targets, args.settings);
        this.alarmNames = specs.map((s) => `${args.clusterName}-${s.id}`);
        for (const s of specs) {
            new aws.cloudwatch.MetricAlarm(
                `${name}-${s.id}`,
                {
                    name: `${args.clusterName}-${s.id}`,
                    alarmDescription: s.description,
                    namespace: s.namespace,
                    metricName: s.metricName,
                    dimensions: s.dimensions,
                    statistic: s.statistic,
                    comparisonOperator: s.comparisonOperator,
                    threshold: s.threshold,
                    period: s.periodSeconds,
                    evaluationPeriods: s.evaluationPeriods,
                    datapointsToAlarm: s.evaluationPeriods,
                    treatMissingData: s.treatMissingData,
                    alarmActions: [topic.arn],
                    okActions: [topic.arn],
                    tags: args.tags,
                },
                { ...parent, dependsOn: args.dependsOn },
            );
        }

        this.registerOutputs({ topicArn: this.topicArn });
    }
}
