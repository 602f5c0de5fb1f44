// RDS for PostgreSQL: private (isolated data subnets, no public address, 5432 only from the cluster security
// group), encrypted with the data key, TLS forced, IAM auth on, monitored, backed up, and protected in prod.
// The master password is generated, stored and rotated by RDS in Secrets Manager (manageMasterUserPassword):
// Pulumi never sees the value, only the secret's ARN.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, withTags } from "../lib/naming";
import { clusterOnlySecurityGroup } from "./securityGroup";
import { DatabaseSettings, postgresFamily } from "./config";
import { enhancedMonitoringPolicyArn, enhancedMonitoringTrustPolicy } from "./iam";
import { BACKUP_TAG, rdsNameProblem } from "./names";

export const POSTGRES_PORT = 5432;

export interface DatabaseArgs {
    /** `<project>-<stack>`; the instance identifier is `<clusterName>-postgres`. */
    clusterName: string;
    settings: DatabaseSettings;
    vpcId: pulumi.Input<string>;
    dataSubnetIds: pulumi.Input<string>[];
    /** The EKS cluster security group (system and Karpenter nodes carry it): the only source admitted. */
    clientSecurityGroupId: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    logRetentionDays: number;
    /** Deletion protection, final snapshot, retained automated backups and `protect`. */
    protect: boolean;
    tags: Tags;
}

export class Database extends pulumi.ComponentResource {
    readonly instance: aws.rds.Instance;
    readonly identifier: string;
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly databaseName: string;
    readonly username: string;
    /** Secrets Manager secret RDS manages for the master user (JSON with username and password). */
    readonly masterSecretArn: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:Database", name, {}, opts);
        const parent = { parent: this };
        const s = args.settings;
        this.identifier = `${args.clusterName}-postgres`;
        const parameterGroupName = `${this.identifier}-${postgresFamily(s.engineVersion)}`;
        for (const [what, value, max] of [
            ["DB instance identifier", this.identifier, 63],
            ["DB parameter group name", parameterGroupName, 255],
        ] as const) {
            const problem = rdsNameProblem(value, max);
            if (problem) throw new Error(`RDS ${what} ${problem} (it is derived from the project and stack names)`);
        }
        this.databaseName = s.databaseName;
        this.username = s.masterUsername;

        const subnetGroup = new aws.rds.SubnetGroup(
            name,
            {
                name: this.identifier,
                description: `Isolated data subnets of ${args.clusterName}`,
                subnetIds: args.dataSubnetIds,
                tags: args.tags,
            },
            parent,
        );

        const sg = clusterOnlySecurityGroup(
            name,
            { groupName: this.identifier, engine: "PostgreSQL", port: POSTGRES_PORT, clusterName: args.clusterName, vpcId: args.vpcId, clientSecurityGroupId: args.clientSecurityGroupId, tags: args.tags },
            parent,
        );
        this.securityGroupId = sg.id;

        // Static parameters need pending-reboot (the API rejects "immediate" for them); a new instance starts
        // with every value of its group. Names: RDS User Guide, "Working with parameters on your RDS for
        // PostgreSQL DB instance" (rds.force_ssl) and the PostgreSQL docs (log_min_duration_statement, max_connections).
        const parameterGroup = new aws.rds.ParameterGroup(
            name,
            {
                name: parameterGroupName,
                family: postgresFamily(s.engineVersion),
                description: `PostgreSQL settings of ${this.identifier}`,
                parameters: [
                    { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
                    { name: "log_min_duration_statement", value: String(s.slowStatementMs), applyMethod: "immediate" },
                    { name: "max_connections", value: String(s.maxConnections), applyMethod: "pending-reboot" },
                ],
                tags: args.tags,
            },
            // The family is part of the name, so a major upgrade creates the new group before the old one goes.
            parent,
        );

        const monitoringRole = new aws.iam.Role(
            `${name}-monitoring`,
            {
                name: `${this.identifier}-monitoring`,
                description: `RDS enhanced monitoring of ${this.identifier}`,
                assumeRolePolicy: JSON.stringify(enhancedMonitoringTrustPolicy()),
                tags: args.tags,
            },
            parent,
        );
        const monitoringPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-monitoring`,
            { role: monitoringRole.name, policyArn: pulumi.output(args.partition).apply(enhancedMonitoringPolicyArn) },
            parent,
        );

        // RDS would create these on first export with no retention; creating them first gives them one.
        const logExports = ["postgresql", "upgrade"];
        const logGroups = logExports.map(
            (log) =>
                new aws.cloudwatch.LogGroup(
                    `${name}-${log}`,
                    { name: `/aws/rds/instance/${this.identifier}/${log}`, retentionInDays: args.logRetentionDays, tags: args.tags },
                    parent,
                ),
        );

        this.instance = new aws.rds.Instance(
            name,
            {
                identifier: this.identifier,
                engine: "postgres",
                engineVersion: s.engineVersion,
                // The minor version is pinned in config; an automatic upgrade would drift from it.
                autoMinorVersionUpgrade: false,
                allowMajorVersionUpgrade: false,
                instanceClass: s.instanceClass,
                storageType: "gp3",
                allocatedStorage: s.allocatedStorageGiB,
                maxAllocatedStorage: s.maxAllocatedStorageGiB,
                storageEncrypted: true,
                kmsKeyId: args.kmsKeyArn,
                multiAz: s.multiAz,
                dbName: s.databaseName,
                username: s.masterUsername,
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: args.kmsKeyArn,
                iamDatabaseAuthenticationEnabled: true,
                port: POSTGRES_PORT,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [sg.id],
                publiclyAccessible: false,
                parameterGroupName: parameterGroup.name,
                caCertIdentifier: "rds-ca-rsa2048-g1",
                // Performance Insights' console reached end of life on 2026-07-31 and folded into CloudWatch Database
                // Insights; its API and these arguments stay (RDS User Guide, "Turning Performance Insights on and off").
                databaseInsightsMode: "standard",
                performanceInsightsEnabled: true,
                performanceInsightsKmsKeyId: args.kmsKeyArn,
                performanceInsightsRetentionPeriod: 7,
                monitoringInterval: s.monitoringIntervalSeconds,
                monitoringRoleArn: monitoringRole.arn,
                enabledCloudwatchLogsExports: logExports,
                backupRetentionPeriod: s.backupRetentionDays,
                backupWindow: s.backupWindow,
                maintenanceWindow: s.maintenanceWindow,
                copyTagsToSnapshot: true,
                deleteAutomatedBackups: !args.protect,
                deletionProtection: args.protect,
                skipFinalSnapshot: !args.protect,
                finalSnapshotIdentifier: args.protect ? `${this.identifier}-final` : undefined,
                applyImmediately: s.applyImmediately,
                tags: withTags(args.tags, { Name: this.identifier, [BACKUP_TAG.key]: BACKUP_TAG.value }),
            },
            { ...parent, protect: args.protect, dependsOn: [monitoringPolicy, ...logGroups] },
        );

        this.address = this.instance.address;
        this.port = this.instance.port;
        this.masterSecretArn = this.instance.masterUserSecrets.apply((secrets) => {
            const arn = secrets?.[0]?.secretArn;
            if (!arn) throw new Error(`RDS reported no managed master secret for ${this.identifier}`);
            return arn;
        });

        this.registerOutputs({ address: this.address, port: this.port, masterSecretArn: this.masterSecretArn, securityGroupId: this.securityGroupId });
    }
}
