// URNs as the Pulumi engine builds them, and the aliases it would match: pure functions shared by the recorder
// (tools/offline/recorder.ts), the stateful-URN check and the plan diff (tools/insight).

/** One entry of `aliases` as the SDK sends it: a full URN, or a spec whose empty fields mean "same as now". */
export type AliasSpec =
    | { urn: string }
    | { name: string; type: string; stack: string; project: string; parentUrn: string; noParent: boolean };

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The parts of a URN `urn:pulumi:<stack>::<project>::<qualified type>::<name>` (the name may contain `::`). */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; type: string; name: string } {
    const parts = urn.split("::");
    if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) throw new Error(`not a Pulumi URN: ${JSON.stringify(urn)}`);
    const qualifiedType = parts[2];
    return {
        stack: parts[0].slice("urn:pulumi:".length),
        project: parts[1],
        qualifiedType,
        type: qualifiedType.split("$").pop() ?? qualifiedType,
        name: parts.slice(3).join("::"),
    };
}

/**
 * The URN the engine assigns (resource.NewURN / CreateURN, sdk/go/common/resource/urn.go): the parent's whole
 * qualified type chain, then `$`, then the type; no prefix when the parent is the root stack or absent.
 */
export function engineUrn(stack: string, project: string, parentUrn: string | null | undefined, type: string, name: string): string {
    let qualified = type;
    if (parentUrn) {
        const parentType = parseUrn(parentUrn).qualifiedType;
        if (parentType !== ROOT_STACK_TYPE) qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** stepGenerator.collapseAliasToUrn: empty spec fields take the resource's own values. */
function collapseAlias(spec: AliasSpec, r: { type: string; name: string; parent: string | null }, parentOverride: string | null, stack: string, project: string): string {
    if ("urn" in spec) return spec.urn;
    let parent: string | null = spec.parentUrn ? (parentOverride ?? spec.parentUrn) : r.parent;
    if (spec.noParent || (parent && parseUrn(parent).qualifiedType === ROOT_STACK_TYPE)) parent = null;
    return engineUrn(spec.stack || stack, spec.project || project, parent, spec.type || r.type, spec.name || r.name);
}

/** stepGenerator.inheritedChildAlias: a child named `<parent name>-x` follows its parent's renamed prefix. */
function inheritedChildAlias(childType: string, childName: string, parentName: string, parentAlias: string, stack: string, project: string): string {
    const alias = parseUrn(parentAlias);
    const name = childName.startsWith(parentName) ? alias.name + childName.slice(parentName.length) : childName;
    const qualified = alias.qualifiedType === ROOT_STACK_TYPE ? childType : `${alias.qualifiedType}$${childType}`;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Every URN the engine could match this resource under (stepGenerator.generateAliases), given the aliases its
 * parent may have matched: its own specs collapsed (with the spec's parent, or any alias of that parent), and,
 * for each alias of its parent, the inherited child alias of its current and of each aliased name and type.
 */
export function resolveAliases(
    r: { type: string; name: string; parent: string | null; aliasSpecs: AliasSpec[] },
    aliasesOf: (urn: string) => string[],
    stack: string,
    project: string,
): string[] {
    const out: string[] = [];
    const add = (u: string) => {
        if (!out.includes(u)) out.push(u);
    };
    const own: string[] = [];
    for (const spec of r.aliasSpecs) {
        const urn = collapseAlias(spec, r, null, stack, project);
        own.push(urn);
        add(urn);
        if (!("urn" in spec) && spec.parentUrn && !spec.noParent) {
            for (const pa of aliasesOf(spec.parentUrn)) {
                const viaParentAlias = collapseAlias(spec, r, pa, stack, project);
                own.push(viaParentAlias);
                add(viaParentAlias);
            }
        }
    }
    if (r.parent) {
        const parentName = parseUrn(r.parent).name;
        for (const pa of aliasesOf(r.parent)) {
            add(inheritedChildAlias(r.type, r.name, parentName, pa, stack, project));
            for (const a of own) {
                const parsed = parseUrn(a);
                add(inheritedChildAlias(parsed.type, parsed.name, parentName, pa, stack, project));
            }
        }
    }
    return out;
}

