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

interface HpaRef {
    hpa: PolicyResource;
    ref: Record<string, unknown>;
}

/** HPAs of one target kind in one namespace; their `scaleTargetRef.name`s are read on first use. */
interface HpaGroup {
    refs: HpaRef[];
    names?: (string | undefined)[];
    byName?: Map<string, HpaRef[]>;
}

/**
 * Maps each scalable workload (by URN) to the HPA that scales it, if any (the last matching HPA when
 * several do). Indexed by target kind, namespace and name, so a set of thousands of workloads and HPAs
 * costs linear time, not one comparison per pair. Every value is read at most once and in the order a
 * pairwise scan (each workload against each HPA) would first read it, so a value unknown during preview
 * stops the policy at the same read (and the same advisory "can't run" diagnostic) as that scan.
 */
export function hpaTargets(resources: PolicyResource[]): Map<string, HpaTarget> {
    const out = new Map<string, HpaTarget>();
    const hpas = resources.filter((r) => HPA_TYPES.has(r.type));
    if (hpas.length === 0) return out;
    let refs: { hpa: PolicyResource; ref: Record<string, unknown> | undefined; kind: string | undefined }[] | undefined;
    const byKind = new Map<string, { all: HpaRef[]; byNamespace?: Map<string, HpaGroup> }>();
    for (const w of resources) {
        const t = WORKLOAD_TYPES[w.type];
        if (!t || !SCALABLE_KINDS.has(t.kind)) continue;
        refs ??= hpas.map((hpa) => {
            const ref = obj(at(hpa.props, "spec", "scaleTargetRef"));
            return { hpa, ref, kind: ref ? str(ref["kind"]) : undefined };
        });
        let kind = byKind.get(t.kind);
        if (!kind) {
            kind = { all: refs.filter((r) => r.ref !== undefined && r.kind === t.kind).map((r) => ({ hpa: r.hpa, ref: r.ref as Record<string, unknown> })) };
            byKind.set(t.kind, kind);
        }
        if (kind.all.length === 0) continue;
        let namespace: string | undefined;
        if (!kind.byNamespace) {
            // The first workload of this kind: the scan reads each HPA's namespace, then the workload's.
            const byNamespace = new Map<string, HpaGroup>();
            for (const h of kind.all) {
                const ns = objectNamespace(h.hpa.props);
                namespace ??= objectNamespace(w.props);
                const group = byNamespace.get(ns) ?? { refs: [] };
                group.refs.push(h);
                byNamespace.set(ns, group);
            }
            kind.byNamespace = byNamespace;
        }
        namespace ??= objectNamespace(w.props);
        const group = kind.byNamespace.get(namespace);
        if (!group) continue;
        // Each HPA's target name, then (after the first name) the workload's own metadata.name.
        const NOT_READ = Symbol("not read");
        let explicit: string | undefined | typeof NOT_READ = NOT_READ;
        const readExplicit = () => str(at(w.props, "metadata", "name"));
        if (!group.names) {
            group.names = [];
            group.byName = new Map();
            for (const h of group.refs) {
                const name = str(h.ref["name"]);
                group.names.push(name);
                if (name === undefined) continue;
                if (explicit === NOT_READ) explicit = readExplicit();
                const same = group.byName.get(name);
                if (same) same.push(h);
                else group.byName.set(name, [h]);
            }
        }
        if (group.names.every((n) => n === undefined)) continue;
        if (explicit === NOT_READ) explicit = readExplicit();
        let matches: HpaRef[];
        if (explicit !== undefined) matches = group.byName?.get(explicit) ?? [];
        else {
            const logical = w.name;
            matches = group.refs.filter((_, i) => {
                const n = group.names?.[i];
                return n !== undefined && (n === logical || n.startsWith(`${logical}-`));
            });
        }
        for (const h of matches) out.set(w.urn, { hpa: h.hpa, minReplicas: num(at(h.hpa.props, "spec", "minReplicas")) ?? 1 });
    }
    return out;
}
