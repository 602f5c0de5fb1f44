// The offline checker behind `npm run policy -- check`: reads Kubernetes manifests as kubectl does (YAML 1.1
// scalars, JSON), maps every object to the resource @pulumi/kubernetes would register (type token + inputs),
// and runs the platform's policy pack over them through @pulumi/policy's own analyzer handlers
// (PolicySession). Results stream: each object is judged by the resource policies as soon as its file is
// read and printed at once; the whole-set (stack) policies run once every file has been read. Nothing it
// could not check is reported as passing: templates, unreadable files and invalid objects are errors, files
// that are not Kubernetes YAML are skipped with a notice, and a run that found no object fails.
import * as fs from "fs";
import * as path from "path";
import { WORKLOAD_TYPES } from "../policies/kubernetes/workloads";
import { PACK_NAME, PACK_VERSION, policies } from "../policies/pack";
import { Json, describeValue, parseKubeYaml } from "./offline/kubeYaml";
import { policyLevelsForStack, readPolicyLevels } from "./offline/policyConfig";
import { AnalyzableResource, Enforcement, PolicyPackConfigFile, PolicySession, PolicyViolation, compactResource } from "./offline/policyRunner";

export interface Manifest {
    /** `<file>:<document index>` (0-based), plus `[<item index>]` for items of a List. */
    source: string;
    object: Record<string, Json>;
}

export interface CheckResult {
    source: string;
    apiVersion: string;
    kind: string;
    name: string | null;
    namespace: string | null;
    violations: { policy: string; enforcement: Enforcement; message: string }[];
}

/** A file (or document) that is not a Kubernetes manifest, skipped with a notice. */
export interface Skipped {
    source: string;
    reason: string;
}

/** Something that could not be checked: unreadable file, invalid YAML or object, template, nothing found. */
export interface CheckError {
    source: string;
    message: string;
}

export interface CheckSummary {
    /** Files (and standard input) read. */
    files: number;
    objects: number;
    violations: number;
    mandatory: number;
    skipped: number;
    errors: number;
}

/** Where a run's findings go, in the order they are found. */
export interface CheckSink {
    /** An object judged by the resource policies, as soon as its file has been read. */
    result(r: CheckResult): void;
    /** An object's violations of whole-set (stack) policies, once every file has been read. */
    stackResult(r: CheckResult): void;
    skipped(s: Skipped): void;
    error(e: CheckError): void;
    /** Awaited after every file, so output is written out (with backpressure) and not held. */
    settle?(): Promise<void>;
}

/** `kubernetes:<group or core>/<version>:<Kind>`, the token @pulumi/kubernetes registers the object under. */
export function typeToken(apiVersion: string, kind: string): string {
    const groupVersion = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
    return `kubernetes:${groupVersion}:${kind}`;
}

type JsonObject = { [key: string]: Json };

function isObject(v: unknown): v is JsonObject {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

// ------------------------------------------------------------------------------------------------------
// From text to objects
// ------------------------------------------------------------------------------------------------------

/** What one file holds: objects to check, problems, and notices of what was skipped. */
export interface FileContents {
    manifests: Manifest[];
    errors: CheckError[];
    skipped: Skipped[];
}

/**
 * The strings @pulumi/policy's proxy takes for "unknown during preview" (proxy.js unknown*Value) and the key
 * that marks secrets, assets and archives in wire-form values (`4dabf18193072939515e22adb298388d`,
 * @pulumi/pulumi runtime/rpc specialSigKey). A manifest has no unknown values: a container named like an
 * unknown sentinel (a valid DNS label) would turn every workload policy into an advisory "can't run during
 * preview", and a label key equal to the signature key would make the analyzer throw. Such objects are
 * reported as errors instead of being judged.
 */
const UNKNOWN_SENTINELS = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";

export function reservedValue(v: Json, where: string): string | undefined {
    if (typeof v === "string") return UNKNOWN_SENTINELS.has(v) ? `${where || "the object"} is "${v}", the value Pulumi reserves for "unknown during preview": it cannot be judged` : undefined;
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
            const p = reservedValue(v[i], `${where}[${i}]`);
            if (p) return p;
        }
        return undefined;
    }
    if (isObject(v)) {
        for (const k of Object.keys(v)) {
            const at = where ? `${where}.${k}` : k;
            if (k === SIGNATURE_KEY) return `${at}: the key Pulumi reserves for secrets and assets: it cannot be judged`;
            const p = reservedValue(v[k], at);
            if (p) return p;
        }
    }
    return undefined;
}

