// What a change changes: the plan of this branch against a plan JSON of the base branch. Resources are matched
// by URN or through the recorded aliases (as the engine finds an old state); inputs are compared path by path
// (secrets are "[secret]" in both plans, so they compare by presence only); a change of a field the provider
// cannot update is a replacement (replace.ts); policy verdicts and the cost are compared too.
import type { PolicyViolation } from "../offline/policyRunner";
import { engineUrn, parseUrn } from "../offline/urn";
import { CostJson, estimateCost } from "./cost";
import { PlanResource, STACK_TYPE, round2 } from "./model";
import { inPlaceNotes, replacingFields } from "./replace";
import { isStateful } from "./stateful";

/** The parts of a plan JSON the diff reads (older plans may lack dependencies, aliases and cost). */
export interface PlanLike {
    project: string;
    stack: string;
    resources: PlanResource[];
    policies?: { violations: PolicyViolation[] };
    cost?: CostJson;
    capacity?: unknown;
}

/** The `diff` section of the plan JSON (fields exactly as the issue specifies). */
export interface DiffJson {
    base: string;
    added: string[];
    removed: string[];
    changed: { urn: string; paths: string[]; replace: boolean }[];
    policy: { appeared: PolicyViolation[]; cleared: PolicyViolation[] };
    costDeltaUsd: number;
}

export interface DiffDetail {
    json: DiffJson;
    /** Replacements with the force-new fields that cause them. */
    replacements: { urn: string; type: string; fields: string[]; stateful: boolean }[];
    /** Stateful resources of the base that the plan no longer declares (they would be deleted). */
    statefulRemoved: { urn: string; type: string }[];
    /** In-place updates worth a reviewer's attention (e.g. an RDS rename changes the endpoint). */
    notes: { urn: string; note: string }[];
    /** Resources found through an alias: base URN -> planned URN. */
    moved: { from: string; to: string }[];
    baseCostUsd: number;
}

/**
 * Rewrites a plan's URNs to the engine's form by walking its parent chain. Plans recorded before the recorder
 * used engine-exact URNs qualified a child with its immediate parent's type only; this makes them comparable.
 */
export function normalizeUrns(plan: PlanLike): { plan: PlanLike; mapping: Map<string, string> } {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const mapping = new Map<string, string>();
    const resolve = (urn: string, seen: Set<string> = new Set()): string => {
        const hit = mapping.get(urn);
        if (hit) return hit;
        const r = byUrn.get(urn);
        if (!r || seen.has(urn)) return urn;
        seen.add(urn);
        const { stack, project } = parseUrn(urn);
        const parent = r.parent ? resolve(r.parent, seen) : null;
        const out = engineUrn(stack, project, parent, r.type, r.name);
        mapping.set(urn, out);
        return out;
    };
    for (const r of plan.resources) resolve(r.urn);
    const map = (u: string) => mapping.get(u) ?? u;
    const resources = plan.resources.map((r) => ({
        ...r,
        urn: map(r.urn),
        parent: r.parent ? map(r.parent) : null,
        dependencies: r.dependencies?.map(map),
        aliases: r.aliases ?? [],
    }));
    const violations = (plan.policies?.violations ?? []).map((v) => ({ ...v, urn: v.urn ? map(v.urn) : v.urn }));
    return { plan: { ...plan, resources, policies: { violations } }, mapping };
}

function isPlain(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Paths where two input trees differ ("spec.replicas", "rules[2].action"); a whole subtree when added or removed. */
export function changedPaths(a: unknown, b: unknown, prefix = ""): string[] {
    if (isPlain(a) && isPlain(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => {
            const p = prefix ? `${prefix}.${k}` : k;
            if (!(k in a) || !(k in b)) return [p];
            return changedPaths(a[k], b[k], p);
        });
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) return [prefix || "(root)"];
        return a.flatMap((x, i) => changedPaths(x, b[i], `${prefix}[${i}]`));
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || "(root)"];
}

function violationKey(v: PolicyViolation): string {
    return `${v.policy}\u0000${v.urn ?? ""}\u0000${v.enforcement}\u0000${v.message}`;
}

function byPolicyThenUrn(a: PolicyViolation, b: PolicyViolation): number {
    return a.policy.localeCompare(b.policy) || (a.urn ?? "").localeCompare(b.urn ?? "") || a.message.localeCompare(b.message);
}

