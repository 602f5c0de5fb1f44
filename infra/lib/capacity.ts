// Will it schedule? Every platform pod declares its requests and replica count where its chart values are built
// (systemChart); this ledger sums them per pool, and checkSystemCapacity compares the system node group at its
// minimum size with what is pinned to it. The plan prints the sums (the Platform component's outputs).
import { PoolName } from "./placement";

export interface PodDemand {
    /** Release/component and container group, e.g. "karpenter/controller". */
    component: string;
    /** Pods of this kind; ignored for DaemonSets (perNode), which run one pod on every node. */
    replicas: number;
    /** Requests of the whole pod (all containers), as Kubernetes quantities. */
    cpu: string;
    memory: string;
    memoryLimit: string;
    /** A DaemonSet: one pod on every node of the pool, taken from each node's allocatable. */
    perNode?: boolean;
}

export interface PoolDemand {
    pool: PoolName;
    pods: number;
    cpuMillis: number;
    memoryMiB: number;
    perNodeCpuMillis: number;
    perNodeMemoryMiB: number;
    components: string[];
}

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const DECIMAL: Record<string, number> = { k: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20, T: 1e12 / 2 ** 20 };

/** A CPU quantity ("250m", "1", "0.5") in millicores; throws on anything else. */
export function cpuMillis(q: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(q);
    if (!m) throw new Error(`expected a CPU quantity like 250m or 1, found ${JSON.stringify(q)}`);
    return m[2] === "m" ? Number(m[1]) : Number(m[1]) * 1000;
}

/** A memory quantity ("512Mi", "1Gi", "1G", "128974848") in MiB; throws on anything else. */
export function memoryMiB(q: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
    if (!m) throw new Error(`expected a memory quantity like 512Mi or 1Gi, found ${JSON.stringify(q)}`);
    const n = Number(m[1]);
    if (!m[2]) return n / 2 ** 20;
    return n * (BINARY[m[2]] ?? DECIMAL[m[2]]);
}

export class CapacityLedger {
    private readonly entries: { pool: PoolName; demand: PodDemand }[] = [];

    add(pool: PoolName, demands: PodDemand[]): void {
        for (const d of demands) {
            // Fail at declaration time with the component's name rather than in the sum.
            cpuMillis(d.cpu);
            memoryMiB(d.memory);
            if (memoryMiB(d.memoryLimit) < memoryMiB(d.memory)) {
                throw new Error(`${d.component}: memory limit ${d.memoryLimit} is below its request ${d.memory}`);
            }
            this.entries.push({ pool, demand: { ...d } });
        }
    }

    demands(pool?: PoolName): PodDemand[] {
        return this.entries.filter((e) => pool === undefined || e.pool === pool).map((e) => e.demand);
    }

    summary(): PoolDemand[] {
        const pools = [...new Set(this.entries.map((e) => e.pool))].sort();
        return pools.map((pool) => {
            const ds = this.demands(pool);
            const fixed = ds.filter((d) => !d.perNode);
            const perNode = ds.filter((d) => d.perNode);
            return {
                pool,
                pods: fixed.reduce((n, d) => n + d.replicas, 0),
                cpuMillis: Math.round(fixed.reduce((n, d) => n + d.replicas * cpuMillis(d.cpu), 0)),
                memoryMiB: Math.round(fixed.reduce((n, d) => n + d.replicas * memoryMiB(d.memory), 0)),
                perNodeCpuMillis: Math.round(perNode.reduce((n, d) => n + cpuMillis(d.cpu), 0)),
                perNodeMemoryMiB: Math.round(perNode.reduce((n, d) => n + memoryMiB(d.memory), 0)),
                components: ds.map((d) => d.component),
            };
        });
    }
}

