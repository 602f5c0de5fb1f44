// Inputs whose change makes the provider replace the resource (delete and recreate, or create-then-delete),
// per type, as the Pulumi AWS provider inherits them from terraform-provider-aws (`ForceNew: true` in the
// resource schema, or a CustomizeDiff that forces new). pulumi-aws 7.x is built on terraform-provider-aws v6
// (pulumi/pulumi-aws#5665 "Upgrade terraform-provider-aws to v6"; 7.4x tracks v6.4x, e.g. #6392 -> 6.46.0).
// Property names are the Pulumi (camelCase) names of the Terraform (snake_case) arguments. A path names the
// input and, for nested blocks, the field inside it ("kubernetesNetworkConfig.serviceIpv4Cidr").

export interface ForceNew {
    path: string;
    /** Only some changes force a replacement (e.g. removing encryption); otherwise any change does. */
    when?: (before: unknown, after: unknown) => boolean;
    note?: string;
}

export interface ReplaceRule {
    source: string;
    fields: ForceNew[];
}

const removed = (before: unknown, after: unknown) => before !== undefined && before !== null && (after === undefined || after === null || (Array.isArray(after) && after.length === 0));

const engineRank: Record<string, number> = { redis: 0, valkey: 1 };

export const REPLACE_ON_CHANGE: Readonly<Record<string, ReplaceRule>> = {
    // internal/service/rds/instance.go (v5+ revision with blue_green_update; identifier is NOT ForceNew since v5:
    // "identifier ... can be updated", the provider renames the instance in place, which changes its endpoint).
    "aws:rds/instance:Instance": {
        source: "terraform-provider-aws internal/service/rds/instance.go (aws_db_instance schema, ForceNew fields)",
        fields: [
            { path: "availabilityZone" },
            { path: "backupTarget" },
            { path: "characterSetName" },
            { path: "customIamInstanceProfile" },
            { path: "dbName" },
            { path: "engine" },
            { path: "kmsKeyId" },
            { path: "ncharCharacterSetName" },
            { path: "restoreToPointInTime" },
            { path: "s3Import" },
            { path: "snapshotIdentifier" },
            { path: "storageEncrypted" },
            { path: "timezone" },
            { path: "username" },
        ],
    },
    // internal/service/elasticache/replication_group.go (v6 revision: SchemaVersion 3, state upgrader "v6.0.0").
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        source: "terraform-provider-aws internal/service/elasticache/replication_group.go (v6: ForceNew fields and CustomizeDiff)",
        fields: [
            { path: "atRestEncryptionEnabled" },
            { path: "dataTieringEnabled" },
            { path: "globalReplicationGroupId" },
            { path: "kmsKeyId" },
            { path: "networkType" },
            { path: "port" },
            { path: "replicationGroupId" },
            { path: "securityGroupNames" },
            { path: "snapshotArns" },
            { path: "snapshotName" },
            { path: "subnetGroupName" },
            {
                path: "engine",
                when: (b, a) => typeof b === "string" && typeof a === "string" && (engineRank[a] ?? 0) < (engineRank[b] ?? 0),
                note: "customizeDiffEngineForceNewOnDowngrade: valkey -> redis replaces; redis -> valkey is in place",
            },
            {
                path: "engineVersion",
                when: (b, a) => typeof b === "string" && typeof a === "string" && compareVersions(a, b) < 0,
                note: "customizeDiffEngineVersionForceNewOnDowngrade",
            },
        ],
    },
    // internal/service/s3/bucket.go: bucket, bucket_prefix, object_lock_enabled (and the deprecated nested flag).
    "aws:s3/bucket:Bucket": {
        source: "terraform-provider-aws internal/service/s3/bucket.go (aws_s3_bucket schema, ForceNew fields)",
        fields: [{ path: "bucket" }, { path: "bucketPrefix" }, { path: "objectLockEnabled" }, { path: "objectLockConfiguration.objectLockEnabled" }],
    },
    // internal/service/kms/key.go.
    "aws:kms/key:Key": {
        source: "terraform-provider-aws internal/service/kms/key.go (aws_kms_key schema, ForceNew fields)",
        fields: [{ path: "customKeyStoreId" }, { path: "customerMasterKeySpec" }, { path: "keyUsage" }, { path: "multiRegion" }, { path: "xksKeyId" }],
    },
    // internal/service/eks/cluster.go (2026 revision): ForceNew fields plus ForceNewIfChange("encryption_config") when removed.
    "aws:eks/cluster:Cluster": {
        source: "terraform-provider-aws internal/service/eks/cluster.go (aws_eks_cluster schema and CustomizeDiff)",
        fields: [
            { path: "name" },
            { path: "roleArn" },
            { path: "bootstrapSelfManagedAddons" },
            { path: "accessConfig.bootstrapClusterCreatorAdminPermissions" },
            { path: "kubernetesNetworkConfig.ipFamily" },
            { path: "kubernetesNetworkConfig.serviceIpv4Cidr" },
            { path: "outpostConfig" },
            { path: "encryptionConfig", when: removed, note: "envelope encryption cannot be disabled: removing it replaces the cluster" },
        ],
    },
    // The @pulumi/eks v4 component passes these inputs to its aws.eks.Cluster (nodejs/eks/cluster.ts): name -> name,
    // serviceRole -> roleArn, ipFamily and kubernetesServiceIpAddressRange -> kubernetesNetworkConfig, encryptionConfigKeyArn
    // -> encryptionConfig, bootstrapSelfManagedAddons -> bootstrapSelfManagedAddons (input names: @pulumi/eks cluster.d.ts).
    "eks:index:Cluster": {
        source: "@pulumi/eks 4.3.0 ClusterOptions mapped to aws_eks_cluster's ForceNew fields (terraform-provider-aws internal/service/eks/cluster.go)",
        fields: [
            { path: "name" },
            { path: "serviceRole" },
            { path: "bootstrapSelfManagedAddons" },
            { path: "ipFamily" },
            { path: "kubernetesServiceIpAddressRange" },
            { path: "encryptionConfigKeyArn", when: removed, note: "removing envelope encryption replaces the cluster" },
        ],
    },
    // internal/service/eks/node_group.go.
    "aws:eks/nodeGroup:NodeGroup": {
        source: "terraform-provider-aws internal/service/eks/node_group.go (aws_eks_node_group schema, ForceNew fields)",
        fields: [
            { path: "amiType" },
            { path: "capacityType" },
            { path: "clusterName" },
            { path: "diskSize" },
            { path: "instanceTypes" },
            { path: "launchTemplate.id" },
            { path: "launchTemplate.name" },
            { path: "nodeGroupName" },
            { path: "nodeGroupNamePrefix" },
            { path: "nodeRoleArn" },
            { path: "remoteAccess" },
            { path: "subnetIds" },
        ],
    },
};

