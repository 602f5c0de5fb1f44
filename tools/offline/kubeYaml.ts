// Reads Kubernetes YAML the way kubectl and the API server read it, so the policy checker judges what the
// cluster will run.
//
// kubectl (k8s.io/apimachinery/pkg/util/yaml, YAMLOrJSONDecoder) and the API server convert each YAML
// document to JSON with sigs.k8s.io/yaml's YAMLToJSON, which unmarshals it with its go-yaml v2 fork
// (sigs.k8s.io/yaml yaml.go: yamlToJSON -> yaml.Unmarshal; goyaml.v2/resolve.go). That resolver keeps the
// YAML 1.1 scalar rules: `y`, `yes`, `on` (any case form it lists) are true, `0644` is the octal 420, `1_000`
// is 1000. A YAML 1.2 reader sees the strings "yes" and "0644" instead, so a pod with `hostNetwork: yes`
// would look harmless. Every untagged plain scalar is therefore re-resolved here with goyaml.v2's
// `resolve()` rules, transcribed below; quoted and block scalars stay strings, as in Go.
//
// Also as in Go: timestamps stay strings (goyaml.v2 decodes a timestamp into interface{} as its text),
// sexagesimal numbers (`1:20`) are strings (base-60 is "purposefully unsupported" in resolve.go), `<<`
// merge keys merge. Not representable in JSON, so refused by kubectl and reported here: `!!binary`
// (sigs.k8s.io/yaml YAMLToJSON: "Binary data in YAML with the !!binary tag is not supported"), `.inf` and
// `.nan` (encoding/json refuses them), other tags (`!!set`, local `!tags`).
//
// Parsing is js-yaml's (fast; its implicit types apply to plain scalars only, which is where goyaml.v2's
// resolver applies too) with a schema made of the rules below. The `yaml` package, slower but with a full
// syntax tree, is used only to tell an unrendered template from a manifest, for text that contains `{{`.
import * as jsyaml from "js-yaml";
import { Document, parseAllDocuments, visit } from "yaml";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One document of a YAML stream: its value, or why it cannot be read. */
export interface YamlDocument {
    index: number;
    value?: Json;
    error?: string;
}

const TRUE = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
const FALSE = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];
const NULL = ["", "~", "null", "Null", "NULL"];
const SPECIAL_FLOATS: Record<string, number> = {
    ".nan": NaN,
    ".NaN": NaN,
    ".NAN": NaN,
    ".inf": Infinity,
    ".Inf": Infinity,
    ".INF": Infinity,
    "+.inf": Infinity,
    "+.Inf": Infinity,
    "+.INF": Infinity,
    "-.inf": -Infinity,
    "-.Inf": -Infinity,
    "-.INF": -Infinity,
};
const RESOLVE_MAP = new Map<string, null | boolean | number>([
    ...TRUE.map((s): [string, boolean] => [s, true]),
    ...FALSE.map((s): [string, boolean] => [s, false]),
    ...NULL.map((s): [string, null] => [s, null]),
    ...Object.entries(SPECIAL_FLOATS),
]);

/** goyaml.v2 resolve.go `yamlStyleFloat`. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's strconv.ParseInt(s, 0, 64) syntax: sign, then 0b / 0o / 0x prefixes, a leading 0 for octal, else decimal. */
const GO_INT = /^([+-]?)(?:0[bB]([01]+)|0[oO]([0-7]+)|0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Go's ParseInt, then ParseUint, then the float and big-int fallbacks of goyaml.v2 resolve() for an
 * integer-looking plain scalar (underscores already removed). undefined when it is not an integer there.
 */
function goInteger(plain: string): number | "float" | undefined {
    const m = GO_INT.exec(plain);
    if (!m) return undefined;
    const [, sign, bin, oct, hex, legacyOct, dec] = m;
    const magnitude =
        bin !== undefined ? BigInt(`0b${bin}`) : oct !== undefined ? BigInt(`0o${oct}`) : hex !== undefined ? BigInt(`0x${hex}`) : legacyOct !== undefined ? BigInt(`0o${legacyOct || "0"}`) : BigInt(dec);
    const value = sign === "-" ? -magnitude : magnitude;
    if (value >= INT64_MIN && value <= INT64_MAX) return Number(value); // ParseInt
    if (sign === "" && magnitude <= UINT64_MAX) return Number(value); // ParseUint (no sign allowed)
    // Out of range: an all-digit text is then read as a float; a non-decimal one becomes a big.Int when
    // unsigned (the last error is ParseUint's range error) and stays a string when signed (syntax error).
    if (YAML_STYLE_FLOAT.test(plain)) return "float";
    return sign === "" ? Number(value) : undefined;
}

/**
 * The value goyaml.v2 gives an untagged plain scalar (resolve.go `resolve("", in)`): null, a boolean, a
 * number (NaN and ±Infinity for `.nan` / `.inf`) or the text itself.
 */
export function resolvePlainScalar(text: string): null | boolean | number | string {
    const mapped = RESOLVE_MAP.get(text);
    if (mapped !== undefined) return mapped;
    const first = text.charAt(0);
    if (first === ".") {
        // "Not in the map, so maybe a normal float": strconv.ParseFloat of the text as written.
        if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) {
            const f = Number(text);
            if (Number.isFinite(f)) return f;
        }
        return text;
    }
    if (first === "+" || first === "-" || (first >= "0" && first <= "9")) {
        // Timestamps would be tried first; goyaml.v2 keeps them as their text, which is what follows anyway
        // (a YYYY-MM-DD text is neither an integer nor a float).
        const plain = text.replace(/_/g, "");
        const int = goInteger(plain);
        if (typeof int === "number") return int;
        if (int === "float" || YAML_STYLE_FLOAT.test(plain)) {
            const f = Number(plain);
            if (Number.isFinite(f)) return f; // ParseFloat's range error leaves the text a string
        }
        return text;
    }
    return text;
}

