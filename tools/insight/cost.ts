// Monthly cost estimate of a planned stack from the price table (prices.ts): per resource type, per layer,
// with every usage assumption stated. Resources of a type the model does not know are listed as "not
// priced", never counted as zero; types that have no charge of their own are listed below with the reason.
// Pure: the plan and the `cost-budget` policy (policies/costBudget.ts) call the same function.
import { PlanResource, at, cpuMillis, layerResolver, num, quantityGiB, round2, sortedRecord, str } from "./model";
import { HOURS_PER_MONTH, Price, RegionPrices, pricesFor } from "./prices";

/** Usage the plan cannot know, stated once and printed with every estimate. */
export const USAGE = {
    natProcessedGbPerGateway: 100,
    albLcus: 1,
    wafMillionRequestsPerAcl: 10,
    interfaceEndpointGbPerEndpoint: 10,
    logsIngestGbPerGroup: 2,
    logsRetentionCapMonths: 12,
    s3StoredGbPerBucket: 50,
    /** Spot price as a fraction of on-demand (AWS advertises "up to 90% off"; 60-70% is typical for c/m/r). */
    spotFraction: 0.35,
    rdsDailyChangeFraction: 0.02,
    /** Instance type Karpenter's node estimate is packed onto. */
    karpenterReferenceType: "m7i.large",
    defaultRootVolumeGiB: 20,
} as const;

/**
 * Allocatable of the reference node (m7i.large: 2 vCPU, 8 GiB), computed as the node does (the formula of the
 * capacity ledger, infra/lib/capacity.ts): 2000m minus kube-reserved 60m + 10m; 8192 MiB minus 7.5 % VM overhead,
 * kube-reserved 11 MiB x 29 pods + 255 MiB, and the 100 MiB eviction threshold.
 */
export const REFERENCE_NODE = { cpuMillis: 1930, memoryMiB: 6903 };

/** Pods every node runs (aws-node, kube-proxy, eks-pod-identity-agent, ebs-csi-node), as the capacity ledger declares them. */
export const PER_NODE_DAEMONSETS = { cpuMillis: 180, memoryMiB: 152 };

/** Types with no charge of their own (billed through another line, or free). */
export const NO_CHARGE: Readonly<Record<string, string>> = {
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:iam/policy:Policy": "IAM is free",
    "aws:iam/instanceProfile:InstanceProfile": "IAM is free",
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": "IAM is free",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "IAM is free",
    "aws:ec2/vpc:Vpc": "no charge",
    "aws:ec2/subnet:Subnet": "no charge",
    "aws:ec2/routeTable:RouteTable": "no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "no charge",
    "aws:ec2/route:Route": "no charge",
    "aws:ec2/internetGateway:InternetGateway": "no charge (data transfer out is usage)",
    "aws:ec2/securityGroup:SecurityGroup": "no charge",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "no charge",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "no charge",
    "aws:ec2/tag:Tag": "no charge",
    "aws:ec2/launchTemplate:LaunchTemplate": "its volumes are priced with the node group that uses it",
    "aws:ec2/flowLog:FlowLog": "billed as ingestion into its log group",
    "aws:eks/addon:Addon": "EKS add-ons are free; their pods run on the nodes",
    "aws:eks/accessEntry:AccessEntry": "no charge",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "no charge",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "no charge",
    "aws:kms/alias:Alias": "no charge (the key is priced)",
    "aws:s3/bucketPolicy:BucketPolicy": "no charge",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "no charge",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "no charge",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "no charge",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "no charge",
    "aws:s3/bucketVersioning:BucketVersioning": "no charge (versions are storage of the bucket)",
    "aws:rds/parameterGroup:ParameterGroup": "no charge",
    "aws:rds/subnetGroup:SubnetGroup": "no charge",
    "aws:elasticache/parameterGroup:ParameterGroup": "no charge",
    "aws:elasticache/subnetGroup:SubnetGroup": "no charge",
    "aws:secretsmanager/secretVersion:SecretVersion": "included in the secret's price",
    "aws:backup/plan:Plan": "no charge (recovery points are storage)",
    "aws:backup/selection:Selection": "no charge",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "no charge",
    "aws:acm/certificate:Certificate": "public ACM certificates are free",
    "aws:acm/certificateValidation:CertificateValidation": "no charge",
    "aws:sqs/queuePolicy:QueuePolicy": "no charge",
    "aws:sns/topicSubscription:TopicSubscription": "no charge",
    "aws:cloudwatch/eventTarget:EventTarget": "no charge",
    "random:index/randomPassword:RandomPassword": "not a cloud resource",
    "tls:index/privateKey:PrivateKey": "computed locally by the tls provider, not a cloud resource",
    "tls:index/selfSignedCert:SelfSignedCert": "computed locally by the tls provider, not a cloud resource",
    "tls:index/certRequest:CertRequest": "computed locally by the tls provider, not a cloud resource",
    "tls:index/locallySignedCert:LocallySignedCert": "computed locally by the tls provider, not a cloud resource",
    "kubernetes:helm.sh/v3:Release": "its pods are priced as node capacity, its volumes as EBS",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "ECR lifecycle policies are free",
};

