// Shared by the logging layer's values builders: placement subset, resources blocks, per-pod sums.
import { cpuMillis, memoryMiB } from "../../lib/capacity";
import type { Placement } from "../../lib/placement";
import type { Resources } from "../config";

export type { PodDemand } from "../../lib/capacity";

/** What the values builders need to know about where pods go. */
export type PodPlacement = Pick<Placement, "nodeSelector" | "tolerations">;

/** Chart values: untyped JSON. */
export type Values = Record<string, unknown>;

/** Kubernetes resources block: requests for CPU and memory, a memory limit and no CPU limit (no throttling). */
export function resourcesOf(r: Resources): { requests: { cpu: string; memory: string }; limits: { memory: string } } {
    return { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memoryLimit } };
}

/** Sum of the containers of one pod (millicores and MiB), for pods with sidecars. */
export function sumResources(parts: Resources[]): Resources {
    const sum = (f: (p: Resources) => number) => Math.round(parts.reduce((n, p) => n + f(p), 0));
    return {
        cpu: `${sum((p) => cpuMillis(p.cpu))}m`,
        memory: `${sum((p) => memoryMiB(p.memory))}Mi`,
        memoryLimit: `${sum((p) => memoryMiB(p.memoryLimit))}Mi`,
    };
}

/** Copies a placement into chart values (so values never share objects with the contract). */
export function placementValues(p: PodPlacement): { nodeSelector: Record<string, string>; tolerations: PodPlacement["tolerations"] } {
    return { nodeSelector: { ...p.nodeSelector }, tolerations: p.tolerations.map((t) => ({ ...t })) };
}
