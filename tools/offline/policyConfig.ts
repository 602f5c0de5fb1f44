// Which policy levels a stack gets: they follow the stack's `platform:environment`, not its name, so a
// feature or staging stack of the dev environment gets dev's levels (and a stack of the prod environment,
// whatever its name, prod's). `policies/config/<environment>.json` is the environment's file; a file named
// after the stack, `policies/config/<stack>.json`, overrides it for that one stack (when the stack's name is
// not itself an environment's name: dev.json is always the dev environment's file).
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ENVIRONMENTS } from "../../infra/lib/configSchema";
import type { PolicyPackConfigFile } from "./policyRunner";

const ROOT = path.resolve(__dirname, "..", "..");

export interface PolicyLevels {
    /** Absolute path of the --policy-pack-config file that applies. */
    file: string;
    /** The same, relative to the repository (for messages). */
    display: string;
    environment: string;
    /** True when a stack-named file overrides the environment's. */
    stackOverride: boolean;
}

export class PolicyConfigError extends Error {}

function isEnvironment(name: string): boolean {
    return (ENVIRONMENTS as readonly string[]).includes(name);
}

/** The levels file for a stack of the given environment. */
export function policyLevelsFor(stack: string, environment: string, root: string = ROOT): PolicyLevels {
    const dir = path.join(root, "policies", "config");
    const stackFile = path.join(dir, `${stack}.json`);
    if (!isEnvironment(stack) && /^[A-Za-z0-9_.-]+$/.test(stack) && fs.existsSync(stackFile)) {
        return { file: stackFile, display: path.relative(root, stackFile), environment, stackOverride: true };
    }
    const envFile = path.join(dir, `${environment}.json`);
    if (!isEnvironment(environment) || !fs.existsSync(envFile)) {
        throw new PolicyConfigError(`no policy levels for environment ${JSON.stringify(environment)}: expected one of ${ENVIRONMENTS.join(", ")} (policies/config/<environment>.json)`);
    }
    return { file: envFile, display: path.relative(root, envFile), environment, stackOverride: false };
}

/** `platform:environment` as written in Pulumi.<stack>.yaml, or undefined when the file or key is missing. */
export function stackEnvironment(stack: string, root: string = ROOT): string | undefined {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) return undefined;
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    let doc: unknown;
    try {
        doc = parseYaml(fs.readFileSync(file, "utf8"));
    } catch {
        return undefined;
    }
    const config = doc !== null && typeof doc === "object" ? (doc as { config?: unknown }).config : undefined;
    if (config === null || typeof config !== "object") return undefined;
    const c = config as Record<string, unknown>;
    const v = c["platform:environment"] ?? c["environment"];
    return typeof v === "string" ? v : undefined;
}

/** Stacks with a Pulumi.<stack>.yaml in the repository. */
export function knownStacks(root: string = ROOT): string[] {
    return fs
        .readdirSync(root)
        .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
        .map((f) => f.slice("Pulumi.".length, -".yaml".length))
        .sort();
}

/**
 * The levels for a stack name given on the command line (the YAML checker's --stack): its
 * Pulumi.<stack>.yaml's environment; an environment's own name (dev, prod) also works without a stack file.
 */
export function policyLevelsForStack(stack: string, root: string = ROOT): PolicyLevels {
    const environment = stackEnvironment(stack, root) ?? (isEnvironment(stack) ? stack : undefined);
    if (environment === undefined) {
        throw new PolicyConfigError(
            `unknown stack ${JSON.stringify(stack)}: no Pulumi.${stack}.yaml with a platform:environment (stacks here: ${knownStacks(root).join(", ") || "none"}; environments: ${ENVIRONMENTS.join(", ")})`,
        );
    }
    return policyLevelsFor(stack, environment, root);
}

export function readPolicyLevels(levels: PolicyLevels): PolicyPackConfigFile {
    try {
        return JSON.parse(fs.readFileSync(levels.file, "utf8")) as PolicyPackConfigFile;
    } catch (e) {
        throw new PolicyConfigError(`${levels.display}: cannot be read as JSON (${(e as Error).message})`);
    }
}
