// The offline manifest checker: reading (as kubectl reads), type mapping, streaming, exit codes, JSON shape,
// and every hostile or unusual input the hardening issue (17) lists.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable, Writable } from "stream";
import { CheckResult, checkPaths, loadManifests, readManifestText, readStackPolicyConfig, resourceOf, runCheck, typeToken } from "../../tools/policyCheck";
import { main } from "../../tools/policy";
import { check, names } from "./helpers";

const ROOT = path.resolve(__dirname, "..", "..");
const FIX = "test/fixtures/policies";
const PROD = readStackPolicyConfig("prod");

/** The CLI in this process (no node start-up per case): exit code and what it printed. */
async function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const sink = (add: (s: string) => void) =>
        new Writable({
            write(chunk: Buffer | string, _enc, cb) {
                add(String(chunk));
                cb();
            },
        });
    const code = await main(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), stdin: Readable.from([stdin]) });
    return { code, stdout, stderr };
}

function tmpdir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "checker-"));
}

function write(dir: string, name: string, text: string): string {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
}

/** A Pod that passes every policy of the pack in prod; `edit` rewrites lines to inject one change. */
const GOOD_POD = `apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: apps
spec:
  serviceAccountName: app
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    seccompProfile: { type: RuntimeDefault }
  containers:
    - name: app
      image: ghcr.io/example/app:1.2.3
      ports:
        - containerPort: 8080
      resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }
      readinessProbe: { httpGet: { path: /ready, port: 8080 } }
      livenessProbe: { httpGet: { path: /live, port: 8080 } }
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: { drop: [ALL] }
`;

/** Inserts `line` after the line that ends with `anchor` (same indentation as the line after it). */
function podWith(anchor: string, line: string, replace?: string): string {
    let text = GOOD_POD;
    if (replace) {
        assert.ok(text.includes(replace), replace);
        text = text.replace(replace, "");
    }
    const lines = text.split("\n");
    const i = lines.findIndex((l) => l.trimEnd().endsWith(anchor));
    assert.ok(i >= 0, anchor);
    const indent = /^ */.exec(lines[i + 1])?.[0] ?? "";
    lines.splice(i + 1, 0, `${indent}${line}`);
    return lines.join("\n");
}

async function violationsOf(text: string): Promise<string[]> {
    const read = readManifestText("pod.yaml", text);
    assert.deepEqual(read.errors, []);
    assert.equal(read.manifests.length, 1);
    return names(await check([resourceOf(read.manifests[0], "prod")], PROD));
}

