// `npm run urns -- [--stack dev|prod] [--write]`: checks the stateful resources' URNs of the planned stacks
// against the committed snapshot (test/fixtures/urns/<stack>.json), like the test does; with `--write`,
// takes the snapshot again from the current code. Write it only deliberately, from a commit whose URNs are
// the ones deployed (the parent state), never to make a failing check pass.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT, readStackConfig, runProgram } from "./offline/run";
import { UrnSnapshot, newStateful, replacedStateful, takeSnapshot } from "./insight/urns";

export const SNAPSHOT_DIR = path.join(ROOT, "test", "fixtures", "urns");

export function snapshotFile(stack: string): string {
    return path.join(SNAPSHOT_DIR, `${stack}.json`);
}

function commit(): string {
    try {
        return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
        return "unknown commit";
    }
}

async function main(argv: string[]): Promise<number> {
    const write = argv.includes("--write");
    const i = argv.indexOf("--stack");
    const stacks = i >= 0 && argv[i + 1] ? [argv[i + 1]] : ["dev", "prod"];
    const unknown = argv.filter((a, k) => a !== "--write" && a !== "--stack" && !(k > 0 && argv[k - 1] === "--stack"));
    if (unknown.length > 0) {
        process.stderr.write(`urns: unknown argument ${JSON.stringify(unknown[0])}\nusage: npm run urns -- [--stack <name>] [--write]\n`);
        return 2;
    }
    let failed = false;
    for (const stack of stacks) {
        const run = await runProgram(readStackConfig(stack));
        const current = run.resources.map((r) => ({ urn: r.urn, type: r.type, aliases: r.aliases }));
        if (write) {
            const snap = takeSnapshot(stack, `commit ${commit()}, taken with \`npm run urns -- --write\``, current);
            fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
            fs.writeFileSync(snapshotFile(stack), `${JSON.stringify(snap, null, 2)}\n`);
            process.stdout.write(`${stack}: wrote ${snap.resources.length} stateful URNs to ${path.relative(ROOT, snapshotFile(stack))}\n`);
            continue;
        }
        const snap = JSON.parse(fs.readFileSync(snapshotFile(stack), "utf8")) as UrnSnapshot;
        const replaced = replacedStateful(snap, current);
        const added = newStateful(snap, current);
        process.stdout.write(`${stack}: ${snap.resources.length} stateful URNs in the snapshot (${snap.source}); ${replaced.length} would be replaced, ${added.length} new\n`);
        for (const r of replaced) process.stdout.write(`  REPLACED ${r.urn}\n    ${r.reason}\n`);
        for (const a of added) process.stdout.write(`  new      ${a}\n`);
        failed ||= replaced.length > 0;
    }
    return failed ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            process.stderr.write(`urns: ${(e as Error).message}\n`);
            process.exit(2);
        },
    );
}
