// `npm run smoke -- --plan plan.json [--url URL] [--timeout 900] [--interval 15] [--report FILE]`
//
// End-to-end check after `pulumi up` (deploy.yml runs it after each stack): waits until
//   1. every Helm release the plan declares is deployed (Helm's own release records: the newest
//      `sh.helm.release.v1.<name>.v<revision>` Secret of each release, labels owner=helm, name, status, version),
//   2. every node pool is ready: each Karpenter NodePool has condition Ready=True and each EKS managed node group
//      (nodes labelled eks.amazonaws.com/nodegroup) has a Ready node,
//   3. the sample service answers on its public URL (2xx/3xx),
// then prints a report (also appended to $GITHUB_STEP_SUMMARY) and exits 0; after the timeout it exits 1 naming
// what is still not ready. Exit 2: bad arguments or an unreadable plan. Needs kubectl with a kubeconfig for the
// cluster (deploy.yml writes it with `aws eks update-kubeconfig`).
import { execFile } from "child_process";
import * as fs from "fs";

export interface SmokeArgs {
    plan: string;
    url?: string;
    timeoutSeconds: number;
    intervalSeconds: number;
    report?: string;
}

export class UsageError extends Error {}

export const USAGE = "usage: npm run smoke -- --plan <plan.json> [--url <https://...>] [--timeout <seconds>] [--interval <seconds>] [--report <file>]";

export function parseArgs(argv: string[]): SmokeArgs {
    const out: Partial<SmokeArgs> = { timeoutSeconds: 900, intervalSeconds: 15 };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].includes("=") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "" || (inline === undefined && v.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
            return v;
        };
        const seconds = (): number => {
            const v = value();
            const n = Number(v);
            if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} expects a whole number of seconds, found ${JSON.stringify(v)}`);
            return n;
        };
        if (flag === "--plan") out.plan = value();
        else if (flag === "--url") {
            const u = value();
            if (!/^https?:\/\/[^\s/]+/.test(u)) throw new UsageError(`--url expects an http(s) URL, found ${JSON.stringify(u)}`);
            out.url = u;
        } else if (flag === "--timeout") out.timeoutSeconds = seconds();
        else if (flag === "--interval") out.intervalSeconds = seconds();
        else if (flag === "--report") out.report = value();
        else throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
    }
    if (!out.plan) throw new UsageError("--plan is required (the plan JSON of what was deployed)");
    return out as SmokeArgs;
}

export interface ExpectedRelease {
    namespace: string;
    name: string;
}

/** The Helm releases a plan JSON (npm run plan -- --json) declares. */
export function expectedReleases(plan: unknown): ExpectedRelease[] {
    const resources = (plan as { resources?: unknown }).resources;
    if (!Array.isArray(resources)) throw new Error("the plan JSON has no resources array (expected the output of npm run plan -- --json)");
    const out: ExpectedRelease[] = [];
    for (const r of resources as { type?: string; name?: string; inputs?: Record<string, unknown> }[]) {
        if (r.type !== "kubernetes:helm.sh/v3:Release") continue;
        const name = typeof r.inputs?.["name"] === "string" ? (r.inputs["name"] as string) : r.name;
        const namespace = typeof r.inputs?.["namespace"] === "string" ? (r.inputs["namespace"] as string) : "default";
        if (name) out.push({ namespace, name });
    }
    return out.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

interface K8sList {
    items?: {
        metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
        status?: { conditions?: { type?: string; status?: string; reason?: string; message?: string }[] };
    }[];
}

/** Status of each release's newest revision, from `kubectl get secrets -A -l owner=helm -o json`. */
export function helmReleaseStatus(list: K8sList): Map<string, { status: string; revision: number }> {
    const out = new Map<string, { status: string; revision: number }>();
    for (const item of list.items ?? []) {
        const labels = item.metadata?.labels ?? {};
        if (labels["owner"] !== "helm" || !labels["name"]) continue;
        const key = `${item.metadata?.namespace ?? "default"}/${labels["name"]}`;
        const revision = Number(labels["version"] ?? "0");
        const seen = out.get(key);
        if (!seen || revision > seen.revision) out.set(key, { status: labels["status"] ?? "unknown", revision });
    }
    return out;
}

export interface CheckResult {
    check: string;
    ok: boolean;
    detail: string;
}

export function checkReleases(expected: ExpectedRelease[], status: Map<string, { status: string; revision: number }>): CheckResult[] {
    return expected.map((e) => {
        const key = `${e.namespace}/${e.name}`;
        const s = status.get(key);
        if (!s) return { check: `helm release ${key}`, ok: false, detail: "not installed (no Helm release record)" };
        return { check: `helm release ${key}`, ok: s.status === "deployed", detail: `revision ${s.revision} ${s.status}` };
    });
}

/** Karpenter NodePools (`kubectl get nodepools.karpenter.sh -o json`): condition Ready must be True. */
export function checkNodePools(list: K8sList): CheckResult[] {
    return (list.items ?? []).map((np) => {
        const ready = (np.status?.conditions ?? []).find((c) => c.type === "Ready");
        const name = np.metadata?.name ?? "?";
        if (!ready) return { check: `karpenter nodepool ${name}`, ok: false, detail: "no Ready condition yet" };
        return {
            check: `karpenter nodepool ${name}`,
            ok: ready.status === "True",
            detail: ready.status === "True" ? "Ready" : `Ready=${ready.status}: ${ready.reason ?? ""} ${ready.message ?? ""}`.trim(),
        };
    });
}

/** EKS managed node groups (`kubectl get nodes -o json`): each group has at least one Ready node. */
export function checkNodeGroups(list: K8sList): CheckResult[] {
    const groups = new Map<string, { ready: number; total: number }>();
    for (const node of list.items ?? []) {
        const group = node.metadata?.labels?.["eks.amazonaws.com/nodegroup"];
        if (!group) continue;
        const g = groups.get(group) ?? { ready: 0, total: 0 };
        g.total++;
        if ((node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")) g.ready++;
        groups.set(group, g);
    }
    if (groups.size === 0) return [{ check: "managed node groups", ok: false, detail: "no node carries the label eks.amazonaws.com/nodegroup" }];
    return [...groups.entries()].sort().map(([group, g]) => ({ check: `node group ${group}`, ok: g.ready > 0, detail: `${g.ready}/${g.total} nodes Ready` }));
}

export function checkHttp(url: string, status: number | Error): CheckResult {
    if (status instanceof Error) return { check: `GET ${url}`, ok: false, detail: status.message };
    return { check: `GET ${url}`, ok: status >= 200 && status < 400, detail: `HTTP ${status}` };
}

/** What the smoke test talks to; tests replace it. */
export interface Probe {
    kubectlJson(args: string[]): Promise<K8sList>;
    httpStatus(url: string): Promise<number>;
}

export const realProbe: Probe = {
    kubectlJson: (args) =>
        new Promise((resolve, reject) =>
            execFile("kubectl", [...args, "-o", "json"], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
                if (err) reject(new Error(`kubectl ${args.join(" ")}: ${stderr.trim() || err.message}`));
                else resolve(JSON.parse(stdout) as K8sList);
            }),
        ),
    httpStatus: async (url) => (await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) })).status,
};

async function attempt<T>(f: () => Promise<T>): Promise<T | Error> {
    try {
        return await f();
    } catch (e) {
        return e instanceof Error ? e : new Error(String(e));
    }
}

/** One round of every check. A kubectl failure is a failed check (the API may still be coming up), not a crash. */
export async function runChecks(expected: ExpectedRelease[], url: string | undefined, probe: Probe): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    const secrets = await attempt(() => probe.kubectlJson(["get", "secrets", "--all-namespaces", "-l", "owner=helm"]));
    results.push(...(secrets instanceof Error ? [{ check: "helm releases", ok: false, detail: secrets.message }] : checkReleases(expected, helmReleaseStatus(secrets))));
    const pools = await attempt(() => probe.kubectlJson(["get", "nodepools.karpenter.sh"]));
    results.push(...(pools instanceof Error ? [{ check: "karpenter nodepools", ok: false, detail: pools.message }] : checkNodePools(pools)));
    const nodes = await attempt(() => probe.kubectlJson(["get", "nodes"]));
    results.push(...(nodes instanceof Error ? [{ check: "nodes", ok: false, detail: nodes.message }] : checkNodeGroups(nodes)));
    if (url) results.push(checkHttp(url, await attempt(() => probe.httpStatus(url))));
    return results;
}

export function renderReport(results: CheckResult[], opts: { url?: string; elapsedSeconds: number; timedOut: boolean }): string {
    const failed = results.filter((r) => !r.ok);
    const lines = [
        `## Smoke test: ${failed.length === 0 ? "passed" : opts.timedOut ? `FAILED after ${opts.elapsedSeconds} s` : "not ready"}`,
        "",
        "| check | result | detail |",
        "|---|---|---|",
        ...results.map((r) => `| ${r.check} | ${r.ok ? "ok" : "FAIL"} | ${r.detail.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`),
        "",
        `${results.length - failed.length}/${results.length} checks passed in ${opts.elapsedSeconds} s.`,
    ];
    if (!opts.url) lines.push("No sample service URL given (the stack has no platform domain): the HTTP check was skipped.");
    return `${lines.join("\n")}\n`;
}

