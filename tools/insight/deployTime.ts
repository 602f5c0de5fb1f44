// How long `pulumi up` takes from an empty account: the critical path through the plan's dependency graph
// (parents, dependsOn, Output dependencies, explicit providers), each resource weighted by a typical creation
// time for its type. A custom resource's URN, and so everything waiting on it, resolves only when its create
// finishes; a component registers at once.
import { CycleError, GraphNode, schedule } from "./graph";
import { PlanResource, at, num } from "./model";

export interface CreationTime {
    minutes: number;
    source: string;
}

const TF = "terraform-provider-aws default create timeout (upper bound, not typical)";

/** Typical creation minutes per type, with where the figure comes from. */
export const CREATION_MINUTES: Readonly<Record<string, CreationTime>> = {
    "eks:index:Cluster": { minutes: 12, source: "EKS control plane ~10 min (issue 18; AWS EKS user guide: provisioning takes several minutes) plus the component's IAM role, security groups and OIDC provider; TF aws_eks_cluster create timeout 30 min" },
    "aws:eks/cluster:Cluster": { minutes: 10, source: `EKS control plane ~10 min (issue 18); ${TF} 30 min` },
    "aws:eks/nodeGroup:NodeGroup": { minutes: 4, source: `managed node group 3-5 min (issue 18); ${TF} 60 min` },
    "aws:eks/addon:Addon": { minutes: 1.5, source: "managed add-on reaches ACTIVE once its pods run (1-2 min observed typical); TF create timeout 20 min" },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": { minutes: 0.2, source: "API call" },
    "aws:eks/accessEntry:AccessEntry": { minutes: 0.2, source: "API call" },
    "aws:rds/instance:Instance": { minutes: 12, source: `RDS Single-AZ ~10-15 min; Multi-AZ 15-20 min (issue 18), see multiAz; ${TF} 40 min` },
    "aws:elasticache/replicationGroup:ReplicationGroup": { minutes: 10, source: `ElastiCache ~10 min (issue 18); ${TF} 60 min` },
    "aws:ec2/natGateway:NatGateway": { minutes: 2, source: `NAT gateway ~2 min (issue 18); ${TF} 10 min` },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { minutes: 0.5, source: "gateway endpoint: seconds; interface endpoint ~2 min (ENIs per AZ), see vpcEndpointType" },
    "aws:acm/certificateValidation:CertificateValidation": { minutes: 5, source: "ACM DNS validation: minutes after the CNAME exists (AWS ACM user guide: can take up to 30 min); TF timeout 75 min" },
    "aws:route53/record:Record": { minutes: 1, source: "Route 53 change reaches INSYNC in ~60 s (Route 53 API reference, GetChange)" },
    "aws:kms/key:Key": { minutes: 0.5, source: "KMS CreateKey plus the provider's IAM-propagation and policy-propagation waits" },
    "aws:wafv2/webAcl:WebAcl": { minutes: 0.5, source: "API call" },
    "aws:cloudwatch/logGroup:LogGroup": { minutes: 0.1, source: "API call" },
    "aws:iam/role:Role": { minutes: 0.2, source: "API call plus IAM propagation" },
    "aws:ec2/vpc:Vpc": { minutes: 0.3, source: "API call, waits for available" },
    "aws:ec2/subnet:Subnet": { minutes: 0.2, source: "API call, waits for available" },
    "aws:ec2/securityGroup:SecurityGroup": { minutes: 0.3, source: "API call" },
    "aws:s3/bucket:Bucket": { minutes: 0.3, source: "API call" },
    "aws:secretsmanager/secret:Secret": { minutes: 0.2, source: "API call" },
    "aws:backup/vault:Vault": { minutes: 0.2, source: "API call" },
    "aws:sqs/queue:Queue": { minutes: 0.5, source: "SQS: a new queue takes up to a minute to propagate (SQS CreateQueue docs)" },
    "kubernetes:helm.sh/v3:Release": { minutes: 2, source: "Helm install with wait/atomic: until every resource is ready (Helm docs, --wait); typical for a controller; never more than the release's timeout (default 300 s)" },
    "kubernetes:apps/v1:Deployment": { minutes: 1, source: "@pulumi/kubernetes awaits ready replicas (await logic), typical image pull and probes" },
    "kubernetes:apps/v1:StatefulSet": { minutes: 2, source: "@pulumi/kubernetes awaits ready replicas; volumes are provisioned first" },
    "kubernetes:networking.k8s.io/v1:Ingress": { minutes: 3, source: "@pulumi/kubernetes awaits status.loadBalancer: the ALB controller provisions the load balancer (~2-3 min)" },
    "kubernetes:core/v1:Service": { minutes: 0.2, source: "ClusterIP: immediate" },
};

