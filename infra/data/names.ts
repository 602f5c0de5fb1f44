// Physical-name rules and the backup tag the data tier's resources share (database.ts, cache.ts, backup.ts).

/** Tag that puts a resource into the AWS Backup plan of backup.ts. */
export const BACKUP_TAG = { key: "platform:backup", value: "standard" } as const;

/**
 * Why `name` is not a valid RDS DB instance identifier (or DB parameter group name), or undefined. The AWS provider
 * validates both before any API call (terraform-provider-aws internal/service/rds/validate.go, validIdentifier and
 * validParamGroupName): only lower-case letters, digits and hyphens, a letter first, no two consecutive hyphens, no
 * trailing hyphen; CreateDBInstance caps DBInstanceIdentifier at 63 characters. The identifier is derived from the
 * Pulumi project and stack names, which may contain upper case, "_" or ".", so it is checked here, where the mock
 * cloud (which validates nothing) would otherwise let it through.
 * `limitOwner` names the service whose length cap applies in the message ("... longer than the 40 characters
 * ElastiCache allows"); without it the message says "longer than <n> characters".
 */
export function rdsNameProblem(name: string, maxLength: number, limitOwner?: string): string | undefined {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) return `"${name}" must start with a lower-case letter and contain only lower-case letters, digits and hyphens`;
    if (name.includes("--")) return `"${name}" must not contain two consecutive hyphens`;
    if (name.endsWith("-")) return `"${name}" must not end with a hyphen`;
    if (name.length > maxLength) return `"${name}" is longer than ${limitOwner ? `the ${maxLength} characters ${limitOwner} allows` : `${maxLength} characters`}`;
    return undefined;
}

/**
 * Why `id` is not a valid ElastiCache replication group id, or undefined. CreateReplicationGroup,
 * ReplicationGroupId: "1 to 40 alphanumeric characters or hyphens. The first character must be a letter. A name
 * cannot end with a hyphen or contain two consecutive hyphens." The provider lower-cases it (StateFunc), and so
 * does cache.ts: the RDS identifier rule with a 40-character cap.
 */
export function replicationGroupIdProblem(id: string): string | undefined {
    return rdsNameProblem(id, 40, "ElastiCache");
}
