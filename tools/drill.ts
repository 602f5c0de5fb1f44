// `npm run drill -- [options]`: a restore drill. Restores the newest completed Velero backup of a namespace (the
// sample "quotes" by default) into a scratch namespace, waits until its pods' containers are ready, reports the
// time against the RTO (and the backup's age against the RPO), then deletes what it restored. Run it by hand or
// on a schedule from a machine whose kubectl context reaches the cluster; see docs/backup.md "Restore drill".
//
//   npm run drill -- --stack prod                       objectives from the prod stack's platform:backup
//   npm run drill -- --namespace payments --rto 30m     another namespace, another objective
//   npm run drill -- --dry-run                          print the backup it would use and the Restore, change nothing
//
// Exit codes: 0 the drill met the RTO; 1 it did not (restore failed, timed out, or slower than the RTO);
// 2 bad arguments, or kubectl/the cluster could not be used.
import { execFile } from "child_process";
import * as fs from "fs";
import { parsePlatformConfig } from "../infra/config";
import { APP_SCHEDULES, VELERO_NAMESPACE, scheduleName } from "../infra/backup/schedules";
import { readStackConfig } from "./offline/run";

export interface DrillArgs {
    namespace: string;
    /** Scratch namespace to restore into; default `<namespace>-drill-<UTC time>`. */
    scratch?: string;
    rtoMinutes: number;
    rpoHours: number;
    /** Give up on the restore and the pods after this long (default: twice the RTO). */
    timeoutMinutes: number;
    veleroNamespace: string;
    context?: string;
    /** Restore from this backup instead of the newest one. */
    backup?: string;
    keep: boolean;
    dryRun: boolean;
    json?: string;
    /** Read the objectives from this stack's configuration. */
    stack?: string;
}

export const USAGE = [
    "usage: npm run drill -- [--namespace <ns>] [--scratch <ns>] [--stack <name>] [--rto <minutes|Nm|Nh>] [--rpo <hours|Nh>]",
    "                        [--timeout <Nm|Nh>] [--backup <name>] [--context <kubectl context>] [--velero-namespace <ns>]",
    "                        [--keep] [--dry-run] [--json <file>]",
].join("\n");

export class UsageError extends Error {}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** "90" or "90m" → 90; "2h" → 120. */
function minutes(flag: string, v: string): number {
    const m = /^(\d+)(m|h)?$/.exec(v);
    if (!m || Number(m[1]) <= 0) throw new UsageError(`${flag}: expected a positive duration like 60m or 1h, found ${JSON.stringify(v)}`);
    return Number(m[1]) * (m[2] === "h" ? 60 : 1);
}

/** "24" or "24h" → 24. */
function hours(flag: string, v: string): number {
    const m = /^(\d+)h?$/.exec(v);
    if (!m || Number(m[1]) <= 0) throw new UsageError(`${flag}: expected a positive number of hours like 24h, found ${JSON.stringify(v)}`);
    return Number(m[1]);
}

