// tools/smoke.ts, offline: arguments, what each check reads and decides, the polling loop and the report.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    CheckResult,
    Clock,
    Probe,
    checkHttp,
    checkNodeGroups,
    checkNodePools,
    checkReleases,
    expectedReleases,
    helmReleaseStatus,
    main,
    parseArgs,
    renderReport,
    smoke,
} from "../../tools/smoke";

const PLAN = {
    resources: [
        { type: "kubernetes:helm.sh/v3:Release", name: "karpenter", inputs: { name: "karpenter", namespace: "kube-system" } },
        { type: "kubernetes:helm.sh/v3:Release", name: "ingress-lbc", inputs: { name: "aws-load-balancer-controller", namespace: "kube-system" } },
        { type: "aws:s3/bucket:Bucket", name: "logs", inputs: {} },
    ],
};

const helmSecret = (ns: string, name: string, version: number, status: string) => ({
    metadata: { name: `sh.helm.release.v1.${name}.v${version}`, namespace: ns, labels: { owner: "helm", name, version: String(version), status } },
});
const node = (group: string | undefined, ready: boolean) => ({
    metadata: { name: "n", labels: (group ? { "eks.amazonaws.com/nodegroup": group } : {}) as Record<string, string> },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});
const nodePool = (name: string, status?: string) => ({
    metadata: { name },
    status: { conditions: status ? [{ type: "Ready", status, reason: status === "True" ? undefined : "NodeClassNotReady" }] : [] },
});

