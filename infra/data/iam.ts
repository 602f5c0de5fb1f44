// IAM documents of the data tier, as plain data.
import { PolicyDocument, Statement, managedPolicyArn, policyDocument, serviceTrustPolicy } from "../lib/iamDocuments";

/** Enhanced monitoring: RDS assumes this role to publish OS metrics (RDS User Guide, "Setting up and enabling Enhanced Monitoring"). */
export function enhancedMonitoringTrustPolicy(): PolicyDocument {
    return serviceTrustPolicy("monitoring.rds.amazonaws.com", "AllowRdsEnhancedMonitoring");
}

/** The AWS-managed policies live under the service-role/ path. */
export function enhancedMonitoringPolicyArn(partition: string): string {
    return managedPolicyArn(partition, "service-role/AmazonRDSEnhancedMonitoringRole");
}

export function backupTrustPolicy(): PolicyDocument {
    return serviceTrustPolicy("backup.amazonaws.com", "AllowAwsBackup");
}

/** AWS Backup's own managed policies for taking and restoring backups (AWS Backup Developer Guide, "Default service role"). */
export function backupPolicyArns(partition: string): string[] {
    return [
        managedPolicyArn(partition, "service-role/AWSBackupServiceRolePolicyForBackup"),
        managedPolicyArn(partition, "service-role/AWSBackupServiceRolePolicyForRestores"),
    ];
}

/** The key-policy statement that delegates the key's administration to the account's IAM policies. */
function accountAdministersKey(accountId: string, partition: string): Statement {
    return {
        Sid: "EnableAccountIamPolicies",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
    };
}

/**
 * Key policy of the data key (RDS storage, Performance Insights, the RDS-managed master secret, the cache,
 * the cache auth-token secret, the backup vault). Only the account administers it; services use it through
 * grants their callers create (RDS, ElastiCache, Secrets Manager and Backup all work this way), which the
 * account statement delegates to IAM.
 */
export function dataKeyPolicy(accountId: string, partition: string): PolicyDocument {
    return policyDocument([
        accountAdministersKey(accountId, partition),
    ]);
}

/**
 * Key policy of the alarm topic's key. CloudWatch alarms can publish to an SSE-KMS topic only if the key lets
 * cloudwatch.amazonaws.com generate data keys and decrypt (SNS Developer Guide, "Enable compatibility between
 * event sources from AWS services and encrypted topics"). That is why the topic has its own key.
 */
export function alarmKeyPolicy(accountId: string, partition: string): PolicyDocument {
    return policyDocument([
        accountAdministersKey(accountId, partition),
        {
            Sid: "AllowCloudWatchAlarmsToPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            // Only alarms of this account (confused-deputy guard; CloudWatch sends aws:SourceAccount).
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ]);
}
