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

const UNREAD = Symbol("unread");

/** One HPA's fields, each read (through the unknown-checking proxy) at most once, when first needed. */
class HpaReads {
    private refValue: Record<string, unknown> | undefined | typeof UNREAD = UNREAD;
    private kindValue: string | undefined;
    private namespaceValue: string | typeof UNREAD = UNREAD;
    private nameValue: string | undefined | typeof UNREAD = UNREAD;
    private minValue: number | typeof UNREAD = UNREAD;

    constructor(readonly hpa: PolicyResource) {}

    /** scaleTargetRef.kind (undefined without a scaleTargetRef). */
    kind(): string | undefined {
        if (this.refValue === UNREAD) {
            this.refValue = obj(at(this.hpa.props, "spec", "scaleTargetRef"));
            this.kindValue = this.refValue ? str(this.refValue["kind"]) : undefined;
        }
        return this.kindValue;
    }
    namespace(): string {
        if (this.namespaceValue === UNREAD) this.namespaceValue = objectNamespace(this.hpa.props);
        return this.namespaceValue;
    }
    /** scaleTargetRef.name; only asked after kind(), so the ref has been read. */
    name(): string | undefined {
        if (this.nameValue === UNREAD) this.nameValue = this.refValue && this.refValue !== UNREAD ? str(this.refValue["name"]) : undefined;
        return this.nameValue;
    }
    minReplicas(): number {
        if (this.minValue === UNREAD) this.minValue = num(at(this.hpa.props, "spec", "minReplicas")) ?? 1;
        return this.minValue;
    }
}

/** The same for a workload: its namespace and its explicit metadata.name. */
class WorkloadReads {
    private namespaceValue: string | typeof UNREAD = UNREAD;
    private explicitValue: string | undefined | typeof UNREAD = UNREAD;

    constructor(readonly w: PolicyResource) {}

    namespace(): string {
        if (this.namespaceValue === UNREAD) this.namespaceValue = objectNamespace(this.w.props);
        return this.namespaceValue;
    }
    /** refersTo: the explicit name, else the logical name or `<logical name>-<suffix>`. */
    isNamed(refName: string): boolean {
        const explicit = this.explicitName();
        if (explicit !== undefined) return refName === explicit;
        return refName === this.w.name || refName.startsWith(`${this.w.name}-`);
    }
    explicitName(): string | undefined {
        if (this.explicitValue === UNREAD) this.explicitValue = str(at(this.w.props, "metadata", "name"));
        return this.explicitValue;
    }
}

/** Members by scaleTargetRef.name, in order; only for members whose names have been read. */
function indexByName(members: HpaReads[]): Map<string, HpaReads[]> {
    const byName = new Map<string, HpaReads[]>();
    for (const h of members) {
        const name = h.name();
        if (name === undefined) continue;
        const same = byName.get(name);
        if (same) same.push(h);
        else byName.set(name, [h]);
    }
    return byName;
}

/** The HPAs of one target kind in one namespace, in resource order. */
interface HpaGroup {
    members: HpaReads[];
    /** Every member's name has been read (a scan of the group ran); then `byName` indexes them. */
    byName?: Map<string, HpaReads[]>;
}

/**
 * Maps each scalable workload (by URN) to the HPA that scales it, if any (the last matching HPA when several
 * do). The result, and the order in which values are first read, are those of the plain scan of every HPA
 * for every workload (so a value unknown during preview stops the policy at the same read and gives the same
 * advisory "can't run" diagnostic): each value is read once and remembered, and a workload scans only what it
 * could still read for the first time. The first workload of a kind scans every HPA; later ones the HPAs of
 * that kind in their namespace, once; after that a name lookup. Linear, instead of one comparison per pair.
 */
export function hpaTargets(resources: PolicyResource[]): Map<string, HpaTarget> {
    const out = new Map<string, HpaTarget>();
    const hpas = resources.filter((r) => HPA_TYPES.has(r.type)).map((h) => new HpaReads(h));
    if (hpas.length === 0) return out;
    const byKind = new Map<string, Map<string, HpaGroup>>();
    const match = (w: WorkloadReads, h: HpaReads) => out.set(w.w.urn, { hpa: h.hpa, minReplicas: h.minReplicas() });
    /** The scan of one group for one workload, reading names as the plain scan would. */
    const scanGroup = (w: WorkloadReads, g: HpaGroup) => {
        for (const h of g.members) {
            const name = h.name();
            if (name !== undefined && w.isNamed(name)) match(w, h);
        }
        g.byName = indexByName(g.members);
    };
    for (const r of resources) {
        const t = WORKLOAD_TYPES[r.type];
        if (!t || !SCALABLE_KINDS.has(t.kind)) continue;
        const w = new WorkloadReads(r);
        let groups = byKind.get(t.kind);
        if (!groups) {
            // The first workload of this kind: the plain scan over every HPA, grouping them as it goes.
            groups = new Map();
            byKind.set(t.kind, groups);
            for (const h of hpas) {
                if (h.kind() !== t.kind) continue;
                const ns = h.namespace();
                const group = groups.get(ns) ?? { members: [] };
                group.members.push(h);
                groups.set(ns, group);
                if (ns !== w.namespace()) continue;
                const name = h.name();
                if (name !== undefined && w.isNamed(name)) match(w, h);
            }
            // The names in the workload's own namespace have all been read now: index them (reads nothing new).
            const own = groups.size > 0 ? groups.get(w.namespace()) : undefined;
            if (own) own.byName = indexByName(own.members);
            continue;
        }
        if (groups.size === 0) continue; // no HPA targets this kind: the plain scan reads nothing of the workload
        const group = groups.get(w.namespace());
        if (!group) continue;
        if (!group.byName) {
            scanGroup(w, group);
            continue;
        }
        if (group.byName.size === 0) continue; // no member has a name: isNamed is never asked
        const explicit = w.explicitName();
        const matches = explicit !== undefined ? (group.byName.get(explicit) ?? []) : group.members.filter((h) => h.name() !== undefined && w.isNamed(h.name() as string));
        for (const h of matches) match(w, h);
    }
    return out;
}
