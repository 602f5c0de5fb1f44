// Shared test helpers: run the real program per stack once (memoized) and query what it declared.
import { RecordedResource, containsSecret, plainValue } from "../tools/offline/recorder";
import { ProgramRun, readStackConfig, runProgram } from "../tools/offline/run";

const runs = new Map<string, Promise<ProgramRun>>();

/** Runs index.ts under the mock cloud with Pulumi.<stack>.yaml (plus overrides), once per combination. */
export function planStack(stack: "dev" | "prod", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    const key = `${stack}:${JSON.stringify(overrides)}`;
    let run = runs.get(key);
    if (!run) {
        run = runProgram(readStackConfig(stack, undefined, overrides));
        runs.set(key, run);
    }
    return run;
}

export type Inputs = Record<string, unknown>;

/** A recorded resource's inputs as plain JSON (secrets "[secret]", resource references as URNs). */
export function inputs(r: RecordedResource): Inputs {
    return plainValue(r.inputs) as Inputs;
}

export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The single resource of a type whose logical name matches; fails loudly when there is not exactly one. */
export function one(run: ProgramRun, type: string, name?: string | RegExp): RecordedResource {
    const matches = ofType(run, type).filter((r) => name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name)));
    if (matches.length !== 1) {
        throw new Error(`expected exactly one ${type}${name ? ` named ${String(name)}` : ""}, found ${matches.length}: ${matches.map((m) => m.name).join(", ")}`);
    }
    return matches[0];
}

export function isSecretInput(r: RecordedResource, key: string): boolean {
    return containsSecret(r.inputs[key]);
}

/** Expects a promise to reject and returns the error message. */
export async function rejection(p: Promise<unknown>): Promise<string> {
    try {
        await p;
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected the promise to reject, but it resolved");
}

/** The stack outputs of a run as plain JSON (secrets "[secret]"). */
export function stackOutputs(run: ProgramRun): Inputs {
    return plainValue(run.outputs) as Inputs;
}

/** Each stack output in wire form, with its secret marker if it has one. */
export function wireOutputs(run: ProgramRun): ProgramRun["outputs"] {
    return run.outputs;
}
