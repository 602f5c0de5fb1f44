// The one list of stateful resource types: resources whose replacement loses data, an identity others hold
// (a key's ARN, a queue's URL), or takes the platform down. A URN change of any of these (without an alias)
// makes `pulumi up` delete and recreate it, or, with `protect`, refuse to run. Read by the URN snapshot test
// (test/insight/urns.spec.ts), the plan diff (a stateful replacement is called out first) and the README.
// The policy pack's `stateful-resources-protected` list (policies/stack.ts) is the subset that must carry
// `protect` in prod; a test keeps it a subset of this one.

export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
    "aws:kms/key:Key": "encrypts data at rest; a new key cannot decrypt what the old one encrypted",
    "aws:s3/bucket:Bucket": "objects (access logs, backups)",
    "aws:s3/bucketV2:BucketV2": "objects (the v6 name of aws:s3/bucket:Bucket)",
    "aws:rds/instance:Instance": "the database",
    "aws:rds/cluster:Cluster": "the database (Aurora)",
    "aws:rds/clusterInstance:ClusterInstance": "an Aurora member",
    "aws:rds/parameterGroup:ParameterGroup": "in use by the database: cannot be deleted while attached",
    "aws:rds/subnetGroup:SubnetGroup": "in use by the database: cannot be deleted while attached",
    "aws:elasticache/replicationGroup:ReplicationGroup": "the cache's data",
    "aws:elasticache/cluster:Cluster": "the cache's data",
    "aws:elasticache/parameterGroup:ParameterGroup": "in use by the cache: cannot be deleted while attached",
    "aws:elasticache/subnetGroup:SubnetGroup": "in use by the cache: cannot be deleted while attached",
    "aws:secretsmanager/secret:Secret": "the secret's value and its ARN held by consumers (deletion is scheduled, the name stays taken)",
    "aws:backup/vault:Vault": "recovery points (a locked vault cannot be deleted)",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "compliance lock: immutable after its grace time",
    "aws:eks/cluster:Cluster": "the cluster and everything running in it",
    "eks:index:Cluster": "the cluster and everything running in it (@pulumi/eks component)",
    "aws:eks/nodeGroup:NodeGroup": "the nodes: every pod on them is evicted",
    "aws:cloudwatch/logGroup:LogGroup": "retained logs (flow logs, control-plane logs, audit trail)",
    "aws:sqs/queue:Queue": "queued messages and the queue URL consumers are configured with",
    "aws:ec2/vpc:Vpc": "the network: everything inside it depends on it",
    "aws:ec2/subnet:Subnet": "network interfaces of nodes, databases and caches live in it",
    "aws:ec2/eip:Eip": "the public address partners allow-list (NAT egress)",
    "aws:ecr/repository:Repository": "container images",
    "aws:efs/fileSystem:FileSystem": "files",
    "aws:ebs/volume:Volume": "block data",
    "aws:dynamodb/table:Table": "items",
    "aws:route53/zone:Zone": "the delegated zone (new name servers must be delegated again)",
    "kubernetes:core/v1:Namespace": "deleting a namespace deletes everything in it",
    "kubernetes:core/v1:PersistentVolumeClaim": "the volume's data",
};

export function isStateful(type: string): boolean {
    return Object.prototype.hasOwnProperty.call(STATEFUL_TYPES, type);
}
