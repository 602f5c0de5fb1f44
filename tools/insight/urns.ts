// "No replacement hidden in a refactor": the URNs of the stateful resources of a stack, snapshotted from a
// known-good commit, must each still be found in the plan, under the same URN or through a recorded alias
// (how the engine finds the old state of a renamed or re-parented resource). A URN that is not found is a
// delete-and-create in `pulumi up` (or, with `protect`, a refused update).
import { parseUrn } from "../offline/urn";
import { isStateful } from "./stateful";

export interface UrnSnapshot {
    stack: string;
    /** Where the snapshot was taken (commit) and how to take it again. */
    source: string;
    resources: { urn: string; type: string }[];
}

/** What the check needs of a planned resource: its URN and every URN the engine could match it under. */
export interface ResourceIdentity {
    urn: string;
    type: string;
    aliases: string[];
}

export interface Replacement {
    urn: string;
    type: string;
    /** Why it would be replaced, and the likely new URN when one with the same type and name exists. */
    reason: string;
}

export function takeSnapshot(stack: string, source: string, resources: { urn: string; type: string }[]): UrnSnapshot {
    const stateful = resources
        .filter((r) => isStateful(r.type))
        .map((r) => ({ urn: r.urn, type: r.type }))
        .sort((a, b) => a.urn.localeCompare(b.urn));
    return { stack, source, resources: stateful };
}

/**
 * The snapshot's stateful URNs that the plan would replace: found neither as a URN nor as an alias, or claimed
 * by two resources (the engine rejects that: "Duplicate resource URN / alias").
 */
export function replacedStateful(snapshot: UrnSnapshot, current: ResourceIdentity[]): Replacement[] {
    const claims = new Map<string, string[]>();
    for (const r of current) {
        for (const u of [r.urn, ...r.aliases]) claims.set(u, [...(claims.get(u) ?? []), r.urn]);
    }
    const out: Replacement[] = [];
    for (const old of snapshot.resources) {
        const by = claims.get(old.urn) ?? [];
        if (by.length > 1) {
            out.push({ urn: old.urn, type: old.type, reason: `claimed by ${by.length} resources (${by.join(", ")}): the engine refuses duplicate aliases` });
            continue;
        }
        if (by.length === 1) continue;
        const { name } = parseUrn(old.urn);
        const moved = current.filter((r) => r.type === old.type && parseUrn(r.urn).name === name);
        const hint =
            moved.length === 1
                ? `; it is now ${moved[0].urn}: add an alias to the old URN (e.g. aliases: [{ parent: <old parent> }] or the URN itself)`
                : "; no resource of this type and name remains: it would be deleted";
        out.push({ urn: old.urn, type: old.type, reason: `no planned resource has this URN or an alias to it${hint}` });
    }
    return out;
}

/** Stateful URNs of the plan that the snapshot does not know (new resources: created, nothing replaced). */
export function newStateful(snapshot: UrnSnapshot, current: ResourceIdentity[]): string[] {
    const known = new Set(snapshot.resources.map((r) => r.urn));
    return current.filter((r) => isStateful(r.type) && !known.has(r.urn) && !r.aliases.some((a) => known.has(a))).map((r) => r.urn).sort();
}
