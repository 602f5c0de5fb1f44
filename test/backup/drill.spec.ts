// The restore drill's offline parts: argument parsing, which backup it picks, the Restore it creates (validated
// against the pinned Restore CRD schema), the whole run against a scripted fake kubectl, the report and cleanup.
import * as assert from "assert";
import {
    Cluster,
    DRILL_EXCLUDED_RESOURCES,
    DrillArgs,
    UsageError,
    VeleroBackup,
    latestBackup,
    parseArgs,
    podsNotReady,
    renderReport,
    restoreManifest,
    runDrill,
    scratchName,
    stackObjectives,
} from "../../tools/drill";
import { RESTORE_SPEC_SCHEMA } from "./fixtures/upstream";
import { validate } from "./schema";

const noStack = () => {
    throw new Error("no stack expected");
};

function usage(argv: string[]): string {
    try {
        parseArgs(argv, noStack);
    } catch (e) {
        assert.ok(e instanceof UsageError, String(e));
        return e.message;
    }
    throw new Error("expected a usage error");
}

const T0 = Date.parse("2026-08-01T06:00:00Z");

function backup(name: string, completed: string, opts: { schedule?: string; phase?: string; included?: string[]; excluded?: string[] } = {}): VeleroBackup {
    return {
        metadata: { name, labels: opts.schedule ? { "velero.io/schedule-name": opts.schedule } : {} },
        spec: { includedNamespaces: opts.included ?? ["*"], excludedNamespaces: opts.excluded ?? ["velero", "kube-system"] },
        status: { phase: opts.phase ?? "Completed", completionTimestamp: completed },
    };
}

const BACKUPS = [
    backup("velero-apps-daily-20260801010000", "2026-08-01T01:20:00Z", { schedule: "velero-apps-daily" }),
    backup("velero-apps-daily-20260731010000", "2026-07-31T01:20:00Z", { schedule: "velero-apps-daily" }),
    backup("velero-cluster-daily-20260801003000", "2026-08-01T00:40:00Z", { schedule: "velero-cluster-daily", included: ["velero", "kube-system"], excluded: [] }),
    backup("velero-apps-daily-20260801050000", "2026-08-01T05:10:00Z", { schedule: "velero-apps-daily", phase: "PartiallyFailed" }),
    backup("adhoc-quotes", "2026-08-01T05:30:00Z", { included: ["quotes"], excluded: [] }),
];

/** A scripted kubectl: answers by the command's first words, records every call. */
class FakeCluster implements Cluster {
    calls: { args: string[]; stdin?: string }[] = [];
    t = T0;
    restorePhases: string[] = ["InProgress", "Completed"];
    podSnapshots: unknown[][] = [
        [{ metadata: { name: "quotes-1" }, status: { phase: "Pending" } }],
        [
            { metadata: { name: "quotes-1" }, status: { phase: "Running", conditions: [{ type: "ContainersReady", status: "True" }, { type: "Ready", status: "False" }] } },
            { metadata: { name: "quotes-2" }, status: { phase: "Running", conditions: [{ type: "ContainersReady", status: "True" }] } },
        ],
    ];
    pvcs = [{ spec: { volumeName: "pvc-restored-1" } }];
    async kubectl(args: string[], stdin?: string): Promise<string> {
        this.calls.push({ args, ...(stdin !== undefined ? { stdin } : {}) });
        const cmd = args.slice(0, 2).join(" ");
        if (cmd === "get backups.velero.io") return JSON.stringify({ items: BACKUPS });
        if (cmd === "get restore.velero.io") return JSON.stringify({ status: { phase: this.restorePhases.length > 1 ? this.restorePhases.shift() : this.restorePhases[0] } });
        if (cmd === "get pods") return JSON.stringify({ items: this.podSnapshots.length > 1 ? this.podSnapshots.shift() : this.podSnapshots[0] });
        if (cmd === "get pvc") return JSON.stringify({ items: this.pvcs });
        return "";
    }
    now(): number {
        return this.t;
    }
    async sleep(ms: number): Promise<void> {
        this.t += ms;
    }
    log(): void {}
}

const ARGS: DrillArgs = { namespace: "quotes", scratch: "quotes-drill", rtoMinutes: 60, rpoHours: 24, timeoutMinutes: 120, veleroNamespace: "velero", keep: false, dryRun: false };

