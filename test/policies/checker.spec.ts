// The offline YAML checker: parsing, type mapping, JSON report, exit codes.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { InputError, checkManifests, loadManifests, typeToken } from "../../tools/policyCheck";

const ROOT = path.resolve(__dirname, "..", "..");
const FIX = "test/fixtures/policies";

function cli(...args: string[]) {
    const r = spawnSync(process.execPath, ["--require", "./tools/register.js", "tools/policy.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("policy check (offline YAML checker)", () => {
    it("maps apiVersion/kind to @pulumi/kubernetes type tokens", () => {
        assert.equal(typeToken("v1", "Pod"), "kubernetes:core/v1:Pod");
        assert.equal(typeToken("apps/v1", "Deployment"), "kubernetes:apps/v1:Deployment");
        assert.equal(typeToken("batch/v1", "CronJob"), "kubernetes:batch/v1:CronJob");
        assert.equal(typeToken("argoproj.io/v1alpha1", "Rollout"), "kubernetes:argoproj.io/v1alpha1:Rollout");
        assert.equal(typeToken("karpenter.sh/v1", "NodePool"), "kubernetes:karpenter.sh/v1:NodePool");
    });

    it("reads directories recursively, multi-document files (skipping empty documents) and List items", () => {
        const ms = loadManifests([`${FIX}/fail`]);
        assert.deepEqual(ms.map((m) => m.source), [
            `${FIX}/fail/list.yaml:0[0]`,
            `${FIX}/fail/list.yaml:0[1]`,
            `${FIX}/fail/multi.yaml:0`,
            `${FIX}/fail/multi.yaml:2`,
            `${FIX}/fail/multi.yaml:3`,
            `${FIX}/fail/privileged-pod.yaml:0`,
        ]);
    });

    it("rejects invalid YAML and objects without a kind, naming file and document", () => {
        assert.throws(() => loadManifests([`${FIX}/invalid/broken.yaml`]), (e: Error) => e instanceof InputError && /broken.yaml: document 1: invalid YAML/.test(e.message));
        assert.throws(() => loadManifests([`${FIX}/invalid/no-kind.yaml`]), /no-kind.yaml: document 0: missing or invalid "kind"/);
        assert.throws(() => loadManifests([`${FIX}/does-not-exist.yaml`]), /does-not-exist.yaml: cannot read \(ENOENT\)/);
    });

    it("runs resource and stack policies and attributes every violation to its object", async () => {
        const report = await checkManifests(loadManifests([`${FIX}/fail`]), "prod");
        const byKind = new Map(report.results.map((r) => [r.kind, r]));
        assert.deepEqual(byKind.get("ServiceAccount")!.violations, []);
        assert.deepEqual(byKind.get("ConfigMap")!.violations, []);
        const pod = byKind.get("Pod")!;
        assert.deepEqual({ name: pod.name, namespace: pod.namespace, apiVersion: pod.apiVersion }, { name: "debug", namespace: "ops", apiVersion: "v1" });
        assert.ok(pod.violations.some((v) => v.policy === "pss-privileged" && v.enforcement === "mandatory" && v.message === 'Pod "debug": container "shell" must not set securityContext.privileged=true'));
        assert.ok(byKind.get("CronJob")!.violations.some((v) => v.policy === "workload-image-pinned"));
        assert.ok(byKind.get("DaemonSet")!.violations.some((v) => v.policy === "pss-host-ports"));
        assert.deepEqual(byKind.get("NodePool")!.violations.map((v) => v.policy), ["karpenter-nodepool-limits"]);
        assert.equal(report.summary.objects, 6);
        assert.equal(report.summary.violations, report.results.reduce((n, r) => n + r.violations.length, 0));
    });

    it("stack policies see all objects together (HPA + PDB make the passing fixture pass)", async () => {
        const all = loadManifests([`${FIX}/pass`]);
        assert.deepEqual((await checkManifests(all, "prod")).summary.violations, 0);
        const withoutPdb = all.filter((m) => m.object["kind"] !== "PodDisruptionBudget");
        const report = await checkManifests(withoutPdb, "prod");
        assert.deepEqual(report.results.flatMap((r) => r.violations.map((v) => v.policy)), ["pdb-required"]);
    });

    it("CLI: exit 0 on a clean set, with --json in exactly the documented shape", () => {
        const r = cli("check", `${FIX}/pass`, "--json");
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout) as { results: Record<string, unknown>[]; summary: Record<string, unknown> };
        assert.deepEqual(Object.keys(report), ["results", "summary"]);
        assert.deepEqual(Object.keys(report.results[0]), ["source", "apiVersion", "kind", "name", "namespace", "violations"]);
        assert.deepEqual(report.summary, { objects: 4, violations: 0 });
    });

    it("CLI: exit 1 when a violation is mandatory for the stack (prod by default), 0 when all are advisory", () => {
        const prod = cli("check", `${FIX}/fail/multi.yaml`);
        assert.equal(prod.code, 1, prod.stderr);
        assert.match(prod.stdout, /\[mandatory\] workload-image-pinned: CronJob "report"/);
        const advisoryDev = cli("check", `${FIX}/advisory`, "--stack", "dev");
        assert.equal(advisoryDev.code, 0, advisoryDev.stderr);
        assert.match(advisoryDev.stdout, /\[advisory\] pss-run-as-non-root: CronJob "report"/);
        assert.match(advisoryDev.stdout, /\[advisory\] workload-resources: CronJob "report"/);
        assert.equal(cli("check", `${FIX}/advisory`, "--stack=prod").code, 1);
        const devCron = cli("check", `${FIX}/fail/list.yaml`, "--stack", "dev", "--json");
        assert.equal(devCron.code, 1); // hostPort is Baseline: mandatory in dev too
        const report = JSON.parse(devCron.stdout) as { results: { violations: { policy: string; enforcement: string }[] }[] };
        const levels = report.results.flatMap((r) => r.violations).filter((v) => v.enforcement === "mandatory").map((v) => v.policy);
        assert.deepEqual(levels, ["pss-host-ports"]);
    });

    it("CLI: exit 2 with a clear message on invalid input or usage", () => {
        const bad = cli("check", `${FIX}/invalid`);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /error: .*broken.yaml: document 1: invalid YAML/);
        assert.equal(cli("check", `${FIX}/pass`, "--stack", "staging").code, 2);
        assert.equal(cli("check").code, 2);
        assert.equal(cli("lint", `${FIX}/pass`).code, 2);
    });
});
