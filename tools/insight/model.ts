// What the insight modules (cost, deploy time, diff, reports) read of a plan: the resources as the plan JSON
// records them, with plain inputs. Kept free of the Pulumi runtime so that the policy pack can use the same model.

export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    custom?: boolean;
    protect?: boolean;
    /** URNs this resource waits for (dependsOn, Output dependencies, explicit provider). */
    dependencies?: string[];
    /** URNs the engine could find it under in an earlier state. */
    aliases?: string[];
    inputs: Record<string, unknown>;
}

export const STACK_TYPE = "pulumi:pulumi:Stack";
export const PLATFORM_TYPE = "platform:index:Platform";

/**
 * The platform layer a resource belongs to: the logical name of its ancestor that is a direct child of the
 * Platform component ("network", "data", ...); "(platform)" for the Platform itself, "(stack)" outside it.
 * The same rule as the plan's per-layer resource counts.
 */
export function layerResolver(resources: { urn: string; type: string; name: string; parent: string | null }[]): (urn: string) => string {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const cache = new Map<string, string>();
    const resolve = (urn: string): string => {
        const hit = cache.get(urn);
        if (hit !== undefined) return hit;
        const r = byUrn.get(urn);
        let layer = "(stack)";
        if (r) {
            const parent = r.parent ? byUrn.get(r.parent) : undefined;
            if (r.type === PLATFORM_TYPE) layer = "(platform)";
            else if (parent?.type === PLATFORM_TYPE) layer = r.name;
            else if (parent && parent.type !== STACK_TYPE) layer = resolve(parent.urn);
        }
        cache.set(urn, layer);
        return layer;
    };
    return resolve;
}

/** Reads a nested value by a dotted path ("spec.group.name"); undefined when any step is missing. */
export function at(v: unknown, path: string): unknown {
    let cur: unknown = v;
    for (const part of path.split(".")) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
}

export function num(v: unknown): number | undefined {
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    return undefined;
}

export function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** A Kubernetes memory/storage quantity ("10Gi", "500Mi", "1G", "1073741824") in GiB; undefined if not one. */
export function quantityGiB(q: unknown): number | undefined {
    if (typeof q === "number") return q / 2 ** 30;
    if (typeof q !== "string") return undefined;
    const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(q.trim());
    if (!m) return undefined;
    const n = Number(m[1]);
    const factor: Record<string, number> = {
        Ki: 2 ** -20,
        Mi: 2 ** -10,
        Gi: 1,
        Ti: 2 ** 10,
        Pi: 2 ** 20,
        k: 1e3 / 2 ** 30,
        M: 1e6 / 2 ** 30,
        G: 1e9 / 2 ** 30,
        T: 1e12 / 2 ** 30,
        P: 1e15 / 2 ** 30,
    };
    return m[2] ? n * factor[m[2]] : n / 2 ** 30;
}

/** A Kubernetes CPU quantity ("250m", "1", "0.5") in millicores; undefined if not one. */
export function cpuMillis(q: unknown): number | undefined {
    if (typeof q === "number") return q * 1000;
    if (typeof q !== "string") return undefined;
    const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(q.trim());
    if (!m) return undefined;
    return m[2] === "m" ? Number(m[1]) : Number(m[1]) * 1000;
}

export function round2(n: number): number {
    return Math.round(n * 100) / 100;
}

/** Plain-object key order, for deterministic output. */
export function sortedRecord<T>(o: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
