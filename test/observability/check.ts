// Small checkers the observability specs share: values key paths against upstream, a structural openAPIV3Schema check,
// and PromQL parsed with Prometheus's own grammar (@prometheus-io/lezer-promql).
import { parser } from "@prometheus-io/lezer-promql";
import { Schema } from "./fixtures/upstream";
import { isMap, unknownKeys } from "../lib/upstream";
export { isMap, unknownKeys };


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

type PromNode = ReturnType<typeof parser.parse>["topNode"];

const ARITHMETIC = new Set(["Add", "Sub", "Mul", "Div", "Mod", "Pow", "Atan2"]);
const SCALARS = new Set(["NumberDurationLiteral", "NumberLiteral", "StringLiteral"]);

function unparen(n: PromNode): PromNode {
    let x = n;
    while (x.name === "ParenExpr" && x.firstChild) x = x.firstChild;
    return x;
}

function children(n: PromNode): PromNode[] {
    const out: PromNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
}

function selectorNames(n: PromNode, expr: string): string[] {
    const out: string[] = [];
    const cursor = n.cursor();
    const end = n.to;
    do {
        if (cursor.from >= end) break;
        if (cursor.name === "VectorSelector") {
            const id = cursor.node.getChild("Identifier");
            if (id) out.push(expr.slice(id.from, id.to));
        }
    } while (cursor.next());
    return out;
}

/**
 * Vector arithmetic (a + b, a / b) drops every label set one side lacks, so an operand that reads a metric which may
 * have no series at all (CloudWatch publishes some metrics only when non-zero, and YACE exports only what ListMetrics
 * lists) empties the whole result: such an operand must be guarded with `or` (a fallback series). Returns one problem
 * per unguarded operand.
 */
export function unguardedSparseOperands(expr: string, sparse: ReadonlySet<string>): string[] {
    const tree = parser.parse(expr);
    const reads = (n: PromNode) => selectorNames(n, expr).filter((m) => sparse.has(m));
    const guarded = (node: PromNode): boolean => {
        const n = unparen(node);
        if (reads(n).length === 0) return true;
        if (n.name === "BinaryExpr") {
            const [left, op] = children(n);
            const right = n.lastChild;
            if (!left || !op || !right) return false;
            if (op.name === "Or") return true;
            if (op.name === "And" || op.name === "Unless") return guarded(left);
            return guarded(left) && guarded(right);
        }
        if (n.name === "AggregateExpr" || n.name === "FunctionCall") {
            const body = n.getChild("FunctionCallBody");
            return body !== null && children(body).every((c) => guarded(c));
        }
        if (n.name === "SubqueryExpr" && n.firstChild) return guarded(n.firstChild);
        return false;
    };
    const out: string[] = [];
    tree.iterate({
        enter: (ref) => {
            if (ref.name !== "BinaryExpr") return;
            const n = ref.node;
            const [left, op] = children(n);
            const right = n.lastChild;
            if (!left || !op || !right || !ARITHMETIC.has(op.name)) return;
            if (SCALARS.has(unparen(left).name) || SCALARS.has(unparen(right).name)) return;
            for (const side of [left, right]) {
                if (!guarded(side)) out.push(`${expr.slice(side.from, side.to)} reads ${[...new Set(reads(side))].join(", ")} unguarded`);
            }
        },
    });
    return out;
}

/** Labels Prometheus adds to every series of a ServiceMonitor/PodMonitor target (prometheus-operator's relabelling). */
export const TARGET_LABELS = ["job", "instance", "namespace", "pod", "container", "service", "endpoint"] as const;

/**
 * `by (...)` labels that none of the aggregated metrics carries (a misspelt or invented label groups everything into
 * one series and renders an empty legend), for metrics whose labels are known. Aggregations over nested aggregations
 * or label_replace/label_join are skipped (their labels come from elsewhere).
 */
export function groupingLabelProblems(expr: string, known: Readonly<Record<string, readonly string[]>>): string[] {
    const tree = parser.parse(expr);
    const out: string[] = [];
    tree.iterate({
        enter: (ref) => {
            if (ref.name !== "AggregateExpr") return;
            const n = ref.node;
            const modifier = n.getChild("AggregateModifier");
            if (!modifier || !modifier.getChild("By")) return;
            const body = n.getChild("FunctionCallBody");
            if (!body) return;
            const text = expr.slice(body.from, body.to);
            if (/\b(sum|avg|min|max|count|topk|bottomk|quantile|group|stddev|stdvar|count_values)\s*(by|without)?\s*\(/.test(text) || /label_(replace|join)\(/.test(text)) return;
            const metrics = [...new Set(selectorNames(body, expr))].filter((m) => m in known);
            if (metrics.length === 0) return;
            const grouping = modifier.getChild("GroupingLabels");
            const labels = grouping ? grouping.getChildren("LabelName").map((l) => expr.slice(l.from, l.to)) : [];
            for (const label of labels) {
                const carried = metrics.some((m) => known[m].includes(label) || (TARGET_LABELS as readonly string[]).includes(label) || (label === "le" && m.endsWith("_bucket")));
                if (!carried) out.push(`by (${label}): not a label of ${metrics.join(", ")}`);
            }
        },
    });
    return out;
}
