// `npm run plan -- [--stack dev|prod] [--json FILE] [--diff BASE.json] [--markdown FILE] [--html FILE]`: the
// offline plan. Runs the real program against the mock cloud with the stack's own config, lists every resource
// with its inputs, runs the policy pack, estimates cost and deploy time (tools/insight), compares with a base
// plan, and says what it cannot see. Exit 0: clean; 1: mandatory policy violations; 2: bad config, a base plan
// that cannot be read, or a program error.
import * as fs from "fs";
import * as path from "path";
import { PlanReport, buildReport, renderReport } from "./offline/report";
import { PolicyConfigError, policyLevelsFor } from "./offline/policyConfig";
import { ProgramError, StackFileError, readStackConfig, runProgram } from "./offline/run";
import { BaseFileError, readBasePlan, writeReports } from "./insight/outputs";
import { addDiff } from "./insight";

interface PlanArgs {
    stack: string;
    json?: string;
    diff?: string;
    markdown?: string;
    html?: string;
}

const USAGE = "usage: npm run plan -- [--stack <name>] [--json <file>] [--diff <base plan.json>] [--markdown <file>] [--html <file>]";
const FILE_FLAGS = { "--json": "json", "--diff": "diff", "--markdown": "markdown", "--html": "html" } as const;

function fileFlag(a: string): string | undefined {
    const flag = a.includes("=") ? a.slice(0, a.indexOf("=")) : a;
    return Object.prototype.hasOwnProperty.call(FILE_FLAGS, flag) ? flag : undefined;
}

function parseArgs(argv: string[]): PlanArgs {
    const args: PlanArgs = { stack: "dev" };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
            return v;
        };
        if (a === "--stack" || a === "-s") args.stack = value();
        else if (a.startsWith("--stack=")) args.stack = a.slice(8);
        else if (fileFlag(a)) {
            const eq = a.indexOf("=");
            args[FILE_FLAGS[fileFlag(a) as keyof typeof FILE_FLAGS]] = eq > 0 ? a.slice(eq + 1) : value();
        } else if (a === "--help" || a === "-h") {
            process.stdout.write(`${USAGE}\n`);
            process.exit(0);
        } else throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
    }
    if (!/^[A-Za-z0-9_.-]+$/.test(args.stack)) throw new UsageError(`--stack expects a stack name like dev or prod, found ${JSON.stringify(args.stack)}`);
    return args;
}

class UsageError extends Error {}

/** Why an output file cannot be written, checked before the plan runs (a full run is not wasted on it). */
export function outputTargetProblem(file: string): string | undefined {
    const dir = path.dirname(path.resolve(file));
    try {
        if (!fs.statSync(dir).isDirectory()) return `${dir} is not a directory`;
    } catch {
        return `the directory ${dir} does not exist`;
    }
    try {
        if (fs.statSync(file).isDirectory()) return "it is a directory";
    } catch {
        /* a new file */
    }
    try {
        fs.accessSync(fs.existsSync(file) ? file : dir, fs.constants.W_OK);
    } catch {
        return `permission denied (${fs.existsSync(file) ? file : dir} is not writable)`;
    }
    return undefined;
}

/** "ENOENT: no such file or directory, open '...'" as "no such file or directory (ENOENT)". */
function writeFailure(e: unknown): string {
    const err = e as NodeJS.ErrnoException;
    return err.code ? `${err.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "")} (${err.code})` : String(err.message ?? e);
}

export async function plan(args: PlanArgs): Promise<{ report: PlanReport; exitCode: number }> {
    const base = args.diff ? readBasePlan(args.diff) : undefined;
    const stackConfig = readStackConfig(args.stack);
    const run = await runProgram(stackConfig);
    // Levels follow the stack's environment (a stack-named file may override them): tools/offline/policyConfig.ts.
    const levels = policyLevelsFor(args.stack, stackConfig.config["platform:environment"] ?? "");
    const report = await buildReport(run, levels.file);
    if (base && args.diff) addDiff(report.insight, report.json, base, args.diff, report.region);
    const exitCode = report.policies.violations.some((v) => v.enforcement === "mandatory") ? 1 : 0;
    return { report, exitCode };
}

async function main(): Promise<number> {
    let args: PlanArgs;
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`plan: ${(e as Error).message}\n${USAGE}\n`);
        return 2;
    }
    for (const flag of ["json", "markdown", "html"] as const) {
        const file = args[flag];
        const problem = file === undefined ? undefined : outputTargetProblem(file);
        if (problem) {
            process.stderr.write(`plan: cannot write --${flag} ${file}: ${problem}\n`);
            return 2;
        }
    }
    try {
        const started = process.hrtime.bigint();
        const { report, exitCode } = await plan(args);
        const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
        // The plan is printed in any case; an output file that could not be written makes the run fail (exit 2).
        let written = true;
        const attempt = (flag: string, file: string | undefined, write: () => void) => {
            if (file === undefined) return;
            try {
                write();
            } catch (e) {
                written = false;
                process.stderr.write(`plan: cannot write --${flag} ${file}: ${writeFailure(e)}\n`);
            }
        };
        attempt("json", args.json, () => fs.writeFileSync(args.json as string, `${JSON.stringify(report.json, null, 2)}\n`));
        attempt("markdown/--html", args.markdown ?? args.html, () => writeReports(report, args));
        process.stdout.write(renderReport(report, { elapsedMs: ms, jsonFile: written ? args.json : undefined }));
        const timings = process.env["PLATFORM_PLAN_TIMINGS_FILE"];
        if (timings) fs.writeFileSync(timings, JSON.stringify({ planMs: ms, ...report.insight.timings }));
        return written ? exitCode : 2;
    } catch (e) {
        if (e instanceof ProgramError) {
            const what = e.kind === "config" ? "the stack configuration is invalid" : "the program failed";
            process.stderr.write(`plan (${args.stack}): ${what}.\n${e.message}\n`);
            return 2;
        }
        if (e instanceof StackFileError || e instanceof BaseFileError || e instanceof PolicyConfigError) {
            process.stderr.write(`plan: ${e.message}\n`);
            return 2;
        }
        process.stderr.write(`plan (${args.stack}): unexpected failure: ${(e as Error).stack ?? String(e)}\n`);
        return 2;
    }
}

/** `npm run bench` reads the plan's peak memory (and the insight timings) from here. */
function reportPeakMemory(): void {
    const file = process.env["PLATFORM_PLAN_RSS_FILE"];
    if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
}

if (require.main === module) {
    main().then(
        (code) => {
            reportPeakMemory();
            process.exit(code);
        },
        (e) => {
            process.stderr.write(`${String(e)}\n`);
            process.exit(2);
        },
    );
}
