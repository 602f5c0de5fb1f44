// `npm run bench`: times the offline plan of the full prod stack (median of 5 runs of
// `npm run plan -- --stack prod`) against the bare cost of loading the Pulumi SDKs in a node process,
// and reports the plan's peak memory. Exits 1 when a target is missed.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./offline/run";

const RUNS = 5;
const TARGETS = { ratio: 3, planSeconds: 5, peakMb: 600 };

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return seconds;
}

function main(): number {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const rssFile = path.join(os.tmpdir(), `plan-rss-${process.pid}`);
    const load = 'require("@pulumi/pulumi");require("@pulumi/aws");require("@pulumi/eks");require("@pulumi/kubernetes")';
    // One warm-up of each, so the file cache is equally warm for both.
    timed(process.execPath, ["-e", load]);
    timed(npm, ["run", "plan", "--silent", "--", "--stack", "prod"]);
    const planTimes: number[] = [];
    const loadTimes: number[] = [];
    const peaks: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        loadTimes.push(timed(process.execPath, ["-e", load]));
        planTimes.push(timed(npm, ["run", "plan", "--silent", "--", "--stack", "prod"], { ...process.env, PLATFORM_PLAN_RSS_FILE: rssFile }));
        peaks.push(Number(fs.readFileSync(rssFile, "utf8")) / 1024);
    }
    fs.rmSync(rssFile, { force: true });
    const plan = median(planTimes);
    const base = median(loadTimes);
    const ratio = plan / base;
    const peak = Math.max(...peaks);
    const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
    const lines = [
        `offline plan, prod (npm run plan -- --stack prod), median of ${RUNS}: ${plan.toFixed(2)} s  [${planTimes.map((t) => t.toFixed(2)).join(", ")}]`,
        `bare load of @pulumi/pulumi, aws, eks, kubernetes, median of ${RUNS}: ${base.toFixed(2)} s  [${loadTimes.map((t) => t.toFixed(2)).join(", ")}]`,
        `ratio plan / bare load: ${ratio.toFixed(2)}x (target <= ${TARGETS.ratio}x: ${verdict(ratio <= TARGETS.ratio)})`,
        `plan under ${TARGETS.planSeconds} s: ${verdict(plan < TARGETS.planSeconds)}`,
        `plan peak memory (max RSS): ${peak.toFixed(0)} MB (target < ${TARGETS.peakMb} MB: ${verdict(peak < TARGETS.peakMb)})`,
        `machine: ${os.cpus().length} cores, node ${process.version}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return ratio <= TARGETS.ratio && plan < TARGETS.planSeconds && peak < TARGETS.peakMb ? 0 : 1;
}

process.exit(main());
