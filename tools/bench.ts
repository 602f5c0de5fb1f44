// `npm run bench`: times the offline plan of the full prod stack (median of 5 runs of
// `npm run plan -- --stack prod --diff <base>`) against the bare cost of loading the Pulumi SDKs in a node
// process, reports the plan's peak memory and what the plan insight (cost, critical path, diff) adds to it.
// Exits 1 when a target is missed.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./offline/run";

const RUNS = 5;
const TARGETS = { ratio: 3, planSeconds: 5, peakMb: 600, insightPercent: 10 };

interface Timings {
    planMs: number;
    costMs: number;
    deployTimeMs: number;
    diffMs?: number;
}

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
    const timingsFile = path.join(os.tmpdir(), `plan-timings-${process.pid}`);
    const baseFile = path.join(os.tmpdir(), `plan-base-${process.pid}.json`);
    const load = 'require("@pulumi/pulumi");require("@pulumi/aws");require("@pulumi/eks");require("@pulumi/kubernetes")';
    // One warm-up of each, so the file cache is equally warm for both.
    timed(process.execPath, ["-e", load]);
    // The warm-up run writes the base plan the timed runs diff against (the diff is then a full comparison).
    timed(npm, ["run", "plan", "--silent", "--", "--stack", "prod", "--json", baseFile]);
    const planTimes: number[] = [];
    const timings: Timings[] = [];
    const loadTimes: number[] = [];
    const peaks: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        loadTimes.push(timed(process.execPath, ["-e", load]));
        planTimes.push(timed(npm, ["run", "plan", "--silent", "--", "--stack", "prod", "--diff", baseFile], { ...process.env, PLATFORM_PLAN_RSS_FILE: rssFile, PLATFORM_PLAN_TIMINGS_FILE: timingsFile }));
        peaks.push(Number(fs.readFileSync(rssFile, "utf8")) / 1024);
        timings.push(JSON.parse(fs.readFileSync(timingsFile, "utf8")) as Timings);
    }
    for (const f of [rssFile, timingsFile, baseFile]) fs.rmSync(f, { force: true });
    const cost = median(timings.map((t) => t.costMs));
    const critical = median(timings.map((t) => t.deployTimeMs));
    const diff = median(timings.map((t) => t.diffMs ?? 0));
    const inPlan = median(timings.map((t) => t.planMs));
    const insightPercent = (100 * (cost + critical + diff)) / inPlan;
    const plan = median(planTimes);
    const base = median(loadTimes);
    const ratio = plan / base;
    const peak = Math.max(...peaks);
    const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
    const lines = [
        `offline plan, prod (npm run plan -- --stack prod --diff <base plan>), median of ${RUNS}: ${plan.toFixed(2)} s  [${planTimes.map((t) => t.toFixed(2)).join(", ")}]`,
        `bare load of @pulumi/pulumi, aws, eks, kubernetes, median of ${RUNS}: ${base.toFixed(2)} s  [${loadTimes.map((t) => t.toFixed(2)).join(", ")}]`,
        `ratio plan / bare load: ${ratio.toFixed(2)}x (target <= ${TARGETS.ratio}x: ${verdict(ratio <= TARGETS.ratio)})`,
        `plan under ${TARGETS.planSeconds} s: ${verdict(plan < TARGETS.planSeconds)}`,
        `plan peak memory (max RSS): ${peak.toFixed(0)} MB (target < ${TARGETS.peakMb} MB: ${verdict(peak < TARGETS.peakMb)})`,
        `plan insight, median in-process: cost ${cost.toFixed(1)} ms + critical path ${critical.toFixed(1)} ms + diff ${diff.toFixed(1)} ms = ${insightPercent.toFixed(1)}% of the plan's ${inPlan.toFixed(0)} ms (target < ${TARGETS.insightPercent}%: ${verdict(insightPercent < TARGETS.insightPercent)})`,
        `machine: ${os.cpus().length} cores, node ${process.version}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return ratio <= TARGETS.ratio && plan < TARGETS.planSeconds && peak < TARGETS.peakMb && insightPercent < TARGETS.insightPercent ? 0 : 1;
}

process.exit(main());