/** Reads the command line; `objectives` supplies --stack's RTO/RPO (defaults: 60 min, 24 h). */
export function parseArgs(argv: string[], objectives: (stack: string) => { rtoMinutes: number; rpoHours: number } = stackObjectives): DrillArgs {
    const raw: Record<string, string> = {};
    const flags = new Set<string>();
    const valued = ["--namespace", "--scratch", "--stack", "--rto", "--rpo", "--timeout", "--backup", "--context", "--velero-namespace", "--json"];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const eq = a.indexOf("=");
        const name = eq > 0 ? a.slice(0, eq) : a;
        if (valued.includes(name)) {
            const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
            if (v === undefined || v === "" || (eq < 0 && v.startsWith("--"))) throw new UsageError(`${name} needs a value`);
            raw[name] = v;
        } else if (a === "--keep" || a === "--dry-run") flags.add(a);
        else throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
    }
    const base = raw["--stack"] ? objectives(raw["--stack"]) : { rtoMinutes: 60, rpoHours: 24 };
    const args: DrillArgs = {
        namespace: raw["--namespace"] ?? "quotes",
        rtoMinutes: raw["--rto"] ? minutes("--rto", raw["--rto"]) : base.rtoMinutes,
        rpoHours: raw["--rpo"] ? hours("--rpo", raw["--rpo"]) : base.rpoHours,
        timeoutMinutes: 0,
        veleroNamespace: raw["--velero-namespace"] ?? VELERO_NAMESPACE,
        keep: flags.has("--keep"),
        dryRun: flags.has("--dry-run"),
        ...(raw["--scratch"] ? { scratch: raw["--scratch"] } : {}),
        ...(raw["--context"] ? { context: raw["--context"] } : {}),
        ...(raw["--backup"] ? { backup: raw["--backup"] } : {}),
        ...(raw["--json"] ? { json: raw["--json"] } : {}),
        ...(raw["--stack"] ? { stack: raw["--stack"] } : {}),
    };
    args.timeoutMinutes = raw["--timeout"] ? minutes("--timeout", raw["--timeout"]) : args.rtoMinutes * 2;
    for (const [flag, v] of [["--namespace", args.namespace], ["--scratch", args.scratch], ["--velero-namespace", args.veleroNamespace]] as const) {
        if (v !== undefined && (!DNS_LABEL.test(v) || v.length > 63)) throw new UsageError(`${flag}: expected a namespace name (a DNS-1123 label), found ${JSON.stringify(v)}`);
    }
    if (args.scratch !== undefined && args.scratch === args.namespace) {
        throw new UsageError(`--scratch: expected a namespace other than the one restored (${args.namespace}), found the same`);
    }
    return args;
}

/** The RTO/RPO of a stack, from its configuration (platform:backup.objectives, with the environment's defaults). */
export function stackObjectives(stack: string): { rtoMinutes: number; rpoHours: number } {
    const sc = readStackConfig(stack);
    const values = Object.fromEntries(Object.entries(sc.config).filter(([k]) => k.startsWith("platform:")).map(([k, v]) => [k.slice(9), v]));
    const cfg = parsePlatformConfig({
        source: { get: (k) => values[k], isSecret: (k) => sc.secretKeys.includes(`platform:${k}`), keys: () => Object.keys(values) },
        project: sc.project,
        stack,
        region: sc.region,
    });
    return { rtoMinutes: cfg.backup.objectives.rtoMinutes, rpoHours: cfg.backup.objectives.rpoHours };
}

// --- Velero objects (velero.io/v1), only the fields the drill reads ---------------------------------------------

export interface VeleroBackup {
    metadata: { name: string; labels?: Record<string, string> };
    spec: { includedNamespaces?: string[] | null; excludedNamespaces?: string[] | null };
    status?: { phase?: string; completionTimestamp?: string };
}

/** Does the backup hold the namespace? (includes "*" or the name, and does not exclude it) */
export function coversNamespace(b: VeleroBackup, namespace: string): boolean {
    const inc = b.spec.includedNamespaces ?? [];
    const exc = b.spec.excludedNamespaces ?? [];
    return (inc.length === 0 || inc.includes("*") || inc.includes(namespace)) && !exc.includes(namespace);
}

/** Label Velero puts on a scheduled backup with the Schedule's name (velero v1.18 pkg/apis/velero/v1 labels_annotations.go). */
export const SCHEDULE_NAME_LABEL = "velero.io/schedule-name";

/**
 * The newest Completed backup that holds the namespace, preferring the application schedules (their backups carry
 * the volumes); undefined when there is none.
 */