describe("smoke test (tools/smoke.ts)", () => {
    describe("arguments", () => {
        it("needs --plan; defaults 900 s timeout and 15 s interval; accepts --flag=value", () => {
            assert.deepStrictEqual(parseArgs(["--plan", "p.json"]), { plan: "p.json", timeoutSeconds: 900, intervalSeconds: 15 });
            assert.deepStrictEqual(parseArgs(["--plan=p.json", "--url=https://quotes.apps.example.com", "--timeout", "60", "--interval", "5", "--report", "r.md"]), {
                plan: "p.json",
                url: "https://quotes.apps.example.com",
                timeoutSeconds: 60,
                intervalSeconds: 5,
                report: "r.md",
            });
        });
        it("rejects what it cannot use, naming the flag and the value", () => {
            assert.throws(() => parseArgs([]), /--plan is required/);
            assert.throws(() => parseArgs(["--plan"]), /--plan needs a value/);
            assert.throws(() => parseArgs(["--plan", "p", "--timeout", "soon"]), /--timeout expects a whole number of seconds, found "soon"/);
            assert.throws(() => parseArgs(["--plan", "p", "--url", "quotes.example.com"]), /--url expects an http\(s\) URL, found "quotes.example.com"/);
            assert.throws(() => parseArgs(["--plan", "p", "--verbose"]), /unknown argument "--verbose"/);
        });
    });

    describe("checks", () => {
        it("reads the expected releases (name and namespace inputs) from the plan JSON", () => {
            assert.deepStrictEqual(expectedReleases(PLAN), [
                { namespace: "kube-system", name: "aws-load-balancer-controller" },
                { namespace: "kube-system", name: "karpenter" },
            ]);
            assert.throws(() => expectedReleases({}), /no resources array/);
        });
        it("a release counts by its newest revision: deployed passes; failed, pending or missing fails", () => {
            const status = helmReleaseStatus({
                items: [
                    helmSecret("kube-system", "karpenter", 1, "superseded"),
                    helmSecret("kube-system", "karpenter", 2, "deployed"),
                    helmSecret("kube-system", "aws-load-balancer-controller", 3, "pending-upgrade"),
                ],
            });
            assert.deepStrictEqual(checkReleases(expectedReleases(PLAN), status), [
                { check: "helm release kube-system/aws-load-balancer-controller", ok: false, detail: "revision 3 pending-upgrade" },
                { check: "helm release kube-system/karpenter", ok: true, detail: "revision 2 deployed" },
            ]);
            assert.deepStrictEqual(checkReleases([{ namespace: "argocd", name: "argo-cd" }], status), [
                { check: "helm release argocd/argo-cd", ok: false, detail: "not installed (no Helm release record)" },
            ]);
        });
        it("Karpenter NodePools need condition Ready=True", () => {
            assert.deepStrictEqual(
                checkNodePools({ items: [nodePool("default", "True"), nodePool("platform", "False"), nodePool("new")] }).map((r) => [r.check, r.ok, r.detail]),
                [
                    ["karpenter nodepool default", true, "Ready"],
                    ["karpenter nodepool platform", false, "Ready=False: NodeClassNotReady"],
                    ["karpenter nodepool new", false, "no Ready condition yet"],
                ],
            );
        });
        it("each managed node group needs a Ready node; Karpenter nodes (no node-group label) do not count", () => {
            assert.deepStrictEqual(checkNodeGroups({ items: [node("system", false), node("system", true), node(undefined, false)] }), [
                { check: "node group system", ok: true, detail: "1/2 nodes Ready" },
            ]);
            assert.strictEqual(checkNodeGroups({ items: [node(undefined, true)] })[0].ok, false);
        });
        it("the sample URL must answer 2xx or 3xx", () => {
            assert.strictEqual(checkHttp("https://q", 200).ok, true);
            assert.strictEqual(checkHttp("https://q", 302).ok, true);
            assert.deepStrictEqual(checkHttp("https://q", 503), { check: "GET https://q", ok: false, detail: "HTTP 503" });
            assert.deepStrictEqual(checkHttp("https://q", new Error("getaddrinfo ENOTFOUND q")), { check: "GET https://q", ok: false, detail: "getaddrinfo ENOTFOUND q" });
        });
    });

    describe("polling and report", () => {
        function fakes(readyAfterRound: number) {
            let round = 0;
            let t = 0;
            const calls: string[] = [];
            const probe: Probe = {
                kubectlJson: async (args) => {
                    calls.push(`kubectl ${args.join(" ")}`);
                    if (args[1] === "secrets") {
                        round++;
                        return {
                            items: [
                                helmSecret("kube-system", "karpenter", 1, "deployed"),
                                helmSecret("kube-system", "aws-load-balancer-controller", 1, round >= readyAfterRound ? "deployed" : "pending-install"),
                            ],
                        };
                    }
                    if (args[1] === "nodepools.karpenter.sh") return { items: [nodePool("default", "True")] };
                    return { items: [node("system", true)] };
                },
                httpStatus: async (url) => {
                    calls.push(`GET ${url}`);
                    return 200;
                },
            };
            const clock: Clock = { now: () => t, sleep: async (ms) => void (t += ms) };
            return { probe, clock, calls, rounds: () => round };
        }

        it("waits until every check passes, querying Helm records, NodePools, nodes and the URL each round", async () => {
            const f = fakes(3);
            const out = await smoke({ plan: "p", url: "https://q", timeoutSeconds: 300, intervalSeconds: 10 }, expectedReleases(PLAN), f.probe, f.clock);
            assert.strictEqual(out.timedOut, false);
            assert.strictEqual(f.rounds(), 3);
            assert.strictEqual(out.elapsedSeconds, 20);
            assert.deepStrictEqual(f.calls.slice(0, 4), ["kubectl get secrets --all-namespaces -l owner=helm", "kubectl get nodepools.karpenter.sh", "kubectl get nodes", "GET https://q"]);
        });

        it("gives up after the timeout and reports what is still not ready", async () => {
            const f = fakes(1000);
            const out = await smoke({ plan: "p", timeoutSeconds: 60, intervalSeconds: 10 }, expectedReleases(PLAN), f.probe, f.clock);
            assert.strictEqual(out.timedOut, true);
            assert.ok(out.elapsedSeconds <= 60);
            const report = renderReport(out.results, { elapsedSeconds: out.elapsedSeconds, timedOut: true });
            assert.match(report, /## Smoke test: FAILED after \d+ s/);
            assert.match(report, /\| helm release kube-system\/aws-load-balancer-controller \| FAIL \| revision 1 pending-install \|/);
            assert.match(report, /\| karpenter nodepool default \| ok \| Ready \|/);
            assert.match(report, /the HTTP check was skipped/);
        });

        it("a kubectl failure is a failed check, not a crash", async () => {
            const probe: Probe = {
                kubectlJson: async () => {
                    throw new Error("kubectl get secrets: Unable to connect to the server");
                },
                httpStatus: async () => 200,
            };
            let t = 0;
            const clock: Clock = { now: () => t, sleep: async (ms) => void (t += ms) };
            const results: CheckResult[] = (await smoke({ plan: "p", timeoutSeconds: 5, intervalSeconds: 1 }, [], probe, clock)).results;
            assert.ok(results.every((r) => !r.ok));
            assert.match(results[0].detail, /Unable to connect/);
        });

        it("main: exit 0 with the report written, 1 on timeout, 2 on bad arguments or an unreadable plan", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-"));
            const plan = path.join(dir, "plan.json");
            fs.writeFileSync(plan, JSON.stringify(PLAN));
            const stdout = process.stdout.write;
            const stderr = process.stderr.write;
            const captured: string[] = [];
            process.stdout.write = ((s: string) => captured.push(s) > 0) as typeof process.stdout.write;
            process.stderr.write = ((s: string) => captured.push(s) > 0) as typeof process.stderr.write;
            const summary = process.env["GITHUB_STEP_SUMMARY"];
            delete process.env["GITHUB_STEP_SUMMARY"];
            try {
                const ok = fakes(1);
                assert.strictEqual(await main(["--plan", plan, "--report", path.join(dir, "r.md")], ok.probe, ok.clock), 0);
                assert.match(fs.readFileSync(path.join(dir, "r.md"), "utf8"), /## Smoke test: passed/);
                const never = fakes(1000);
                assert.strictEqual(await main(["--plan", plan, "--timeout", "30", "--interval", "10"], never.probe, never.clock), 1);
                assert.strictEqual(await main(["--timeout", "30"], ok.probe, ok.clock), 2);
                assert.strictEqual(await main(["--plan", path.join(dir, "missing.json")], ok.probe, ok.clock), 2);
            } finally {
                process.stdout.write = stdout;
                process.stderr.write = stderr;
                if (summary !== undefined) process.env["GITHUB_STEP_SUMMARY"] = summary;
            }
            assert.ok(captured.some((c) => /--plan is required/.test(c)));
            assert.ok(captured.some((c) => /ENOENT/.test(c)));
        });
    });
});