export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** Polls until every check passes or the timeout passes; returns the last round and whether it timed out. */
export async function smoke(
    args: SmokeArgs,
    expected: ExpectedRelease[],
    probe: Probe,
    clock: Clock = realClock,
): Promise<{ results: CheckResult[]; timedOut: boolean; elapsedSeconds: number }> {
    const start = clock.now();
    for (;;) {
        const results = await runChecks(expected, args.url, probe);
        const elapsedSeconds = Math.round((clock.now() - start) / 1000);
        if (results.every((r) => r.ok)) return { results, timedOut: false, elapsedSeconds };
        if (clock.now() - start + args.intervalSeconds * 1000 > args.timeoutSeconds * 1000) return { results, timedOut: true, elapsedSeconds };
        await clock.sleep(args.intervalSeconds * 1000);
    }
}

export async function main(argv: string[], probe: Probe = realProbe, clock: Clock = realClock): Promise<number> {
    let args: SmokeArgs;
    let expected: ExpectedRelease[];
    try {
        args = parseArgs(argv);
        expected = expectedReleases(JSON.parse(fs.readFileSync(args.plan, "utf8")));
    } catch (e) {
        process.stderr.write(`smoke: ${(e as Error).message}\n${USAGE}\n`);
        return 2;
    }
    const { results, timedOut, elapsedSeconds } = await smoke(args, expected, probe, clock);
    const report = renderReport(results, { url: args.url, elapsedSeconds, timedOut });
    process.stdout.write(report);
    if (args.report) fs.writeFileSync(args.report, report);
    const summary = process.env["GITHUB_STEP_SUMMARY"];
    if (summary) fs.appendFileSync(summary, report);
    return timedOut ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: unknown) => {
            process.stderr.write(`smoke: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exit(2);
        },
    );
}