export function latestBackup(backups: VeleroBackup[], namespace: string): VeleroBackup | undefined {
    const appSchedules = APP_SCHEDULES.map(scheduleName);
    const usable = backups.filter((b) => b.status?.phase === "Completed" && b.status.completionTimestamp && coversNamespace(b, namespace));
    const newest = (list: VeleroBackup[]) =>
        [...list].sort((a, b) => Date.parse(b.status?.completionTimestamp ?? "") - Date.parse(a.status?.completionTimestamp ?? ""))[0];
    return newest(usable.filter((b) => appSchedules.includes(b.metadata.labels?.[SCHEDULE_NAME_LABEL] ?? ""))) ?? newest(usable);
}

/**
 * Kinds the drill does not restore: an Ingress (and the controller's TargetGroupBinding) in the scratch namespace
 * would join the shared ALB and take live traffic for the same hosts; events are history.
 */
export const DRILL_EXCLUDED_RESOURCES = ["ingresses.networking.k8s.io", "targetgroupbindings.elbv2.k8s.aws", "events", "events.events.k8s.io"];
export const DRILL_LABEL = "platform.io/restore-drill";

export function scratchName(namespace: string, now: Date): string {
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "").replace("T", "-").toLowerCase();
    return `${namespace}-drill-${stamp}`.slice(0, 63).replace(/-+$/, "");
}

/** The velero.io/v1 Restore the drill creates. */
export function restoreManifest(a: { name: string; veleroNamespace: string; backup: string; namespace: string; scratch: string }): Record<string, unknown> {
    return {
        apiVersion: "velero.io/v1",
        kind: "Restore",
        metadata: { name: a.name, namespace: a.veleroNamespace, labels: { [DRILL_LABEL]: "true" } },
        spec: {
            backupName: a.backup,
            includedNamespaces: [a.namespace],
            namespaceMapping: { [a.namespace]: a.scratch },
            excludedResources: [...DRILL_EXCLUDED_RESOURCES],
            restorePVs: true,
            existingResourcePolicy: "none",
        },
    };
}

export const RESTORE_DONE_PHASES = ["Completed", "PartiallyFailed", "Failed", "FailedValidation"];