describe("restore drill: arguments", () => {
    it("defaults to the sample namespace, RTO 60 min, RPO 24 h, timeout twice the RTO", () => {
        const a = parseArgs([], noStack);
        assert.deepStrictEqual(a, { namespace: "quotes", rtoMinutes: 60, rpoHours: 24, timeoutMinutes: 120, veleroNamespace: "velero", keep: false, dryRun: false });
    });

    it("reads every option, in both --flag value and --flag=value forms", () => {
        const a = parseArgs(["--namespace", "payments", "--scratch=pay-drill", "--rto", "2h", "--rpo=12h", "--timeout", "90m", "--backup", "b1", "--context", "prod", "--keep", "--dry-run", "--json", "r.json"], noStack);
        assert.deepStrictEqual(a, {
            namespace: "payments", scratch: "pay-drill", rtoMinutes: 120, rpoHours: 12, timeoutMinutes: 90, veleroNamespace: "velero",
            keep: true, dryRun: true, backup: "b1", context: "prod", json: "r.json",
        });
    });

    it("takes the objectives from --stack, and explicit flags over them", () => {
        const a = parseArgs(["--stack", "prod", "--rpo", "6"], (s) => (assert.strictEqual(s, "prod"), { rtoMinutes: 45, rpoHours: 24 }));
        assert.deepStrictEqual([a.rtoMinutes, a.rpoHours, a.timeoutMinutes, a.stack], [45, 6, 90, "prod"]);
    });

    it("reads the real stack files' objectives", () => {
        assert.deepStrictEqual(stackObjectives("prod"), { rtoMinutes: 60, rpoHours: 24 });
    });

    it("says what is wrong with bad arguments", () => {
        assert.strictEqual(usage(["--rto", "soon"]), '--rto: expected a positive duration like 60m or 1h, found "soon"');
        assert.strictEqual(usage(["--rpo", "0"]), '--rpo: expected a positive number of hours like 24h, found "0"');
        assert.strictEqual(usage(["--namespace", "Quotes"]), '--namespace: expected a namespace name (a DNS-1123 label), found "Quotes"');
        assert.strictEqual(usage(["--scratch", "quotes"]), "--scratch: expected a namespace other than the one restored (quotes), found the same");
        assert.strictEqual(usage(["--namespace"]), "--namespace needs a value");
        assert.strictEqual(usage(["--backup", "--keep"]), "--backup needs a value");
        assert.strictEqual(usage(["--force"]), 'unknown argument "--force"');
    });
});

describe("restore drill: what it restores", () => {
    it("picks the newest Completed backup of the app schedules that holds the namespace", () => {
        assert.strictEqual(latestBackup(BACKUPS, "quotes")?.metadata.name, "velero-apps-daily-20260801010000");
        // A namespace the app schedules exclude: only an ad-hoc or other backup that holds it.
        assert.strictEqual(latestBackup(BACKUPS, "kube-system")?.metadata.name, "velero-cluster-daily-20260801003000");
        assert.strictEqual(latestBackup(BACKUPS.filter((b) => !b.metadata.labels?.["velero.io/schedule-name"]), "quotes")?.metadata.name, "adhoc-quotes");
        assert.strictEqual(latestBackup([], "quotes"), undefined);
    });

    it("names the scratch namespace after the source and the time, within 63 characters", () => {
        assert.strictEqual(scratchName("quotes", new Date(T0)), "quotes-drill-20260801-060000");
        assert.ok(scratchName("a".repeat(60), new Date(T0)).length <= 63);
    });

    it("creates a Restore the pinned CRD schema accepts, mapped into the scratch namespace, without Ingresses", () => {
        const m = restoreManifest({ name: "drill-x", veleroNamespace: "velero", backup: "b1", namespace: "quotes", scratch: "quotes-drill" });
        assert.deepStrictEqual(m["apiVersion"], "velero.io/v1");
        assert.deepStrictEqual(m["kind"], "Restore");
        assert.deepStrictEqual(validate(m["spec"], RESTORE_SPEC_SCHEMA), []);
        assert.deepStrictEqual(m["spec"], {
            backupName: "b1",
            includedNamespaces: ["quotes"],
            namespaceMapping: { quotes: "quotes-drill" },
            excludedResources: DRILL_EXCLUDED_RESOURCES,
            restorePVs: true,
            existingResourcePolicy: "none",
        });
        assert.ok(DRILL_EXCLUDED_RESOURCES.includes("ingresses.networking.k8s.io"));
    });

    it("counts a pod ready on ContainersReady (restored pods keep an ALB readiness gate nothing sets)", () => {
        assert.deepStrictEqual(
            podsNotReady([
                { metadata: { name: "a" }, status: { phase: "Running", conditions: [{ type: "ContainersReady", status: "True" }, { type: "Ready", status: "False" }] } },
                { metadata: { name: "b" }, status: { phase: "Running", conditions: [{ type: "ContainersReady", status: "False" }] } },
                { metadata: { name: "c" }, status: { phase: "Succeeded" } },
                { metadata: { name: "d" }, status: { phase: "Pending" } },
            ]),
            ["b", "d"],
        );
    });
});