/** Missing or malformed structure of a pod-bearing object, which the API server would reject. */
export function workloadProblem(o: JsonObject): string | undefined {
    const t = WORKLOAD_TYPES[typeToken(o["apiVersion"] as string, o["kind"] as string)];
    if (!t) return undefined;
    const spec = o["spec"];
    if (spec === undefined || spec === null) return "has no spec";
    if (!isObject(spec)) return `spec must be a mapping, found ${describeValue(spec)}`;
    let podSpec: Json | undefined = spec;
    let at = "spec";
    if (t.template.length > 0) {
        if (t.kind === "Rollout" && spec["workloadRef"] !== undefined && spec["template"] === undefined) return undefined; // uses a Deployment's template
        let cur: Json | undefined = o;
        at = "";
        for (const step of t.template) {
            at = at ? `${at}.${step}` : step;
            cur = isObject(cur) ? cur[step] : undefined;
            if (cur === undefined || cur === null) return `${at} is missing`;
            if (!isObject(cur)) return `${at} must be a mapping, found ${describeValue(cur)}`;
        }
        at = `${at}.spec`;
        podSpec = isObject(cur) ? cur["spec"] : undefined;
    }
    if (podSpec === undefined || podSpec === null) return `${at} is missing`;
    if (!isObject(podSpec)) return `${at} must be a mapping, found ${describeValue(podSpec)}`;
    for (const field of ["containers", "initContainers", "ephemeralContainers"]) {
        const list = podSpec[field];
        if (field !== "containers" && (list === undefined || list === null)) continue;
        if (!Array.isArray(list)) return `${at}.${field} must be a list of containers, found ${list === undefined || list === null ? "nothing" : describeValue(list)}`;
        if (field === "containers" && list.length === 0) return `${at}.containers must list at least one container`;
        for (let i = 0; i < list.length; i++) {
            const c = list[i];
            if (!isObject(c)) return `${at}.${field}[${i}] must be a container (a mapping), found ${describeValue(c)}`;
            if (typeof c["name"] !== "string" || c["name"] === "") return `${at}.${field}[${i}] has no name`;
        }
    }
    const volumes = podSpec["volumes"];
    if (volumes !== undefined && volumes !== null && !Array.isArray(volumes)) return `${at}.volumes must be a list, found ${describeValue(volumes)}`;
    return undefined;
}

function objectProblem(v: Json, what: string): string | undefined {
    if (!isObject(v)) return `${what}: expected a Kubernetes object (a mapping), found ${describeValue(v)}`;
    for (const field of ["apiVersion", "kind"]) {
        if (typeof v[field] !== "string" || v[field] === "") return `${what}: missing or invalid "${field}"`;
    }
    if (v["metadata"] !== undefined && v["metadata"] !== null && !isObject(v["metadata"])) return `${what}: "metadata" must be a mapping`;
    return undefined;
}

/** What a file none of whose documents is a Kubernetes object looks like (for its one-line notice). */
function recognise(file: string, first: Json | undefined): string {
    const base = path.basename(file).toLowerCase();
    const o = isObject(first) ? first : {};
    if (base === "chart.yaml" || ((o["apiVersion"] === "v1" || o["apiVersion"] === "v2") && "name" in o && "version" in o)) return "a Helm chart's Chart.yaml";
    if (/^values([.-].*)?\.ya?ml$/.test(base)) return "Helm chart values";
    // `on:` is the boolean true in YAML 1.1, as kubectl reads it.
    if ("jobs" in o && ("on" in o || "true" in o)) return "a GitHub Actions workflow";
    if (base === "pulumi.yaml" || base === "pulumi.yml") return "a Pulumi project file";
    if (/^pulumi\..+\.ya?ml$/.test(base)) return "a Pulumi stack configuration";
    if (base === "package.json" || base === "package-lock.json" || base === "tsconfig.json") return `an npm/TypeScript ${base}`;
    return "no document has a kind";
}

const KUSTOMIZE_GROUP = "kustomize.config.k8s.io/";

/**
 * Splits one file's text into objects to check, per-document errors and skip notices. JSON is recognised as
 * kubectl's decoder does (the text starts with `{`); everything else is YAML read with kubectl's scalar
 * rules. Never throws.
 */