/** Anything else: a plain API call. */
export const DEFAULT_MINUTES = 0.1;

/** The `deployTime` section of the plan JSON (fields exactly as the issue specifies). */
export interface DeployTimeJson {
    criticalPathMinutes: number;
    criticalPath: string[];
    assumptions: string[];
}

export interface DeployTimeEstimate {
    json: DeployTimeJson;
    /** Minutes per resource, and earliest start/finish, for the HTML graph. */
    minutes: Map<string, number>;
    start: Map<string, number>;
    finish: Map<string, number>;
}

/** Typical creation minutes of one resource (0 for components and the stack). */
export function creationMinutes(r: PlanResource): number {
    if (r.type === "pulumi:pulumi:Stack") return 0;
    if (r.custom === false && r.type !== "eks:index:Cluster") return 0; // a component registers at once
    if (r.type.startsWith("pulumi:providers:")) return 0;
    if (r.type === "aws:rds/instance:Instance") return r.inputs["multiAz"] === true ? 18 : 12;
    if (r.type === "aws:ec2/vpcEndpoint:VpcEndpoint") return r.inputs["vpcEndpointType"] === "Interface" ? 2 : 0.5;
    if (r.type === "kubernetes:helm.sh/v3:Release") {
        if (r.inputs["skipAwait"] === true) return 0.5;
        const timeout = num(r.inputs["timeout"]) ?? 300;
        return Math.min(CREATION_MINUTES[r.type].minutes, timeout / 60);
    }
    if (r.type.startsWith("kubernetes:")) {
        // @pulumi/kubernetes does not wait for readiness of an object annotated pulumi.com/skipAwait.
        const annotations = (at(r.inputs, "metadata.annotations") ?? {}) as Record<string, unknown>;
        if (annotations["pulumi.com/skipAwait"] === "true") return DEFAULT_MINUTES;
    }
    return CREATION_MINUTES[r.type]?.minutes ?? DEFAULT_MINUTES;
}

function round1(n: number): number {
    return Math.round(n * 10) / 10;
}

/** Estimates the from-scratch deployment time; throws CycleError (naming the cycle) on a cyclic graph. */
export function estimateDeployTime(resources: PlanResource[]): DeployTimeEstimate {
    const nodes: GraphNode[] = resources.map((r) => ({
        id: r.urn,
        minutes: creationMinutes(r),
        after: [...(r.dependencies ?? []), ...(r.parent ? [r.parent] : [])],
    }));
    const s = schedule(nodes);
    const minutes = new Map(nodes.map((n) => [n.id, n.minutes]));
    const slowest = [...minutes.entries()].filter(([, m]) => m >= 5).length;
    return {
        json: {
            criticalPathMinutes: round1(s.total),
            criticalPath: s.criticalPath,
            assumptions: [
                "from an empty account and an empty stack; typical creation minutes per type (tools/insight/deployTime.ts, source per line), not measured",
                "every resource starts as soon as what it waits for is created: its parent, dependsOn, Output dependencies and explicit provider (a component registers at once)",
                "unlimited parallelism: `pulumi up --parallel` or provider API rate limits can serialize more",
                "Helm releases with wait/atomic take a typical 2 min, capped by their timeout; a failing release takes its whole timeout and rolls back; a release on a Karpenter pool also waits for the nodes Karpenter launches (not added)",
                `${slowest} resources take 5 minutes or more; retries, quota waits and image pulls from slow registries are not modelled`,
                "the children of the remote @pulumi/eks component are inside its figure (offline the plan sees only the component)",
            ],
        },
        minutes,
        start: s.start,
        finish: s.finish,
    };
}

export { CycleError };
