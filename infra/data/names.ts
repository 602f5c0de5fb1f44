// Physical-name rules and the backup tag the data tier's resources share (database.ts, cache.ts, backup.ts).
import { rdsStyleNameProblem } from "../lib/naming";

/** Tag that puts a resource into the AWS Backup plan of backup.ts. */
export const BACKUP_TAG = { key: "platform:backup", value: "standard" } as const;

/**
 * Why `name` is not a valid RDS DB instance identifier (or DB parameter group name), or undefined: the rule lives
 * with the other physical-name rules in infra/lib/naming.ts (config validation checks the derived names before any
 * resource is declared; the components check again, so a component used on its own cannot slip through).
 */
export function rdsNameProblem(name: string, maxLength: number): string | undefined {
    return rdsStyleNameProblem(name, maxLength);
}

/**
 * Why `id` is not a valid ElastiCache replication group id, or undefined. CreateReplicationGroup,
 * ReplicationGroupId: "1 to 40 alphanumeric characters or hyphens. The first character must be a letter. A name
 * cannot end with a hyphen or contain two consecutive hyphens." The provider lower-cases it (StateFunc), and so
 * does cache.ts: the RDS identifier rule with a 40-character cap.
 */
export function replicationGroupIdProblem(id: string): string | undefined {
    return rdsStyleNameProblem(id, 40);
}