interface Pod {
    metadata: { name: string };
    status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/**
 * Pods still not ready. Ready here is ContainersReady: restored pods keep the ALB readiness gate the webhook put on
 * the originals, and with no Ingress in the scratch namespace nothing ever sets it. Finished pods do not count.
 */
export function podsNotReady(pods: Pod[]): string[] {
    return pods
        .filter((p) => p.status?.phase !== "Succeeded")
        .filter((p) => !(p.status?.conditions ?? []).some((c) => c.type === "ContainersReady" && c.status === "True"))
        .map((p) => p.metadata.name);
}

// --- the report ---------------------------------------------------------------------------------------------------

export interface DrillReport {
    namespace: string;
    scratch: string;
    backup: string;
    backupCompletedAt: string;
    backupAgeHours: number;
    rpoHours: number;
    rpoMet: boolean;
    restore: string;
    restorePhase: string;
    restoreSeconds: number;
    readySeconds?: number;
    pods: number;
    rtoMinutes: number;
    rtoMet: boolean;
    passed: boolean;
    problems: string[];
    cleanedUp: boolean;
}

function mmss(seconds: number): string {
    const s = Math.round(seconds);
    return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

export function renderReport(r: DrillReport): string {
    const lines = [
        `restore drill of ${r.namespace} into ${r.scratch}: ${r.passed ? "PASSED" : "FAILED"}`,
        `  backup        ${r.backup} (completed ${r.backupCompletedAt}, ${r.backupAgeHours.toFixed(1)} h old; RPO ${r.rpoHours} h ${r.rpoMet ? "met" : "EXCEEDED"})`,
        `  restore       ${r.restore}: ${r.restorePhase} after ${mmss(r.restoreSeconds)}`,
        `  pods ready    ${r.readySeconds === undefined ? "no (not all pods became ready)" : `${r.pods} pod(s) after ${mmss(r.readySeconds)}`}`,
        `  RTO           ${r.rtoMinutes} min: ${r.rtoMet ? "met" : "NOT met"}`,
        ...r.problems.map((p) => `  problem       ${p}`),
        `  cleanup       ${r.cleanedUp ? `deleted ${r.scratch}, its volumes and the Restore` : `kept ${r.scratch} (--keep): delete it with \`kubectl delete namespace ${r.scratch}\``}`,
    ];
    return lines.join("\n");
}

// --- running it -----------------------------------------------------------------------------------------------------

/** How the drill talks to the cluster: kubectl, injected so the tests run it against a fake. */
export interface Cluster {
    kubectl(args: string[], stdin?: string): Promise<string>;
    now(): number;
    sleep(ms: number): Promise<void>;
    log(line: string): void;
}

export class KubectlError extends Error {}

export function kubectlCluster(context?: string): Cluster {
    return {
        kubectl: (args, stdin) =>
            new Promise((resolve, reject) => {
                const child = execFile("kubectl", [...(context ? ["--context", context] : []), ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
                    if (err) reject(new KubectlError(`kubectl ${args.slice(0, 2).join(" ")} failed: ${(stderr || err.message).trim().split("\n").pop() ?? ""}`));
                    else resolve(stdout);
                });
                if (stdin !== undefined) child.stdin?.end(stdin);
            }),
        now: () => Date.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        log: (line) => process.stderr.write(`${line}\n`),
    };
}

const POLL_MS = 10_000;

async function pollUntil<T>(c: Cluster, deadline: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
    for (;;) {
        const v = await probe();
        if (v !== undefined) return v;
        if (c.now() >= deadline) return undefined;
        await c.sleep(POLL_MS);
    }
}

/** Deletes the scratch namespace, the volumes restored into it (the gp3 class retains volumes), and the Restore. */
export async function cleanUp(c: Cluster, a: { scratch: string; restore: string; veleroNamespace: string }): Promise<void> {
    const pvcs = JSON.parse(await c.kubectl(["get", "pvc", "-n", a.scratch, "-o", "json"])) as { items: { spec?: { volumeName?: string } }[] };
    for (const pv of pvcs.items.map((p) => p.spec?.volumeName).filter((v): v is string => !!v)) {
        await c.kubectl(["patch", "pv", pv, "--type", "merge", "-p", JSON.stringify({ spec: { persistentVolumeReclaimPolicy: "Delete" } })]);
    }
    await c.kubectl(["delete", "namespace", a.scratch, "--wait=true", "--timeout=10m"]);
    await c.kubectl(["delete", "restore.velero.io", a.restore, "-n", a.veleroNamespace, "--ignore-not-found"]);
}

export async function runDrill(args: DrillArgs, c: Cluster): Promise<{ report?: DrillReport; manifest: Record<string, unknown> }> {
    const started = c.now();
    const scratch = args.scratch ?? scratchName(args.namespace, new Date(started));
    const list = JSON.parse(await c.kubectl(["get", "backups.velero.io", "-n", args.veleroNamespace, "-o", "json"])) as { items: VeleroBackup[] };
    const chosen = args.backup ? list.items.find((b) => b.metadata.name === args.backup) : latestBackup(list.items, args.namespace);
    if (!chosen) {
        throw new KubectlError(
            args.backup
                ? `backup ${args.backup} not found in namespace ${args.veleroNamespace}`
                : `no Completed backup holds namespace ${args.namespace} (Velero namespace ${args.veleroNamespace})`,
        );
    }
    const restoreName = `drill-${scratch}`.slice(0, 63).replace(/-+$/, "");
    const manifest = restoreManifest({ name: restoreName, veleroNamespace: args.veleroNamespace, backup: chosen.metadata.name, namespace: args.namespace, scratch });
    if (args.dryRun) return { manifest };

    const completedAt = chosen.status?.completionTimestamp ?? "";
    const backupAgeHours = (started - Date.parse(completedAt)) / 3_600_000;
    const deadline = started + args.timeoutMinutes * 60_000;
    const problems: string[] = [];
    c.log(`restoring backup ${chosen.metadata.name} of ${args.namespace} into ${scratch}`);
    await c.kubectl(["create", "-f", "-", "-o", "name"], JSON.stringify(manifest));

    const phase = await pollUntil(c, deadline, async () => {
        const r = JSON.parse(await c.kubectl(["get", "restore.velero.io", restoreName, "-n", args.veleroNamespace, "-o", "json"])) as { status?: { phase?: string } };
        return r.status?.phase && RESTORE_DONE_PHASES.includes(r.status.phase) ? r.status.phase : undefined;
    });
    const restoreSeconds = (c.now() - started) / 1000;
    if (phase !== "Completed") {
        problems.push(phase ? `the Restore ended ${phase} (velero restore describe ${restoreName} --details)` : `the Restore did not finish within ${args.timeoutMinutes} min`);
    }

    let readySeconds: number | undefined;
    let podCount = 0;
    if (phase === "Completed" || phase === "PartiallyFailed") {
        const ready = await pollUntil(c, deadline, async () => {
            const pods = (JSON.parse(await c.kubectl(["get", "pods", "-n", scratch, "-o", "json"])) as { items: Pod[] }).items;
            podCount = pods.filter((p) => p.status?.phase !== "Succeeded").length;
            return podCount > 0 && podsNotReady(pods).length === 0 ? true : undefined;
        });
        if (ready) readySeconds = (c.now() - started) / 1000;
        else problems.push(podCount === 0 ? `no pods appeared in ${scratch} within ${args.timeoutMinutes} min` : `pods of ${scratch} were not ready within ${args.timeoutMinutes} min`);
    }

    const rtoMet = readySeconds !== undefined && readySeconds <= args.rtoMinutes * 60;
    if (readySeconds !== undefined && !rtoMet) problems.push(`ready after ${mmss(readySeconds)}, over the RTO of ${args.rtoMinutes} min`);
    const rpoMet = backupAgeHours <= args.rpoHours;
    if (!rpoMet) problems.push(`the newest backup is ${backupAgeHours.toFixed(1)} h old, over the RPO of ${args.rpoHours} h (check the backup alerts)`);

    let cleanedUp = false;
    if (!args.keep) {
        await cleanUp(c, { scratch, restore: restoreName, veleroNamespace: args.veleroNamespace });
        cleanedUp = true;
    }
    const report: DrillReport = {
        namespace: args.namespace,
        scratch,
        backup: chosen.metadata.name,
        backupCompletedAt: completedAt,
        backupAgeHours,
        rpoHours: args.rpoHours,
        rpoMet,
        restore: restoreName,
        restorePhase: phase ?? "timed out",
        restoreSeconds,
        ...(readySeconds !== undefined ? { readySeconds } : {}),
        pods: podCount,
        rtoMinutes: args.rtoMinutes,
        rtoMet,
        // The RPO is the schedule's business (and alerted on); the drill passes on a timely, complete restore.
        passed: phase === "Completed" && rtoMet,
        problems,
        cleanedUp,
    };
    return { report, manifest };
}

export async function main(argv: string[], makeCluster: (context?: string) => Cluster = kubectlCluster): Promise<number> {
    let args: DrillArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        process.stderr.write(`drill: ${(e as Error).message}\n${USAGE}\n`);
        return 2;
    }
    try {
        const { report, manifest } = await runDrill(args, makeCluster(args.context));
        if (!report) {
            process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
            return 0;
        }
        process.stdout.write(`${renderReport(report)}\n`);
        if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
        return report.passed ? 0 : 1;
    } catch (e) {
        process.stderr.write(`drill: ${(e as Error).message}\n`);
        return 2;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => process.exit(code));
}
