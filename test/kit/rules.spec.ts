// Code rules the platform kit keeps: layers talk through contracts, infra never reaches into tools/test/policies,
// and no ARN or service principal hard-codes the commercial partition outside upstream-transcribed documents.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const INFRA = path.join(ROOT, "infra");

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") ? [p] : [];
    });
}

/** Relative imports of a file (import/export ... from "x", import("x"), require("x")), with their line numbers. */
function relativeImports(file: string): { spec: string; line: number }[] {
    const out: { spec: string; line: number }[] = [];
    fs.readFileSync(file, "utf8")
        .split("\n")
        .forEach((text, i) => {
            for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|^import\s+)["'](\.[^"']*)["']/g)) out.push({ spec: m[1], line: i + 1 });
        });
    return out;
}

/** Why an import from `file` breaks the rules, or undefined. */
export function importProblem(file: string, spec: string): string | undefined {
    let target = path.resolve(path.dirname(file), spec);
    // A folder import resolves to its index.ts.
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) target = path.join(target, "index");
    const rel = path.relative(ROOT, target).split(path.sep);
    if (rel[0] !== "infra") return `infra must not import ${rel[0]}/ (${spec})`;
    const fromRel = path.relative(INFRA, file).split(path.sep);
    const fromLayer = fromRel.length > 1 ? fromRel[0] : undefined; // undefined: infra/config.ts, infra/platform.ts
    const toRel = rel.slice(1);
    const toLayer = toRel.length > 1 ? toRel[0] : undefined;
    if (fromLayer === undefined || toLayer === undefined) return undefined; // composition files and infra/*.ts
    if (fromLayer === "lib") return toLayer === "lib" || toRel.join("/").match(/^[a-z]+\/contract$/) ? undefined : `lib must not import a layer's module (${spec})`;
    if (toLayer === fromLayer || toLayer === "lib") return undefined;
    if (toRel.length === 2 && toRel[1].replace(/\.ts$/, "") === "contract") return undefined;
    // A layer's config section may be read by infra/config.ts only; across layers only contract.ts.
    return `layer ${fromLayer} imports ${toRel.join("/")} of layer ${toLayer}: only ../lib, its own files and other layers' contract.ts`;
}

describe("kit: code rules", () => {
    it("a layer imports only ../lib, its own files and other layers' contract.ts; infra never imports tools/, test/ or policies/", () => {
        const problems: string[] = [];
        for (const f of tsFiles(INFRA)) {
            for (const { spec, line } of relativeImports(f)) {
                const p = importProblem(f, spec);
                if (p) problems.push(`${path.relative(ROOT, f)}:${line}: ${p}`);
            }
        }
        assert.deepStrictEqual(problems, []);
    });

    it("the import rule catches each kind of offending import", () => {
        const f = path.join(INFRA, "ingress", "index.ts");
        assert.match(importProblem(f, "../cluster") ?? "", /layer ingress imports cluster\/index of layer cluster: only \.\.\/lib, its own files and other layers' contract\.ts/);
        assert.match(importProblem(f, "../../tools/offline/mocks") ?? "", /infra must not import tools\//);
        assert.match(importProblem(f, "../../policies/pack") ?? "", /infra must not import policies\//);
        assert.match(importProblem(path.join(INFRA, "lib", "helm.ts"), "../karpenter") ?? "", /lib must not import a layer's module/);
        assert.strictEqual(importProblem(f, "../cluster/contract"), undefined);
        assert.strictEqual(importProblem(f, "../lib/placement"), undefined);
        assert.strictEqual(importProblem(f, "./values"), undefined);
    });

    it("no literal arn:aws: or *.amazonaws.com principal outside upstream-transcribed documents", () => {
        // Files whose ARNs are transcribed from upstream policies (compared statement by statement in their tests)
        // or that document a principal AWS names the same in every partition.
        const transcribed = new Set(["infra/ingress/iam.ts", "infra/karpenter/iam.ts", "infra/lib/configSchema.ts"]);
        const problems: string[] = [];
        for (const f of tsFiles(INFRA)) {
            const rel = path.relative(ROOT, f);
            if (transcribed.has(rel)) continue;
            fs.readFileSync(f, "utf8")
                .split("\n")
                .forEach((text, i) => {
                    const code = text.replace(/\/\*.*?\*\//g, "").replace(/\/\/.*$/, "").replace(/^\s*\*.*$/, "");
                    if (/["`]arn:aws:/.test(code)) problems.push(`${rel}:${i + 1}: literal arn:aws: (take the partition from the account context)`);
                    if (/["`]ec2\.amazonaws\.com["`]/.test(code)) problems.push(`${rel}:${i + 1}: literal ec2.amazonaws.com (use servicePrincipal("ec2", dnsSuffix))`);
                });
        }
        assert.deepStrictEqual(problems, []);
    });

    it("the largest file in infra/ is under 400 lines", () => {
        const sizes = tsFiles(INFRA).map((f) => ({ f: path.relative(ROOT, f), n: fs.readFileSync(f, "utf8").split("\n").length }));
        const over = sizes.filter((s) => s.n >= 400).map((s) => `${s.f}: ${s.n} lines`);
        assert.deepStrictEqual(over, []);
    });
});
