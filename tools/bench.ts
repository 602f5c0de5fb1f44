// `npm run bench [-- plan|checker]`: performance targets, measured on this machine.
//
// plan: times the offline plan of the full prod stack (median of 5 runs of `npm run plan -- --stack prod`)
//   against the bare cost of loading the Pulumi SDKs in a node process, and reports the plan's peak memory.
// checker: the policy checker (`npm run policy -- check`) side by side with the checker as it was before
//   issue 17 (below: the YAML read as 1.2 into memory in full, every object sent to the analyzer as protobuf
//   requests, every result held until the end), each in a fresh process on the same generated manifests:
//   CPU time at 5,000 manifests (target: 4x faster), and the streaming checker's peak memory at 40,000
//   (target: under 400 MB; the old one needs about 75 KB per manifest).
// Exits 1 when a target is missed.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
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
const PLAN_TARGETS = { ratio: 3, planSeconds: 5, peakMb: 600 };

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
    return {
        lines: [
            `offline plan, prod (npm run plan -- --stack prod), median of ${RUNS}: ${plan.toFixed(2)} s  [${planTimes.map((t) => t.toFixed(2)).join(", ")}]`,
            `bare load of @pulumi/pulumi, aws, eks, kubernetes, median of ${RUNS}: ${base.toFixed(2)} s  [${loadTimes.map((t) => t.toFixed(2)).join(", ")}]`,
            `ratio plan / bare load: ${ratio.toFixed(2)}x (target <= ${PLAN_TARGETS.ratio}x: ${verdict(ratio <= PLAN_TARGETS.ratio)})`,
            `plan under ${PLAN_TARGETS.planSeconds} s: ${verdict(plan < PLAN_TARGETS.planSeconds)}`,
            `plan peak memory (max RSS): ${peak.toFixed(0)} MB (target < ${PLAN_TARGETS.peakMb} MB: ${verdict(peak < PLAN_TARGETS.peakMb)})`,
        ],
        ok: ratio <= PLAN_TARGETS.ratio && plan < PLAN_TARGETS.planSeconds && peak < PLAN_TARGETS.peakMb,
    };
}

// ---------------------------------------------------------------------------------------------------------
// checker
// ---------------------------------------------------------------------------------------------------------

const CHECKER_TARGETS = { speedup: 4, at: 5_000, peakMb: 400, peakAt: 40_000 };

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
async function child(which: string, dir: string): Promise<void> {
    const started = process.hrtime.bigint();
    let exitCode: number;
    if (which === "legacy") {
        await legacyCheck(dir);
        exitCode = 0;
    } else {
        const sink = new (require("stream").Writable)({ write: (_c: unknown, _e: unknown, cb: () => void) => cb() }) as NodeJS.WritableStream;
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

function runChild(which: "legacy" | "streaming", dir: string): ChildReport {
    const args = ["--expose-gc", "--require", path.join(ROOT, "tools", "register.js"), path.join(ROOT, "tools", "bench.ts"), "--child", which, dir];
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
        // Warm the file cache, then legacy and streaming alternately, the best of two each (CPU time: this
        // machine is shared, wall time is reported too).
        runChild("streaming", small);
        const legacy = [runChild("legacy", small), runChild("legacy", small)];
        const streaming = [runChild("streaming", small), runChild("streaming", small)];
        const best = (rs: ChildReport[]) => rs.reduce((a, b) => (b.cpuSeconds < a.cpuSeconds ? b : a));
        const l = best(legacy);
        const s = best(streaming);
        const speedup = l.cpuSeconds / s.cpuSeconds;
        const big = runChild("streaming", large);
        const fmt = (r: ChildReport) => `${r.cpuSeconds.toFixed(2)} s CPU (${r.wallSeconds.toFixed(2)} s wall), peak ${r.peakMb.toFixed(0)} MB`;
        return {
            lines: [
                `policy checker, ${CHECKER_TARGETS.at} manifests (${Math.round(CHECKER_TARGETS.at / 5)} applications of 5 objects, a failing pod in every tenth file), best of 2, whole process:`,
                `  before issue 17 (YAML held, protobuf requests): ${fmt(l)}`,
                `  streaming checker (npm run policy -- check):     ${fmt(s)}`,
                `  speed-up (CPU): ${speedup.toFixed(1)}x (target >= ${CHECKER_TARGETS.speedup}x: ${verdict(speedup >= CHECKER_TARGETS.speedup)})`,
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
        await child(argv[1], argv[2]);
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
