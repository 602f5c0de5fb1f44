// Which HorizontalPodAutoscaler scales which workload: shared by the resource policies (operations.ts,
// workload-min-replicas) and the stack policies (stack.ts, pdb-required and hpa-cpu-requests).
import type { PolicyResource } from "@pulumi/policy";
import { at, num, obj, str } from "../lib";
import { HPA_TYPES, SCALABLE_KINDS, WORKLOAD_TYPES, objectNamespace } from "./workloads";

/** Does an HPA's scaleTargetRef name this workload? Auto-named objects match on `<logical name>-<suffix>`. */
export function refersTo(refName: string, r: PolicyResource): boolean {
    const explicit = str(at(r.props, "metadata", "name"));
    if (explicit !== undefined) return refName === explicit;
    return refName === r.name || refName.startsWith(`${r.name}-`);
}

export interface HpaTarget {
    hpa: PolicyResource;
    minReplicas: number;
}

/** Maps each scalable workload (by URN) to the HPA that scales it, if any. */
export function hpaTargets(resources: PolicyResource[]): Map<string, HpaTarget> {
    const out = new Map<string, HpaTarget>();
    const hpas = resources.filter((r) => HPA_TYPES.has(r.type));
    if (hpas.length === 0) return out;
    for (const w of resources) {
        const t = WORKLOAD_TYPES[w.type];
        if (!t || !SCALABLE_KINDS.has(t.kind)) continue;
        for (const h of hpas) {
            const ref = obj(at(h.props, "spec", "scaleTargetRef"));
            if (!ref || str(ref["kind"]) !== t.kind) continue;
            if (objectNamespace(h.props) !== objectNamespace(w.props)) continue;
            const name = str(ref["name"]);
            if (name === undefined || !refersTo(name, w)) continue;
            out.set(w.urn, { hpa: h, minReplicas: num(at(h.props, "spec", "minReplicas")) ?? 1 });
        }
    }
    return out;
}
