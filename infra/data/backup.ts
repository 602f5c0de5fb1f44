// AWS Backup for the data tier: a KMS-encrypted vault with a governance-mode lock, and a plan with a
// daily / weekly / monthly ladder that picks up every resource tagged platform:backup=standard (the RDS
// instance). These recovery points live outside the instance's own automated backups, so deleting the
// instance (or its automated backups) does not delete them.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "../lib/naming";
import { backupPolicyArns, backupTrustPolicy } from "./iam";
import { BACKUP_TAG } from "./names";

export interface BackupRule {
    ruleName: string;
    /** AWS Backup cron: six fields, UTC. */
    schedule: string;
    deleteAfterDays: number;
}

/**
 * The ladder (AWS Backup cron, UTC). The three start at different hours so two snapshot jobs of the same
 * instance never start together, and none starts in the default RDS backup window (03:00-04:00) or the
 * maintenance windows (Sunday 04:30-06:30). A day on which several rules fire simply gets several recovery
 * points, each with its own retention.
 */
export const BACKUP_RULES: readonly BackupRule[] = [
    { ruleName: "daily", schedule: "cron(0 1 * * ? *)", deleteAfterDays: 7 },
    { ruleName: "weekly", schedule: "cron(0 22 ? * SAT *)", deleteAfterDays: 28 },
    { ruleName: "monthly", schedule: "cron(0 20 1 * ? *)", deleteAfterDays: 365 },
];

export interface BackupArgs {
    clusterName: string;
    kmsKeyArn: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    protect: boolean;
    tags: Tags;
}

export class Backup extends pulumi.ComponentResource {
    readonly vaultName: pulumi.Output<string>;
    readonly vaultArn: pulumi.Output<string>;
    readonly planId: pulumi.Output<string>;

    constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:Backup", name, {}, opts);
        const parent = { parent: this };

        const vault = new aws.backup.Vault(
            name,
            { name: `${args.clusterName}-data`, kmsKeyArn: args.kmsKeyArn, forceDestroy: false, tags: args.tags },
            { ...parent, protect: args.protect },
        );
        this.vaultName = vault.name;
        this.vaultArn = vault.arn;

        // Governance mode (no changeableForDays): recovery points cannot be deleted early or kept past the
        // bounds, yet a principal with backup:DeleteBackupVaultLockConfiguration can still lift the lock.
        // Compliance mode would be irreversible after its grace period, which a config change should never cause.
        const retentions = BACKUP_RULES.map((r) => r.deleteAfterDays);
        new aws.backup.VaultLockConfiguration(
            name,
            { backupVaultName: vault.name, minRetentionDays: Math.min(...retentions), maxRetentionDays: Math.max(...retentions) },
            parent,
        );

        const plan = new aws.backup.Plan(
            name,
            {
                name: `${args.clusterName}-data`,
                rules: BACKUP_RULES.map((r) => ({
                    ruleName: r.ruleName,
                    targetVaultName: vault.name,
                    schedule: r.schedule,
                    startWindow: 60,
                    completionWindow: 360,
                    lifecycle: { deleteAfter: r.deleteAfterDays },
                    recoveryPointTags: { ...args.tags, "platform:backup-rule": r.ruleName },
                })),
                tags: args.tags,
            },
            parent,
        );
        this.planId = plan.id;

        const role = new aws.iam.Role(
            `${name}-service`,
            {
                name: `${args.clusterName}-backup`,
                description: `AWS Backup service role of ${args.clusterName}`,
                assumeRolePolicy: JSON.stringify(backupTrustPolicy()),
                tags: args.tags,
            },
            parent,
        );
        const attachments = ["backup", "restores"].map(
            (kind, i) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-${kind}`,
                    { role: role.name, policyArn: pulumi.output(args.partition).apply((p) => backupPolicyArns(p)[i]) },
                    parent,
                ),
        );

        new aws.backup.Selection(
            name,
            {
                name: `${args.clusterName}-tagged`,
                planId: plan.id,
                iamRoleArn: role.arn,
                selectionTags: [{ type: "STRINGEQUALS", key: BACKUP_TAG.key, value: BACKUP_TAG.value }],
            },
            { ...parent, dependsOn: attachments },
        );

        this.registerOutputs({ vaultArn: this.vaultArn, planId: this.planId });
    }
}