/** The same categories for an explicitly tagged scalar (`!!int "8080"`): Go resolves its text, then the tag must match. */
function resolvedAs(data: unknown, wanted: "null" | "bool" | "int" | "float"): boolean {
    if (typeof data !== "string") return false;
    const v = resolvePlainScalar(data);
    if (wanted === "null") return v === null;
    if (wanted === "bool") return typeof v === "boolean";
    if (typeof v !== "number") return false;
    // goyaml.v2 accepts an integer text under !!float (it converts), not a float text under !!int.
    return wanted === "float" || typeof goInteger(data.replace(/_/g, "")) === "number";
}

/** goyaml.v2's resolver as js-yaml types: implicit ones for plain scalars, explicit ones for `!!tag`ged scalars. */
const GO_YAML_V2_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
    implicit: [
        new jsyaml.Type("tag:yaml.org,2002:null", { kind: "scalar", resolve: (d: string) => resolvePlainScalar(d) === null, construct: () => null }),
        new jsyaml.Type("tag:yaml.org,2002:bool", { kind: "scalar", resolve: (d: string) => typeof resolvePlainScalar(d) === "boolean", construct: (d: string) => resolvePlainScalar(d) }),
        new jsyaml.Type("tag:yaml.org,2002:float", { kind: "scalar", resolve: (d: string) => typeof resolvePlainScalar(d) === "number", construct: (d: string) => resolvePlainScalar(d) }),
        // `<<` merge keys: js-yaml merges a pair whose key has this tag (loader.js storeMappingPair).
        new jsyaml.Type("tag:yaml.org,2002:merge", { kind: "scalar", resolve: (d: string) => d === "<<", construct: (d: string) => d }),
    ],
    explicit: [
        new jsyaml.Type("tag:yaml.org,2002:int", { kind: "scalar", resolve: (d: unknown) => resolvedAs(d, "int"), construct: (d: string) => resolvePlainScalar(d) }),
        new jsyaml.Type("tag:yaml.org,2002:timestamp", { kind: "scalar", resolve: (d: unknown) => typeof d === "string", construct: (d: string) => d }),
    ],
});

const BINARY_TAG = "tag:yaml.org,2002:binary";