describe("policy check (offline manifest checker)", () => {
    it("maps apiVersion/kind to @pulumi/kubernetes type tokens", () => {
        assert.equal(typeToken("v1", "Pod"), "kubernetes:core/v1:Pod");
        assert.equal(typeToken("apps/v1", "Deployment"), "kubernetes:apps/v1:Deployment");
        assert.equal(typeToken("batch/v1", "CronJob"), "kubernetes:batch/v1:CronJob");
        assert.equal(typeToken("argoproj.io/v1alpha1", "Rollout"), "kubernetes:argoproj.io/v1alpha1:Rollout");
        assert.equal(typeToken("karpenter.sh/v1", "NodePool"), "kubernetes:karpenter.sh/v1:NodePool");
    });

    it("reads directories recursively, multi-document files (skipping empty documents) and List items", async () => {
        const report = await checkPaths([`${FIX}/fail`], { stack: "prod", levels: PROD });
        assert.deepEqual(
            report.results.map((r) => r.source),
            [`${FIX}/fail/list.yaml:0[0]`, `${FIX}/fail/list.yaml:0[1]`, `${FIX}/fail/multi.yaml:0`, `${FIX}/fail/multi.yaml:2`, `${FIX}/fail/multi.yaml:3`, `${FIX}/fail/privileged-pod.yaml:0`],
        );
        assert.deepEqual(report.errors, []);
    });

    it("reports invalid YAML and objects without a kind as errors naming file and document, and checks the rest", () => {
        const broken = loadManifests([`${FIX}/invalid/broken.yaml`]);
        assert.deepEqual(broken.manifests.map((m) => m.source), [`${FIX}/invalid/broken.yaml:0`]);
        assert.equal(broken.errors.length, 1);
        assert.equal(broken.errors[0].source, `${FIX}/invalid/broken.yaml:1`);
        assert.match(broken.errors[0].message, /^invalid YAML \(line \d+, column \d+\): /);
        assert.deepEqual(loadManifests([`${FIX}/invalid/no-kind.yaml`]).errors, [{ source: `${FIX}/invalid/no-kind.yaml:0`, message: 'not a Kubernetes object: missing or invalid "kind"' }]);
    });

    it("runs resource and stack policies and attributes every violation to its object", async () => {
        const report = await checkPaths([`${FIX}/fail`], { stack: "prod", levels: PROD });
        const byKind = new Map(report.results.map((r) => [r.kind, r]));
        assert.deepEqual(byKind.get("ServiceAccount")?.violations, []);
        assert.deepEqual(byKind.get("ConfigMap")?.violations, []);
        const pod = byKind.get("Pod") as CheckResult;
        assert.deepEqual({ name: pod.name, namespace: pod.namespace, apiVersion: pod.apiVersion }, { name: "debug", namespace: "ops", apiVersion: "v1" });
        assert.ok(pod.violations.some((v) => v.policy === "pss-privileged" && v.enforcement === "mandatory" && v.message === 'Pod "debug": container "shell" must not set securityContext.privileged=true'));
        assert.ok(byKind.get("CronJob")?.violations.some((v) => v.policy === "workload-image-pinned"));
        assert.ok(byKind.get("DaemonSet")?.violations.some((v) => v.policy === "pss-host-ports"));
        assert.deepEqual(byKind.get("NodePool")?.violations.map((v) => v.policy), ["karpenter-nodepool-limits"]);
        assert.equal(report.summary.objects, 6);
        assert.equal(report.summary.violations, report.results.reduce((n, r) => n + r.violations.length, 0));
    });

    it("stack policies see all objects together (HPA + PDB make the passing fixture pass), reported after the per-object results", async () => {
        const all = await checkPaths([`${FIX}/pass`], { stack: "prod", levels: PROD });
        assert.equal(all.summary.violations, 0);
        const dir = tmpdir();
        const web = fs.readFileSync(`${FIX}/pass/web.yaml`, "utf8").split("\n---\n");
        write(dir, "web.yaml", web.slice(0, 2).join("\n---\n")); // without the PDB
        const report = await checkPaths([dir], { stack: "prod", levels: PROD });
        assert.deepEqual(
            report.results.map((r) => [r.kind, r.violations.map((v) => v.policy)]),
            [
                ["Deployment", []],
                ["HorizontalPodAutoscaler", []],
                ["Deployment", ["pdb-required"]],
            ],
        );
    });

    it("streams: an object is reported before the next input is read", async () => {
        const seen: string[] = [];
        const summary = await runCheck(
            [`${FIX}/pass/storage.yml`, "-"],
            {
                stack: "prod",
                levels: PROD,
                stdin: async () => {
                    seen.push(`stdin read after ${seen.length} result(s)`);
                    return Buffer.from(GOOD_POD);
                },
            },
            { result: (r) => seen.push(r.source), stackResult: () => undefined, skipped: () => undefined, error: (e) => assert.fail(e.message) },
        );
        assert.deepEqual(seen, [`${FIX}/pass/storage.yml:0`, "stdin read after 1 result(s)", "<stdin>:0"]);
        assert.equal(summary.objects, 2);
    });

    describe("YAML 1.1 scalars, as kubectl and the API server read them", () => {
        it("the compliant pod passes every policy", async () => {
            assert.deepEqual(await violationsOf(GOOD_POD), []);
        });

        const TRUE = ["yes", "Yes", "YES", "on", "On", "ON", "y", "Y"];
        const HOST_AND_PRIVILEGE: { field: string; anchor: string; line: (v: string) => string; policy: string }[] = [
            { field: "hostNetwork", anchor: "spec:", line: (v) => `hostNetwork: ${v}`, policy: "pss-host-namespaces" },
            { field: "hostPID", anchor: "spec:", line: (v) => `hostPID: ${v}`, policy: "pss-host-namespaces" },
            { field: "hostIPC", anchor: "spec:", line: (v) => `hostIPC: ${v}`, policy: "pss-host-namespaces" },
            { field: "privileged", anchor: "allowPrivilegeEscalation: false", line: (v) => `privileged: ${v}`, policy: "pss-privileged" },
            { field: "windowsOptions.hostProcess", anchor: "runAsNonRoot: true", line: (v) => `windowsOptions: { hostProcess: ${v} }`, policy: "pss-host-process" },
        ];
        for (const c of HOST_AND_PRIVILEGE) {
            it(`${c.field}: ${TRUE.join(" / ")} are true: ${c.policy}`, async () => {
                for (const spelling of TRUE) assert.ok((await violationsOf(podWith(c.anchor, c.line(spelling)))).includes(c.policy), `${c.field}: ${spelling}`);
                // Quoted, the same text is a string, as for kubectl (which then rejects the type).
                assert.ok(!(await violationsOf(podWith(c.anchor, c.line('"yes"')))).includes(c.policy));
            });
        }

        it("allowPrivilegeEscalation: y is true (violation); off / no / n are false (compliant)", async () => {
            const edit = (v: string) => podWith("readOnlyRootFilesystem: true", `allowPrivilegeEscalation: ${v}`, "        allowPrivilegeEscalation: false\n");
            assert.ok((await violationsOf(edit("y"))).includes("pss-privilege-escalation"));
            for (const v of ["off", "no", "n", "OFF"]) assert.deepEqual(await violationsOf(edit(v)), [], v);
        });

        it("runAsNonRoot: no is false; readOnlyRootFilesystem: off is false; automountServiceAccountToken: on is true", async () => {
            assert.ok((await violationsOf(GOOD_POD.replace("runAsNonRoot: true", "runAsNonRoot: no"))).includes("pss-run-as-non-root"));
            assert.deepEqual(await violationsOf(GOOD_POD.replace("runAsNonRoot: true", "runAsNonRoot: Yes")), []);
            assert.ok((await violationsOf(GOOD_POD.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: off"))).includes("workload-read-only-root-fs"));
            assert.ok((await violationsOf(GOOD_POD.replace("automountServiceAccountToken: false", "automountServiceAccountToken: on"))).includes("workload-service-account"));
        });

        it("hostUsers: no is false (the user-namespace exemption from runAsNonRoot / runAsUser applies)", async () => {
            const noRunAsNonRoot = GOOD_POD.replace("    runAsNonRoot: true\n", "    runAsUser: 0\n");
            assert.ok((await violationsOf(noRunAsNonRoot)).includes("pss-run-as-non-root"));
            const userNamespace = await violationsOf(noRunAsNonRoot.replace("spec:\n", "spec:\n  hostUsers: no\n"));
            assert.ok(!userNamespace.includes("pss-run-as-non-root") && !userNamespace.includes("pss-run-as-non-root-user"), userNamespace.join(", "));
        });

        it("numbers as Go reads them: runAsUser 0b0 is root, hostPort 8_080 is 8080", async () => {
            assert.ok((await violationsOf(podWith("runAsNonRoot: true", "runAsUser: 0b0"))).includes("pss-run-as-non-root-user"));
            assert.ok((await violationsOf(GOOD_POD.replace("- containerPort: 8080", "- containerPort: 8080\n          hostPort: 8_080"))).includes("pss-host-ports"));
        });
    });

    describe("nothing unchecked is green", () => {
        it("a template is reported as one, not checked", async () => {
            const dir = tmpdir();
            write(dir, "templates/pod.yaml", GOOD_POD.replace("spec:\n", "spec:\n  hostNetwork: {{ .Values.hostNetwork }}\n"));
            write(dir, "templates/plain.yaml", GOOD_POD.replace("spec:\n", "spec:\n  hostNetwork: {{ hostNetwork }}\n"));
            const r = await cli(["check", dir]);
            assert.equal(r.code, 2);
            for (const f of ["pod.yaml", "plain.yaml"]) assert.ok(r.stderr.includes(`error: ${dir}/templates/${f}: a template, not a manifest: render it first (\`helm template ...\`)`), r.stderr);
            assert.doesNotMatch(r.stdout, /^ok /m);
        });

        it("Go templates inside string values (Prometheus rules) are values, not templates", () => {
            const rule = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: { name: r }\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: Down\n          annotations:\n            summary: Pod {{ $labels.pod }} is down\n";
            const read = readManifestText("rule.yaml", rule);
            assert.deepEqual(read.errors, []);
            assert.equal(read.manifests.length, 1);
        });

        it("JSON manifests in directories are checked", async () => {
            const dir = tmpdir();
            const pod = readManifestText("p.yaml", fs.readFileSync(`${FIX}/fail/privileged-pod.yaml`, "utf8")).manifests[0].object;
            write(dir, "pod.json", JSON.stringify(pod, null, 2));
            write(dir, "notes.txt", "not read: not a manifest extension");
            const r = await cli(["check", dir, "--json"]);
            assert.equal(r.code, 1, r.stderr);
            const report = JSON.parse(r.stdout) as { results: CheckResult[] };
            assert.deepEqual(report.results.map((x) => x.source), [`${dir}/pod.json:0`]);
            assert.ok(report.results[0].violations.some((v) => v.policy === "pss-privileged"));
        });

        it("an empty file, a comment-only file and an empty directory: nothing checked, exit 2", async () => {
            const dir = tmpdir();
            const empty = write(dir, "files/empty.yaml", "");
            const comments = write(dir, "files/comments.yaml", "# nothing here\n---\n");
            fs.mkdirSync(path.join(dir, "none"));
            for (const target of [empty, comments, path.join(dir, "none")]) {
                const r = await cli(["check", target]);
                assert.equal(r.code, 2, target);
                assert.match(r.stderr, /nothing checked: no Kubernetes object found/);
                assert.match(r.stdout, /^0 object\(s\) in \d file\(s\)/m);
            }
        });

        it("non-Kubernetes YAML is skipped with a notice, the rest is checked, the worst outcome wins", async () => {
            const dir = tmpdir();
            write(dir, "chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
            write(dir, "chart/values.yaml", "replicaCount: 2\nimage: { tag: latest }\n");
            write(dir, ".github/workflows/ci.yaml", "on: [push]\njobs:\n  test: { runs-on: ubuntu-latest, steps: [] }\n");
            write(dir, "Pulumi.dev.yaml", "config:\n  aws:region: eu-west-1\n");
            write(dir, "kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [pod.yaml]\n");
            write(dir, "z/pod.yaml", fs.readFileSync(`${FIX}/fail/privileged-pod.yaml`, "utf8"));
            const r = await cli(["check", dir]);
            assert.equal(r.code, 1, r.stderr);
            assert.match(r.stdout, /^FAIL .*z\/pod\.yaml:0  Pod ops\/debug$/m);
            for (const [file, why] of [
                ["chart/Chart.yaml", "a Helm chart's Chart.yaml"],
                ["chart/values.yaml", "Helm chart values"],
                [".github/workflows/ci.yaml", "a GitHub Actions workflow"],
                ["Pulumi.dev.yaml", "a Pulumi stack configuration"],
            ]) {
                assert.ok(r.stderr.includes(`skipped: ${dir}/${file}: not Kubernetes YAML (${why})`), `${file}\n${r.stderr}`);
            }
            assert.match(r.stderr, /skipped: .*kustomization\.yaml:0: a kustomize Kustomization, not a manifest/);
            // An unreadable file makes it 2, and everything else is still reported.
            write(dir, "a/broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: [x\n");
            const worse = await cli(["check", dir]);
            assert.equal(worse.code, 2);
            assert.match(worse.stderr, /error: .*a\/broken\.yaml:0: invalid YAML/);
            assert.match(worse.stdout, /^FAIL .*z\/pod\.yaml:0  Pod ops\/debug$/m);
        });

        it("the same object given twice (overlapping paths, a link to the same file) is checked once", async () => {
            const dir = tmpdir();
            const pod = write(dir, "apps/pod.yaml", GOOD_POD);
            fs.symlinkSync(pod, path.join(dir, "apps", "same.yaml"));
            const report = await checkPaths([dir, pod, path.join(dir, "apps")], { stack: "prod", levels: PROD });
            assert.deepEqual(report.results.map((r) => r.source), [`${pod}:0`]);
            assert.equal(report.summary.objects, 1);
        });

        it("objects without a spec, or with containers that are not a list, are invalid, not ok", () => {
            const cases: [string, RegExp][] = [
                ["apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\n", /invalid Deployment: has no spec/],
                ["apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: { name: app, image: x }\n", /invalid Pod: spec\.containers must be a list of containers, found a mapping/],
                ["apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec: { replicas: 2 }\n", /invalid Deployment: spec\.template is missing/],
                ["apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: c }\nspec: { jobTemplate: { spec: { template: { spec: { containers: [] } } } } }\n", /spec\.jobTemplate\.spec\.template\.spec\.containers must list at least one container/],
                ["apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ image: x }]\n", /spec\.containers\[0\] has no name/],
            ];
            for (const [text, message] of cases) {
                const read = readManifestText("o.yaml", text);
                assert.deepEqual(read.manifests, [], text);
                assert.equal(read.errors.length, 1);
                assert.match(read.errors[0].message, message);
            }
            // An Argo Rollout that borrows a Deployment's template (workloadRef) has no template of its own.
            assert.equal(readManifestText("r.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: { name: r }\nspec: { workloadRef: { kind: Deployment, name: web } }\n").manifests.length, 1);
        });

        it("a value equal to Pulumi's 'unknown during preview' sentinel cannot turn policies advisory", () => {
            // A valid DNS label: as a container name it would make every workload policy "can't run during preview".
            const read = readManifestText("pod.yaml", GOOD_POD.replace("- name: app", "- name: 04da6b54-80e4-46f7-96ec-b56ff0331ba9"));
            assert.deepEqual(read.manifests, []);
            assert.match(read.errors[0].message, /spec\.containers\[0\]\.name is "04da6b54-80e4-46f7-96ec-b56ff0331ba9", the value Pulumi reserves for "unknown during preview"/);
            const sig = readManifestText("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: { 4dabf18193072939515e22adb298388d: x }\n");
            assert.match(sig.errors[0].message, /metadata\.labels\.4dabf18193072939515e22adb298388d: the key Pulumi reserves/);
        });
    });

    describe("no input gives a stack trace", () => {
        it("dangling and looping symbolic links: one clear line each, the rest is checked", async () => {
            const dir = tmpdir();
            write(dir, "ok/pod.yaml", GOOD_POD);
            fs.symlinkSync("missing.yaml", path.join(dir, "ok", "dangling.yaml"));
            fs.symlinkSync("self.yaml", path.join(dir, "ok", "self.yaml"));
            fs.symlinkSync("..", path.join(dir, "ok", "loop"));
            fs.symlinkSync("missing-dir", path.join(dir, "ok", "not-a-manifest")); // no manifest extension: ignored
            const r = await cli(["check", dir]);
            assert.equal(r.code, 2);
            assert.ok(r.stderr.includes(`error: ${dir}/ok/dangling.yaml: broken symbolic link: its target "missing.yaml" does not exist`), r.stderr);
            assert.ok(r.stderr.includes(`error: ${dir}/ok/self.yaml: cannot read: symbolic link loop (too many levels of symbolic links) (ELOOP)`), r.stderr);
            assert.ok(r.stderr.includes(`skipped: ${dir}/ok/loop: symbolic link loop: leads back to ${fs.realpathSync(dir)}, which is being read`), r.stderr);
            assert.doesNotMatch(r.stderr, /not-a-manifest|\n {4}at /);
            assert.match(r.stdout, /^ok {3}.*ok\/pod\.yaml:0  Pod apps\/app$/m);
        });

        it("an alias bomb, !!binary, unknown tags and .inf are one-line errors", async () => {
            const dir = tmpdir();
            let bomb = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol }\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
            for (let i = 1; i < 10; i++) bomb += `  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;
            write(dir, "bomb.yaml", bomb);
            write(dir, "binary.yaml", "apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata:\n  key: !!binary aGVsbG8=\n");
            write(dir, "tag.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: t }\ndata: !!set { a, b }\n");
            write(dir, "inf.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: i }\nspec: { x: .inf }\n");
            const r = await cli(["check", dir]);
            assert.equal(r.code, 2);
            const lines = r.stderr.trim().split("\n");
            assert.deepEqual(
                lines.map((l) => l.replace(dir, "DIR")),
                [
                    "error: DIR/binary.yaml:0: a !!binary value (line 5, column 25): kubectl cannot convert it to JSON (sigs.k8s.io/yaml); write the base64 text without the tag",
                    "error: DIR/bomb.yaml:0: too many alias expansions: the document expands far beyond its own size (an alias bomb?)",
                    "error: DIR/inf.yaml:0: spec.x is Infinity (.inf / .nan): JSON has no such number",
                    "error: DIR/tag.yaml:0: unsupported tag !!set (line 4, column 21): not a JSON value",
                    `error: DIR: nothing checked: no Kubernetes object found`,
                ],
            );
        });

        it("a FIFO named .yaml inside a directory is not opened (it would block forever)", async function () {
            const dir = tmpdir();
            write(dir, "pod.yaml", GOOD_POD);
            const made = spawnSync("mkfifo", [path.join(dir, "pipe.yaml")]);
            assert.equal(made.status, 0, "mkfifo (coreutils) is needed for this test");
            const r = await cli(["check", dir]);
            assert.equal(r.code, 2);
            assert.ok(r.stderr.includes(`error: ${dir}/pipe.yaml: not a regular file (a FIFO): not read`), r.stderr);
            assert.match(r.stdout, /^ok /m);
        });

        it("binary and non-UTF-8 files, and missing paths, are one-line errors", async () => {
            const dir = tmpdir();
            fs.writeFileSync(path.join(dir, "zero.yaml"), Buffer.from([0x61, 0x00, 0x62]));
            fs.writeFileSync(path.join(dir, "latin1.yaml"), Buffer.from("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: caf\xe9 }\n", "latin1"));
            const r = await cli(["check", dir, path.join(dir, "nope.yaml")]);
            assert.equal(r.code, 2);
            assert.ok(r.stderr.includes(`error: ${dir}/latin1.yaml: not UTF-8 text`), r.stderr);
            assert.ok(r.stderr.includes(`error: ${dir}/zero.yaml: not a text file (contains NUL bytes)`), r.stderr);
            assert.ok(r.stderr.includes(`error: ${dir}/nope.yaml: cannot read: no such file or directory (ENOENT)`), r.stderr);
        });

        it("ANSI escape sequences in names and file names are shown escaped, never sent to the terminal", async () => {
            const dir = tmpdir();
            write(dir, "evil\u001b[2J.yaml", GOOD_POD.replace("name: app\n  namespace", 'name: "\\e[31mred\\e[0m"\n  namespace'));
            const r = await cli(["check", dir]);
            assert.equal(r.code, 0, r.stderr);
            assert.ok(!r.stdout.includes("\u001b") && !r.stderr.includes("\u001b"));
            assert.ok(r.stdout.includes("evil\\x1b[2J.yaml:0  Pod apps/\\x1b[31mred\\x1b[0m"), r.stdout);
            // JSON output carries the exact name, escaped by JSON.
            const json = await cli(["check", dir, "--json"]);
            assert.equal((JSON.parse(json.stdout) as { results: CheckResult[] }).results[0].name, "\u001b[31mred\u001b[0m");
        });

        it("--help exits 0 with the usage; `-` reads standard input", async () => {
            for (const args of [["--help"], ["check", "--help"], ["-h"]]) {
                const r = await cli(args);
                assert.equal(r.code, 0);
                assert.match(r.stdout, /^usage: npm run policy -- check/);
                assert.match(r.stdout, /Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 something could not be checked/);
            }
            const r = await cli(["check", "-"], fs.readFileSync(`${FIX}/fail/privileged-pod.yaml`, "utf8"));
            assert.equal(r.code, 1);
            assert.match(r.stdout, /^FAIL <stdin>:0  Pod ops\/debug$/m);
        });
    });

    describe("command line", () => {
        it("exit 0 on a clean set, with --json in exactly the documented shape", async () => {
            const r = await cli(["check", `${FIX}/pass`, "--json"]);
            assert.equal(r.code, 0, r.stderr);
            const report = JSON.parse(r.stdout) as { results: Record<string, unknown>[]; skipped: unknown[]; errors: unknown[]; summary: Record<string, unknown> };
            assert.deepEqual(Object.keys(report), ["results", "skipped", "errors", "summary"]);
            assert.deepEqual(Object.keys(report.results[0]), ["source", "apiVersion", "kind", "name", "namespace", "violations"]);
            assert.deepEqual(report.summary, { files: 2, objects: 4, violations: 0, mandatory: 0, skipped: 0, errors: 0 });
            assert.deepEqual([report.skipped, report.errors], [[], []]);
        });

        it("the README documents exactly this JSON shape", async () => {
            const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
            const section = readme.slice(readme.indexOf("### Checking Kubernetes manifests"));
            const documented = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)?.[1] ?? "{}") as Record<string, unknown> & { results: Record<string, unknown>[]; summary: object; skipped: object[]; errors: object[] };
            const dir = tmpdir();
            write(dir, "Chart.yaml", "apiVersion: v2\nname: x\nversion: 1.0.0\n");
            write(dir, "t.yaml", "spec:\n  hostNetwork: {{ .Values.x }}\n");
            write(dir, "pod.yaml", fs.readFileSync(`${FIX}/fail/privileged-pod.yaml`, "utf8"));
            const r = await cli(["check", dir, "--json"]);
            assert.equal(r.code, 2);
            const actual = JSON.parse(r.stdout) as typeof documented & { results: { violations: object[] }[] };
            assert.deepEqual(Object.keys(actual), Object.keys(documented));
            assert.deepEqual(Object.keys(actual.results[0]), Object.keys(documented.results[0]));
            assert.deepEqual(Object.keys(actual.results[0].violations[0]), Object.keys((documented.results[0]["violations"] as object[])[0]));
            assert.deepEqual(Object.keys(actual.summary), Object.keys(documented.summary));
            assert.deepEqual(Object.keys(actual.skipped[0]), Object.keys(documented.skipped[0]));
            assert.deepEqual(Object.keys(actual.errors[0]), Object.keys(documented.errors[0]));
            assert.ok(section.includes("nothing checked: no Kubernetes object found"));
        });

        it("exit 1 when a violation is mandatory for the stack (prod by default), 0 when all are advisory", async () => {
            const prod = await cli(["check", `${FIX}/fail/multi.yaml`]);
            assert.equal(prod.code, 1, prod.stderr);
            assert.match(prod.stdout, /\[mandatory\] workload-image-pinned: CronJob "report"/);
            assert.match(prod.stdout, /mandatory for stack prod \(levels: policies\/config\/prod\.json\)$/m);
            const advisoryDev = await cli(["check", `${FIX}/advisory`, "--stack", "dev"]);
            assert.equal(advisoryDev.code, 0, advisoryDev.stderr);
            assert.match(advisoryDev.stdout, /\[advisory\] pss-run-as-non-root: CronJob "report"/);
            assert.match(advisoryDev.stdout, /\[advisory\] workload-resources: CronJob "report"/);
            assert.equal((await cli(["check", `${FIX}/advisory`, "--stack=prod"])).code, 1);
            const devCron = await cli(["check", `${FIX}/fail/list.yaml`, "--stack", "dev", "--json"]);
            assert.equal(devCron.code, 1); // hostPort is Baseline: mandatory in dev too
            const report = JSON.parse(devCron.stdout) as { results: { violations: { policy: string; enforcement: string }[] }[] };
            assert.deepEqual(report.results.flatMap((r) => r.violations).filter((v) => v.enforcement === "mandatory").map((v) => v.policy), ["pss-host-ports"]);
        });

        it("exit 2 with a clear message on bad usage", async () => {
            const staging = await cli(["check", `${FIX}/pass`, "--stack", "staging"]);
            assert.equal(staging.code, 2);
            assert.match(staging.stderr, /--stack: unknown stack "staging": no Pulumi\.staging\.yaml with a platform:environment \(stacks here: dev, prod; environments: dev, prod\)/);
            assert.equal((await cli(["check"])).code, 2);
            assert.equal((await cli(["lint", `${FIX}/pass`])).code, 2);
            assert.equal((await cli(["check", `${FIX}/pass`, "--frobnicate"])).code, 2);
        });

        it("the npm entry point sets the exit code and prints no stack trace on errors", () => {
            const r = spawnSync(process.execPath, ["--expose-gc", "--require", "./tools/register.js", "tools/policy.ts", "check", `${FIX}/invalid`, "-"], {
                cwd: ROOT,
                encoding: "utf8",
                input: "key: !!binary AAAA\nkind: X\n",
                timeout: 60000,
            });
            assert.equal(r.status, 2);
            assert.match(r.stderr, /^error: <stdin>:0: a !!binary value/m);
            assert.doesNotMatch(r.stderr, /\n {4}at /);
        });
    });
});