/** Pay-per-request services whose platform traffic stays in the free tier or rounds to cents (assumption). */
export const USAGE_NEGLIGIBLE: Readonly<Record<string, string>> = {
    "aws:sqs/queue:Queue": "first million requests a month are free",
    "aws:sns/topic:Topic": "first million publishes a month are free; email notifications: first 1,000 free",
    "aws:cloudwatch/eventRule:EventRule": "AWS service events on the default bus are free",
    "aws:route53/record:Record": "records are free; queries are usage",
    "aws:ecr/repository:Repository": "storage is usage (per GB-month of images; the lifecycle keeps 30 tagged, untagged expire in 7 days); basic scan on push is free",
};

export interface CostLine {
    /** The resource priced, or null for implied costs (nodes Karpenter will launch, the ALB the controller creates). */
    urn: string | null;
    /** The resource type, or an "(implied) ..." kind. */
    kind: string;
    layer: string;
    usd: number;
    detail: string;
}

/** The `cost` section of the plan JSON (fields exactly as the issue specifies). */
export interface CostJson {
    monthlyUsd: number;
    byLayer: Record<string, number>;
    byType: Record<string, number>;
    region: string;
    currency: "USD";
    pricesAsOf: string;
    assumptions: string[];
    notPriced: string[];
}

export interface CostEstimate {
    json: CostJson;
    lines: CostLine[];
}

/** Pod demand on one node pool, as the capacity ledger (infra/lib/capacity.ts) reports it. */
export interface PoolDemandLike {
    pool: string;
    cpuMillis: number;
    memoryMiB: number;
    perNodeCpuMillis?: number;
    perNodeMemoryMiB?: number;
}

/** Reads the Platform's capacity report (an array of pool demands, or an object holding one under `pools`). */
export function poolDemands(capacity: unknown): PoolDemandLike[] {
    const list = Array.isArray(capacity) ? capacity : Array.isArray(at(capacity, "pools")) ? (at(capacity, "pools") as unknown[]) : [];
    const out: PoolDemandLike[] = [];
    for (const p of list) {
        const pool = str(at(p, "pool"));
        const cpu = num(at(p, "cpuMillis"));
        const mem = num(at(p, "memoryMiB"));
        if (pool === undefined || cpu === undefined || mem === undefined) continue;
        out.push({ pool, cpuMillis: cpu, memoryMiB: mem, perNodeCpuMillis: num(at(p, "perNodeCpuMillis")), perNodeMemoryMiB: num(at(p, "perNodeMemoryMiB")) });
    }
    return out;
}

