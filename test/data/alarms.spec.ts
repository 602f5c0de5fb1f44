// CloudWatch alarms of the data tier and their SNS topic.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { alarmSpecs } from "../../infra/data/alarms";
import { memberClusterAt } from "../../infra/data/cache";
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
        const cacheMembers = ["c-001", "c-002", "c-003"].map((key) => ({ key, clusterId: key }));
        const specs = alarmSpecs({ dbInstanceIdentifier: "db", dbMaxConnections: 100, cacheMembers, cacheHasReplicas: true }, settings);
        assert.equal(new Set(specs.map((s) => s.id)).size, specs.length);
        assert.equal(specs.length, 5 + 3 * 5);
    });

    describe("ElastiCache member clusters come from the replication group, not from a naming assumption", () => {
        it("alarm ids keep the configured key; the CacheClusterId dimension and description use the real member id", () => {
            const settings = (ENVIRONMENT_DEFAULTS.prod.alarms ?? {}) as AlarmSettings;
            const cacheMembers = [
                { key: "g-001", clusterId: "g-003" },
                { key: "g-002", clusterId: "g-004" },
            ];
            const specs = alarmSpecs({ dbInstanceIdentifier: "db", dbMaxConnections: 100, cacheMembers, cacheHasReplicas: true }, settings);
            const cpu = specs.find((s) => s.id === "cache-cpu-g-002");
            assert.ok(cpu, "the alarm id follows the key");
            assert.deepEqual(cpu.dimensions, { CacheClusterId: "g-004", CacheNodeId: "0001" });
            assert.equal(cpu.description, "Valkey node g-004 host CPU above 80%");
            assert.ok(!specs.some((s) => s.id.includes("g-003") || s.id.includes("g-004")));
        });

        it("memberClusterAt sorts the provider's set and picks by index", () => {
            const actual = ["rg-002", "rg-003", "rg-001"];
            assert.deepEqual([0, 1, 2].map((i) => memberClusterAt("rg", 3, actual, i)), ["rg-001", "rg-002", "rg-003"]);
            // Ids need not be contiguous (a replaced replica gets a new number).
            assert.deepEqual([0, 1].map((i) => memberClusterAt("rg", 2, ["rg-004", "rg-001"], i)), ["rg-001", "rg-004"]);
        });

        it("memberClusterAt fails clearly (a RunError, no stack trace) when the group has another member count", () => {
            assert.throws(
                () => memberClusterAt("platform-prod-valkey", 2, ["platform-prod-valkey-001"], 0),
                (e: unknown) =>
                    e instanceof pulumi.RunError &&
                    e.message ===
                        'ElastiCache replication group "platform-prod-valkey": expected 2 member cache clusters (1 primary + platform:cache.replicas 1), found 1 (platform-prod-valkey-001): the per-node alarms cannot be matched to the group\'s nodes',
            );
            assert.throws(() => memberClusterAt("rg", 1, undefined, 0), /expected 1 member cache clusters .*found 0: /);
        });

        it("the planned alarms watch the ids the (mock) replication group reports, in sorted order", async () => {
            const run = await planStack("prod");
            // The mock returns memberClusters last-first, as a provider set may: a program that assumed the
            // order would put -002's id on the -001 alarm.
            for (const node of ["platform-prod-valkey-001", "platform-prod-valkey-002"]) {
                assert.equal((alarm(run, `cache-cpu-${node}`).dimensions as Record<string, string>).CacheClusterId, node);
                assert.equal(alarm(run, `cache-memory-${node}`).alarmDescription, `Valkey node ${node} uses more than 80% of maxmemory`);
            }
        });
    });
});
