// Runs the real program (index.ts) against the mock cloud with a stack's own config, and returns every
// registered resource and the stack outputs. Shared by `npm run plan` and the tests.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { MockCloud } from "./mocks";
import { RecordedResource, Recorder, WireValue } from "./recorder";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface StackConfig {
    project: string;
    stack: string;
    /** Fully qualified keys (`platform:vpcCidr`) to their string form, as the engine passes config. */
    config: Record<string, string>;
    /** Keys whose stack-file values were `secure:`; offline they hold a placeholder. */
    secretKeys: string[];
    region: string;
}

export class StackFileError extends Error {}

function configString(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

function shape(v: unknown): string {
    if (v === null || v === undefined) return "nothing";
    if (Array.isArray(v)) return "a list";
    return typeof v === "object" ? "a mapping" : `a ${typeof v} (${JSON.stringify(v).slice(0, 40)})`;
}

function isMapping(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A `secure:` value, as `pulumi config set --secret` writes it (at the top level, or nested with --path). */
function isSecure(v: unknown): boolean {
    return isMapping(v) && Object.keys(v).length === 1 && typeof v["secure"] === "string";
}

/**
 * Replaces every nested `secure:` value with a placeholder that names its path: offline nothing can be
 * decrypted, and the ciphertext must not reach a message. `found` tells whether there was one (the CLI then
 * marks the whole top-level key secret and hands the program the decrypted object).
 */
function securePlaceholders(v: unknown, at: string, found: { any: boolean }): unknown {
    if (isSecure(v)) {
        found.any = true;
        return `[secret placeholder for ${at}]`;
    }
    if (Array.isArray(v)) return v.map((item, i) => securePlaceholders(item, `${at}[${i}]`, found));
    if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, securePlaceholders(item, `${at}.${k}`, found)]));
    return v;
}

/** A YAML file of the project, read with every problem named after the file (never a stack trace). */
function readYamlFile(file: string): unknown {
    const name = path.basename(file);
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(file);
    } catch (e) {
        throw new StackFileError(`${name}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (bytes.includes(0)) throw new StackFileError(`${name}: not a text file (it contains NUL bytes); expected YAML`);
    let text: string;
    try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
        throw new StackFileError(`${name}: not UTF-8 text; expected YAML`);
    }
    try {
        return parseYaml(text);
    } catch (e) {
        throw new StackFileError(`${name} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
}

/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml like the CLI does: project-level defaults first, then the
 * stack's values; keys without a namespace belong to the project. Secure values (top-level or nested)
 * cannot be decrypted offline and become placeholders that the program still treats as secrets.
 */
export function readStackConfig(stack: string, root: string = ROOT, overrides: Record<string, unknown> = {}): StackConfig {
    const projectDoc = readYamlFile(path.join(root, "Pulumi.yaml"));
    if (!isMapping(projectDoc) || typeof projectDoc["name"] !== "string" || projectDoc["name"] === "") {
        throw new StackFileError(`Pulumi.yaml: expected a mapping with a project name (name: platform), found ${isMapping(projectDoc) ? "no name" : shape(projectDoc)}`);
    }
    if (projectDoc["config"] !== undefined && projectDoc["config"] !== null && !isMapping(projectDoc["config"])) {
        throw new StackFileError(`Pulumi.yaml: expected config: to be a mapping of key declarations, found ${shape(projectDoc["config"])}`);
    }
    const project = projectDoc as { name: string; config?: Record<string, unknown> };
    const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        const known = fs
            .readdirSync(root)
            .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
            .map((f) => f.slice(7, -5));
        throw new StackFileError(`no stack file Pulumi.${stack}.yaml (stacks here: ${known.join(", ")})`);
    }
    const stackDoc = readYamlFile(stackFile);
    const stackName = `Pulumi.${stack}.yaml`;
    if (stackDoc === null || stackDoc === undefined) {
        throw new StackFileError(`${stackName} is empty: expected a mapping with config: (at least platform:environment and aws:region)`);
    }
    if (!isMapping(stackDoc)) throw new StackFileError(`${stackName}: expected a mapping with config:, found ${shape(stackDoc)}`);
    const stackConfig = stackDoc["config"];
    if (stackConfig !== undefined && stackConfig !== null && !isMapping(stackConfig)) {
        throw new StackFileError(`${stackName}: expected config: to be a mapping of keys to values, found ${shape(stackConfig)}`);
    }
    const qualify = (k: string) => (k.includes(":") ? k : `${project.name}:${k}`);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [k, decl] of Object.entries(project.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in (decl as object)) {
            config[qualify(k)] = configString((decl as { default: unknown }).default);
        } else if (decl !== null && typeof decl !== "object") {
            config[qualify(k)] = configString(decl);
        }
    }
    const stackValues: Record<string, unknown> = { ...((stackConfig as Record<string, unknown> | null | undefined) ?? {}), ...overrides };
    const problem = projectConfigProblem(stack, project.config ?? {}, stackValues, qualify);
    if (problem) throw new StackFileError(problem);
    for (const [k, v] of Object.entries(stackValues)) {
        const key = qualify(k);
        const found = { any: false };
        const value = securePlaceholders(v, key, found);
        config[key] = configString(value);
        if (found.any) secretKeys.push(key);
    }
    return { project: project.name, stack, config, secretKeys, region: config["aws:region"] ?? "us-east-1" };
}

