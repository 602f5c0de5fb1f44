// RDS PostgreSQL as both stacks declare it.
import { strict as assert } from "assert";
import { ProgramRun } from "../../tools/offline/run";
import { rdsNameProblem } from "../../infra/data/names";
import { inputs, one, ofType, planStack } from "../helpers";
import { stackOutputs as plainOutputs } from "../helpers";

const INSTANCE = "aws:rds/instance:Instance";

function db(run: ProgramRun) {
    return one(run, INSTANCE);
}

function byUrn(run: ProgramRun, urn: string) {
    const r = run.resources.find((x) => x.urn === urn);
    assert.ok(r, `no resource ${urn}`);
    return r;
}

function clusterSecurityGroupId(run: ProgramRun): string {
    return plainOutputs(run).clusterSecurityGroupId as string;
}

describe("data: RDS PostgreSQL", () => {
    for (const stack of ["dev", "prod"] as const) {
        describe(stack, () => {
            it("is PostgreSQL 17 pinned to a minor, gp3 with an autoscaling ceiling, encrypted with the customer key", async () => {
                const run = await planStack(stack);
                const i = inputs(db(run));
                assert.equal(i.engine, "postgres");
                assert.match(String(i.engineVersion), /^17\.\d+$/);
                assert.equal(i.autoMinorVersionUpgrade, false);
                assert.equal(i.storageType, "gp3");
                assert.ok((i.maxAllocatedStorage as number) > (i.allocatedStorage as number));
                assert.equal(i.storageEncrypted, true);
                const key = one(run, "aws:kms/key:Key", "data-data");
                assert.equal(inputs(key).enableKeyRotation, true);
                assert.match(String(i.kmsKeyId), /^arn:aws:kms:eu-west-1:123456789012:key\//);
                assert.equal(i.performanceInsightsKmsKeyId, i.kmsKeyId);
                assert.equal(i.masterUserSecretKmsKeyId, i.kmsKeyId);
            });

            it("is private: isolated data subnets, no public address, only its own security group", async () => {
                const run = await planStack(stack);
                const i = inputs(db(run));
                assert.equal(i.publiclyAccessible, false);
                const group = one(run, "aws:rds/subnetGroup:SubnetGroup");
                assert.equal(i.dbSubnetGroupName, inputs(group).name);
                const dataSubnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => /data/.test(s.name));
                assert.ok(dataSubnets.length >= 2);
                assert.equal((inputs(group).subnetIds as string[]).length, dataSubnets.length);
                const sg = one(run, "aws:ec2/securityGroup:SecurityGroup", "data-postgres");
                assert.equal((i.vpcSecurityGroupIds as string[]).length, 1);
                assert.equal(inputs(sg).ingress, undefined, "no inline rules");
            });

            it("admits 5432 only from the cluster security group, with no CIDR rule", async () => {
                const run = await planStack(stack);
                const sg = one(run, "aws:ec2/securityGroup:SecurityGroup", "data-postgres");
                const rules = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.parent === sg.parent);
                assert.equal(rules.length, 1);
                const r = inputs(rules[0]);
                assert.equal(r.referencedSecurityGroupId, clusterSecurityGroupId(run));
                assert.equal(r.ipProtocol, "tcp");
                assert.equal(r.fromPort, 5432);
                assert.equal(r.toPort, 5432);
                for (const k of ["cidrIpv4", "cidrIpv6", "prefixListId"]) assert.equal(r[k], undefined, k);
                assert.equal(ofType(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((e) => e.parent === sg.parent).length, 0);
            });

            it("forces TLS and logs slow statements through a parameter group of the matching family", async () => {
                const run = await planStack(stack);
                const pg = inputs(one(run, "aws:rds/parameterGroup:ParameterGroup"));
                assert.equal(pg.family, "postgres17");
                const params = Object.fromEntries((pg.parameters as { name: string; value: string; applyMethod: string }[]).map((p) => [p.name, p]));
                assert.equal(params["rds.force_ssl"].value, "1");
                assert.equal(params["log_min_duration_statement"].value, stack === "dev" ? "500" : "1000");
                assert.equal(params["max_connections"].applyMethod, "pending-reboot");
                assert.equal(inputs(db(run)).parameterGroupName, pg.name);
            });

            it("has IAM auth, Performance Insights, enhanced monitoring and log exports", async () => {
                const run = await planStack(stack);
                const i = inputs(db(run));
                assert.equal(i.iamDatabaseAuthenticationEnabled, true);
                assert.equal(i.performanceInsightsEnabled, true);
                assert.equal(i.databaseInsightsMode, "standard");
                assert.equal(i.monitoringInterval, stack === "dev" ? 60 : 15);
                assert.deepEqual(i.enabledCloudwatchLogsExports, ["postgresql", "upgrade"]);
                const role = one(run, "aws:iam/role:Role", "data-postgres-monitoring");
                assert.equal(i.monitoringRoleArn, `arn:aws:iam::123456789012:role/${inputs(role).name}`);
                const trust = JSON.parse(String(inputs(role).assumeRolePolicy));
                assert.deepEqual(trust.Statement[0].Principal, { Service: "monitoring.rds.amazonaws.com" });
                assert.equal(trust.Statement[0].Action, "sts:AssumeRole");
                const attach = one(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "data-postgres-monitoring");
                assert.equal(inputs(attach).policyArn, "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
                for (const log of ["postgresql", "upgrade"]) {
                    const g = inputs(one(run, "aws:cloudwatch/logGroup:LogGroup", `data-postgres-${log}`));
                    assert.equal(g.name, `/aws/rds/instance/${i.identifier}/${log}`);
                    assert.equal(g.retentionInDays, stack === "dev" ? 14 : 90);
                }
            });

            it("lets RDS manage the master password in Secrets Manager (no password input at all)", async () => {
                const run = await planStack(stack);
                const i = inputs(db(run));
                assert.equal(i.manageMasterUserPassword, true);
                assert.equal(i.password, undefined);
                assert.equal(i.passwordWo, undefined);
                assert.equal(i.username, "platform_admin");
            });

            it("keeps backups, with windows that do not overlap, and copies tags to snapshots", async () => {
                const run = await planStack(stack);
                const i = inputs(db(run));
                assert.equal(i.backupRetentionPeriod, stack === "dev" ? 7 : 30);
                assert.equal(i.backupWindow, "03:00-04:00");
                assert.equal(i.maintenanceWindow, "sun:04:30-sun:05:30");
                assert.equal(i.copyTagsToSnapshot, true);
                assert.equal((i.tags as Record<string, string>)["platform:backup"], "standard");
            });
        });
    }

    it("dev: single-AZ, small, deletable (no deletion protection, no final snapshot, not protected)", async () => {
        const run = await planStack("dev");
        const r = db(run);
        const i = inputs(r);
        assert.equal(i.multiAz, false);
        assert.equal(i.instanceClass, "db.t4g.medium");
        assert.equal(i.deletionProtection, false);
        assert.equal(i.skipFinalSnapshot, true);
        assert.equal(i.finalSnapshotIdentifier, undefined);
        assert.equal(i.applyImmediately, true);
        assert.equal(r.protect, false);
        assert.equal(one(run, "aws:kms/key:Key", "data-data").protect, false);
    });

    it("prod: Multi-AZ, deletion protection, final snapshot, retained automated backups, protect on instance and key", async () => {
        const run = await planStack("prod");
        const r = db(run);
        const i = inputs(r);
        assert.equal(i.multiAz, true);
        assert.equal(i.instanceClass, "db.m7g.large");
        assert.equal(i.deletionProtection, true);
        assert.equal(i.skipFinalSnapshot, false);
        assert.equal(i.finalSnapshotIdentifier, "platform-prod-postgres-final");
        assert.equal(i.deleteAutomatedBackups, false);
        assert.equal(i.applyImmediately, false);
        assert.equal(r.protect, true);
        assert.equal(one(run, "aws:kms/key:Key", "data-data").protect, true);
    });

    it("the instance waits for its monitoring role policy and its log groups", async () => {
        const run = await planStack("prod");
        const deps = db(run).dependencies.map((u) => byUrn(run, u).name);
        for (const n of ["data-postgres-monitoring", "data-postgres-postgresql", "data-postgres-upgrade"]) assert.ok(deps.includes(n), `${n} in ${deps.join(", ")}`);
    });

    it("an override changes the instance class and storage of the stack", async () => {
        const run = await planStack("dev", { "platform:database": { instanceClass: "db.r7g.large", allocatedStorageGiB: 50, maxAllocatedStorageGiB: 200 } });
        const i = inputs(db(run));
        assert.equal(i.instanceClass, "db.r7g.large");
        assert.equal(i.allocatedStorage, 50);
        assert.equal(i.maxAllocatedStorage, 200);
    });
});

// terraform-provider-aws internal/service/rds/validate.go (validIdentifier, validParamGroupName): lower-case letters,
// digits and hyphens, a letter first, no "--", no trailing "-"; CreateDBInstance: DBInstanceIdentifier 1-63 characters.
// The identifier comes from `<project>-<stack>`, and Pulumi stack names may hold upper case, "_" and ".".
describe("data: RDS names as the AWS provider validates them", () => {
    it("accepts the identifiers this program derives for its stacks", () => {
        assert.equal(rdsNameProblem("platform-prod-postgres", 63), undefined);
        assert.equal(rdsNameProblem("platform-dev-postgres-postgres17", 255), undefined);
    });

    it("rejects what the provider rejects: upper case, underscores, periods, a leading digit, -- and a trailing hyphen", () => {
        for (const bad of ["platform-Prod-postgres", "platform-my_stack-postgres", "platform-eu.prod-postgres", "1platform-postgres", "platform--postgres", "platform-"]) {
            assert.notEqual(rdsNameProblem(bad, 63), undefined, bad);
        }
    });

    it("rejects an identifier longer than 63 characters", () => {
        assert.match(rdsNameProblem(`p${"x".repeat(63)}`, 63) ?? "", /is 64 characters, longer than the 63 allowed/);
    });
});
