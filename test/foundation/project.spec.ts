// Pulumi.yaml must load in the real CLI: these are the rules of Pulumi's project schema
// (pulumi/pulumi sdk/go/common/workspace/project.json and Project.Validate in project.go).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import * as os from "os";
import { platformShape } from "../../infra/config";
import { projectConfigProblem, readStackConfig, ROOT } from "../../tools/offline/run";

interface Declaration {
    type?: string;
    items?: { type: string };
    description?: string;
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
const project = parseYaml(text) as { name: string; runtime: { name: string }; config: Record<string, Declaration> };

describe("Pulumi.yaml", () => {
    it("is a nodejs project named platform", () => {
        assert.equal(project.name, "platform");
        assert.equal(project.runtime.name, "nodejs");
    });

    it("declares config only with the types Pulumi accepts, arrays with items, project keys only", () => {
        for (const [key, decl] of Object.entries(project.config)) {
            assert.ok(["string", "integer", "boolean", "array"].includes(decl.type ?? ""), `${key}: type ${String(decl.type)} is not one Pulumi accepts`);
            if (decl.type === "array") assert.ok(decl.items?.type, `${key}: an array needs items`);
            assert.ok(!key.includes(":") || key.startsWith(`${project.name}:`), `${key}: a key of another namespace must not declare a type`);
            assert.ok(decl.description && decl.description.length > 10, `${key}: needs a description`);
            for (const attr of Object.keys(decl)) assert.ok(["type", "items", "description", "default", "secret"].includes(attr), `${key}: unknown attribute ${attr}`);
        }
    });

    it("declares or documents every key the program reads", () => {
        for (const key of Object.keys(platformShape)) {
            const full = `platform:${key}`;
            const declared = full in project.config;
            const documented = new RegExp(`^#\\s+${full}\\s+\\((object|string|integer|boolean|array of strings)\\)`, "m").test(text);
            assert.ok(declared || documented, `${full} is neither declared in config: nor documented with its type`);
        }
        assert.match(text, /^#\s+aws:region\s/m);
    });

    // The CLI refuses to run a stack that lacks a value for a typed key declared without a default
    // ("Stack 'dev' is missing configuration value 'x'": pulumi/pulumi sdk/go/common/workspace/project_test.go,
    // TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault). Keys with per-environment defaults
    // must therefore not be declared with a type.
    it("every stack file sets each typed key declared without a default, with the declared type", () => {
        const stacks = fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
        assert.ok(stacks.length >= 2, "expected the dev and prod stack files");
        for (const file of stacks) {
            const stack = file.slice("Pulumi.".length, -".yaml".length);
            const doc = parseYaml(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config?: Record<string, unknown> };
            const problem = projectConfigProblem(stack, project.config, doc.config ?? {}, (k) => (k.includes(":") ? k : `${project.name}:${k}`));
            assert.equal(problem, undefined, `${file}: ${problem}`);
        }
    });

    it("the offline runner stops like the CLI on a missing or mistyped declared value", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-config-"));
        try {
            // The declarations this project had before: typed keys whose defaults live in the program.
            fs.writeFileSync(
                path.join(dir, "Pulumi.yaml"),
                "name: platform\nruntime: nodejs\nconfig:\n  platform:environment:\n    type: string\n  platform:azCount:\n    type: integer\n  platform:publicAccessCidrs:\n    type: array\n    items:\n      type: string\n",
            );
            fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  platform:environment: prod\n");
            assert.throws(() => readStackConfig("prod", dir), /Stack 'prod' is missing configuration values 'platform:azCount' and 'platform:publicAccessCidrs'/);
            fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  platform:environment: prod\n  platform:azCount: three\n  platform:publicAccessCidrs: []\n");
            assert.throws(() => readStackConfig("prod", dir), /Stack 'prod' with configuration key 'platform:azCount' must be of type 'integer'/);
            fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  platform:environment: prod\n  platform:azCount: 3\n  platform:publicAccessCidrs: []\n");
            assert.equal(readStackConfig("prod", dir).config["platform:azCount"], "3");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
