// The default NodePool (karpenter.sh/v1) and EC2NodeClass (karpenter.k8s.aws/v1) as plain data, built
// from the layer's settings. Field names and patterns: pkg/apis/crds/karpenter.sh_nodepools.yaml and
// karpenter.k8s.aws_ec2nodeclasses.yaml @ v1.14.1; checked by crdRules.ts here and in the tests.
import type { INodePoolSpec } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePoolSpec";
import type { IEC2NodeClassSpec } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClassSpec";
import { throwIfProblems } from "../lib/problems";
import { PLATFORM_POOL_LABEL, PLATFORM_POOL_NAME, PLATFORM_POOL_TAINT } from "../lib/placement";
import { KarpenterSettings } from "./config";
import { ec2NodeClassProblems, nodePoolProblems, restrictedTagProblem } from "./crdRules";

export const NODE_POOL_API_VERSION = "karpenter.sh/v1";
export const NODE_CLASS_API_VERSION = "karpenter.k8s.aws/v1";
export const DEFAULT_NODE_POOL = "default";
export const DEFAULT_NODE_CLASS = "default";
export const PLATFORM_NODE_POOL = PLATFORM_POOL_NAME;
export const DISCOVERY_TAG = "karpenter.sh/discovery";

export type NodePoolSettings = Pick<
    KarpenterSettings,
    "limits" | "capacityTypes" | "maxInstanceCpu" | "minInstanceGeneration" | "consolidateAfter" | "expireAfter" | "budgetPercent" | "businessHours"
>;

export function nodePoolSpec(s: NodePoolSettings): INodePoolSpec {
    return {
        template: {
            spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: DEFAULT_NODE_CLASS },
                requirements: [
                    // With both spot and on-demand allowed, Karpenter launches spot first and falls back to
                    // on-demand when no spot offering fits (website/content/en/docs/concepts/nodepools.md @ v1.14.1:
                    // "Karpenter will prioritize `reserved` capacity, followed by `spot`, then finally `on-demand`").
                    { key: "karpenter.sh/capacity-type", operator: "In", values: [...s.capacityTypes] },
                    { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
                    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                    // Compute, general purpose and memory optimized: many types keep spot pools deep.
                    { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
                    { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: [String(s.minInstanceGeneration - 1)] },
                    // Caps the blast radius of one spot reclaim: no node above maxInstanceCpu vCPUs.
                    { key: "karpenter.k8s.aws/instance-cpu", operator: "Lt", values: [String(s.maxInstanceCpu + 1)] },
                ],
                expireAfter: s.expireAfter,
            },
        },
        disruption: {
            consolidationPolicy: "WhenEmptyOrUnderutilized",
            consolidateAfter: s.consolidateAfter,
            // Karpenter applies the most restrictive budget that is active.
            budgets: [
                // At most this share of the pool's nodes is disrupted at once, for every reason.
                { nodes: `${s.budgetPercent}%` },
                // No consolidation of underutilized nodes in business hours (UTC); empty and drifted nodes still go.
                { nodes: "0", reasons: ["Underutilized"], schedule: s.businessHours.schedule, duration: s.businessHours.duration },
            ],
        },
        limits: { cpu: s.limits.cpu, memory: s.limits.memory },
    };
}

/**
 * The `platform` NodePool: on-demand only (stateful add-ons must not be reclaimed with two minutes' notice), amd64
 * (every platform image is published for it), general-purpose and memory-optimized families, tainted and labelled so
 * only add-ons placed there (KarpenterContract.platform) land on it. Consolidation only of empty nodes, one node at a
 * time: PDBs protect the replicas, and StatefulSets with zonal volumes are not churned to save a few cents.
 */
export function platformNodePoolSpec(s: Pick<KarpenterSettings, "platformPool" | "minInstanceGeneration" | "expireAfter">): INodePoolSpec {
    return {
        template: {
            metadata: { labels: { ...PLATFORM_POOL_LABEL } },
            spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: DEFAULT_NODE_CLASS },
                taints: [{ ...PLATFORM_POOL_TAINT }],
                requirements: [
                    { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                    { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                    { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["m", "r"] },
                    { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: [String(s.minInstanceGeneration - 1)] },
                    { key: "karpenter.k8s.aws/instance-cpu", operator: "Lt", values: [String(s.platformPool.maxInstanceCpu + 1)] },
                ],
                expireAfter: s.expireAfter,
            },
        },
        disruption: {
            consolidationPolicy: "WhenEmpty",
            consolidateAfter: "10m",
            budgets: [{ nodes: "1" }],
        },
        limits: { cpu: s.platformPool.limits.cpu, memory: s.platformPool.limits.memory },
    };
}

export interface NodeClassInput<T> {
    /** Name (not ARN) of the node IAM role; Karpenter creates and manages the instance profile. */
    role: T;
    /** Value of the karpenter.sh/discovery tag on the node subnets and the cluster security group. */
    discoveryValue: T;
    amiAlias: string;
    rootVolumeGiB: number;
    tags: Record<string, string>;
}

/** The EC2NodeClass spec with the role and discovery value of type T (string, or an Output in the component). */
export type EC2NodeClassSpecOf<T> = Omit<IEC2NodeClassSpec, "role" | "subnetSelectorTerms" | "securityGroupSelectorTerms"> & {
    role: T;
    subnetSelectorTerms: { tags: Record<string, T> }[];
    securityGroupSelectorTerms: { tags: Record<string, T> }[];
};

/** Generic in the string type so the component can pass Outputs and the tests plain strings. */
export function ec2NodeClassSpec<T>(a: NodeClassInput<T>): EC2NodeClassSpecOf<T> {
    for (const key of Object.keys(a.tags)) {
        const problem = restrictedTagProblem(key);
        if (problem) {
            throw new Error(`platform:tags: the EC2NodeClass cannot carry the tag "${key}" (${problem}; Karpenter sets it itself). Remove it from platform:tags.`);
        }
    }
    return {
        role: a.role,
        amiSelectorTerms: [{ alias: a.amiAlias }],
        subnetSelectorTerms: [{ tags: { [DISCOVERY_TAG]: a.discoveryValue } }],
        securityGroupSelectorTerms: [{ tags: { [DISCOVERY_TAG]: a.discoveryValue } }],
        // IMDSv2 only, hop limit 1: pods cannot reach the node role's credentials (they use Pod Identity).
        metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
        blockDeviceMappings: [
            {
                // AL2023's root device.
                deviceName: "/dev/xvda",
                rootVolume: true,
                ebs: { volumeSize: `${a.rootVolumeGiB}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
            },
        ],
        // Cost allocation; Karpenter adds the cluster, nodepool and nodeclaim tags itself.
        tags: { ...a.tags },
    };
}

/** Throws with every problem the v1.14.1 API server would report (a subset of its rules, see crdRules.ts). */
export function assertValidNodePool(spec: INodePoolSpec, name: string = DEFAULT_NODE_POOL): void {
    const problems = nodePoolProblems(spec);
    throwIfProblems(`NodePool ${name} would be rejected by the v1.14.1 API server`, problems);
}

export function assertValidEC2NodeClass(spec: IEC2NodeClassSpec): void {
    const problems = ec2NodeClassProblems(spec);
    throwIfProblems(`EC2NodeClass ${DEFAULT_NODE_CLASS} would be rejected by the v1.14.1 API server`, problems);
}
