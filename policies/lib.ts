// Small, proxy-safe accessors shared by every policy module.
//
// Policies receive `props` wrapped in @pulumi/policy's unknown-checking proxy: reading a value that is
// unknown during preview throws UnknownValueError, which the policy server turns into an advisory
// "can't run ... during preview" diagnostic. These helpers therefore READ values normally (never catch
// errors) and never copy whole objects (copying would read, and trip on, unrelated unknown fields).
import type { PolicyResource, ReportViolation, ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** An array input as a plain array of (still proxied) elements; anything else is empty. */
export function arr(v: unknown): unknown[] {
    if (!Array.isArray(v)) return [];
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(v[i]);
    return out;
}

export function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** Booleans arrive as booleans, but some provider schemas (and YAML) carry them as strings. */
export function bool(v: unknown): boolean | undefined {
    if (typeof v === "boolean") return v;
    if (v === "true") return true;
    if (v === "false") return false;
    return undefined;
}

export function num(v: unknown): number | undefined {
    if (typeof v === "number") return v;
    if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
    return undefined;
}

/** Reads a nested path; stops (undefined) at the first missing or non-object step. */
export function at(v: unknown, ...path: string[]): unknown {
    let cur: unknown = v;
    for (const p of path) {
        const o = obj(cur);
        if (!o) return undefined;
        cur = o[p];
    }
    return cur;
}

/** String map (labels, annotations, tags) as a plain object; non-string values are dropped. */
export function stringMap(v: unknown): Record<string, string> {
    const o = obj(v);
    const out: Record<string, string> = {};
    if (!o) return out;
    for (const k of Object.keys(o)) {
        const val = o[k];
        if (typeof val === "string") out[k] = val;
    }
    return out;
}

export function quoteList(items: string[]): string {
    return items.map((i) => `"${i}"`).join(", ");
}

/** Glob with `*` (any run of characters), anchored. */
export function globMatch(pattern: string, value: string): boolean {
    const re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    return re.test(value);
}

/**
 * Which resource types a policy judges, when it declares them: a resource policy's validation returns at
 * once, reading nothing, for any other type; a stack policy reads nothing of the other resources but their
 * `type` and `urn` (it never follows a dependency or a parent to one of them). `config` is the policy's
 * resolved configuration (what `args.getConfig()` returns). The CLI ignores the declaration; the offline
 * runner (tools/offline/policyRunner.ts) uses it to skip calls that cannot report anything, as
 * @pulumi/policy itself skips a policy whose validateResource carries a single Pulumi type (server.js,
 * the getPulumiType fast check). The filter a policy declares is the one its code applies.
 */
export type TypeFilter = (type: string, config: Record<string, unknown>) => boolean;

const TYPE_FILTERS = new WeakMap<object, TypeFilter>();

export function judgesOnly<P extends ResourceValidationPolicy | StackValidationPolicy>(policy: P, filter: TypeFilter): P {
    TYPE_FILTERS.set(policy, filter);
    return policy;
}

export function typeFilterOf(policy: object): TypeFilter | undefined {
    return TYPE_FILTERS.get(policy);
}

/** A resource policy that only looks at the types `applies` accepts (declared with judgesOnly). */
export function filteredResourcePolicy(
    p: Omit<ResourceValidationPolicy, "validateResource"> & {
        applies: (type: string) => boolean;
        validate: ResourceValidation;
    },
): ResourceValidationPolicy {
    const { applies, validate, ...rest } = p;
    return judgesOnly(
        {
            ...rest,
            validateResource: (args, report) => {
                if (!applies(args.type)) return;
                return validate(args, report);
            },
        },
        (type) => applies(type),
    );
}

/** A resource policy that only looks at the given type tokens. */
export function resourcePolicy(
    p: Omit<ResourceValidationPolicy, "validateResource"> & {
        types: readonly string[];
        validate: ResourceValidation;
    },
): ResourceValidationPolicy {
    const { types, ...rest } = p;
    const set = new Set(types);
    return filteredResourcePolicy({ ...rest, applies: (type) => set.has(type) });
}

export type { PolicyResource, ReportViolation, StackValidationPolicy };