/** The chart's well-known persistence keys (values.yaml at the pinned versions, see the reference per line). */
interface ClaimRule {
    claim: string;
    enabled?: { path: string; default: boolean };
    size: { path: string; default?: string };
    replicas: (values: unknown) => number;
    when?: (values: unknown) => boolean;
}
const CHART_VOLUMES: Readonly<Record<string, { source: string; claims: ClaimRule[] }>> = {
    // hashicorp/vault-helm values.yaml @aa1c92e4 (0.34.1): server.dataStorage.{enabled,size} (10Gi), server.auditStorage.*,
    // server.ha.{enabled,replicas} (3); one volume per server pod.
    vault: {
        source: "hashicorp/vault-helm values.yaml @aa1c92e4 (chart 0.34.1)",
        claims: [
            { claim: "data", enabled: { path: "server.dataStorage.enabled", default: true }, size: { path: "server.dataStorage.size", default: "10Gi" }, replicas: vaultReplicas },
            { claim: "audit", enabled: { path: "server.auditStorage.enabled", default: false }, size: { path: "server.auditStorage.size", default: "10Gi" }, replicas: vaultReplicas },
        ],
    },
    // prometheus-community/helm-charts kube-prometheus-stack values.yaml @ea930bae: storageSpec / storage are {} by
    // default (no volume); volumeClaimTemplate.spec.resources.requests.storage are fields of the Prometheus and
    // Alertmanager CRDs. Grafana subchart: grafana.persistence.{enabled (false),size}, grafana.replicas.
    "kube-prometheus-stack": {
        source: "prometheus-community/helm-charts kube-prometheus-stack values.yaml @ea930bae; grafana values @864f7794",
        claims: [
            {
                claim: "prometheus",
                size: { path: "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage" },
                replicas: (v) => (num(at(v, "prometheus.prometheusSpec.replicas")) ?? 1) * (num(at(v, "prometheus.prometheusSpec.shards")) ?? 1),
            },
            {
                claim: "alertmanager",
                size: { path: "alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.resources.requests.storage" },
                replicas: (v) => num(at(v, "alertmanager.alertmanagerSpec.replicas")) ?? 1,
            },
            { claim: "grafana", enabled: { path: "grafana.persistence.enabled", default: false }, size: { path: "grafana.persistence.size", default: "10Gi" }, replicas: (v) => num(at(v, "grafana.replicas")) ?? 1 },
        ],
    },
    // grafana-community/helm-charts charts/loki values.yaml @3386a115 (18.11.0): deploymentMode Monolithic by default;
    // singleBinary.persistence.{enabled (true), size (10Gi)}; singleBinary.replicas 0 renders as 1.
    loki: {
        source: "grafana-community/helm-charts charts/loki values.yaml @3386a115 (chart 18.11.0)",
        claims: [
            {
                claim: "single-binary",
                when: (v) => (str(at(v, "deploymentMode")) ?? "Monolithic") === "Monolithic",
                enabled: { path: "singleBinary.persistence.enabled", default: true },
                size: { path: "singleBinary.persistence.size", default: "10Gi" },
                replicas: (v) => Math.max(1, num(at(v, "singleBinary.replicas")) ?? 0),
            },
        ],
    },
    // grafana-community/helm-charts charts/tempo values.yaml @7d2a00b3 (2.2.4): persistence.{enabled (false), size}, replicas (1).
    tempo: {
        source: "grafana-community/helm-charts charts/tempo values.yaml @7d2a00b3 (chart 2.2.4)",
        claims: [{ claim: "tempo", enabled: { path: "persistence.enabled", default: false }, size: { path: "persistence.size" }, replicas: (v) => num(at(v, "replicas")) ?? 1 }],
    },
    // grafana chart values (grafana-community @864f7794): persistence.{enabled (false), size (10Gi)}, replicas (1).
    grafana: {
        source: "grafana-community/helm-charts charts/grafana values.yaml @864f7794",
        claims: [{ claim: "grafana", enabled: { path: "persistence.enabled", default: false }, size: { path: "persistence.size", default: "10Gi" }, replicas: (v) => num(at(v, "replicas")) ?? 1 }],
    },
};

/**
 * Nodes a release's pods need at least, whatever their requests: replicas that a required pod anti-affinity keeps
 * apart. Vault: `server.affinity` defaults to a required podAntiAffinity on the hostname (hashicorp/vault-helm
 * values.yaml @aa1c92e4), so an HA server needs one node per replica unless the values replace the affinity.
 */
const CHART_MIN_NODES: Readonly<Record<string, (values: unknown) => { pool?: string; nodes: number }>> = {
    vault: (v) => ({
        pool: str(at(v, "server.nodeSelector") && (at(v, "server.nodeSelector") as Record<string, unknown>)["platform.io/node-pool"]),
        nodes: at(v, "server.affinity") === undefined ? vaultReplicas(v) : 1,
    }),
};

function vaultReplicas(v: unknown): number {
    return at(v, "server.ha.enabled") === true ? (num(at(v, "server.ha.replicas")) ?? 3) : 1;
}

/** The chart name of a Release: "vault", "oci://registry/org/loki" and "repo/loki" name the last path segment. */
export function chartName(chart: unknown): string | undefined {
    const c = str(chart);
    return c ? c.split("/").pop() : undefined;
}