function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map((x) => Number.parseInt(x, 10) || 0);
    const pb = b.split(".").map((x) => Number.parseInt(x, 10) || 0);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

/** Does a changed input path fall under a force-new field (the field itself, or anything inside it)? */
function under(changed: string, field: string): boolean {
    const norm = changed.replace(/\[\d+\]/g, "");
    return norm === field || norm.startsWith(`${field}.`) || field.startsWith(`${norm}.`);
}

function valueAt(inputs: Record<string, unknown>, path: string): unknown {
    let cur: unknown = inputs;
    for (const part of path.split(".")) {
        if (Array.isArray(cur)) cur = cur[0]; // nested blocks are single-item lists in the Terraform schema
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
}

/** The force-new fields among the changed paths of a resource of `type` (empty: updated in place, or type unknown). */
export function replacingFields(type: string, changedPaths: string[], before: Record<string, unknown>, after: Record<string, unknown>): string[] {
    const rule = REPLACE_ON_CHANGE[type];
    if (!rule) return [];
    const out: string[] = [];
    for (const f of rule.fields) {
        if (!changedPaths.some((p) => under(p, f.path))) continue;
        const b = valueAt(before, f.path);
        const a = valueAt(after, f.path);
        if (JSON.stringify(b) === JSON.stringify(a)) continue;
        if (f.when && !f.when(b, a)) continue;
        out.push(f.path);
    }
    return out;
}

/** In-place updates a reviewer should still notice (not replacements), per type and input. */
export const IN_PLACE_NOTES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    "aws:rds/instance:Instance": {
        // instance.go: "identifier ... can be updated" (ModifyDBInstance NewDBInstanceIdentifier) since provider v5.
        identifier: "renamed in place (provider v5+): the endpoint address changes, clients must follow",
        instanceClass: "applied in place with a reboot (Multi-AZ: a failover), at the next maintenance window unless applyImmediately",
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        nodeType: "scaled in place (online for Valkey/Redis OSS replication groups, with a brief failover)",
    },
};

export function inPlaceNotes(type: string, changedPaths: string[]): string[] {
    const notes = IN_PLACE_NOTES[type];
    if (!notes) return [];
    return Object.entries(notes)
        .filter(([field]) => changedPaths.some((p) => under(p, field)))
        .map(([field, note]) => `${field}: ${note}`);
}
