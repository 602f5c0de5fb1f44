// Where platform pods run. Two pools:
//   - system: the tainted on-demand managed node group (small controllers; exists before anything else);
//   - platform: a dedicated on-demand Karpenter NodePool for heavier or stateful add-ons (Prometheus, Loki, Vault, ...),
//     so they never sit on the spot capacity the applications churn.
// A Placement carries the nodeSelector and tolerations a chart needs and what its release must wait for.
import * as pulumi from "@pulumi/pulumi";

export type PoolName = "system" | "platform";

export interface Toleration {
    key: string;
    operator: "Exists" | "Equal";
    value?: string;
    effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}

export interface Placement {
    pool: PoolName;
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
    /** Resources a release placed here must wait for (the node group, or the NodePool). */
    dependsOn: pulumi.Resource[];
}

export interface TopologySpreadConstraint {
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
    labelSelector?: { matchLabels: Record<string, string> };
}

/** The taint that keeps everything but controllers off the system nodes. */
export const SYSTEM_NODE_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" } as const;
export const SYSTEM_NODE_TOLERATION: Toleration = { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" };
export const SYSTEM_NODE_LABEL = { "platform.io/node-pool": "system" } as const;

/** The platform pool's taint and label (the Karpenter NodePool "platform" sets both on its nodes). */
export const PLATFORM_POOL_NAME = "platform";
export const PLATFORM_POOL_TAINT = { key: "platform.io/pool", value: "platform", effect: "NoSchedule" } as const;
export const PLATFORM_POOL_TOLERATION: Toleration = { key: "platform.io/pool", operator: "Equal", value: "platform", effect: "NoSchedule" };
export const PLATFORM_POOL_LABEL = { "platform.io/node-pool": "platform" } as const;

/** Spread replicas over zones (and so survive an AZ loss); a label selector is needed unless the chart adds its own. */
export function zoneSpread(
    matchLabels?: Record<string, string>,
    whenUnsatisfiable: TopologySpreadConstraint["whenUnsatisfiable"] = "ScheduleAnyway",
): TopologySpreadConstraint[] {
    return [
        {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable,
            ...(matchLabels ? { labelSelector: { matchLabels: { ...matchLabels } } } : {}),
        },
    ];
}
