// ElastiCache for Valkey and its auth token as both stacks declare them.
import { strict as assert } from "assert";
import { AUTH_TOKEN_SPECIALS } from "../../infra/data/cache";
import { ProgramRun } from "../../tools/offline/run";
import { inputs, isSecretInput, one, ofType, planStack } from "../helpers";
import { stackOutputs as plainOutputs } from "../helpers";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";

function rg(run: ProgramRun) {
    return one(run, RG);
}

describe("data: ElastiCache for Valkey", () => {
    for (const stack of ["dev", "prod"] as const) {
        describe(stack, () => {
            it("runs the valkey engine at a pinned version with a valkey8 parameter group", async () => {
                const run = await planStack(stack);
                const i = inputs(rg(run));
                assert.equal(i.engine, "valkey");
                assert.equal(i.engineVersion, "8.2");
                const pg = inputs(one(run, "aws:elasticache/parameterGroup:ParameterGroup"));
                assert.equal(pg.family, "valkey8");
                assert.equal(i.parameterGroupName, pg.name);
                const params = Object.fromEntries((pg.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]));
                assert.equal(params["maxmemory-policy"], "volatile-lru");
                assert.equal(params["slowlog-log-slower-than"], "10000");
            });

            it("is encrypted at rest with the customer key and in transit with TLS required", async () => {
                const run = await planStack(stack);
                const i = inputs(rg(run));
                assert.equal(i.atRestEncryptionEnabled, true);
                assert.equal(i.kmsKeyId, inputs(one(run, "aws:rds/instance:Instance")).kmsKeyId);
                assert.equal(i.transitEncryptionEnabled, true);
                assert.equal(i.transitEncryptionMode, "required");
            });

            it("has an auth token that is secret wherever it goes", async () => {
                const run = await planStack(stack);
                const r = rg(run);
                assert.ok(isSecretInput(r, "authToken"), "authToken is a secret input");
                assert.equal(inputs(r).authToken, "[secret]");
                const version = one(run, "aws:secretsmanager/secretVersion:SecretVersion", "data-valkey-auth-token");
                assert.ok(isSecretInput(version, "secretString"));
                const pw = inputs(one(run, "random:index/randomPassword:RandomPassword"));
                assert.ok((pw.length as number) >= 32 && (pw.length as number) <= 128);
                assert.equal(pw.special, true);
                assert.equal(pw.overrideSpecial, AUTH_TOKEN_SPECIALS);
                assert.equal(AUTH_TOKEN_SPECIALS, "!&#$^<>-");
            });

            it("keeps the token in a KMS-encrypted Secrets Manager secret and exports only its ARN", async () => {
                const run = await planStack(stack);
                const secret = one(run, "aws:secretsmanager/secret:Secret", "data-valkey-auth-token");
                assert.equal(inputs(secret).kmsKeyId, inputs(rg(run)).kmsKeyId);
                const version = inputs(one(run, "aws:secretsmanager/secretVersion:SecretVersion", "data-valkey-auth-token"));
                assert.match(version.secretId as string, new RegExp(`^arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-${stack}/data/valkey-auth-token-[0-9a-f]{6}$`));
                assert.match(String(plainOutputs(run).cacheAuthTokenSecretArn), /^arn:aws:secretsmanager:eu-west-1:123456789012:secret/);
            });

            it("lives in the data subnets and admits 6379 only from the cluster security group", async () => {
                const run = await planStack(stack);
                const i = inputs(rg(run));
                const group = inputs(one(run, "aws:elasticache/subnetGroup:SubnetGroup"));
                assert.equal(i.subnetGroupName, group.name);
                const dataSubnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => /data/.test(s.name));
                assert.equal((group.subnetIds as string[]).length, dataSubnets.length);
                const sg = one(run, "aws:ec2/securityGroup:SecurityGroup", "data-valkey");
                assert.equal(inputs(sg).ingress, undefined);
                const rules = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.parent === sg.parent);
                assert.equal(rules.length, 1);
                const r = inputs(rules[0]);
                assert.equal(r.referencedSecurityGroupId, plainOutputs(run).clusterSecurityGroupId);
                assert.equal(r.fromPort, 6379);
                assert.equal(r.toPort, 6379);
                for (const k of ["cidrIpv4", "cidrIpv6", "prefixListId"]) assert.equal(r[k], undefined, k);
            });

            it("keeps 7 days of snapshots, delivers the slow log to CloudWatch Logs with retention", async () => {
                const run = await planStack(stack);
                const i = inputs(rg(run));
                assert.equal(i.snapshotRetentionLimit, 7);
                assert.equal(i.snapshotWindow, "02:00-03:00");
                assert.equal(i.maintenanceWindow, "sun:05:30-sun:06:30");
                const log = inputs(one(run, "aws:cloudwatch/logGroup:LogGroup", "data-valkey-slow-log"));
                assert.equal(log.retentionInDays, stack === "dev" ? 14 : 90);
                assert.deepEqual(i.logDeliveryConfigurations, [
                    { destination: log.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
                ]);
            });
        });
    }

    it("dev: one small node, no failover, deletable", async () => {
        const run = await planStack("dev");
        const r = rg(run);
        const i = inputs(r);
        assert.equal(i.nodeType, "cache.t4g.small");
        assert.equal(i.numCacheClusters, 1);
        assert.equal(i.automaticFailoverEnabled, false);
        assert.equal(i.multiAzEnabled, false);
        assert.equal(i.finalSnapshotIdentifier, undefined);
        assert.equal(r.protect, false);
        assert.equal(one(run, "aws:secretsmanager/secret:Secret", "data-valkey-auth-token").protect, false);
    });

    it("prod: primary and replica across AZs with automatic failover, final snapshot, protected", async () => {
        const run = await planStack("prod");
        const r = rg(run);
        const i = inputs(r);
        assert.equal(i.nodeType, "cache.m7g.large");
        assert.equal(i.numCacheClusters, 2);
        assert.equal(i.automaticFailoverEnabled, true);
        assert.equal(i.multiAzEnabled, true);
        assert.equal(i.finalSnapshotIdentifier, "platform-prod-valkey-final");
        assert.equal(r.protect, true);
        assert.equal(one(run, "aws:secretsmanager/secret:Secret", "data-valkey-auth-token").protect, true);
        assert.equal(inputs(one(run, "aws:secretsmanager/secret:Secret", "data-valkey-auth-token")).recoveryWindowInDays, 30);
    });

    it("more replicas are more cache clusters", async () => {
        const run = await planStack("prod", { "platform:cache": { replicas: 2 } });
        assert.equal(inputs(rg(run)).numCacheClusters, 3);
    });
});
