// RDS instances: encrypted, private, backed up; Multi-AZ and deletion protection where the stack asks.
import type { Policies } from "@pulumi/policy";
import { bool, num, resourcePolicy } from "../lib";

export const RDS_INSTANCE = "aws:rds/instance:Instance";

export const rdsPolicies: Policies = [
    resourcePolicy({
        name: "rds-storage-encrypted",
        description: "RDS instances encrypt their storage (storageEncrypted=true).",
        enforcementLevel: "mandatory",
        types: [RDS_INSTANCE],
        validate: (args, report) => {
            if (bool(args.props["storageEncrypted"]) !== true) report("storageEncrypted must be true (it defaults to false)");
        },
    }),
    resourcePolicy({
        name: "rds-not-public",
        description: "RDS instances are not publicly accessible.",
        enforcementLevel: "mandatory",
        types: [RDS_INSTANCE],
        validate: (args, report) => {
            if (bool(args.props["publiclyAccessible"]) === true) report("publiclyAccessible must be false");
        },
    }),
    resourcePolicy({
        name: "rds-backups-and-resilience",
        description:
            "RDS instances keep automated backups for at least `minBackupRetentionDays`; Multi-AZ and deletion protection when the stack's config requires them (`requireMultiAz`, `requireDeletionProtection`).",
        enforcementLevel: "mandatory",
        types: [RDS_INSTANCE],
        configSchema: {
            properties: {
                minBackupRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7 },
                requireMultiAz: { type: "boolean", default: true },
                requireDeletionProtection: { type: "boolean", default: true },
            },
        },
        validate: (args, report) => {
            const cfg = args.getConfig<{ minBackupRetentionDays: number; requireMultiAz: boolean; requireDeletionProtection: boolean }>();
            const retention = num(args.props["backupRetentionPeriod"]);
            if (retention === undefined || retention < cfg.minBackupRetentionDays) {
                report(`backupRetentionPeriod is ${retention ?? "unset"}; at least ${cfg.minBackupRetentionDays} day(s) required`);
            }
            if (cfg.requireMultiAz && bool(args.props["multiAz"]) !== true) report("multiAz must be true for this stack");
            if (cfg.requireDeletionProtection && bool(args.props["deletionProtection"]) !== true) report("deletionProtection must be true for this stack");
        },
    }),
];
