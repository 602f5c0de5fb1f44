// The `outputs` stack export of a run, as plain JSON (secrets "[secret]") and in wire form.
import { WireValue, plainValue } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { Inputs } from "../helpers";

export function plainOutputs(run: ProgramRun): Inputs {
    return (plainValue(run.outputs) as { outputs: Inputs }).outputs;
}

/** Each output in wire form, with its secret marker if it has one. */
export function wireOutputs(run: ProgramRun): Record<string, WireValue> {
    return run.outputs["outputs"] as Record<string, WireValue>;
}