export function readManifestText(file: string, text: string): FileContents {
    const out: FileContents = { manifests: [], errors: [], skipped: [] };
    let docs: { index: number; value?: Json; error?: string }[];
    if (/^\s*\{/.test(text)) {
        try {
            docs = [{ index: 0, value: JSON.parse(text) as Json }];
        } catch (e) {
            out.errors.push({ source: file, message: `invalid JSON: ${(e as Error).message}` });
            return out;
        }
    } else {
        const parsed = parseKubeYaml(text);
        if (parsed.template) {
            out.errors.push({ source: file, message: "a template, not a manifest: render it first (`helm template ...`) and check the output" });
            return out;
        }
        docs = parsed.documents;
    }
    const present = docs.filter((d) => d.error !== undefined || d.value !== null);
    if (present.length === 0) {
        out.skipped.push({ source: file, reason: "no documents (empty, or comments only)" });
        return out;
    }
    // A Kubernetes object, possibly a broken one: a kind, or an apiVersion with metadata or spec (a Helm
    // Chart.yaml has an apiVersion but neither).
    const looksKubernetes = (v: Json | undefined) => isObject(v) && ("kind" in v || ("apiVersion" in v && ("metadata" in v || "spec" in v)));
    if (!present.some((d) => looksKubernetes(d.value))) {
        const broken = present.filter((d) => d.error !== undefined);
        if (broken.length > 0) {
            for (const d of broken) out.errors.push({ source: `${file}:${d.index}`, message: d.error as string });
            return out;
        }
        out.skipped.push({ source: file, reason: `not Kubernetes YAML (${recognise(file, present[0].value)})` });
        return out;
    }
    for (const d of present) {
        const where = `${file}:${d.index}`;
        if (d.error !== undefined) {
            out.errors.push({ source: where, message: d.error });
            continue;
        }
        const value = d.value as Json;
        const problem = objectProblem(value, "not a Kubernetes object");
        if (problem) {
            out.errors.push({ source: where, message: problem });
            continue;
        }
        const o = value as JsonObject;
        const kind = o["kind"] as string;
        if ((o["apiVersion"] as string).startsWith(KUSTOMIZE_GROUP)) {
            out.skipped.push({ source: where, reason: `a kustomize ${kind}, not a manifest: build it first (\`kubectl kustomize\`) and check the output` });
            continue;
        }
        if (kind === "List" || (kind.endsWith("List") && Array.isArray(o["items"]))) {
            const items = o["items"];
            if (!Array.isArray(items)) {
                out.errors.push({ source: where, message: `a ${kind} needs an "items" sequence` });
                continue;
            }
            items.forEach((item, j) => {
                const p = objectProblem(item, `item ${j}: not a Kubernetes object`);
                if (p) out.errors.push({ source: `${where}[${j}]`, message: p });
                else out.manifests.push({ source: `${where}[${j}]`, object: item as JsonObject });
            });
            continue;
        }
        out.manifests.push({ source: where, object: o });
    }
    // Objects the API server would refuse, or that the analyzer could mistake for preview values.
    out.manifests = out.manifests.filter((m) => {
        const problem = workloadProblem(m.object) ?? reservedValue(m.object, "");
        if (problem) out.errors.push({ source: m.source, message: `invalid ${m.object["kind"] as string}: ${problem}` });
        return !problem;
    });
    return out;
}

// ------------------------------------------------------------------------------------------------------
// Finding files
// ------------------------------------------------------------------------------------------------------

/** File extensions read inside directories (kubectl's FileExtensions: .json, .yaml, .yml). */
const MANIFEST_FILE = /\.(ya?ml|json)$/i;
/** A larger file is refused rather than read into memory. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
export const STDIN = "-";

interface Input {
    source: string;
    read?: () => Promise<Buffer>;
    error?: string;
    skipped?: string;
}

function errnoText(e: unknown): string {
    const err = e as NodeJS.ErrnoException;
    const known: Record<string, string> = {
        ENOENT: "no such file or directory",
        EACCES: "permission denied",
        EPERM: "permission denied",
        ELOOP: "symbolic link loop (too many levels of symbolic links)",
        ENOTDIR: "a path component is not a directory",
        ENAMETOOLONG: "name too long",
        EISDIR: "is a directory",
    };
    if (err && typeof err === "object" && err.code) return `${known[err.code] ?? err.message} (${err.code})`;
    return e instanceof Error ? e.message : String(e);
}

function fileKind(st: fs.Stats): string {
    if (st.isFIFO()) return "a FIFO";
    if (st.isSocket()) return "a socket";
    if (st.isCharacterDevice()) return "a character device";
    if (st.isBlockDevice()) return "a block device";
    return "not a regular file";
}

/** Reads a stream (standard input, a pipe named on the command line) up to MAX_FILE_BYTES. */
export function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (c: Buffer | string) => {
            const b = typeof c === "string" ? Buffer.from(c) : c;
            size += b.length;
            if (size > MAX_FILE_BYTES) {
                stream.removeListener("data", onData);
                stream.pause();
                reject(new Error(`larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`));
                return;
            }
            chunks.push(b);
        };
        stream.on("data", onData);
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
    });
}

