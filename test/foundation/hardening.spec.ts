// Issue 17, items 6-10: the plan and the config loader on broken, hostile and merely unusual input, secrets
// never echoed, policy levels by environment, and documented defaults and examples that pass the mandatory
// policies.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { MAX_USER_TAGS, REQUIRED_USER_TAGS, parsePlatformConfig } from "../../infra/config";
import { ConfigError, ConfigSource } from "../../infra/lib/configSchema";
import { PlanReport } from "../../tools/offline/report";
import { ROOT, StackFileError, readStackConfig } from "../../tools/offline/run";
import { plan } from "../../tools/plan";
import { readStackPolicyConfig } from "../../tools/policyCheck";
import { fakeSource, withRequired } from "../configSource";
import { inputs, planStack } from "../helpers";

function problems(values: Record<string, unknown>, opts: { secret?: string[]; stack?: string; allKeys?: string[] } = {}): string[] {
    const base = fakeSource(withRequired(values), opts.secret ?? []);
    const source: ConfigSource = opts.allKeys ? { ...base, allKeys: () => opts.allKeys ?? [] } : base;
    try {
        parsePlatformConfig({ source, project: "platform", stack: opts.stack ?? "test", region: "eu-west-1" });
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
    return [];
}

function tmpRoot(stackFiles: Record<string, string | Buffer>, project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"))): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "stackfiles-"));
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), project);
    for (const [stack, text] of Object.entries(stackFiles)) fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), text);
    return root;
}

function stackFileError(fn: () => unknown): string {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof StackFileError, String(e));
        return e.message;
    }
    return assert.fail("expected a StackFileError");
}