/** EBS volumes a Helm release asks for through its chart's well-known persistence keys. */
export function releaseVolumes(inputs: Record<string, unknown>): { claim: string; gib: number; count: number; source: string }[] | undefined {
    const name = chartName(inputs["chart"]);
    const rules = name ? CHART_VOLUMES[name] : undefined;
    if (!rules) return undefined;
    const values = inputs["values"] ?? {};
    const out: { claim: string; gib: number; count: number; source: string }[] = [];
    for (const r of rules.claims) {
        if (r.when && !r.when(values)) continue;
        const enabled = r.enabled ? (typeof at(values, r.enabled.path) === "boolean" ? at(values, r.enabled.path) === true : r.enabled.default) : true;
        if (!enabled) continue;
        const gib = quantityGiB(at(values, r.size.path) ?? r.size.default);
        if (gib === undefined) continue;
        out.push({ claim: r.claim, gib, count: r.replicas(values), source: rules.source });
    }
    return out;
}

function monthly(price: Price, quantity: number): number {
    return price.usd * quantity;
}

/** Requests of a pod template: the sum over its containers (cpu in millicores, memory in MiB). */
function podRequests(podSpec: unknown): { cpu: number; memMiB: number } {
    let cpu = 0;
    let memMiB = 0;
    const containers = at(podSpec, "containers");
    for (const c of Array.isArray(containers) ? containers : []) {
        cpu += cpuMillis(at(c, "resources.requests.cpu")) ?? 0;
        memMiB += (quantityGiB(at(c, "resources.requests.memory")) ?? 0) * 1024;
    }
    return { cpu, memMiB };
}

const WORKLOAD_KINDS = new Set(["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"]);

/** Is a pod template pinned to the tainted system nodes (and so not on Karpenter capacity)? */
function onSystemNodes(podSpec: unknown): boolean {
    const sel = at(podSpec, "nodeSelector");
    if (sel && typeof sel === "object" && (sel as Record<string, unknown>)["platform.io/node-pool"] === "system") return true;
    const tol = at(podSpec, "tolerations");
    return Array.isArray(tol) && tol.some((t) => str(at(t, "key")) === "CriticalAddonsOnly");
}

function nodesFor(demandCpu: number, demandMemMiB: number, perNodeCpu: number, perNodeMemMiB: number): number {
    if (demandCpu <= 0 && demandMemMiB <= 0) return 0;
    const cpuRoom = REFERENCE_NODE.cpuMillis - perNodeCpu;
    const memRoom = REFERENCE_NODE.memoryMiB - perNodeMemMiB;
    return Math.max(1, Math.ceil(demandCpu / cpuRoom), Math.ceil(demandMemMiB / memRoom));
}

export interface CostOptions {
    region: string;
    /** The Platform's capacity report (pod demand per pool); pools other than "system" run on Karpenter nodes. */
    capacity?: unknown;
}

