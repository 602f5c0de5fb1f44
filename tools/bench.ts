// `npm run bench [-- plan|checker]`: performance targets, measured on this machine.
//
// plan: times the offline plan of the full prod stack (median of 5 runs of
//   `npm run plan -- --stack prod --diff <base>`) against the bare cost of loading the Pulumi SDKs in a node
//   process, reports the plan's peak memory and what the plan insight (cost, critical path, diff) adds to it.
// checker: the policy checker (`npm run policy -- check`) side by side, each in a fresh process on the same
//   generated manifests, with today's checker: the code at TODAY (before issue 17), taken from git when the
//   history is there; and with today's pipeline re-built on the current policies (legacyCheck below: the
//   YAML read as 1.2 into memory in full, every object sent to the analyzer as protobuf requests, every
//   result held), which isolates the analyzer and streaming change from the policies' own speed-ups.
//   Targets: at 5,000 manifests 4x less CPU than today's checker; peak memory under 400 MB at 40,000 (the
//   old checker needs about 75 KB per manifest).
// Exits 1 when a target is missed.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import { createRequire } from "module";
import * as path from "path";
import { Writable } from "stream";
import { parseAllDocuments } from "yaml";
import { PACK_NAME, PACK_VERSION, policies } from "../policies/pack";
import { PolicyViolation, runPoliciesWire } from "./offline/policyRunner";
import { main as policyMain } from "./policy";
import { readStackPolicyConfig, resourceOf } from "./policyCheck";

const ROOT = path.resolve(__dirname, "..");
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");

// ---------------------------------------------------------------------------------------------------------
// plan
// ---------------------------------------------------------------------------------------------------------

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

function benchPlan(): { lines: string[]; ok: boolean } {
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
    const lines = [
        `offline plan, prod (npm run plan -- --stack prod --diff <base plan>), median of ${RUNS}: ${plan.toFixed(2)} s  [${planTimes.map((t) => t.toFixed(2)).join(", ")}]`,
        `bare load of @pulumi/pulumi, aws, eks, kubernetes, median of ${RUNS}: ${base.toFixed(2)} s  [${loadTimes.map((t) => t.toFixed(2)).join(", ")}]`,
        `ratio plan / bare load: ${ratio.toFixed(2)}x (target <= ${TARGETS.ratio}x: ${verdict(ratio <= TARGETS.ratio)})`,
        `plan under ${TARGETS.planSeconds} s: ${verdict(plan < TARGETS.planSeconds)}`,
        `plan peak memory (max RSS): ${peak.toFixed(0)} MB (target < ${TARGETS.peakMb} MB: ${verdict(peak < TARGETS.peakMb)})`,
        `plan insight, median in-process: cost ${cost.toFixed(1)} ms + critical path ${critical.toFixed(1)} ms + diff ${diff.toFixed(1)} ms = ${insightPercent.toFixed(1)}% of the plan's ${inPlan.toFixed(0)} ms (target < ${TARGETS.insightPercent}%: ${verdict(insightPercent < TARGETS.insightPercent)})`,
    ];
    return { lines, ok: ratio <= TARGETS.ratio && plan < TARGETS.planSeconds && peak < TARGETS.peakMb && insightPercent < TARGETS.insightPercent };
}

// ---------------------------------------------------------------------------------------------------------
// checker
// ---------------------------------------------------------------------------------------------------------

const CHECKER_TARGETS = { speedup: 4, at: 5_000, peakMb: 400, peakAt: 40_000 };
/** main before issue 17 (the commit the checker work started from). */
const TODAY = "cc356c93ea25a7038665d03c9e7b77fcd49da6ca";
const TODAY_FILES = ["tools/policy.ts", "tools/policyCheck.ts", "tools/offline/policyRunner.ts", "policies"];

