// One error type for every aggregated report (config problems, capacity, naming): a title, then one line per
// problem. It is a pulumi.RunError, so the CLI and the offline plan print the message without a stack trace.
import * as pulumi from "@pulumi/pulumi";

export class ProblemsError extends pulumi.RunError {
    constructor(
        public readonly title: string,
        public readonly problems: string[],
    ) {
        super(`${title} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` + problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ProblemsError";
    }
}

/** Throws one ProblemsError listing every problem, or returns when there are none. */
export function throwIfProblems(title: string, problems: string[]): void {
    if (problems.length > 0) throw new ProblemsError(title, problems);
}