/** Estimates the monthly cost of the planned resources. Throws on a region the price table does not cover. */
export function estimateCost(resources: PlanResource[], opts: CostOptions): CostEstimate {
    const prices: RegionPrices | undefined = pricesFor(opts.region);
    if (!prices) throw new Error(`no prices for region ${opts.region} in tools/insight/prices.ts (known: eu-west-1, us-east-1)`);
    const H = HOURS_PER_MONTH;
    const layerOf = layerResolver(resources);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const lines: CostLine[] = [];
    const notPriced = new Set<string>();
    const notes = new Set<string>();
    const add = (r: PlanResource | null, kind: string, usd: number, detail: string, layer?: string) =>
        lines.push({ urn: r?.urn ?? null, kind, layer: layer ?? (r ? layerOf(r.urn) : "(stack)"), usd, detail });
    const descendsFrom = (r: PlanResource, ancestor: string) => {
        for (let p = r.parent; p; p = byUrn.get(p)?.parent ?? null) if (p === ancestor) return true;
        return false;
    };

    // Workload pods that land on Karpenter capacity (not pinned to the system nodes), by layer.
    const hpaMin = new Map<string, number>();
    for (const r of resources) {
        if (r.type !== "kubernetes:autoscaling/v2:HorizontalPodAutoscaler") continue;
        const ns = str(at(r.inputs, "metadata.namespace")) ?? "default";
        const target = str(at(r.inputs, "spec.scaleTargetRef.name"));
        if (target) hpaMin.set(`${ns}/${target}`, num(at(r.inputs, "spec.minReplicas")) ?? 1);
    }
    const workloadDemand = new Map<string, { cpu: number; memMiB: number; pods: number }>();
    const minNodes = new Map<string, { nodes: number; why: string }>(); // pool -> floor from anti-affinity

    for (const r of resources) {
        const i = r.inputs;
        if (r.custom === false && r.type !== "eks:index:Cluster") continue; // components: their children are priced
        if (r.type.startsWith("pulumi:providers:") || r.type === "pulumi:pulumi:Stack") continue;
        switch (r.type) {
            case "eks:index:Cluster":
            case "aws:eks/cluster:Cluster": {
                // The remote component's children (aws:eks/cluster:Cluster) are visible to a real preview, not offline.
                if (r.type === "eks:index:Cluster" && resources.some((c) => c.type === "aws:eks/cluster:Cluster" && descendsFrom(c, r.urn))) break;
                add(r, r.type, monthly(prices.eksClusterHour, H), `control plane ${H} h x $${prices.eksClusterHour.usd}/h (standard support)`);
                break;
            }
            case "aws:ec2/natGateway:NatGateway":
                add(r, r.type, monthly(prices.natGatewayHour, H) + monthly(prices.natGatewayGb, USAGE.natProcessedGbPerGateway), `${H} h x $${prices.natGatewayHour.usd} + ${USAGE.natProcessedGbPerGateway} GB x $${prices.natGatewayGb.usd}`);
                break;
            case "aws:ec2/eip:Eip":
                add(r, r.type, monthly(prices.publicIpv4Hour, H), `public IPv4 ${H} h x $${prices.publicIpv4Hour.usd}`);
                break;
            case "aws:eks/nodeGroup:NodeGroup": {
                const types = at(i, "instanceTypes");
                const type = Array.isArray(types) ? str(types[0]) : undefined;
                const price = type ? prices.ec2[type] : undefined;
                const nodes = num(at(i, "scalingConfig.desiredSize")) ?? num(at(i, "scalingConfig.minSize")) ?? 0;
                if (!price) {
                    notPriced.add(`${r.type} (instance type ${type ?? "unset"})`);
                    break;
                }
                const spot = str(i["capacityType"]) === "SPOT";
                const hourly = spot ? price.usd * USAGE.spotFraction : price.usd;
                // Its launch template is among its dependencies; plans recorded before dependencies were: the one sibling.
                const siblings = resources.filter((s) => s.type === "aws:ec2/launchTemplate:LaunchTemplate" && s.parent === r.parent);
                const lt = r.dependencies
                    ? r.dependencies.map((d) => byUrn.get(d)).find((d) => d?.type === "aws:ec2/launchTemplate:LaunchTemplate")
                    : siblings.length === 1 ? siblings[0] : undefined;
                const mappings = lt ? at(lt.inputs, "blockDeviceMappings") : undefined;
                const volumeGiB = Array.isArray(mappings) && mappings.length > 0
                    ? mappings.reduce((n: number, m) => n + (num(at(m, "ebs.volumeSize")) ?? 0), 0)
                    : num(i["diskSize"]) ?? USAGE.defaultRootVolumeGiB;
                add(r, r.type, nodes * (hourly * H + volumeGiB * prices.ebsGp3GbMonth.usd), `${nodes} x ${type}${spot ? " spot" : ""} ($${round2(hourly)}/h) + ${nodes} x ${volumeGiB} GiB gp3`);
                break;
            }
            case "aws:rds/instance:Instance": {
                const cls = str(i["instanceClass"]);
                const price = cls ? prices.rdsPostgres[cls] : undefined;
                if (!price || (str(i["engine"]) ?? "postgres") !== "postgres") {
                    notPriced.add(`${r.type} (${str(i["engine"]) ?? "postgres"} ${cls ?? "no class"})`);
                    break;
                }
                const multiAz = i["multiAz"] === true;
                const gib = num(i["allocatedStorage"]) ?? 20;
                const storage = gib * (multiAz ? prices.rdsGp3MultiAzGbMonth.usd : prices.rdsGp3GbMonth.usd);
                const retention = num(i["backupRetentionPeriod"]) ?? 7;
                const backupGb = gib * USAGE.rdsDailyChangeFraction * retention;
                const instance = price.usd * H * (multiAz ? 2 : 1);
                add(r, r.type, instance + storage + backupGb * prices.rdsBackupGbMonth.usd, `${cls}${multiAz ? " Multi-AZ (x2)" : ""} $${round2(instance)} + ${gib} GiB gp3 $${round2(storage)} + backup ${round2(backupGb)} GB`);
                if (i["manageMasterUserPassword"] === true) add(r, "(implied) RDS-managed master-user secret", prices.secretMonth.usd, "Secrets Manager secret RDS creates for the master password");
                break;
            }
            case "aws:elasticache/replicationGroup:ReplicationGroup": {
                const nodeType = str(i["nodeType"]);
                const engine = str(i["engine"]) ?? "redis";
                const valkey = nodeType ? prices.elasticacheValkey[nodeType] : undefined;
                if (!valkey) {
                    notPriced.add(`${r.type} (${nodeType ?? "no node type"})`);
                    break;
                }
                const hourly = engine === "valkey" ? valkey.usd : valkey.usd / 0.8;
                const groups = num(i["numNodeGroups"]);
                const nodes = groups !== undefined ? groups * ((num(i["replicasPerNodeGroup"]) ?? 0) + 1) : num(i["numCacheClusters"]) ?? 1;
                add(r, r.type, nodes * hourly * H, `${nodes} x ${nodeType} ${engine} ($${round2(hourly)}/h)`);
                break;
            }
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2":
                add(r, r.type, monthly(prices.s3StandardGbMonth, USAGE.s3StoredGbPerBucket), `${USAGE.s3StoredGbPerBucket} GB stored (assumption)`);
                break;
            case "aws:cloudwatch/logGroup:LogGroup": {
                const retention = num(i["retentionInDays"]);
                const months = Math.min(USAGE.logsRetentionCapMonths, retention && retention > 0 ? retention / 30 : USAGE.logsRetentionCapMonths);
                const ingest = USAGE.logsIngestGbPerGroup;
                add(r, r.type, ingest * prices.logsIngestGb.usd + ingest * months * prices.logsStorageGbMonth.usd, `${ingest} GB/month ingested, kept ${round2(months)} months`);
                break;
            }
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                add(r, r.type, prices.alarmMonth.usd, "standard-resolution alarm");
                break;
            case "aws:kms/key:Key":
                add(r, r.type, prices.kmsKeyMonth.usd, "customer managed key (each rotation adds $1/month, up to the second)");
                break;
            case "aws:secretsmanager/secret:Secret":
                add(r, r.type, prices.secretMonth.usd, "secret-month");
                break;
            case "aws:wafv2/webAcl:WebAcl": {
                const rules = Array.isArray(i["rules"]) ? (i["rules"] as unknown[]).length : 0;
                add(r, r.type, prices.wafAclMonth.usd + rules * prices.wafRuleMonth.usd + USAGE.wafMillionRequestsPerAcl * prices.wafMillionRequests.usd, `ACL + ${rules} rules + ${USAGE.wafMillionRequestsPerAcl} M requests`);
                break;
            }
            case "aws:ec2/vpcEndpoint:VpcEndpoint": {
                if ((str(i["vpcEndpointType"]) ?? "Gateway") !== "Interface") {
                    add(r, r.type, 0, "gateway endpoint: no charge");
                    break;
                }
                const azs = Array.isArray(i["subnetIds"]) ? (i["subnetIds"] as unknown[]).length : 1;
                add(r, r.type, azs * monthly(prices.interfaceEndpointAzHour, H) + monthly(prices.interfaceEndpointGb, USAGE.interfaceEndpointGbPerEndpoint), `${azs} AZ x ${H} h + ${USAGE.interfaceEndpointGbPerEndpoint} GB`);
                break;
            }
            case "aws:ebs/volume:Volume":
                add(r, r.type, (num(i["size"]) ?? 0) * prices.ebsGp3GbMonth.usd, `${num(i["size"]) ?? 0} GiB`);
                break;
            case "kubernetes:core/v1:PersistentVolumeClaim": {
                const gib = quantityGiB(at(i, "spec.resources.requests.storage")) ?? 0;
                add(r, "(implied) EBS volumes of add-ons", gib * prices.ebsGp3GbMonth.usd, `PVC ${round2(gib)} GiB gp3`);
                break;
            }
            case "aws:backup/vault:Vault":
                notPriced.add(`${r.type} (recovery points are billed per GB stored; not estimated)`);
                break;
            default: {
                if (WORKLOAD_KINDS.has(r.type)) {
                    const spec = at(i, "spec.template.spec");
                    if (!onSystemNodes(spec)) {
                        const ns = str(at(i, "metadata.namespace")) ?? "default";
                        const name = str(at(i, "metadata.name")) ?? r.name;
                        const replicas = hpaMin.get(`${ns}/${name}`) ?? num(at(i, "spec.replicas")) ?? 1;
                        const req = podRequests(spec);
                        const layer = layerOf(r.urn);
                        const cur = workloadDemand.get(layer) ?? { cpu: 0, memMiB: 0, pods: 0 };
                        workloadDemand.set(layer, { cpu: cur.cpu + replicas * req.cpu, memMiB: cur.memMiB + replicas * req.memMiB, pods: cur.pods + replicas });
                    }
                    if (r.type === "kubernetes:apps/v1:StatefulSet") {
                        const templates = at(i, "spec.volumeClaimTemplates");
                        const replicas = num(at(i, "spec.replicas")) ?? 1;
                        for (const t of Array.isArray(templates) ? templates : []) {
                            const gib = quantityGiB(at(t, "spec.resources.requests.storage")) ?? 0;
                            add(r, "(implied) EBS volumes of add-ons", replicas * gib * prices.ebsGp3GbMonth.usd, `${replicas} x ${round2(gib)} GiB (volumeClaimTemplates)`);
                        }
                    }
                    break;
                }
                if (r.type === "kubernetes:helm.sh/v3:Release") {
                    const spread = CHART_MIN_NODES[chartName(i["chart"]) ?? ""]?.(i["values"] ?? {});
                    if (spread?.pool && spread.nodes > (minNodes.get(spread.pool)?.nodes ?? 0)) {
                        minNodes.set(spread.pool, { nodes: spread.nodes, why: `${str(i["name"]) ?? r.name}: ${spread.nodes} replicas kept apart by a required pod anti-affinity` });
                    }
                    for (const v of releaseVolumes(i) ?? []) {
                        add(r, "(implied) EBS volumes of add-ons", v.count * v.gib * prices.ebsGp3GbMonth.usd, `${str(i["name"]) ?? r.name} ${v.claim}: ${v.count} x ${round2(v.gib)} GiB gp3 (${v.source})`);
                    }
                    break;
                }
                if (NO_CHARGE[r.type] !== undefined || r.type.startsWith("kubernetes:")) break;
                if (USAGE_NEGLIGIBLE[r.type] !== undefined) {
                    notes.add(`${r.type}: ${USAGE_NEGLIGIBLE[r.type]} (counted as $0)`);
                    break;
                }
                notPriced.add(r.type);
            }
        }
    }

    // Load balancers the AWS Load Balancer Controller creates: one per IngressClassParams group, or per Ingress.
    for (const alb of albGroups(resources)) {
        add(alb.owner, "(implied) ALB via aws-load-balancer-controller", monthly(prices.albHour, H) + USAGE.albLcus * monthly(prices.albLcuHour, H), `ALB "${alb.group}": ${H} h + ${USAGE.albLcus} LCU`);
    }

    // Nodes Karpenter launches for the pods pinned to its pools (capacity ledger) and for workload pods.
    const ref = prices.ec2[USAGE.karpenterReferenceType];
    const pools = poolDemands(opts.capacity).filter((p) => p.pool !== "system");
    for (const p of pools) {
        const packed = nodesFor(p.cpuMillis, p.memoryMiB, p.perNodeCpuMillis ?? PER_NODE_DAEMONSETS.cpuMillis, p.perNodeMemoryMiB ?? PER_NODE_DAEMONSETS.memoryMiB);
        const floor = minNodes.get(p.pool);
        const nodes = packed === 0 ? 0 : Math.max(packed, floor?.nodes ?? 0);
        if (nodes === 0 || !ref) continue;
        const why = floor && floor.nodes > packed ? ` (${floor.why})` : "";
        add(null, "(implied) Karpenter nodes", nodes * ref.usd * H, `pool "${p.pool}": ${nodes} x ${USAGE.karpenterReferenceType} on-demand for ${p.cpuMillis}m CPU / ${p.memoryMiB} MiB requested${why}`, "karpenter");
    }
    for (const [layer, d] of [...workloadDemand.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const nodes = nodesFor(d.cpu, d.memMiB, PER_NODE_DAEMONSETS.cpuMillis, PER_NODE_DAEMONSETS.memoryMiB);
        if (nodes === 0 || !ref) continue;
        const hourly = ref.usd * USAGE.spotFraction;
        add(null, "(implied) Karpenter nodes", nodes * hourly * H, `default pool: ${nodes} x ${USAGE.karpenterReferenceType} spot ($${round2(hourly)}/h) for ${d.pods} pods, ${Math.round(d.cpu)}m CPU / ${Math.round(d.memMiB)} MiB requested`, layer);
    }

    const byLayer: Record<string, number> = {};
    const byType: Record<string, number> = {};
    for (const l of lines) {
        byLayer[l.layer] = (byLayer[l.layer] ?? 0) + l.usd;
        byType[l.kind] = (byType[l.kind] ?? 0) + l.usd;
    }
    const total = lines.reduce((n, l) => n + l.usd, 0);
    const roundAll = (o: Record<string, number>) => sortedRecord(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round2(v)])));
    const assumptions = [
        `${H} hours a month; on-demand list prices in ${prices.region}, USD, as of ${prices.asOf} (tools/insight/prices.ts, source per line)`,
        `NAT gateways process ${USAGE.natProcessedGbPerGateway} GB a month each; interface endpoints ${USAGE.interfaceEndpointGbPerEndpoint} GB`,
        `each ALB averages ${USAGE.albLcus} LCU; one ALB per IngressClassParams group (or per Ingress without a group)`,
        `WAF: ${USAGE.wafMillionRequestsPerAcl} million requests a month per web ACL`,
        `CloudWatch Logs: ${USAGE.logsIngestGbPerGroup} GB ingested a month per log group, stored uncompressed for its retention (at most ${USAGE.logsRetentionCapMonths} months)`,
        `S3: ${USAGE.s3StoredGbPerBucket} GB stored per bucket; requests not counted`,
        `RDS: backup storage beyond the free allowance = allocated storage x ${USAGE.rdsDailyChangeFraction * 100}% daily change x retention days; Multi-AZ bills the instance and storage twice`,
        `Karpenter: pods on its pools are bin-packed on ${USAGE.karpenterReferenceType} (allocatable ${REFERENCE_NODE.cpuMillis}m / ${REFERENCE_NODE.memoryMiB} MiB, minus the per-node DaemonSets), at least one node per replica of a chart whose replicas a required anti-affinity keeps apart (Vault); zone spread is not modelled; the platform pool on-demand, the default pool at spot = ${USAGE.spotFraction * 100}% of on-demand; workloads count at their HPA minimum`,
        "EKS control plane in standard support (extended support bills $0.60/h); KMS keys in their first year (before rotations add key versions)",
        "EBS volumes of add-ons from the charts' well-known persistence keys (vault, kube-prometheus-stack, loki, tempo, grafana) and PersistentVolumeClaims, as gp3",
        "not counted: data transfer out, cross-AZ traffic, request charges, Savings Plans or Reserved Instances, support plans, taxes",
        ...[...notes].sort(),
    ];
    return {
        json: {
            monthlyUsd: round2(total),
            byLayer: roundAll(byLayer),
            byType: roundAll(byType),
            region: prices.region,
            currency: prices.currency,
            pricesAsOf: prices.asOf,
            assumptions,
            notPriced: [...notPriced].sort(),
        },
        lines: [...lines].sort((a, b) => b.usd - a.usd || (a.urn ?? a.kind).localeCompare(b.urn ?? b.kind)),
    };
}

