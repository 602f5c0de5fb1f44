// CloudWatch alarms of the data tier and their SNS topic.
import { strict as assert } from "assert";
import { alarmSpecs } from "../../infra/data/alarms";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { AlarmSettings } from "../../infra/data/config";
import { ProgramRun } from "../../tools/offline/run";
import { inputs, one, ofType, planStack } from "../helpers";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function alarm(run: ProgramRun, id: string) {
    return inputs(one(run, ALARM, `data-alarms-${id}`));
}

const GIB = 1024 ** 3;

describe("data: alarms", () => {
    it("a KMS-encrypted topic whose key lets CloudWatch publish", async () => {
        const run = await planStack("prod");
        const topic = inputs(one(run, "aws:sns/topic:Topic", "data-alarms"));
        const key = inputs(one(run, "aws:kms/key:Key", "data-alarms"));
        assert.match(String(topic.kmsMasterKeyId), /^arn:aws:kms:/);
        assert.equal(key.enableKeyRotation, true);
        const policy = JSON.parse(String(key.policy));
        assert.ok(policy.Statement.some((s: { Principal?: { Service?: string } }) => s.Principal?.Service === "cloudwatch.amazonaws.com"));
    });

    it("email subscriptions come from config (none in dev, the on-call list in prod)", async () => {
        assert.equal(ofType(await planStack("dev"), "aws:sns/topicSubscription:TopicSubscription").length, 0);
        const subs = ofType(await planStack("prod"), "aws:sns/topicSubscription:TopicSubscription").map(inputs);
        assert.deepEqual(subs.map((s) => [s.protocol, s.endpoint]), [["email", "platform-oncall@example.com"]]);
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: every alarm notifies the topic on alarm and on recovery`, async () => {
            const run = await planStack(stack);
            const topicArn = `arn:aws:sns:eu-west-1:123456789012:platform-${stack}-data-alarms`;
            const alarms = ofType(run, ALARM).map(inputs);
            assert.ok(alarms.length > 0);
            for (const a of alarms) {
                assert.deepEqual(a.alarmActions, [topicArn], String(a.name));
                assert.deepEqual(a.okActions, [topicArn], String(a.name));
                assert.ok(["missing", "notBreaching"].includes(String(a.treatMissingData)));
            }
        });
    }

    it("RDS: CPU > 80%, free storage, freeable memory, connections near max_connections, slot lag", async () => {
        const run = await planStack("prod");
        const db = { DBInstanceIdentifier: "platform-prod-postgres" };
        const cpu = alarm(run, "db-cpu");
        assert.deepEqual([cpu.namespace, cpu.metricName, cpu.comparisonOperator, cpu.threshold], ["AWS/RDS", "CPUUtilization", "GreaterThanThreshold", 80]);
        assert.deepEqual(cpu.dimensions, db);
        const storage = alarm(run, "db-free-storage");
        assert.deepEqual([storage.metricName, storage.comparisonOperator, storage.threshold], ["FreeStorageSpace", "LessThanThreshold", 20 * GIB]);
        const mem = alarm(run, "db-freeable-memory");
        assert.deepEqual([mem.metricName, mem.comparisonOperator, mem.threshold], ["FreeableMemory", "LessThanThreshold", 512 * 1024 ** 2]);
        const conns = alarm(run, "db-connections");
        assert.deepEqual([conns.metricName, conns.threshold], ["DatabaseConnections", 400]);
        const slot = alarm(run, "db-replication-slot-lag");
        assert.deepEqual([slot.metricName, slot.treatMissingData], ["OldestReplicationSlotLag", "notBreaching"]);
        assert.equal(ofType(run, ALARM).filter((a) => inputs(a).metricName === "ReplicaLag").length, 0, "no read replica, so no ReplicaLag alarm");
    });

    it("ElastiCache: per node CPU, engine CPU, memory > 80%, evictions; replication lag only with replicas", async () => {
        const prod = await planStack("prod");
        for (const node of ["platform-prod-valkey-001", "platform-prod-valkey-002"]) {
            for (const [id, metric, threshold] of [
                ["cache-cpu", "CPUUtilization", 80],
                ["cache-engine-cpu", "EngineCPUUtilization", 80],
                ["cache-memory", "DatabaseMemoryUsagePercentage", 80],
                ["cache-evictions", "Evictions", 100],
                ["cache-replication-lag", "ReplicationLag", 10],
            ] as const) {
                const a = alarm(prod, `${id}-${node}`);
                assert.deepEqual([a.namespace, a.metricName, a.threshold], ["AWS/ElastiCache", metric, threshold]);
                // ElastiCache publishes each metric under CacheClusterId + CacheNodeId and needs both to match
                // (ElastiCache User Guide, "Dimensions for ElastiCache Metrics").
                assert.deepEqual(a.dimensions, { CacheClusterId: node, CacheNodeId: "0001" });
            }
        }
        const dev = await planStack("dev");
        const devCache = ofType(dev, ALARM).map(inputs).filter((a) => a.namespace === "AWS/ElastiCache");
        assert.equal(devCache.length, 4, "one node, four alarms");
        assert.ok(!devCache.some((a) => a.metricName === "ReplicationLag"));
    });

    it("thresholds follow config", async () => {
        const run = await planStack("dev", { "platform:alarms": { databaseCpuPercent: 65, cacheMemoryPercent: 70, databaseConnectionsPercent: 50 } });
        assert.equal(alarm(run, "db-cpu").threshold, 65);
        assert.equal(alarm(run, "cache-memory-platform-dev-valkey-001").threshold, 70);
        assert.equal(alarm(run, "db-connections").threshold, 100);
    });

    it("alarmSpecs: ids are unique and the count follows the node count", () => {
        const settings = (ENVIRONMENT_DEFAULTS.prod.alarms ?? {}) as AlarmSettings;
        const specs = alarmSpecs({ dbInstanceIdentifier: "db", dbMaxConnections: 100, cacheClusterIds: ["c-001", "c-002", "c-003"], cacheHasReplicas: true }, settings);
        assert.equal(new Set(specs.map((s) => s.id)).size, specs.length);
        assert.equal(specs.length, 5 + 3 * 5);
    });
});