function matchesConfigType(v: unknown, type: string, itemType: string | undefined): boolean {
    if (v && typeof v === "object" && !Array.isArray(v) && "secure" in (v as object)) return true; // checked after decryption
    switch (type) {
        case "string":
            return typeof v === "string";
        case "integer":
            return typeof v === "number" ? Number.isInteger(v) : typeof v === "string" && /^-?\d+$/.test(v);
        case "boolean":
            return typeof v === "boolean" || v === "true" || v === "false";
        case "array":
            return Array.isArray(v) && (itemType === undefined || v.every((i) => matchesConfigType(i, itemType, undefined)));
        default:
            return false;
    }
}

/**
 * The CLI's check of stack config against the project's declarations, made before the program runs
 * (workspace.ValidateStackConfigAndApplyProjectConfig, pulumi/pulumi sdk/go/common/workspace/project_test.go):
 * a declared key with a type and no default must be set in the stack ("Stack 'dev' is missing configuration
 * value 'x'"), and a set value must have the declared type ("... must be of type 'integer'").
 */
export function projectConfigProblem(stack: string, declarations: Record<string, unknown>, stackValues: Record<string, unknown>, qualify: (k: string) => string): string | undefined {
    const set = new Map(Object.entries(stackValues).map(([k, v]) => [qualify(k), v]));
    const missing: string[] = [];
    for (const [k, decl] of Object.entries(declarations)) {
        if (!decl || typeof decl !== "object") continue;
        const d = decl as { type?: string; items?: { type?: string }; default?: unknown; value?: unknown };
        if (d.type === undefined) continue;
        if (!set.has(qualify(k))) {
            if (!("default" in d) && !("value" in d)) missing.push(k);
            continue;
        }
        if (!matchesConfigType(set.get(qualify(k)), d.type, d.items?.type)) {
            const shown = d.type === "array" && d.items?.type ? `array<${d.items.type}>` : d.type;
            return `Stack '${stack}' with configuration key '${k}' must be of type '${shown}'`;
        }
    }
    if (missing.length === 1) return `Stack '${stack}' is missing configuration value '${missing[0]}'`;
    if (missing.length > 1) {
        const quoted = missing.map((m) => `'${m}'`);
        return `Stack '${stack}' is missing configuration values ${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
    }
    return undefined;
}

export interface ProgramRun {
    stackConfig: StackConfig;
    resources: RecordedResource[];
    /** Stack outputs in wire form (secrets still marked). */
    outputs: Record<string, WireValue>;
    /** Outputs every component registered (registerOutputs), by URN, in wire form. */
    componentOutputs: Map<string, Record<string, WireValue>>;
}

/** The program failed before or while declaring resources; `message` is what the user should read. */
export class ProgramError extends Error {
    constructor(
        message: string,
        readonly kind: "config" | "program",
    ) {
        super(message);
    }
}

const STACK_TYPE = "pulumi:pulumi:Stack";

// Internal to @pulumi/pulumi (not in its typings): resolves once every outstanding registration is done.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** Runs the program once; the mock runtime is process-wide, so runs are serialized. */
let queue: Promise<unknown> = Promise.resolve();

export function runProgram(stackConfig: StackConfig, programPath: string = path.join(ROOT, "index.ts")): Promise<ProgramRun> {
    const run = queue.then(() => runOnce(stackConfig, programPath));
    queue = run.catch(() => undefined);
    return run;
}

/**
 * @pulumi/pulumi records `new Error().stack` on every promise it creates (runtime/debuggable.js, for its leak
 * report). Capturing and formatting those stacks was the largest single cost of an offline run. During the run,
 * debuggablePromise captures no frames (it is called through the module's exports, so the wrapper is what the
 * SDK calls); every other error keeps Node's stack.
 */
function cheapPromiseStacks(): () => void {
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown> };
    const original = debuggable.debuggablePromise;
    debuggable.debuggablePromise = (p, ctx) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return original(p, ctx);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    return () => {
        debuggable.debuggablePromise = original;
    };
}

async function runOnce(stackConfig: StackConfig, programPath: string): Promise<ProgramRun> {
    const mocks = new MockCloud({ region: stackConfig.region, project: stackConfig.project, stack: stackConfig.stack });
    await pulumi.runtime.setMocks(mocks, stackConfig.project, stackConfig.stack, true);
    const recorder = new Recorder(stackConfig.stack, stackConfig.project);
    recorder.attach();
    pulumi.runtime.setAllConfig(stackConfig.config, stackConfig.secretKeys);

    const failures: unknown[] = [];
    const restoreStacks = cheapPromiseStacks();
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        delete require.cache[require.resolve(programPath)];
        await pulumi.runtime.runInPulumiStack(async () => require(programPath) as Record<string, unknown>);
        await waitForRPCs();
        // Let rejected applies surface before judging the run.
        await new Promise((resolve) => setImmediate(resolve));
    } catch (e) {
        failures.push(e);
    } finally {
        restoreStacks();
        process.off("unhandledRejection", onRejection);
    }
    if (failures.length > 0) {
        const first = failures[0];
        const isConfig = first instanceof Error && first.name === "ConfigError";
        const message = failures
            .map((f) => (f instanceof Error ? (f.name === "ConfigError" || f instanceof pulumi.RunError ? f.message : f.stack ?? f.message) : String(f)))
            .filter((m, i, all) => all.indexOf(m) === i)
            .join("\n");
        throw new ProgramError(message, isConfig ? "config" : "program");
    }
    const stack = recorder.resources.find((r) => r.type === STACK_TYPE);
    const outputs = (stack && recorder.outputs.get(stack.urn)) ?? {};
    return { stackConfig, resources: recorder.resources, outputs, componentOutputs: recorder.outputs };
}
