// The pack's layout: names, per-stack config files, the CLI entry point's files.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PACK_NAME, PACK_VERSION, policies } from "../../policies/pack";
import { resolvePolicyConfig } from "../../tools/offline/policyRunner";
import { readStackPolicyConfig } from "../../tools/policyCheck";

const DIR = path.resolve(__dirname, "..", "..", "policies");

describe("policies: pack layout", () => {
    it("policy names are unique, kebab-case, and none is the reserved name all", () => {
        const names = policies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        for (const n of names) assert.match(n, /^[a-z0-9]+(-[a-z0-9]+)*$/);
        assert.ok(!names.includes("all"));
        assert.ok(policies.every((p) => p.description.length > 20));
        assert.ok(policies.every((p) => !p.configSchema?.properties["enforcementLevel"]));
    });

    it("names every required Kubernetes operations policy", () => {
        for (const n of ["workload-resources", "workload-probes", "workload-image-pinned", "workload-read-only-root-fs", "workload-min-replicas", "workload-service-account"]) {
            assert.ok(policies.some((p) => p.name === n), n);
        }
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`config/${stack}.json sets a level for every policy and resolves like the CLI`, () => {
            const cfg = readStackPolicyConfig(stack);
            assert.deepEqual(Object.keys(cfg).sort(), policies.map((p) => p.name).sort());
            const resolved = resolvePolicyConfig(policies, cfg);
            for (const [name, c] of resolved) assert.ok(c.enforcementLevel, `${name} has no level in ${stack}`);
        });
    }

    it("prod is mandatory for security and data safety; dev relaxes iteration-heavy rules", () => {
        const prod = resolvePolicyConfig(policies, readStackPolicyConfig("prod"));
        const dev = resolvePolicyConfig(policies, readStackPolicyConfig("dev"));
        for (const n of ["pss-privileged", "pss-run-as-non-root", "rds-storage-encrypted", "stateful-resources-protected", "s3-bucket-protection", "kms-key-rotation", "imdsv2-required"]) {
            assert.equal(prod.get(n)?.enforcementLevel, "mandatory", n);
        }
        assert.equal(dev.get("pss-privileged")?.enforcementLevel, "mandatory");
        assert.equal(dev.get("pss-run-as-non-root")?.enforcementLevel, "advisory");
        assert.equal(dev.get("stateful-resources-protected")?.enforcementLevel, "disabled");
        assert.equal(prod.get("workload-min-replicas")?.properties["minReplicas"], 2);
        assert.equal(dev.get("rds-backups-and-resilience")?.properties["requireMultiAz"], false);
    });

    it("is a Node.js policy pack the CLI can run: PulumiPolicy.yaml, package.json version = PACK_VERSION, index.ts only constructs the pack", () => {
        const manifest = parseYaml(fs.readFileSync(path.join(DIR, "PulumiPolicy.yaml"), "utf8")) as { runtime: string; description: string };
        assert.equal(manifest.runtime, "nodejs");
        assert.ok(manifest.description.length > 0);
        const pkg = JSON.parse(fs.readFileSync(path.join(DIR, "package.json"), "utf8")) as { version: string; main: string; dependencies: Record<string, string> };
        assert.equal(pkg.version, PACK_VERSION); // PolicyPack reads its version from the pack folder's package.json
        assert.equal(pkg.main, "index.ts");
        assert.ok(pkg.dependencies["@pulumi/policy"]);
        const index = fs.readFileSync(path.join(DIR, "index.ts"), "utf8");
        assert.match(index, /new PolicyPack\(PACK_NAME, \{ policies, enforcementLevel: "advisory" \}\)/);
        assert.match(PACK_NAME, /^[a-zA-Z0-9-_.]{1,100}$/);
    });
});

describe("policies: documentation", () => {
    it("the README lists every policy", () => {
        const doc = fs.readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");
        for (const p of policies) assert.ok(doc.includes(`| \`${p.name}\``), `${p.name} missing from the README policy table`);
    });
});