export interface DiffOptions {
    /** How the base is named in the output (the file given to --diff). */
    baseLabel: string;
    /** Region of the current plan; the base is priced with the same table, so the delta is the change's. */
    region: string;
    /** The current plan's cost (already computed). */
    currentCost: CostJson;
}

export function diffPlans(baseRaw: PlanLike, current: PlanLike, opts: DiffOptions): DiffDetail {
    const base = normalizeUrns(baseRaw).plan;
    const own = (rs: PlanResource[]) => rs.filter((r) => r.type !== STACK_TYPE);
    const baseByUrn = new Map(own(base.resources).map((r) => [r.urn, r]));
    const matched = new Map<string, PlanResource>(); // current urn -> base resource
    const taken = new Set<string>();
    const moved: { from: string; to: string }[] = [];
    for (const c of own(current.resources)) {
        for (const u of [c.urn, ...(c.aliases ?? [])]) {
            const b = baseByUrn.get(u);
            if (b && !taken.has(u)) {
                matched.set(c.urn, b);
                taken.add(u);
                if (u !== c.urn) moved.push({ from: u, to: c.urn });
                break;
            }
        }
    }
    const added = own(current.resources).filter((c) => !matched.has(c.urn)).map((c) => c.urn).sort();
    const removedRs = own(base.resources).filter((b) => !taken.has(b.urn));
    const changed: DiffJson["changed"] = [];
    const replacements: DiffDetail["replacements"] = [];
    const notes: DiffDetail["notes"] = [];
    for (const c of own(current.resources)) {
        const b = matched.get(c.urn);
        if (!b) continue;
        const paths = changedPaths(b.inputs, c.inputs);
        if ((b.protect ?? false) !== (c.protect ?? false)) paths.push("(protect)");
        if (paths.length === 0) continue;
        const fields = replacingFields(c.type, paths, b.inputs, c.inputs);
        changed.push({ urn: c.urn, paths, replace: fields.length > 0 });
        if (fields.length > 0) replacements.push({ urn: c.urn, type: c.type, fields, stateful: isStateful(c.type) });
        else for (const note of inPlaceNotes(c.type, paths)) notes.push({ urn: c.urn, note });
    }
    changed.sort((x, y) => x.urn.localeCompare(y.urn));

    // Policy verdicts, with the base's URNs carried over to the planned resource they matched.
    const toCurrent = new Map<string, string>();
    for (const [cu, b] of matched) toCurrent.set(b.urn, cu);
    const baseViolations = (base.policies?.violations ?? []).map((v) => ({ ...v, urn: v.urn ? (toCurrent.get(v.urn) ?? v.urn) : v.urn }));
    const currentViolations = current.policies?.violations ?? [];
    const baseKeys = new Set(baseViolations.map(violationKey));
    const currentKeys = new Set(currentViolations.map(violationKey));
    const appeared = currentViolations.filter((v) => !baseKeys.has(violationKey(v))).sort(byPolicyThenUrn);
    const cleared = baseViolations.filter((v) => !currentKeys.has(violationKey(v))).sort(byPolicyThenUrn);

    const baseCost = estimateCost(base.resources, { region: opts.region, capacity: base.capacity });
    return {
        json: {
            base: opts.baseLabel,
            added,
            removed: removedRs.map((r) => r.urn).sort(),
            changed,
            policy: { appeared, cleared },
            costDeltaUsd: round2(opts.currentCost.monthlyUsd - baseCost.json.monthlyUsd),
        },
        replacements,
        statefulRemoved: removedRs.filter((r) => isStateful(r.type)).map((r) => ({ urn: r.urn, type: r.type })).sort((a, b) => a.urn.localeCompare(b.urn)),
        notes,
        moved: moved.sort((a, b) => a.to.localeCompare(b.to)),
        baseCostUsd: baseCost.json.monthlyUsd,
    };
}

/** Stateful replacements and deletions: what a reviewer must see first. */
export function statefulAlarms(d: DiffDetail): string[] {
    return [
        ...d.replacements.filter((r) => r.stateful).map((r) => `${r.urn} would be REPLACED (changed: ${r.fields.join(", ")})`),
        ...d.statefulRemoved.map((r) => `${r.urn} would be DELETED (no longer declared, no alias)`),
    ];
}