function runPlanCli(args: string[]) {
    return spawnSync(process.execPath, ["--require", path.join(ROOT, "tools", "register.js"), path.join(ROOT, "tools", "plan.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

describe("hardening: plan and config on bad input (issue 17)", () => {
    describe("the plan command", () => {
        it("--json to a path that cannot be written: one line, before the plan runs", () => {
            const r = runPlanCli(["--stack", "dev", "--json", "/nonexistent-dir/plan.json"]);
            assert.equal(r.status, 2);
            assert.equal(r.stderr, "plan: cannot write --json /nonexistent-dir/plan.json: the directory /nonexistent-dir does not exist\n");
            assert.equal(runPlanCli(["--stack", "dev", "--json", os.tmpdir()]).stderr, `plan: cannot write --json ${os.tmpdir()}: it is a directory\n`);
        });

        it("a malformed Pulumi.yaml is named, without a stack trace", () => {
            const root = tmpRoot({ dev: "config:\n  platform:environment: dev\n" }, Buffer.from("name: [unclosed\n"));
            assert.match(stackFileError(() => readStackConfig("dev", root)), /^Pulumi\.yaml is not valid YAML: /);
            const noName = tmpRoot({ dev: "config: {}\n" }, Buffer.from("- a\n"));
            assert.equal(stackFileError(() => readStackConfig("dev", noName)), "Pulumi.yaml: expected a mapping with a project name (name: platform), found a list");
        });

        it("an empty, list-shaped or binary stack file says what is wrong with it", () => {
            const root = tmpRoot({ empty: "", comments: "# nothing\n", list: "- a\n- b\n", binary: Buffer.from([0, 1, 2, 3]), badconfig: "config: [a]\n" });
            assert.equal(stackFileError(() => readStackConfig("empty", root)), "Pulumi.empty.yaml is empty: expected a mapping with config: (at least platform:environment and aws:region)");
            assert.equal(stackFileError(() => readStackConfig("comments", root)), "Pulumi.comments.yaml is empty: expected a mapping with config: (at least platform:environment and aws:region)");
            assert.equal(stackFileError(() => readStackConfig("list", root)), "Pulumi.list.yaml: expected a mapping with config:, found a list");
            assert.equal(stackFileError(() => readStackConfig("binary", root)), "Pulumi.binary.yaml: not a text file (it contains NUL bytes); expected YAML");
            assert.equal(stackFileError(() => readStackConfig("badconfig", root)), "Pulumi.badconfig.yaml: expected config: to be a mapping of keys to values, found a list");
        });

        it("a stack name too long for the derived AWS names: the names, their limits and the longest stack name allowed", () => {
            const p = problems({ environment: "dev" }, { stack: "averyveryverylongstackname" });
            assert.ok(p.length >= 2, p.join("\n"));
            assert.ok(p.some((line) => /ElastiCache replication group id "platform-averyveryverylongstackname-valkey" is 42 characters, longer than the 40 allowed/.test(line)), p.join("\n"));
            assert.ok(p.some((line) => /ALB access-log bucket name .* is 67 characters; bucket names take 3 to 63/.test(line)), p.join("\n"));
            // Every line gives the same, tightest, limit: the longest stack name that every derived name allows.
            const limits = new Set(p.map((line) => /the stack name may have at most (\d+) characters$/.exec(line)?.[1]));
            assert.equal(limits.size, 1, p.join("\n"));
            const longest = Number([...limits][0]);
            assert.deepEqual(problems({ environment: "dev" }, { stack: "a".repeat(longest) }), []);
            assert.equal(problems({ environment: "dev" }, { stack: "a".repeat(longest + 1) }).length > 0, true);
        });

        it("zero or negative resource quantities are config errors, not program failures", () => {
            const p = problems({ environment: "dev", quotes: { resources: { cpu: "-1", memory: "0", memoryLimit: "128Mi" } } });
            assert.deepEqual(p, ['platform:quotes.resources.cpu: expected a quantity above zero, found "-1"', 'platform:quotes.resources.memory: expected a quantity above zero, found "0"']);
            assert.deepEqual(problems({ environment: "dev", karpenter: { limits: { cpu: "-64", memory: "0Gi" } } }), [
                'platform:karpenter.limits.cpu: expected a limit above zero, found "-64"',
                'platform:karpenter.limits.memory: expected a limit above zero, found "0Gi"',
            ]);
        });
    });

    describe("the config loader", () => {
        it("reports cross-field problems together with field errors", () => {
            const p = problems({ environment: "dev", vpcCidr: "banana", systemNodes: { minSize: 5, maxSize: 3 }, endpointPublicAccess: true });
            assert.deepEqual(p, [
                'platform:vpcCidr: expected an IPv4 CIDR block with no host bits set, like 10.0.0.0/16, found "banana"',
                "platform:systemNodes: expected minSize <= desiredSize <= maxSize, found 5 / 2 / 3",
                "platform:publicAccessCidrs: expected a CIDR allow-list when endpointPublicAccess is true, found an empty list (EKS would open the public endpoint to 0.0.0.0/0; policy eks-private-endpoint): list your networks, or set endpointPublicAccess: false",
            ]);
        });

        it("reports keys under namespaces the program does not know", () => {
            const p = problems({ environment: "dev" }, { allKeys: ["aws:region", "platform:environment", "platfrom:azCount", "kubernetes:context", "team:owner"] });
            assert.deepEqual(p, [
                'platfrom:azCount: not a setting this program reads: the namespace "platfrom" is not one of platform, aws, eks, kubernetes, random, tls, pulumi (did you mean platform:azCount?)',
                'team:owner: not a setting this program reads: the namespace "team" is not one of platform, aws, eks, kubernetes, random, tls, pulumi',
            ]);
        });

        it("unquoted versions in nested sections: 'put the value in quotes', not a self-contradiction", () => {
            const p = problems({ environment: "dev", database: { engineVersion: 17.1 }, cache: { engineVersion: 8.2 } });
            assert.deepEqual(p, [
                "platform:database.engineVersion: expected text: put the value in quotes (unquoted, YAML reads it as a number (and 17.10 as 17.1)), found 17.1",
                'platform:cache.engineVersion: expected one of "7.2" | "8.0" | "8.1" | "8.2" in quotes (unquoted, YAML reads it as a number (and 17.10 as 17.1)), found 8.2',
            ]);
        });

        it("tags: no aws: prefix, at most MAX_USER_TAGS, a cost-center required (the policy's reason)", () => {
            assert.deepEqual(problems({ environment: "dev", tags: { "cost-center": "c", "AWS:owner": "me", team: "aws:x" } }), [
                'platform:tags.AWS:owner: expected a tag key that does not start with "aws:" (AWS reserves the prefix), found "AWS:owner"',
                'platform:tags.team: expected a tag value that does not start with "aws:" (AWS reserves the prefix), found "aws:x"',
            ]);
            const many = Object.fromEntries(Array.from({ length: MAX_USER_TAGS + 1 }, (_, i) => [i === 0 ? "cost-center" : `t${i}`, "x"]));
            assert.deepEqual(problems({ environment: "dev", tags: many }), [
                `platform:tags: expected at most ${MAX_USER_TAGS} tags (AWS allows 50 per resource; the platform adds its 4 and some resources carry a few of their own), found ${MAX_USER_TAGS + 1}`,
            ]);
            // A cost-center by default (the policy requires one), merged under the stack's own tags; emptied, it is refused.
            assert.deepEqual(problems({ environment: "prod", tags: { owner: "me", "cost-center": "" } }), [
                'platform:tags.cost-center: expected a non-empty cost-center tag: policy aws-required-tags (mandatory) requires it on every taggable resource, found ""',
            ]);
            const cfg = parsePlatformConfig({ source: fakeSource(withRequired({ environment: "prod", tags: { owner: "me" } })), project: "platform", stack: "p", region: "eu-west-1" });
            assert.deepEqual(cfg.tags, { "cost-center": "platform", owner: "me" });
        });

        it("the VPC block is private (RFC 1918)", () => {
            assert.deepEqual(problems({ environment: "dev", vpcCidr: "0.0.0.0/16" }), [
                'platform:vpcCidr: expected a private block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918, the ranges AWS recommends for VPCs), found "0.0.0.0/16"',
            ]);
            for (const ok of ["10.10.0.0/16", "172.31.0.0/16", "192.168.0.0/20"]) assert.deepEqual(problems({ environment: "dev", vpcCidr: ok }), [], ok);
            assert.equal(problems({ environment: "dev", vpcCidr: "172.32.0.0/16" }).length, 1);
        });

        it("the tag budget leaves room for the tags the program adds (measured on both planned stacks)", async () => {
            for (const stack of ["dev", "prod"] as const) {
                const run = await planStack(stack);
                const user = Object.keys(run.stackConfig.config["platform:tags"] ? (JSON.parse(run.stackConfig.config["platform:tags"]) as object) : {}).length;
                const most = Math.max(...run.resources.map((r) => Object.keys((inputs(r)["tags"] as object | undefined) ?? {}).length));
                assert.ok(most - user + MAX_USER_TAGS <= 50, `${stack}: a resource has ${most} tags, ${user} of them the stack's`);
            }
        });

        it("the tags config requires are the ones the aws-required-tags policy requires beyond the platform's own", () => {
            for (const env of ["dev", "prod"]) {
                const entry = readStackPolicyConfig(env)["aws-required-tags"] as { requiredTags: string[] };
                assert.deepEqual(entry.requiredTags.filter((t) => !t.startsWith("platform:")), [...REQUIRED_USER_TAGS]);
            }
        });
    });

    describe("secrets are never echoed", () => {
        it("a secret that fails validation: (secret value hidden), top-level and nested", () => {
            const p = problems({ environment: "dev", vpcCidr: "hunter2-not-a-cidr", alarms: { emails: ["s3cret-token"] } }, { secret: ["vpcCidr", "alarms"] });
            assert.equal(p.length, 2, p.join("\n"));
            assert.ok(p.every((x) => x.endsWith("found (secret value hidden)")), p.join("\n"));
            assert.ok(!p.join("\n").includes("hunter2") && !p.join("\n").includes("s3cret"));
        });

        it("nested secure: values (pulumi config set --secret --path) become placeholders offline; the key is secret; no ciphertext anywhere", () => {
            const root = tmpRoot({
                dev: "config:\n  aws:region: eu-west-1\n  platform:environment: dev\n  platform:tags:\n    cost-center: platform\n  platform:alarms:\n    emails:\n      - secure: v1:AAAACIPHERTEXT\n",
            });
            const cfg = readStackConfig("dev", root);
            assert.deepEqual(cfg.secretKeys, ["platform:alarms"]);
            assert.equal(cfg.config["platform:alarms"], JSON.stringify({ emails: ["[secret placeholder for platform:alarms.emails[0]]"] }));
            assert.ok(!JSON.stringify(cfg).includes("CIPHERTEXT"));
            // The placeholder is not an email: the problem is reported, the value is not.
            const source: ConfigSource = {
                get: (k) => cfg.config[`platform:${k}`],
                isSecret: (k) => cfg.secretKeys.includes(`platform:${k}`),
                keys: () => Object.keys(cfg.config).filter((k) => k.startsWith("platform:")).map((k) => k.slice("platform:".length)),
            };
            try {
                parsePlatformConfig({ source, project: "platform", stack: "dev", region: "eu-west-1" });
                assert.fail("expected the placeholder to be rejected as an email");
            } catch (e) {
                assert.ok(e instanceof ConfigError, String(e));
                assert.match(e.message, /platform:alarms\.emails\[0\]: .*found \(secret value hidden\)/);
                assert.ok(!e.message.includes("placeholder") && !e.message.includes("CIPHERTEXT"));
            }
        });
    });
});

describe("documented defaults and README examples pass the mandatory policies; levels follow the environment (issue 17)", function () {
    this.timeout(120_000);
    // Stack names are limited to 19 characters (the longest derived bucket name): keep the PID part short.
    const pid = String(process.pid % 10000).padStart(4, "0");
    const created: string[] = [];
    const stackFile = (stack: string, config: Record<string, unknown>) => {
        const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
        fs.writeFileSync(file, `${JSON.stringify({ config }, null, 2)}\n`);
        created.push(file);
        return stack;
    };
    after(() => created.forEach((f) => fs.rmSync(f, { force: true })));

    /** The keys without a default: the region, the environment, and in prod the platform domain. */
    const minimal = (environment: "dev" | "prod"): Record<string, unknown> => ({
        "aws:region": "eu-west-1",
        "platform:environment": environment,
        ...(environment === "prod" ? { "platform:ingress": { domain: "apps.example.com" } } : {}),
    });

    /** Every ```yaml example of README.md that sets platform keys, as stack config. */
    function readmeExamples(): Record<string, unknown>[] {
        const text = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]) as Record<string, unknown>);
        const examples = blocks.map((b) => ("config" in b ? (b["config"] as Record<string, unknown>) : b)).filter((b) => Object.keys(b).some((k) => k.startsWith("platform:")));
        assert.ok(examples.length >= 1, "the README has config examples");
        return examples;
    }

    function mandatory(report: PlanReport): string[] {
        return report.policies.violations.filter((v) => v.enforcement === "mandatory").map((v) => `${v.policy}: ${v.message}`);
    }

    it("a dev-environment stack of any name (here a feature stack) with only the required keys: dev levels, no mandatory violation", async () => {
        const { report, exitCode } = await plan({ stack: stackFile(`citest-feature-${pid}`, minimal("dev")) });
        assert.equal(report.policyConfigFile, path.join(ROOT, "policies", "config", "dev.json"));
        assert.deepEqual(mandatory(report), []);
        assert.equal(exitCode, 0);
    });

    it("a prod-environment stack with only the required keys: prod levels, no mandatory violation", async () => {
        const { report, exitCode } = await plan({ stack: stackFile(`citest-live-${pid}`, minimal("prod")) });
        assert.equal(report.policyConfigFile, path.join(ROOT, "policies", "config", "prod.json"));
        assert.deepEqual(mandatory(report), []);
        assert.equal(exitCode, 0);
    });

    it("every README config example is valid in both environments, and plans clean in prod", async () => {
        const examples = Object.assign({}, ...readmeExamples()) as Record<string, unknown>;
        for (const environment of ["dev", "prod"] as const) {
            const values = Object.fromEntries(
                Object.entries({ ...minimal(environment), ...examples })
                    .filter(([k]) => k.startsWith("platform:"))
                    .map(([k, v]) => [k.slice("platform:".length), v]),
            );
            assert.deepEqual(problems(values), [], environment);
        }
        const { report, exitCode } = await plan({ stack: stackFile(`citest-readme-${pid}`, { ...minimal("prod"), ...examples }) });
        assert.deepEqual(mandatory(report), []);
        assert.equal(exitCode, 0);
    });
});