describe("restore drill: a run against a fake cluster", () => {
    it("restores, waits for the pods, reports against RTO and RPO, and cleans up everything it created", async () => {
        const c = new FakeCluster();
        const { report } = await runDrill(ARGS, c);
        assert.ok(report);
        assert.strictEqual(report.backup, "velero-apps-daily-20260801010000");
        assert.strictEqual(report.backupAgeHours, 4 + 40 / 60);
        assert.deepStrictEqual([report.restorePhase, report.restoreSeconds, report.readySeconds, report.pods], ["Completed", 10, 20, 2]);
        assert.deepStrictEqual([report.rtoMet, report.rpoMet, report.passed, report.cleanedUp], [true, true, true, true]);
        const created = c.calls.find((x) => x.args[0] === "create");
        assert.ok(created?.stdin);
        const restore = JSON.parse(created.stdin) as { metadata: { name: string; namespace: string }; spec: Record<string, unknown> };
        assert.deepStrictEqual(restore.metadata.name, "drill-quotes-drill");
        assert.deepStrictEqual(restore.spec["namespaceMapping"], { quotes: "quotes-drill" });
        // Cleanup: the restored volumes are switched to Delete (the gp3 class retains them), then the namespace and the Restore go.
        const tail = c.calls.slice(-4).map((x) => x.args.join(" "));
        assert.deepStrictEqual(tail, [
            "get pvc -n quotes-drill -o json",
            'patch pv pvc-restored-1 --type merge -p {"spec":{"persistentVolumeReclaimPolicy":"Delete"}}',
            "delete namespace quotes-drill --wait=true --timeout=10m",
            "delete restore.velero.io drill-quotes-drill -n velero --ignore-not-found",
        ]);
        assert.match(renderReport(report), /^restore drill of quotes into quotes-drill: PASSED\n/);
        assert.match(renderReport(report), /RTO {11}60 min: met/);
    });

    it("fails when the pods are ready only after the RTO, and says by how much", async () => {
        const c = new FakeCluster();
        c.podSnapshots = [...Array(400).fill([{ metadata: { name: "quotes-1" }, status: { phase: "Pending" } }]), c.podSnapshots[1]];
        const { report } = await runDrill(ARGS, c);
        assert.ok(report);
        assert.strictEqual(report.passed, false);
        assert.strictEqual(report.rtoMet, false);
        assert.ok(report.problems.some((p) => /over the RTO of 60 min/.test(p)), report.problems.join("; "));
        assert.match(renderReport(report), /FAILED/);
    });

    it("fails on a failed Restore without waiting for pods, and still cleans up", async () => {
        const c = new FakeCluster();
        c.restorePhases = ["Failed"];
        const { report } = await runDrill(ARGS, c);
        assert.ok(report);
        assert.deepStrictEqual([report.passed, report.restorePhase, report.readySeconds], [false, "Failed", undefined]);
        assert.ok(!c.calls.some((x) => x.args[1] === "pods"));
        assert.ok(c.calls.some((x) => x.args[0] === "delete" && x.args[1] === "namespace"));
    });

    it("keeps the scratch namespace with --keep, and changes nothing with --dry-run", async () => {
        const kept = new FakeCluster();
        const { report } = await runDrill({ ...ARGS, keep: true }, kept);
        assert.strictEqual(report?.cleanedUp, false);
        assert.ok(!kept.calls.some((x) => x.args[0] === "delete" || x.args[0] === "patch"));
        assert.match(renderReport(report), /kubectl delete namespace quotes-drill/);

        const dry = new FakeCluster();
        const out = await runDrill({ ...ARGS, dryRun: true }, dry);
        assert.strictEqual(out.report, undefined);
        assert.deepStrictEqual(dry.calls.map((x) => x.args[0]), ["get"]);
        assert.strictEqual((out.manifest["spec"] as Record<string, unknown>)["backupName"], "velero-apps-daily-20260801010000");
    });

    it("reports a missing backup clearly", async () => {
        const c = new FakeCluster();
        await assert.rejects(runDrill({ ...ARGS, namespace: "nothing-here", backup: "gone" }, c), /backup gone not found in namespace velero/);
    });
});