/**
 * Allocatable CPU and memory of an EKS AL2023 node, per instance type, for the types the platform offers for system
 * nodes. Computed the way the node computes it:
 *  - capacity: vCPUs and memory from the EC2 instance type (aws ec2 describe-instance-types);
 *  - memory the OS does not report: 7.5 % (Karpenter's default VM_MEMORY_OVERHEAD_PERCENT, karpenter-provider-aws
 *    pkg/operator/options/options.go @ v1.14.1);
 *  - kube-reserved CPU 6 % of the first core, 1 % of the second, 0.5 % of cores 3-4, 0.25 % above; memory
 *    11 MiB x maxPods + 255 MiB (awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go, getCPUMillicoresToReserve /
 *    getMemoryMebibytesToReserve); maxPods from the ENI limits (misc/eni-max-pods.txt: large 29, xlarge 58, 2xlarge 58);
 *  - eviction threshold memory.available 100Mi.
 */
export const INSTANCE_CAPACITY: Record<string, { vcpu: number; memoryMiB: number; maxPods: number }> = {
    "m7i.large": { vcpu: 2, memoryMiB: 8192, maxPods: 29 },
    "m6i.large": { vcpu: 2, memoryMiB: 8192, maxPods: 29 },
    "m5.large": { vcpu: 2, memoryMiB: 8192, maxPods: 29 },
    "m7g.large": { vcpu: 2, memoryMiB: 8192, maxPods: 29 },
    "m7i.xlarge": { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
    "m6i.xlarge": { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
    "m7g.xlarge": { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
    "m7i.2xlarge": { vcpu: 8, memoryMiB: 32768, maxPods: 58 },
    "m6i.2xlarge": { vcpu: 8, memoryMiB: 32768, maxPods: 58 },
    "c7i.large": { vcpu: 2, memoryMiB: 4096, maxPods: 29 },
    "r7i.large": { vcpu: 2, memoryMiB: 16384, maxPods: 29 },
};

function reservedCpuMillis(vcpu: number): number {
    let r = 0;
    for (let core = 1; core <= vcpu; core++) r += core === 1 ? 60 : core === 2 ? 10 : core <= 4 ? 5 : 2.5;
    return r;
}

export function allocatable(instanceType: string): { cpuMillis: number; memoryMiB: number; maxPods: number } | undefined {
    const c = INSTANCE_CAPACITY[instanceType];
    if (!c) return undefined;
    return {
        cpuMillis: Math.floor(c.vcpu * 1000 - reservedCpuMillis(c.vcpu)),
        memoryMiB: Math.floor(c.memoryMiB * 0.925 - (11 * c.maxPods + 255) - 100),
        maxPods: c.maxPods,
    };
}

/**
 * Pods every node runs (EKS managed add-ons' DaemonSets), requests as their default manifests set them:
 * aws-node 25m (amazon-vpc-cni-k8s config/master/aws-k8s-cni.yaml), kube-proxy 100m (EKS kube-proxy manifest),
 * eks-pod-identity-agent 25m / 32Mi (assumed; the add-on's manifest is not public), ebs-csi-node 3 containers x 10m / 40Mi
 * (aws-ebs-csi-driver charts values.yaml node.resources and sidecars).
 */
export const NODE_DAEMONSETS: PodDemand[] = [
    { component: "aws-node", replicas: 1, cpu: "25m", memory: "0", memoryLimit: "0", perNode: true },
    { component: "kube-proxy", replicas: 1, cpu: "100m", memory: "0", memoryLimit: "0", perNode: true },
    { component: "eks-pod-identity-agent", replicas: 1, cpu: "25m", memory: "32Mi", memoryLimit: "32Mi", perNode: true },
    { component: "ebs-csi-node", replicas: 1, cpu: "30m", memory: "120Mi", memoryLimit: "768Mi", perNode: true },
];

/** Managed add-on Deployments pinned to the system nodes (coredns 100m/70Mi, ebs-csi-controller 6 containers x 10m/40Mi). */
export function managedAddonDemands(corednsReplicas: number): PodDemand[] {
    return [
        { component: "coredns", replicas: corednsReplicas, cpu: "100m", memory: "70Mi", memoryLimit: "170Mi" },
        { component: "ebs-csi-controller", replicas: 2, cpu: "60m", memory: "240Mi", memoryLimit: "1536Mi" },
    ];
}

export interface SystemCapacityReport {
    instanceType: string;
    nodes: number;
    allocatableCpuMillis: number;
    allocatableMemoryMiB: number;
    requestedCpuMillis: number;
    requestedMemoryMiB: number;
    /** Problems when the demand does not fit; a notice when the instance type is not in the table. */
    problems: string[];
    notice?: string;
}

/**
 * Compares what is pinned to the system nodes with `minSize` nodes of the smallest configured instance type. A whole
 * replica set must fit in the sum of allocatable (a coarse bin-packing bound) and the largest pod on one node.
 */
export function checkSystemCapacity(instanceTypes: string[], minSize: number, demands: PodDemand[]): SystemCapacityReport {
    const known = instanceTypes.map((t) => ({ t, a: allocatable(t) })).filter((x) => x.a !== undefined) as { t: string; a: NonNullable<ReturnType<typeof allocatable>> }[];
    const fixed = demands.filter((d) => !d.perNode);
    const perNode = demands.filter((d) => d.perNode);
    const requestedCpuMillis = Math.round(fixed.reduce((n, d) => n + d.replicas * cpuMillis(d.cpu), 0));
    const requestedMemoryMiB = Math.round(fixed.reduce((n, d) => n + d.replicas * memoryMiB(d.memory), 0));
    if (known.length !== instanceTypes.length) {
        const unknown = instanceTypes.filter((t) => !allocatable(t));
        return {
            instanceType: unknown.join(", "),
            nodes: minSize,
            allocatableCpuMillis: 0,
            allocatableMemoryMiB: 0,
            requestedCpuMillis,
            requestedMemoryMiB,
            problems: [],
            notice: `system node capacity not verified: ${unknown.join(", ")} not in the allocatable table (infra/lib/capacity.ts); pods pinned there request ${requestedCpuMillis}m CPU and ${requestedMemoryMiB}Mi memory`,
        };
    }
    const smallest = known.reduce((a, b) => (b.a.cpuMillis * 1e6 + b.a.memoryMiB < a.a.cpuMillis * 1e6 + a.a.memoryMiB ? b : a));
    const dsCpu = perNode.reduce((n, d) => n + cpuMillis(d.cpu), 0);
    const dsMem = perNode.reduce((n, d) => n + memoryMiB(d.memory), 0);
    const nodeCpu = smallest.a.cpuMillis - dsCpu;
    const nodeMem = smallest.a.memoryMiB - dsMem;
    const report: SystemCapacityReport = {
        instanceType: smallest.t,
        nodes: minSize,
        allocatableCpuMillis: Math.floor(nodeCpu * minSize),
        allocatableMemoryMiB: Math.floor(nodeMem * minSize),
        requestedCpuMillis,
        requestedMemoryMiB,
        problems: [],
    };
    const where = `${minSize} x ${smallest.t} (after DaemonSets: ${Math.floor(nodeCpu)}m CPU, ${Math.floor(nodeMem)}Mi per node)`;
    if (requestedCpuMillis > report.allocatableCpuMillis) {
        report.problems.push(`system nodes: pods pinned there request ${requestedCpuMillis}m CPU, but ${where} offer ${report.allocatableCpuMillis}m; raise platform:systemNodes.minSize or the instance type, or move add-ons to the platform pool`);
    }
    if (requestedMemoryMiB > report.allocatableMemoryMiB) {
        report.problems.push(`system nodes: pods pinned there request ${requestedMemoryMiB}Mi memory, but ${where} offer ${report.allocatableMemoryMiB}Mi; raise platform:systemNodes.minSize or the instance type, or move add-ons to the platform pool`);
    }
    for (const d of fixed) {
        if (cpuMillis(d.cpu) > nodeCpu || memoryMiB(d.memory) > nodeMem) {
            report.problems.push(`system nodes: one ${d.component} pod requests ${d.cpu} CPU / ${d.memory}, more than one ${smallest.t} offers after DaemonSets`);
        }
    }
    return report;
}
