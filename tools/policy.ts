// npm run policy -- check <file-or-dir>... [--json] [--stack dev|prod]
//
// Runs the platform's CrossGuard pack over plain Kubernetes YAML. Every violation is reported whatever its
// level. Exit codes: 0 clean (or advisory only), 1 a violation is mandatory for the chosen stack,
// 2 unreadable/invalid input or bad usage. The default stack is prod: the strict one, so a manifest that
// passes here passes everywhere.
import { InputError, STACKS, Stack, checkManifests, formatReport, hasMandatory, loadManifests } from "./policyCheck";

const USAGE = "usage: npm run policy -- check <file-or-dir>... [--json] [--stack dev|prod]";

export async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    if (command !== "check") {
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
    let json = false;
    let stack: Stack = "prod";
    const paths: string[] = [];
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === "--json") json = true;
        else if (a === "--stack" || a.startsWith("--stack=")) {
            const value = a.includes("=") ? a.slice("--stack=".length) : rest[++i];
            if (!STACKS.includes(value as Stack)) {
                process.stderr.write(`--stack must be one of ${STACKS.join(", ")} (found ${value === undefined ? "nothing" : `"${value}"`})\n`);
                return 2;
            }
            stack = value as Stack;
        } else if (a.startsWith("--")) {
            process.stderr.write(`unknown option ${a}\n${USAGE}\n`);
            return 2;
        } else paths.push(a);
    }
    if (paths.length === 0) {
        process.stderr.write(`no files or directories given\n${USAGE}\n`);
        return 2;
    }
    let manifests;
    try {
        manifests = loadManifests(paths);
    } catch (e) {
        if (e instanceof InputError) {
            process.stderr.write(`error: ${e.message}\n`);
            return 2;
        }
        throw e;
    }
    const report = await checkManifests(manifests, stack);
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report, stack)}\n`);
    return hasMandatory(report) ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            process.stderr.write(`error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
            process.exitCode = 2;
        },
    );
}
