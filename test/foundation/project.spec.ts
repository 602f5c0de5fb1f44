// Pulumi.yaml must load in the real CLI: these are the rules of Pulumi's project schema
// (pulumi/pulumi sdk/go/common/workspace/project.json and Project.Validate in project.go).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { platformShape } from "../../infra/config";
import { ROOT } from "../../tools/offline/run";

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
            const documented = new RegExp(`^#\\s+${full}\\s+\\(object\\)`, "m").test(text);
            assert.ok(declared || documented, `${full} is neither declared in config: nor documented as an object key`);
        }
        assert.match(text, /^#\s+aws:region\s/m);
    });
});
