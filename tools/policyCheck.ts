// The offline checker behind `npm run policy -- check`: reads Kubernetes YAML, maps every object to the
// resource @pulumi/kubernetes would register (type token + inputs), and runs the platform's policy pack
// over them through the same analyzer entry points as `pulumi preview --policy-pack` (runPolicies).
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { PACK_NAME, PACK_VERSION, policies } from "../policies/pack";
import { AnalyzableResource, Enforcement, PolicyPackConfigFile, runPolicies } from "./offline/policyRunner";

export const STACKS = ["dev", "prod"] as const;
export type Stack = (typeof STACKS)[number];

/** Unreadable or invalid input; the message names the file (and document). Exit code 2. */
export class InputError extends Error {}

export interface Manifest {
    /** `<file>:<document index>` (0-based), plus `[<item index>]` for items of a List. */
    source: string;
    object: Record<string, unknown>;
}

export interface CheckResult {
    source: string;
    apiVersion: string;
    kind: string;
    name: string | null;
    namespace: string | null;
    violations: { policy: string; enforcement: Enforcement; message: string }[];
}

export interface CheckReport {
    results: CheckResult[];
    summary: { objects: number; violations: number };
}

/** `kubernetes:<group or core>/<version>:<Kind>`, the token @pulumi/kubernetes registers the object under. */
export function typeToken(apiVersion: string, kind: string): string {
    const groupVersion = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
    return `kubernetes:${groupVersion}:${kind}`;
}

function yamlFiles(p: string): string[] {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(p);
    } catch (e) {
        throw new InputError(`${p}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (!stat.isDirectory()) return [p];
    return fs
        .readdirSync(p)
        .sort()
        .flatMap((entry) => {
            const full = path.join(p, entry);
            if (fs.statSync(full).isDirectory()) return yamlFiles(full);
            return /\.ya?ml$/i.test(entry) ? [full] : [];
        });
}

function isObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

function validObject(v: unknown, where: string): Record<string, unknown> {
    if (!isObject(v)) throw new InputError(`${where}: expected a Kubernetes object (a mapping), found ${Array.isArray(v) ? "a sequence" : typeof v}`);
    for (const field of ["apiVersion", "kind"]) {
        if (typeof v[field] !== "string" || v[field] === "") throw new InputError(`${where}: missing or invalid "${field}"`);
    }
    if (v["metadata"] !== undefined && !isObject(v["metadata"])) throw new InputError(`${where}: "metadata" must be a mapping`);
    return v;
}

/** Reads every document of every file (directories recursively, .yaml/.yml), expanding `List` kinds. */
export function loadManifests(paths: string[]): Manifest[] {
    const out: Manifest[] = [];
    for (const file of paths.flatMap(yamlFiles)) {
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (e) {
            throw new InputError(`${file}: cannot read (${(e as Error).message})`);
        }
        parseAllDocuments(text).forEach((doc, i) => {
            const where = `${file}: document ${i}`;
            if (doc.errors.length > 0) throw new InputError(`${where}: invalid YAML: ${doc.errors[0].message}`);
            const value: unknown = doc.toJS();
            if (value === null || value === undefined) return; // empty document (e.g. a trailing ---)
            const o = validObject(value, where);
            const kind = o["kind"] as string;
            if (kind === "List" || (kind.endsWith("List") && Array.isArray(o["items"]))) {
                if (!Array.isArray(o["items"])) throw new InputError(`${where}: a ${kind} needs an "items" sequence`);
                o["items"].forEach((item, j) => out.push({ source: `${file}:${i}[${j}]`, object: validObject(item, `${where} item ${j}`) }));
                return;
            }
            out.push({ source: `${file}:${i}`, object: o });
        });
    }
    return out;
}

export function readStackPolicyConfig(stack: Stack): PolicyPackConfigFile {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "policies", "config", `${stack}.json`), "utf8")) as PolicyPackConfigFile;
}

function meta(o: Record<string, unknown>, field: string): string | null {
    const m = o["metadata"];
    const v = isObject(m) ? m[field] : undefined;
    return typeof v === "string" ? v : null;
}

/** Strips the policy description the analyzer prefixes to every message. */
function detail(policy: string, message: string): string {
    const description = policies.find((p) => p.name === policy)?.description;
    return description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
}

export async function checkManifests(manifests: Manifest[], stack: Stack): Promise<CheckReport> {
    const resources: AnalyzableResource[] = manifests.map((m) => {
        const type = typeToken(m.object["apiVersion"] as string, m.object["kind"] as string);
        return {
            urn: `urn:pulumi:${stack}::manifests::${type}::${m.source}`,
            type,
            name: meta(m.object, "name") ?? m.source,
            parent: null,
            protect: false,
            retainOnDelete: false,
            dependencies: [],
            inputs: m.object,
        };
    });
    const violations = await runPolicies({ name: PACK_NAME, version: PACK_VERSION, policies }, resources, readStackPolicyConfig(stack));
    const results: CheckResult[] = manifests.map((m) => ({
        source: m.source,
        apiVersion: m.object["apiVersion"] as string,
        kind: m.object["kind"] as string,
        name: meta(m.object, "name"),
        namespace: meta(m.object, "namespace"),
        violations: [],
    }));
    const byUrn = new Map(resources.map((r, i) => [r.urn, results[i]]));
    let stackLevel: CheckResult | undefined;
    for (const v of violations) {
        let target = v.urn ? byUrn.get(v.urn) : undefined;
        if (!target) {
            stackLevel ??= { source: "stack", apiVersion: "", kind: "", name: null, namespace: null, violations: [] };
            target = stackLevel;
        }
        target.violations.push({ policy: v.policy, enforcement: v.enforcement, message: detail(v.policy, v.message) });
    }
    if (stackLevel) results.push(stackLevel);
    return { results, summary: { objects: manifests.length, violations: violations.length } };
}

export function hasMandatory(report: CheckReport): boolean {
    return report.results.some((r) => r.violations.some((v) => v.enforcement === "mandatory"));
}

export function formatReport(report: CheckReport, stack: Stack): string {
    const lines: string[] = [];
    for (const r of report.results) {
        const ns = r.namespace ? `${r.namespace}/` : "";
        lines.push(`${r.violations.length === 0 ? "ok  " : "FAIL"} ${r.source}  ${r.kind} ${ns}${r.name ?? "(unnamed)"}`);
        for (const v of r.violations) lines.push(`       [${v.enforcement}] ${v.policy}: ${v.message.replace(/\n/g, " ")}`);
    }
    const mandatory = report.results.reduce((n, r) => n + r.violations.filter((v) => v.enforcement === "mandatory").length, 0);
    lines.push("");
    lines.push(`${report.summary.objects} object(s), ${report.summary.violations} violation(s), ${mandatory} mandatory for stack ${stack}`);
    return lines.join("\n");
}