/** The ALBs the controller will create: one per group (IngressClassParams `spec.group.name` or the group annotation). */
export function albGroups(resources: PlanResource[]): { group: string; owner: PlanResource }[] {
    const classes = new Map<string, string | undefined>(); // IngressClass name -> IngressClassParams name
    const params = new Map<string, { group?: string; r: PlanResource }>();
    for (const r of resources) {
        if (r.type === "kubernetes:networking.k8s.io/v1:IngressClass" && str(at(r.inputs, "spec.controller")) === "ingress.k8s.aws/alb") {
            classes.set(str(at(r.inputs, "metadata.name")) ?? r.name, str(at(r.inputs, "spec.parameters.name")));
        }
        if (r.type === "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams") {
            params.set(str(at(r.inputs, "metadata.name")) ?? r.name, { group: str(at(r.inputs, "spec.group.name")), r });
        }
    }
    const groups = new Map<string, PlanResource>();
    for (const r of resources) {
        if (r.type !== "kubernetes:networking.k8s.io/v1:Ingress") continue;
        const cls = str(at(r.inputs, "spec.ingressClassName"));
        const annotations = (at(r.inputs, "metadata.annotations") ?? {}) as Record<string, unknown>;
        const legacyClass = str(annotations["kubernetes.io/ingress.class"]);
        const className = cls ?? legacyClass;
        if (!className || (!classes.has(className) && className !== "alb")) continue;
        const p = params.get(classes.get(className) ?? "");
        const group = p?.group ?? str(annotations["alb.ingress.kubernetes.io/group.name"]) ?? `${str(at(r.inputs, "metadata.namespace")) ?? "default"}/${str(at(r.inputs, "metadata.name")) ?? r.name}`;
        if (!groups.has(group)) groups.set(group, p?.group ? p.r : r);
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, owner]) => ({ group, owner }));
}
