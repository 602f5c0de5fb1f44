// Small checkers the observability specs share: values key paths against upstream, a structural openAPIV3Schema check,
// and PromQL parsed with Prometheus's own grammar (@prometheus-io/lezer-promql).
import { parser } from "@prometheus-io/lezer-promql";
import { Schema } from "./fixtures/upstream";

export function isMap(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Key paths we set that upstream does not declare; a declared path without declared children is free-form. */
export function unknownKeys(ours: Record<string, unknown>, declared: readonly string[], prefix = ""): string[] {
    const out: string[] = [];
    for (const [k, v] of Object.entries(ours)) {
        const key = `${prefix}${k}`;
        if (!declared.includes(key)) {
            out.push(key);
            continue;
        }
        const hasChildren = declared.some((d) => d.startsWith(`${key}.`));
        if (isMap(v) && hasChildren) out.push(...unknownKeys(v, declared, `${key}.`));
    }
    return out;
}

function regex(pattern: string): RegExp {
    // Go's inline (?i) flag has no JS spelling: turn it into the i flag.
    return pattern.startsWith("^(?i)") ? new RegExp(`^${pattern.slice(5)}`, "i") : new RegExp(pattern);
}

export function validate(value: unknown, schema: Schema, at: string): string[] {
    if (schema.intOrString) return typeof value === "string" || Number.isInteger(value) ? [] : [`${at}: expected an integer or a string`];
    const problems: string[] = [];
    switch (schema.type) {
        case "object": {
            if (!isMap(value)) return [`${at}: expected an object`];
            for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${at}.${r}: required`);
            for (const [k, v] of Object.entries(value)) {
                const sub = schema.properties?.[k] ?? schema.additionalProperties;
                if (!sub) problems.push(`${at}.${k}: not in the schema`);
                else problems.push(...validate(v, sub, `${at}.${k}`));
            }
            return problems;
        }
        case "array":
            if (!Array.isArray(value)) return [`${at}: expected an array`];
            return value.flatMap((v, i) => (schema.items ? validate(v, schema.items, `${at}[${i}]`) : []));
        case "string":
            if (typeof value !== "string") return [`${at}: expected a string, found ${JSON.stringify(value)}`];
            if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
            if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${value} not in ${schema.enum.join(", ")}`);
            if (schema.pattern && !regex(schema.pattern).test(value)) problems.push(`${at}: ${value} does not match ${schema.pattern}`);
            return problems;
        case "integer":
            return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${at}: expected a boolean`];
        default:
            return [`${at}: schema type ${String(schema.type)} not handled by this check`];
    }
}

/** Functions whose argument must be a range vector (Prometheus docs "Functions"). */
const RANGE_FUNCTIONS = new Set(["rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "quantile_over_time", "last_over_time", "changes", "resets"]);

/** Syntax errors (and range-function misuse) of a PromQL expression; empty when it parses. */
export function promqlProblems(expr: string): string[] {
    const tree = parser.parse(expr);
    const out: string[] = [];
    tree.iterate({
        enter: (n) => {
            if (n.type.isError) out.push(`syntax error at ${n.from}: …${expr.slice(Math.max(0, n.from - 20), n.from + 20)}…`);
            if (n.name === "FunctionCall") {
                const fn = n.node.getChild("FunctionIdentifier");
                const name = fn ? expr.slice(fn.from, fn.to) : "";
                const first = n.node.getChild("FunctionCallBody")?.firstChild;
                if (RANGE_FUNCTIONS.has(name) && !(first && (first.name === "MatrixSelector" || first.name === "SubqueryExpr"))) {
                    out.push(`${name}() needs a range vector as its first argument`);
                }
            }
        },
    });
    if (tree.topNode.name !== "PromQL") out.push("not a PromQL tree");
    return out;
}
