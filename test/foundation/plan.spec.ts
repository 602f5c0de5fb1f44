import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { plan } from "../../tools/plan";
import { renderReport } from "../../tools/offline/report";
import { ROOT, readStackConfig } from "../../tools/offline/run";

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ["--require", path.join(ROOT, "tools", "register.js"), path.join(ROOT, "tools", "plan.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("offline plan", () => {
    for (const stack of ["dev", "prod"]) {
        it(`plans ${stack} end to end with the documented JSON shape and no mandatory violations`, async () => {
            const { report, exitCode } = await plan({ stack });
            assert.equal(exitCode, 0, report.policies.violations.map((v) => `${v.policy}: ${v.message}`).join("\n"));
            const json = report.json;
            assert.deepEqual(Object.keys(json), ["project", "stack", "resources", "outputs", "policies", "summary", "capacity", "cost", "deployTime"]);
            assert.ok(json.cost.monthlyUsd > 0 && json.deployTime.criticalPathMinutes > 0);
            assert.equal(json.project, "platform");
            assert.equal(json.stack, stack);
            assert.deepEqual(Object.keys(json.policies), ["packs", "violations"]);
            assert.deepEqual(Object.keys(json.summary), ["resources", "byType"]);
            assert.equal(json.summary.resources, json.resources.length);
            assert.equal(Object.values(json.summary.byType).reduce((a, b) => a + b, 0), json.resources.length);
            for (const r of json.resources) {
                assert.deepEqual(Object.keys(r), ["urn", "type", "name", "parent", "custom", "protect", "dependencies", "aliases", "inputs"]);
                assert.match(r.urn, new RegExp(`^urn:pulumi:${stack}::platform::`));
                assert.ok(r.parent === null || json.resources.some((p) => p.urn === r.parent) || r.parent.includes("pulumi:pulumi:Stack"));
            }
            assert.equal(json.outputs["kubeconfig"], "[secret]");
            assert.equal(json.outputs["clusterName"], `platform-${stack}`);
            const text = renderReport(report);
            assert.match(text, new RegExp(`Offline plan of platform/${stack} \\(eu-west-1\\)`));
            assert.match(text, /Not visible offline:/);
        });
    }

    it("is deterministic: the same program gives byte-identical JSON", async () => {
        const a = await plan({ stack: "prod" });
        const b = await plan({ stack: "prod" });
        assert.equal(JSON.stringify(a.report.json), JSON.stringify(b.report.json));
    });

    it("treats secure config values as secrets with placeholders", () => {
        const cfg = readStackConfig("dev", ROOT, { "platform:someToken": { secure: "v1:AAAA" } });
        assert.deepEqual(cfg.secretKeys, ["platform:someToken"]);
        assert.equal(cfg.config["platform:someToken"], "[secret placeholder for platform:someToken]");
        assert.equal(cfg.config["platform:azCount"], undefined);
        assert.equal(cfg.config["aws:region"], "eu-west-1");
    });

    describe("command line", function () {
        this.timeout(60_000);
        const badStack = `citest-${process.pid}`;
        const badFile = path.join(ROOT, `Pulumi.${badStack}.yaml`);
        before(() => {
            fs.writeFileSync(badFile, "config:\n  aws:region: eu-west-1\n  platform:environment: dev\n  platform:vpcCidr: banana\n  platform:azCount: 7\n");
        });
        after(() => fs.rmSync(badFile, { force: true }));

        it("exits 2 on bad config, naming each bad key, without a stack trace", () => {
            const r = runCli(["--stack", badStack]);
            assert.equal(r.status, 2, r.stdout + r.stderr);
            assert.match(r.stderr, /the stack configuration is invalid/);
            assert.match(r.stderr, /platform:vpcCidr: expected an IPv4 CIDR .*found "banana"/);
            assert.match(r.stderr, /platform:azCount: expected 2 or 3, found 7/);
            assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
        });

        it("exits 2 on an unknown stack or argument", () => {
            assert.match(runCli(["--stack", "nope"]).stderr, /no stack file Pulumi.nope.yaml \(stacks here: .*dev.*prod/);
            const r = runCli(["--frobnicate"]);
            assert.equal(r.status, 2);
            assert.match(r.stderr, /unknown argument "--frobnicate"/);
        });

        it("writes the JSON, Markdown and HTML files, with the diff against a base plan, and exits 0 for prod", () => {
            const tmp = (ext: string) => path.join(os.tmpdir(), `plan-${process.pid}.${ext}`);
            const gone = "urn:pulumi:prod::platform::aws:kms/key:Key::gone";
            fs.writeFileSync(tmp("base.json"), JSON.stringify({ project: "platform", stack: "prod", resources: [{ urn: gone, type: "aws:kms/key:Key", name: "gone", parent: null, inputs: {} }] }));
            const r = runCli(["--stack", "prod", "--json", tmp("json"), "--diff", tmp("base.json"), "--markdown", tmp("md"), "--html", tmp("html")]);
            assert.equal(r.status, 0, r.stderr);
            const json = JSON.parse(fs.readFileSync(tmp("json"), "utf8"));
            assert.equal(json.stack, "prod");
            assert.deepEqual(Object.keys(json.diff), ["base", "added", "removed", "changed", "policy", "costDeltaUsd"]);
            assert.deepEqual(json.diff.removed, [gone]);
            assert.equal(json.diff.added.length, json.resources.length);
            assert.match(r.stdout, /JSON written to/);
            assert.match(r.stdout, /Cost estimate: \$[\d,.]+ a month/);
            assert.match(r.stdout.split("\n")[1], /^!! STATEFUL \(prod\): .*::gone would be DELETED/, "called out at the top");
            assert.match(r.stdout, /  !! STATEFUL: .*::gone would be DELETED/);
            assert.match(fs.readFileSync(tmp("md"), "utf8"), /^### Plan insight: platform\/prod[\s\S]*CAUTION[\s\S]*aws:kms\/key:Key::gone/);
            assert.match(fs.readFileSync(tmp("html"), "utf8"), /id="monthly-usd">\$[\d,.]+</);
            for (const ext of ["json", "base.json", "md", "html"]) fs.rmSync(tmp(ext));
        });

        it("exits 2 when the base plan cannot be read, before running the program", () => {
            const r = runCli(["--stack", "prod", "--diff", "/nonexistent/base.json"]);
            assert.equal(r.status, 2);
            assert.match(r.stderr, /--diff: cannot read \/nonexistent\/base.json: ENOENT/);
            assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
        });
    });
});
