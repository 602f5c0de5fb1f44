// AWS Backup: vault, lock, the daily/weekly/monthly ladder, the tag selection and its role.
import { strict as assert } from "assert";
import { BACKUP_RULES } from "../../infra/data/backup";
import { alarmKeyPolicy, backupPolicyArns, dataKeyPolicy } from "../../infra/data/iam";
import { inputs, one, planStack } from "../helpers";

interface Rule {
    ruleName: string;
    schedule: string;
    targetVaultName: string;
    lifecycle: { deleteAfter: number };
}

describe("data: AWS Backup", () => {
    it("the ladder: daily 7 days, weekly 28 days, monthly 365 days, on cron schedules", () => {
        assert.deepEqual(
            BACKUP_RULES.map((r) => [r.ruleName, r.schedule, r.deleteAfterDays]),
            [
                ["daily", "cron(0 1 * * ? *)", 7],
                ["weekly", "cron(0 22 ? * SAT *)", 28],
                ["monthly", "cron(0 20 1 * ? *)", 365],
            ],
        );
    });

    for (const stack of ["dev", "prod"] as const) {
        describe(stack, () => {
            it("a KMS-encrypted vault that cannot be force-destroyed, with a governance-mode lock", async () => {
                const run = await planStack(stack);
                const vault = one(run, "aws:backup/vault:Vault");
                const v = inputs(vault);
                assert.equal(v.forceDestroy, false);
                assert.equal(v.kmsKeyArn, inputs(one(run, "aws:rds/instance:Instance")).kmsKeyId);
                assert.equal(vault.protect, stack === "prod");
                const lock = inputs(one(run, "aws:backup/vaultLockConfiguration:VaultLockConfiguration"));
                assert.equal(lock.backupVaultName, v.name);
                assert.equal(lock.changeableForDays, undefined, "governance mode: no compliance grace period");
                assert.equal(lock.minRetentionDays, 7);
                assert.equal(lock.maxRetentionDays, 365);
            });

            it("the plan carries the three rules into the vault", async () => {
                const run = await planStack(stack);
                const plan = inputs(one(run, "aws:backup/plan:Plan"));
                const vault = inputs(one(run, "aws:backup/vault:Vault"));
                const rules = plan.rules as Rule[];
                assert.deepEqual(
                    rules.map((r) => [r.ruleName, r.schedule, r.lifecycle.deleteAfter]),
                    BACKUP_RULES.map((r) => [r.ruleName, r.schedule, r.deleteAfterDays]),
                );
                for (const r of rules) assert.equal(r.targetVaultName, vault.name);
            });

            it("selects by the platform:backup=standard tag, which the database carries, with the backup role", async () => {
                const run = await planStack(stack);
                const sel = inputs(one(run, "aws:backup/selection:Selection"));
                assert.deepEqual(sel.selectionTags, [{ type: "STRINGEQUALS", key: "platform:backup", value: "standard" }]);
                const dbTags = inputs(one(run, "aws:rds/instance:Instance")).tags as Record<string, string>;
                assert.equal(dbTags["platform:backup"], "standard");
                const role = inputs(one(run, "aws:iam/role:Role", "data-backup-service"));
                assert.equal(sel.iamRoleArn, `arn:aws:iam::123456789012:role/${role.name}`);
                assert.deepEqual(JSON.parse(String(role.assumeRolePolicy)).Statement[0].Principal, { Service: "backup.amazonaws.com" });
                const attached = ["data-backup-backup", "data-backup-restores"].map((n) => inputs(one(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", n)).policyArn);
                assert.deepEqual(attached, [
                    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
                    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
                ]);
            });
        });
    }

    it("IAM documents: managed policy ARNs follow the partition", () => {
        assert.deepEqual(backupPolicyArns("aws-cn"), [
            "arn:aws-cn:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
            "arn:aws-cn:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        ]);
    });

    it("key policies: the account administers the data key; only the alarm key admits CloudWatch", () => {
        const data = dataKeyPolicy("123456789012", "aws");
        assert.deepEqual(data.Statement.map((s) => s.Sid), ["EnableAccountIamPolicies"]);
        assert.deepEqual(data.Statement[0].Principal, { AWS: "arn:aws:iam::123456789012:root" });
        const alarm = alarmKeyPolicy("123456789012", "aws");
        const cw = alarm.Statement.find((s) => s.Sid === "AllowCloudWatchAlarmsToPublish");
        assert.ok(cw);
        assert.deepEqual(cw.Principal, { Service: "cloudwatch.amazonaws.com" });
        assert.deepEqual(cw.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
        assert.deepEqual(cw.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
    });
});
