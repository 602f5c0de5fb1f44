// Naming and tagging shared by every layer.
import * as pulumi from "@pulumi/pulumi";

export type Tags = Record<string, string>;

/** Merges resource-specific tags over the common ones (a `Name` tag is the usual extra). */
export function withTags(common: Tags, extra: Record<string, pulumi.Input<string>> = {}): Record<string, pulumi.Input<string>> {
    return { ...common, ...extra };
}

/** The AWS account and partition every ARN in the program is built from, resolved once. */
export interface AccountContext {
    accountId: pulumi.Output<string>;
    partition: pulumi.Output<string>;
    region: string;
}

/**
 * Why `name` is not a valid RDS DB instance identifier / DB parameter group name / ElastiCache replication group id,
 * or undefined. The AWS provider validates these before any API call (terraform-provider-aws internal/service/rds/
 * validate.go validIdentifier and validParamGroupName; CreateReplicationGroup's ReplicationGroupId rule is the same
 * with a 40-character cap): only lower-case letters, digits and hyphens, a letter first, no two consecutive hyphens,
 * no trailing hyphen.
 */
export function rdsStyleNameProblem(name: string, maxLength: number): string | undefined {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) return `"${name}" must start with a lower-case letter and contain only lower-case letters, digits and hyphens`;
    if (name.includes("--")) return `"${name}" must not contain two consecutive hyphens`;
    if (name.endsWith("-")) return `"${name}" must not end with a hyphen`;
    if (name.length > maxLength) return `"${name}" is ${name.length} characters, longer than the ${maxLength} allowed`;
    return undefined;
}

/** S3 bucket naming rules (bucketnamingrules.html): 3-63 characters, lower-case letters, digits, dots and hyphens. */
export function bucketNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 63) return `"${name}" is ${name.length} characters; bucket names take 3 to 63`;
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return `"${name}" must contain only lower-case letters, digits, dots and hyphens, and begin and end with a letter or digit`;
    if (name.includes("..")) return `"${name}" must not contain two adjacent dots`;
    return undefined;
}

/** A 12-digit stand-in: account ids are always 12 digits, so the length of a name that embeds one is known. */
const ACCOUNT_ID_LENGTH_PROBE = "123456789012";

export interface PhysicalNameInputs {
    project: string;
    stack: string;
    region: string;
    /** Major version of PostgreSQL (the parameter group family), e.g. "17". */
    postgresMajor: string;
}

/**
 * Every AWS physical name the program derives from the project and stack names, with the rule that name must
 * pass. Checked with the other config problems, so a stack named `My_Stack` or a stack name too long for its
 * region fails with one clear report before any resource is declared.
 */
export function physicalNames(i: PhysicalNameInputs): { what: string; name: string; max: number; problem: (n: string) => string | undefined }[] {
    const clusterName = `${i.project}-${i.stack}`;
    const rds = `${clusterName}-postgres`;
    return [
        { what: "EKS cluster name", name: clusterName, max: 100, problem: (n) => (/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(n) ? undefined : `"${n}" must be 1-100 letters, digits, "-" or "_", starting with a letter or digit`) },
        { what: "RDS DB instance identifier", name: rds, max: 63, problem: (n) => rdsStyleNameProblem(n, 63) },
        { what: "RDS DB parameter group name", name: `${rds}-postgres${i.postgresMajor}`, max: 255, problem: (n) => rdsStyleNameProblem(n, 255) },
        { what: "ElastiCache replication group id", name: `${clusterName}-valkey`.toLowerCase(), max: 40, problem: (n) => rdsStyleNameProblem(n, 40) },
        { what: "ALB access-log bucket name", name: `${clusterName}-alb-logs-${ACCOUNT_ID_LENGTH_PROBE}-${i.region}`.toLowerCase(), max: 63, problem: bucketNameProblem },
        // infra/logging/buckets.ts: <stack>-loki-chunks|loki-ruler|tempo-<account>-<region> (the chunk bucket's is the longest).
        { what: "Loki chunk bucket name", name: `${clusterName}-loki-chunks-${ACCOUNT_ID_LENGTH_PROBE}-${i.region}`.toLowerCase(), max: 63, problem: bucketNameProblem },
        { what: "backup bucket name", name: `${clusterName}-backup-${ACCOUNT_ID_LENGTH_PROBE}-${i.region}`.toLowerCase(), max: 63, problem: bucketNameProblem },
        { what: "Karpenter interruption queue name", name: `${clusterName}-karpenter`, max: 80, problem: (n) => (/^[A-Za-z0-9_-]{1,80}$/.test(n) ? undefined : `"${n}" must be 1-80 letters, digits, "-" or "_"`) },
        // The longest of the delivery layer's CI role names (`<cluster>-github-preview|deploy|publish`).
        { what: "IAM role name of the CI publish role", name: `${clusterName}-github-publish`, max: 64, problem: (n) => (/^[\w+=,.@-]{1,64}$/.test(n) ? undefined : `"${n}" must be 1-64 letters, digits or +=,.@_- characters`) },
    ];
}

/** The physical-name problems of a stack, each naming the derived name, its rule and where it comes from. */
export function physicalNameProblems(i: PhysicalNameInputs): string[] {
    const out: string[] = [];
    const names = physicalNames(i);
    // The longest stack name every derived name allows: a length hint names that one, not each name's own limit.
    const longest = Math.max(0, Math.min(...names.map((n) => n.max - (n.name.length - i.stack.length))));
    for (const n of names) {
        const problem = n.problem(n.name);
        if (!problem) continue;
        const hint = n.name.length > n.max ? `; with project "${i.project}" and region ${i.region} the stack name may have at most ${longest} characters` : "";
        out.push(`stack name "${i.stack}": the ${n.what} ${problem} (it is derived from the project and stack names)${hint}`);
    }
    return out;
}