/**
 * Yields what to read, in command-line order, directories recursively in name order. Every file is read once
 * (overlapping paths, links to the same file); a directory link that leads back to a directory being read is
 * a notice, not an endless walk; links to nothing, FIFOs and devices inside directories are errors, never
 * opened.
 */
class Walker {
    private readonly files = new Set<string>();
    private readonly dirs = new Set<string>();
    private stdinRead = false;

    constructor(private readonly stdin: () => Promise<Buffer>) {}

    *inputs(paths: string[]): Generator<Input> {
        for (const p of paths) {
            if (p === STDIN) {
                if (this.stdinRead) continue;
                this.stdinRead = true;
                yield { source: "<stdin>", read: this.stdin };
                continue;
            }
            yield* this.visit(p, true, []);
        }
    }

    private *visit(p: string, explicit: boolean, ancestors: string[]): Generator<Input> {
        let st: fs.Stats;
        try {
            st = fs.lstatSync(p);
        } catch (e) {
            yield { source: p, error: `cannot read: ${errnoText(e)}` };
            return;
        }
        if (st.isSymbolicLink()) {
            try {
                st = fs.statSync(p);
            } catch (e) {
                // Inside a directory, only links named like manifests matter.
                if (!explicit && !MANIFEST_FILE.test(p)) return;
                let target = "";
                try {
                    target = fs.readlinkSync(p);
                } catch {
                    /* the link itself is unreadable: no target to name */
                }
                const code = (e as NodeJS.ErrnoException).code;
                yield { source: p, error: code === "ENOENT" ? `broken symbolic link: its target ${JSON.stringify(target)} does not exist` : `cannot read: ${errnoText(e)}` };
                return;
            }
        }
        if (st.isDirectory()) {
            let real: string;
            let entries: string[];
            try {
                real = fs.realpathSync(p);
                if (ancestors.includes(real)) {
                    yield { source: p, skipped: `symbolic link loop: leads back to ${real}, which is being read` };
                    return;
                }
                if (this.dirs.has(real)) return; // already read through another path
                this.dirs.add(real);
                entries = fs.readdirSync(p).sort();
            } catch (e) {
                yield { source: p, error: `cannot read directory: ${errnoText(e)}` };
                return;
            }
            for (const entry of entries) yield* this.visit(path.join(p, entry), false, [...ancestors, real]);
            return;
        }
        if (!explicit && !MANIFEST_FILE.test(p)) return;
        if (!st.isFile()) {
            // A pipe named on the command line (`<(helm template ...)`) is read like standard input; inside a
            // directory a FIFO or a device is never opened (reading one could block forever).
            if (explicit && (st.isFIFO() || st.isCharacterDevice())) {
                yield { source: p, read: () => readStream(fs.createReadStream(p)) };
                return;
            }
            yield { source: p, error: `not a regular file (${fileKind(st)}): not read` };
            return;
        }
        let real: string;
        try {
            real = fs.realpathSync(p);
        } catch (e) {
            yield { source: p, error: `cannot read: ${errnoText(e)}` };
            return;
        }
        if (this.files.has(real)) return; // the same file given twice: checked once
        this.files.add(real);
        if (st.size > MAX_FILE_BYTES) {
            yield { source: p, error: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB: split it` };
            return;
        }
        yield { source: p, read: () => Promise.resolve(fs.readFileSync(p)) };
    }
}

/** UTF-8 text, or why the bytes are not (kubectl reads UTF-8; NUL bytes mean a binary file). */
export function decodeText(bytes: Buffer): { text?: string; error?: string } {
    if (bytes.includes(0)) return { error: "not a text file (contains NUL bytes)" };
    try {
        return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
        return { error: "not UTF-8 text" };
    }
}

// ------------------------------------------------------------------------------------------------------
// Checking
// ------------------------------------------------------------------------------------------------------

function meta(o: JsonObject, field: string): string | null {
    const m = o["metadata"];
    const v = isObject(m) ? m[field] : undefined;
    return typeof v === "string" ? v : null;
}

/** Strips the policy description the analyzer prefixes to every message. */
function detail(policy: string, message: string): string {
    const description = policies.find((p) => p.name === policy)?.description;
    return description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
}

/** A manifest as the engine would hand a @pulumi/kubernetes resource to an analyzer. */
export function resourceOf(m: Manifest, stack: string): AnalyzableResource {
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
}

function header(source: string, o: JsonObject): Omit<CheckResult, "violations"> {
    return { source, apiVersion: o["apiVersion"] as string, kind: o["kind"] as string, name: meta(o, "name"), namespace: meta(o, "namespace") };
}

/** The levels (--policy-pack-config content) that apply to a stack: its environment's file, or its own. */
export function readStackPolicyConfig(stack: string): PolicyPackConfigFile {
    return readPolicyLevels(policyLevelsForStack(stack));
}

const PREVIEW_ONLY = /^can't run policy .* during preview: /;

export interface CheckOptions {
    /** Names the URNs (`urn:pulumi:<stack>::manifests::...`). */
    stack: string;
    /** The --policy-pack-config content that applies. */
    levels: PolicyPackConfigFile;
    /** Standard input, for `-`. */
    stdin?: () => Promise<Buffer>;
}

/**
 * Checks every Kubernetes object found under `paths` (files, directories recursively, `-` for standard
 * input), reporting to `sink` as it goes. A problem never stops the run: every other file is still checked.
 */
export async function runCheck(paths: string[], opts: CheckOptions, sink: CheckSink): Promise<CheckSummary> {
    const summary: CheckSummary = { files: 0, objects: 0, violations: 0, mandatory: 0, skipped: 0, errors: 0 };
    const session = await PolicySession.open({ name: PACK_NAME, version: PACK_VERSION, policies }, opts.levels);
    // What the stack policies need of every object (see compactResource).
    const kept: AnalyzableResource[] = [];
    const sources: string[] = [];
    const error = (e: CheckError) => {
        summary.errors++;
        sink.error(e);
    };
    const skipped = (s: Skipped) => {
        summary.skipped++;
        sink.skipped(s);
    };
    const record = (vs: PolicyViolation[], source: string): CheckResult["violations"] => {
        const out: CheckResult["violations"] = [];
        for (const v of vs) {
            // A manifest has no unknown values (reservedValue refuses the sentinels): a preview-only
            // diagnostic would mean a policy did not judge the object, which must not pass silently.
            if (PREVIEW_ONLY.test(v.message)) {
                error({ source, message: `policy ${v.policy} could not judge this object: ${v.message}` });
                continue;
            }
            out.push({ policy: v.policy, enforcement: v.enforcement, message: detail(v.policy, v.message) });
            summary.violations++;
            if (v.enforcement === "mandatory") summary.mandatory++;
        }
        return out;
    };
    const walker = new Walker(opts.stdin ?? (() => readStream(process.stdin)));
    for (const input of walker.inputs(paths)) {
        if (input.error !== undefined) error({ source: input.source, message: input.error });
        else if (input.skipped !== undefined) skipped({ source: input.source, reason: input.skipped });
        else if (input.read) {
            let bytes: Buffer;
            try {
                bytes = await input.read();
            } catch (e) {
                error({ source: input.source, message: `cannot read: ${errnoText(e)}` });
                continue;
            }
            summary.files++;
            const decoded = decodeText(bytes);
            if (decoded.error !== undefined) {
                error({ source: input.source, message: decoded.error });
                continue;
            }
            const contents = readManifestText(input.source, decoded.text as string);
            contents.skipped.forEach(skipped);
            contents.errors.forEach(error);
            for (const m of contents.manifests) {
                const r = resourceOf(m, opts.stack);
                const violations = record(await session.analyze(r), m.source);
                summary.objects++;
                sink.result({ ...header(m.source, m.object), violations });
                kept.push(compactResource(r));
                sources.push(m.source);
            }
        }
        await sink.settle?.();
    }
    if (summary.objects === 0) {
        error({ source: paths.join(" "), message: "nothing checked: no Kubernetes object found" });
        return summary;
    }
    // Whole-set policies: every object together, as AnalyzeStack sees a stack.
    const stackViolations = await session.analyzeStack(kept);
    const byUrn = new Map<string, PolicyViolation[]>();
    for (const v of stackViolations) {
        const key = v.urn ?? "";
        const list = byUrn.get(key);
        if (list) list.push(v);
        else byUrn.set(key, [v]);
    }
    kept.forEach((r, i) => {
        const vs = byUrn.get(r.urn);
        if (!vs) return;
        byUrn.delete(r.urn);
        sink.stackResult({ ...header(sources[i], r.inputs as JsonObject), violations: record(vs, sources[i]) });
    });
    for (const vs of byUrn.values()) {
        sink.stackResult({ source: "(all objects)", apiVersion: "", kind: "", name: null, namespace: null, violations: record(vs, "(all objects)") });
    }
    await sink.settle?.();
    return summary;
}

/** 0 clean or advisory only, 1 a mandatory violation, 2 anything not checked (errors, nothing found). */
export function exitCode(s: CheckSummary): number {
    if (s.errors > 0 || s.objects === 0) return 2;
    return s.mandatory > 0 ? 1 : 0;
}

// ------------------------------------------------------------------------------------------------------
// Small runs held in memory (tests, tools)
// ------------------------------------------------------------------------------------------------------

export interface CheckReport {
    results: CheckResult[];
    skipped: Skipped[];
    errors: CheckError[];
    summary: CheckSummary;
}

/** runCheck with every finding collected: resource results first, then the whole-set results. */
export async function checkPaths(paths: string[], opts: CheckOptions): Promise<CheckReport> {
    const report: CheckReport = { results: [], skipped: [], errors: [], summary: { files: 0, objects: 0, violations: 0, mandatory: 0, skipped: 0, errors: 0 } };
    report.summary = await runCheck(paths, opts, {
        result: (r) => report.results.push(r),
        stackResult: (r) => report.results.push(r),
        skipped: (s) => report.skipped.push(s),
        error: (e) => report.errors.push(e),
    });
    return report;
}

/** The objects of files (no directories, no stdin), with the reading rules' errors and notices. */
export function loadManifests(files: string[]): FileContents {
    const out: FileContents = { manifests: [], errors: [], skipped: [] };
    for (const f of files) {
        const decoded = decodeText(fs.readFileSync(f));
        if (decoded.error !== undefined) {
            out.errors.push({ source: f, message: decoded.error });
            continue;
        }
        const c = readManifestText(f, decoded.text as string);
        out.manifests.push(...c.manifests);
        out.errors.push(...c.errors);
        out.skipped.push(...c.skipped);
    }
    return out;
}

// ------------------------------------------------------------------------------------------------------
// Output
// ------------------------------------------------------------------------------------------------------

/**
 * Text safe for a terminal: control characters (ANSI escape sequences start with ESC), DEL, C1 controls and
 * bidirectional overrides are shown as \x.. / \u.... escapes instead of being interpreted.
 */
export function printable(s: string): string {
    let out = "";
    for (const c of s) {
        const code = c.charCodeAt(0);
        const unsafe = code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x200e || code === 0x200f || code === 0x2028 || code === 0x2029 || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
        out += !unsafe ? c : code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    }
    return out;
}

export function formatResult(r: CheckResult): string {
    const ns = r.namespace ? `${r.namespace}/` : "";
    const lines = [`${r.violations.length === 0 ? "ok  " : "FAIL"} ${printable(r.source)}  ${printable(r.kind)} ${printable(ns)}${printable(r.name ?? "(unnamed)")}`];
    for (const v of r.violations) lines.push(`       [${v.enforcement}] ${v.policy}: ${printable(v.message.replace(/\n/g, " "))}`);
    return lines.join("\n");
}

export function formatSummary(s: CheckSummary, stack: string, levelsFile: string): string {
    const parts = [`${s.objects} object(s) in ${s.files} file(s), ${s.violations} violation(s), ${s.mandatory} mandatory for stack ${printable(stack)} (levels: ${levelsFile})`];
    if (s.skipped > 0) parts.push(`${s.skipped} skipped`);
    if (s.errors > 0) parts.push(`${s.errors} error(s): not everything was checked`);
    return parts.join("; ");
}
