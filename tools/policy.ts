// npm run policy -- check [--json] [--stack <name>] <file|dir|->...
//
// Runs the platform's CrossGuard pack over Kubernetes manifests (YAML or JSON; directories recursively;
// `-` is standard input). Every violation is reported whatever its level, as each file is read; whole-set
// policies after the last file. Exit codes: 0 clean (or advisory only), 1 a violation is mandatory for the
// chosen stack, 2 something was not checked (unreadable or invalid input, a template, no Kubernetes object
// at all) or bad usage. The default stack is prod: the strict one, so a manifest that passes here passes
// everywhere. Levels follow the stack's platform:environment (tools/offline/policyConfig.ts).
import { CheckError, CheckResult, CheckSink, CheckSummary, Skipped, exitCode, formatResult, formatSummary, printable, readStream, runCheck } from "./policyCheck";
import { PolicyConfigError, PolicyLevels, policyLevelsForStack, readPolicyLevels } from "./offline/policyConfig";
import { PolicyPackConfigFile } from "./offline/policyRunner";

const USAGE = `usage: npm run policy -- check [--json] [--stack <name>] <file|directory|->...

Checks Kubernetes manifests (YAML or JSON) against the platform's policy pack, offline.
  <file|directory>  files are read whatever their extension; directories recursively (.yaml, .yml, .json)
  -                 read standard input
  --stack <name>    levels of that stack's environment (Pulumi.<name>.yaml platform:environment, or an
                    environment name: dev, prod); default prod, the strictest
  --json            print one JSON document instead of text
Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 something could not be checked
(unreadable or invalid input, a template, nothing found) or bad usage.`;

/** Buffered writer to a stream that waits for the stream to drain instead of holding output in memory. */
class Output {
    private pending = "";
    constructor(private readonly stream: NodeJS.WritableStream) {}
    write(s: string): void {
        this.pending += s;
    }
    async flush(): Promise<void> {
        if (this.pending === "") return;
        const chunk = this.pending;
        this.pending = "";
        if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once("drain", resolve));
    }
}

function textSink(out: Output, err: Output): CheckSink & { stackHeadingShown: boolean } {
    const sink = {
        stackHeadingShown: false,
        result: (r: CheckResult) => out.write(`${formatResult(r)}\n`),
        stackResult: (r: CheckResult) => {
            if (!sink.stackHeadingShown) {
                out.write("\nwhole-set policies (all objects together):\n");
                sink.stackHeadingShown = true;
            }
            out.write(`${formatResult(r)}\n`);
        },
        skipped: (s: Skipped) => err.write(`skipped: ${printable(s.source)}: ${printable(s.reason)}\n`),
        error: (e: CheckError) => err.write(`error: ${printable(e.source)}: ${printable(e.message)}\n`),
        settle: async () => {
            await out.flush();
            await err.flush();
        },
    };
    return sink;
}

/** Streams `{"results": [...], "skipped": [...], "errors": [...], "summary": {...}}`; notices also go to stderr. */
function jsonSink(out: Output, err: Output): CheckSink & { finish(summary: CheckSummary): void } {
    let first = true;
    const skipped: Skipped[] = [];
    const errors: CheckError[] = [];
    const item = (r: CheckResult) => {
        out.write(`${first ? "" : ",\n"}    ${JSON.stringify(r)}`);
        first = false;
    };
    out.write('{\n  "results": [\n');
    return {
        result: item,
        stackResult: item,
        skipped: (s) => {
            skipped.push(s);
            err.write(`skipped: ${printable(s.source)}: ${printable(s.reason)}\n`);
        },
        error: (e) => {
            errors.push(e);
            err.write(`error: ${printable(e.source)}: ${printable(e.message)}\n`);
        },
        settle: async () => {
            await out.flush();
            await err.flush();
        },
        finish: (summary) => {
            const list = (xs: unknown[]) => (xs.length === 0 ? "[]" : `[\n${xs.map((x) => `    ${JSON.stringify(x)}`).join(",\n")}\n  ]`);
            out.write(`${first ? "" : "\n"}  ],\n  "skipped": ${list(skipped)},\n  "errors": ${list(errors)},\n  "summary": ${JSON.stringify(summary)}\n}\n`);
        },
    };
}

export interface Io {
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
    stdin?: NodeJS.ReadableStream;
}

export async function main(argv: string[], io: Io = process): Promise<number> {
    const say = (stream: NodeJS.WritableStream, s: string) => new Promise<void>((resolve) => stream.write(s, () => resolve()));
    const [command, ...rest] = argv;
    const options = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
    if (command === "--help" || command === "-h" || command === "help" || options.includes("--help") || options.includes("-h")) {
        await say(io.stdout, `${USAGE}\n`);
        return 0;
    }
    if (command !== "check") {
        await say(io.stderr, `${command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}`}\n${USAGE}\n`);
        return 2;
    }
    let json = false;
    let stack = "prod";
    const paths: string[] = [];
    let optionsEnded = false;
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (optionsEnded || a === "-" || !a.startsWith("-")) paths.push(a);
        else if (a === "--") optionsEnded = true;
        else if (a === "--json") json = true;
        else if (a === "--stack" || a.startsWith("--stack=")) {
            const value = a.includes("=") ? a.slice("--stack=".length) : rest[++i];
            if (value === undefined || value === "" || value.startsWith("-")) {
                await say(io.stderr, `--stack needs a stack name (found ${value === undefined ? "nothing" : JSON.stringify(value)})\n`);
                return 2;
            }
            stack = value;
        } else {
            await say(io.stderr, `unknown option ${JSON.stringify(a)}\n${USAGE}\n`);
            return 2;
        }
    }
    if (paths.length === 0) {
        await say(io.stderr, `no files or directories given\n${USAGE}\n`);
        return 2;
    }
    let levels: PolicyLevels;
    let config: PolicyPackConfigFile;
    try {
        levels = policyLevelsForStack(stack);
        config = readPolicyLevels(levels);
    } catch (e) {
        if (!(e instanceof PolicyConfigError)) throw e;
        await say(io.stderr, `--stack: ${printable(e.message)}\n`);
        return 2;
    }
    const out = new Output(io.stdout);
    const err = new Output(io.stderr);
    const input = io.stdin ?? process.stdin;
    const stdin = () => readStream(input);
    const stackLabel = `${stack}${levels.environment !== stack ? ` (environment ${levels.environment})` : ""}`;
    if (json) {
        const sink = jsonSink(out, err);
        const summary = await runCheck(paths, { stack, levels: config, stdin }, sink);
        sink.finish(summary);
        await out.flush();
        await err.flush();
        return exitCode(summary);
    }
    const sink = textSink(out, err);
    const summary = await runCheck(paths, { stack, levels: config, stdin }, sink);
    if (summary.objects > 0 && !sink.stackHeadingShown) out.write("\nwhole-set policies (all objects together): no violations\n");
    out.write(`\n${formatSummary(summary, stackLabel, levels.display)}\n`);
    await out.flush();
    await err.flush();
    return exitCode(summary);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            // Not expected: every input problem is reported by runCheck. Still one line, no stack trace.
            process.stderr.write(`error: the checker failed: ${printable(e instanceof Error ? e.message : String(e)).split("\n")[0]}\n`);
            process.exitCode = 2;
        },
    );
}