/** A value's shape in words, for messages ("a mapping", "a sequence", "string"). */
function describeValue(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a sequence";
    return typeof v === "object" ? "a mapping" : typeof v;
}
/** Helm's built-in objects and functions inside `{{ }}`. */
const HELM_REFERENCE = /\{\{-?\s*[^}]*?(?:\$?\.(?:Values|Release|Chart|Capabilities|Files|Template|Subcharts)\b|\b(?:include|tpl|toYaml|toJson|fromYaml|required|lookup)\b)/;

/**
 * Unrendered template syntax: Helm's objects (`.Values`, `.Release`, `.Chart`, ...) or functions
 * (`include`, `toYaml`, ...) anywhere; or `{{` where YAML structure is (a flow mapping that opens with `{{`,
 * which is how `hostNetwork: {{ .x }}` parses); or a document that does not parse and contains `{{`. Go
 * templates inside string values (Prometheus rule annotations, Argo Workflows parameters) are not templates
 * of the manifest and are left alone.
 */
export function isTemplate(text: string): boolean {
    if (!text.includes("{{")) return false;
    if (HELM_REFERENCE.test(text)) return true;
    const docs = parseAllDocuments(text, { version: "1.1" });
    for (const doc of Array.isArray(docs) ? docs : []) {
        const own = text.slice(doc.range[0], doc.range[2]);
        if (!own.includes("{{")) continue;
        if (doc.errors.length > 0) return true;
        let flow = false;
        visit(doc as Document.Parsed, {
            Map(_key, node) {
                if (node.flow && node.range && text.startsWith("{{", node.range[0])) {
                    flow = true;
                    return visit.BREAK;
                }
                return undefined;
            },
        });
        if (flow) return true;
    }
    return false;
}

export interface ParsedYaml {
    documents: YamlDocument[];
    /** Set when the text is an unrendered template (then no document is given). */
    template?: boolean;
}

/**
 * Checks that a value is plain JSON (finite numbers, plain objects) and that aliases did not expand it far
 * beyond the text's size (a "billion laughs" document: js-yaml shares aliased nodes, every later reader would
 * expand them). Returns the problem, if any.
 */
function jsonProblem(root: unknown, budget: number): string | undefined {
    let left = budget;
    const walk = (v: unknown, path: string): string | undefined => {
        if (--left < 0) return "too many alias expansions: the document expands far beyond its own size (an alias bomb?)";
        if (v === null || typeof v === "string" || typeof v === "boolean") return undefined;
        if (typeof v === "number") return Number.isFinite(v) ? undefined : `${path || "the document"} is ${String(v)} (.inf / .nan): JSON has no such number`;
        if (Array.isArray(v)) {
            for (let i = 0; i < v.length; i++) {
                const p = walk(v[i], `${path}[${i}]`);
                if (p) return p;
            }
            return undefined;
        }
        if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
            for (const k of Object.keys(v as object)) {
                if (k === "[object Object]") return `${path || "the document"}: a mapping key that is a mapping: kubectl cannot convert it to JSON`;
                const p = walk((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
                if (p) return p;
            }
            return undefined;
        }
        return `${path || "the document"} is not a JSON value (${describeValue(v)})`;
    };
    return walk(root, "");
}

function yamlError(e: unknown, firstLine: number): string {
    if (!(e instanceof jsyaml.YAMLException)) return `cannot be read: ${e instanceof Error ? e.message : String(e)}`;
    const where = e.mark ? ` (line ${firstLine + e.mark.line + 1}, column ${e.mark.column + 1})` : "";
    const reason = e.reason ?? e.message;
    if (reason.includes(BINARY_TAG)) return `a !!binary value${where}: kubectl cannot convert it to JSON (sigs.k8s.io/yaml); write the base64 text without the tag`;
    const tag = /unknown tag !<([^>]*)>/.exec(reason);
    if (tag) return `unsupported tag ${tag[1].replace("tag:yaml.org,2002:", "!!")}${where}: not a JSON value`;
    return `invalid YAML${where}: ${reason}`;
}

/**
 * The documents of a stream as kubectl splits them (k8s.io/apimachinery/pkg/util/yaml YAMLReader: a line that
 * starts with `---`, followed by nothing but spaces or a comment, ends a document), each with the line it
 * starts on. The separator line stays with the document it opens, so js-yaml sees `--- !tag` forms and
 * directives as written; text before the first separator that holds no content (comments, directives) is
 * part of the first document, as in YAML, so a stream that opens with `---` numbers its first document 0.
 */
export function splitDocuments(text: string): { text: string; line: number }[] {
    const lines = text.split("\n");
    const chunks: { text: string; line: number }[] = [];
    let start = 0;
    for (let i = 0; i <= lines.length; i++) {
        const separator = i < lines.length && lines[i].startsWith("---") && /^---\s*(#.*)?$/.test(lines[i].replace(/\r$/, ""));
        if (i === lines.length || (separator && i > 0)) {
            chunks.push({ text: lines.slice(start, i).join("\n"), line: start });
            start = i;
        }
    }
    if (chunks.length > 1 && !/^[ \t]*[^\s#%]/m.test(chunks[0].text)) {
        const [first, second] = chunks.splice(0, 2);
        chunks.unshift({ text: `${first.text}\n${second.text}`, line: first.line });
    }
    return chunks;
}

/**
 * Reads every document of a YAML stream as kubectl converts it to JSON. Empty documents (a lone `---`,
 * comments only) have `value: null`. Never throws: a problem is reported for the document it is in, with
 * the line in the file, and the other documents are read.
 */
export function parseKubeYaml(text: string): ParsedYaml {
    if (isTemplate(text)) return { documents: [], template: true };
    return {
        documents: splitDocuments(text).map((chunk, index): YamlDocument => {
            let doc: unknown;
            try {
                doc = jsyaml.load(chunk.text, { schema: GO_YAML_V2_SCHEMA }) ?? null; // an empty document is undefined
            } catch (e) {
                return { index, error: yamlError(e, chunk.line) };
            }
            const problem = jsonProblem(doc, chunk.text.length + 10_000);
            return problem ? { index, error: problem } : { index, value: (doc ?? null) as Json };
        }),
    };
}

export { describeValue };