/** Today's checker's files in a temporary tree (sharing node_modules), or why not. */
function checkoutToday(dir: string): string | { unavailable: string } {
    const archive = spawnSync("git", ["-C", ROOT, "archive", "--format=tar", TODAY, ...TODAY_FILES], { maxBuffer: 64 * 1024 * 1024 });
    if (archive.status !== 0) return { unavailable: `git archive ${TODAY.slice(0, 7)} failed: ${String(archive.stderr ?? archive.error).trim().split("\n")[0]}` };
    fs.mkdirSync(dir, { recursive: true });
    const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
    if (untar.status !== 0) return { unavailable: `tar failed: ${String(untar.stderr).trim()}` };
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/** One application: Deployment, Service, HPA, PDB and ConfigMap, passing every policy in prod. */
function app(i: number): string {
    const ns = `team-${i % 50}`;
    const name = `app-${i}`;
    return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  replicas: 2
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name}, tier: web } }
    spec:
      serviceAccountName: ${name}
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: app
          image: ghcr.io/example/app:1.${i % 10}.0
          ports: [{ containerPort: 8080 }]
          resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }
          readinessProbe: { httpGet: { path: /ready, port: 8080 } }
          livenessProbe: { httpGet: { path: /health, port: 8080 } }
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          volumeMounts: [{ name: tmp, mountPath: /tmp }]
      volumes: [{ name: tmp, emptyDir: {} }]
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { selector: { app: ${name} }, ports: [{ port: 80, targetPort: 8080 }] }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: ${name}, namespace: ${ns} }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }
  minReplicas: 2
  maxReplicas: 6
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } } }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: ${name}, namespace: ${ns} }
spec: { maxUnavailable: 1, selector: { matchLabels: { app: ${name} } } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: ${name}-settings, namespace: ${ns} }
data: { LOG_LEVEL: info }
`;
}

/** A debugging pod that breaks the Baseline (host network, privileged, hostPath). */
function debugPod(i: number): string {
    return `apiVersion: v1
kind: Pod
metadata: { name: debug-${i}, namespace: team-${i % 50} }
spec:
  hostNetwork: true
  containers:
    - name: shell
      image: busybox
      securityContext: { privileged: true }
      volumeMounts: [{ name: root, mountPath: /host }]
  volumes: [{ name: root, hostPath: { path: / } }]
`;
}

/** Writes `count` manifests under `dir`: 100 files per folder, every tenth file a failing pod. */
export function writeCorpus(dir: string, count: number): void {
    fs.rmSync(dir, { recursive: true, force: true });
    let written = 0;
    for (let i = 0; written < count; i++) {
        const folder = path.join(dir, `group-${Math.floor(i / 100)}`);
        if (i % 100 === 0) fs.mkdirSync(folder, { recursive: true });
        const pod = i % 10 === 9;
        fs.writeFileSync(path.join(folder, `m${i}.yaml`), pod ? debugPod(i) : app(i));
        written += pod ? 1 : 5;
    }
}

/**
 * The checker before issue 17, transcribed (tools/policyCheck.ts at cc356c9): every file read as YAML 1.2
 * (`yaml` parseAllDocuments + toJS), every manifest held, then the pack run through protobuf requests
 * (runPoliciesWire: a Struct per object, decoded again by each policy), every result held and printed at the
 * end. The policies themselves are today's, for both.
 */
async function legacyCheck(dir: string): Promise<number> {
    const files: string[] = [];
    const walk = (d: string): void => {
        for (const e of fs.readdirSync(d).sort()) {
            const p = path.join(d, e);
            if (fs.statSync(p).isDirectory()) walk(p);
            else if (/\.ya?ml$/i.test(e)) files.push(p);
        }
    };
    walk(dir);
    const manifests: { source: string; object: Record<string, unknown> }[] = [];
    for (const file of files) {
        parseAllDocuments(fs.readFileSync(file, "utf8")).forEach((doc, i) => {
            const value = doc.toJS() as Record<string, unknown> | null;
            if (value) manifests.push({ source: `${file}:${i}`, object: value });
        });
    }
    const resources = manifests.map((m) => resourceOf(m as Parameters<typeof resourceOf>[0], "prod"));
    const violations = await runPoliciesWire({ name: PACK_NAME, version: PACK_VERSION, policies }, resources, readStackPolicyConfig("prod"));
    const results = manifests.map((m) => ({ source: m.source, violations: [] as PolicyViolation[] }));
    const byUrn = new Map(resources.map((r, i) => [r.urn, results[i]]));
    for (const v of violations) byUrn.get(v.urn ?? "")?.violations.push(v);
    const out = JSON.stringify({ results, summary: { objects: manifests.length, violations: violations.length } });
    return out.length > 0 ? manifests.length : 0;
}

interface ChildReport {
    cpuSeconds: number;
    wallSeconds: number;
    peakMb: number;
    exitCode: number;
}

/** Runs one checker in this (child) process and prints what it cost. */
async function child(which: string, dir: string, todayTree?: string): Promise<void> {
    const started = process.hrtime.bigint();
    let exitCode: number;
    if (which === "legacy") {
        await legacyCheck(dir);
        exitCode = 0;
    } else if (which === "today") {
        // Loaded by path from the temporary tree (the .ts hook of tools/register.js compiles it).
        const today = createRequire(__filename)(path.join(todayTree as string, "tools", "policy.ts")) as { main(argv: string[]): Promise<number> };
        const write = process.stdout.write;
        process.stdout.write = () => true; // its report is printed at the end, in one piece: not measured
        try {
            exitCode = await today.main(["check", dir, "--json"]);
        } finally {
            process.stdout.write = write;
        }
    } else {
        const sink = new Writable({ write: (_c, _e, cb) => cb() });
        exitCode = await policyMain(["check", dir, "--json"], { stdout: sink, stderr: sink });
    }
    const cpu = process.cpuUsage();
    const report: ChildReport = {
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        wallSeconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakMb: process.resourceUsage().maxRSS / 1024,
        exitCode,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
}

function runChild(which: "today" | "legacy" | "streaming", dir: string, todayTree = ""): ChildReport {
    const args = ["--expose-gc", "--require", path.join(ROOT, "tools", "register.js"), path.join(ROOT, "tools", "bench.ts"), "--child", which, dir, todayTree];
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1024 * 1024 });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    if (r.status !== 0 || !line.startsWith("{")) throw new Error(`${which} checker failed (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
    return JSON.parse(line) as ChildReport;
}

