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

/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml like the CLI does: project-level defaults first, then the
 * stack's values; keys without a namespace belong to the project. Secure values cannot be decrypted
 * offline and become placeholders that the program still treats as secrets.
 */
export function readStackConfig(stack: string, root: string = ROOT, overrides: Record<string, unknown> = {}): StackConfig {
    const projectFile = path.join(root, "Pulumi.yaml");
    const project = parseYaml(fs.readFileSync(projectFile, "utf8")) as { name: string; config?: Record<string, unknown> };
    const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        const known = fs
            .readdirSync(root)
            .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
            .map((f) => f.slice(7, -5));
        throw new StackFileError(`no stack file Pulumi.${stack}.yaml (stacks here: ${known.join(", ")})`);
    }
    let stackDoc: { config?: Record<string, unknown> } | null;
    try {
        stackDoc = parseYaml(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null;
    } catch (e) {
        throw new StackFileError(`Pulumi.${stack}.yaml is not valid YAML: ${(e as Error).message}`);
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
    const stackValues: Record<string, unknown> = { ...(stackDoc?.config ?? {}), ...overrides };
    const problem = projectConfigProblem(stack, project.config ?? {}, stackValues, qualify);
    if (problem) throw new StackFileError(problem);
    for (const [k, v] of Object.entries(stackValues)) {
        const key = qualify(k);
        if (v && typeof v === "object" && !Array.isArray(v) && "secure" in (v as object)) {
            config[key] = `[secret placeholder for ${key}]`;
            secretKeys.push(key);
        } else {
            config[key] = configString(v);
        }
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
 * report). Formatting those stacks is a large share of an offline run; this formats them as empty strings and
 * every other error's stack as Node does.
 */
function cheapPromiseStacks(): () => void {
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = (err: Error, frames: NodeJS.CallSite[]) => {
        if (frames[0]?.getFunctionName() === "debuggablePromise") return "";
        if (previous) return previous(err, frames) as unknown;
        return `${String(err)}${frames.map((f) => `\n    at ${String(f)}`).join("")}`;
    };
    return () => {
        Error.prepareStackTrace = previous;
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