function benchChecker(): { lines: string[]; ok: boolean } {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "checker-bench-"));
    try {
        const small = path.join(base, "small");
        const large = path.join(base, "large");
        writeCorpus(small, CHECKER_TARGETS.at);
        writeCorpus(large, CHECKER_TARGETS.peakAt);
        const tree = checkoutToday(path.join(base, "today"));
        // Warm the file cache, then each checker twice, the best run of each (CPU time: this machine is
        // shared, so wall time is only reported).
        runChild("streaming", small);
        const best = (rs: ChildReport[]) => rs.reduce((a, b) => (b.cpuSeconds < a.cpuSeconds ? b : a));
        const today = typeof tree === "string" ? best([runChild("today", small, tree), runChild("today", small, tree)]) : undefined;
        const legacy = best([runChild("legacy", small), runChild("legacy", small)]);
        const streaming = best([runChild("streaming", small), runChild("streaming", small)]);
        const big = runChild("streaming", large);
        const fmt = (r: ChildReport) => `${r.cpuSeconds.toFixed(2)} s CPU (${r.wallSeconds.toFixed(2)} s wall), peak ${r.peakMb.toFixed(0)} MB`;
        const reference = today ?? legacy;
        const speedup = reference.cpuSeconds / streaming.cpuSeconds;
        return {
            lines: [
                `policy checker, ${CHECKER_TARGETS.at} manifests (${Math.round(CHECKER_TARGETS.at / 5)} applications of 5 objects in 50 namespaces, a failing pod in every tenth file), best of 2, whole process:`,
                today ? `  today's checker (git ${TODAY.slice(0, 7)}):                        ${fmt(today)}` : `  today's checker: not measured (${(tree as { unavailable: string }).unavailable})`,
                `  today's pipeline on the current policies:             ${fmt(legacy)}  (${(legacy.cpuSeconds / streaming.cpuSeconds).toFixed(1)}x the streaming checker)`,
                `  streaming checker (npm run policy -- check --json):   ${fmt(streaming)}`,
                `  speed-up against ${today ? "today's checker" : "today's pipeline"} (CPU): ${speedup.toFixed(1)}x (target >= ${CHECKER_TARGETS.speedup}x: ${verdict(speedup >= CHECKER_TARGETS.speedup)})`,
                `policy checker, ${CHECKER_TARGETS.peakAt} manifests, streaming: ${fmt(big)} (target < ${CHECKER_TARGETS.peakMb} MB: ${verdict(big.peakMb < CHECKER_TARGETS.peakMb)})`,
            ],
            ok: speedup >= CHECKER_TARGETS.speedup && big.peakMb < CHECKER_TARGETS.peakMb,
        };
    } finally {
        fs.rmSync(base, { recursive: true, force: true });
    }
}

async function main(argv: string[]): Promise<number> {
    if (argv[0] === "--child") {
        await child(argv[1], argv[2], argv[3]);
        return 0;
    }
    const which = argv[0] ?? "all";
    if (!["all", "plan", "checker"].includes(which)) {
        process.stderr.write("usage: npm run bench [-- plan|checker]\n");
        return 2;
    }
    const lines: string[] = [];
    let ok = true;
    for (const [name, run] of [
        ["plan", benchPlan],
        ["checker", benchChecker],
    ] as const) {
        if (which !== "all" && which !== name) continue;
        const r = run();
        lines.push(...r.lines);
        ok &&= r.ok;
    }
    lines.push(`machine: ${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}`);
    process.stdout.write(`${lines.join("\n")}\n`);
    return ok ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: unknown) => {
            process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exit(2);
        },
    );
}
