// The program as `pulumi up` compiles it. With `runtime.options.typescript: true` the Node.js language host
// (@pulumi/pulumi/cmd/run/run.js, 3.270.0) registers ts-node before requiring the entry point: ts-node and
// typescript are taken from the project when installed, else its vendored ts-node@7.0.1 / typescript@3.8.3
// (tsutils.typeScriptRequireStrings); compiler options are its defaults overridden by tsconfig.json's
// compilerOptions; type checking is on unless tsconfig sets noCheck (or PULUMI_NODEJS_TRANSPILE_ONLY=true).
// The tests and the plan use a different loader (sucrase, transpile only), so this runs the host's path in a
// child process: same tsutils calls, same register options, every program file compiled and type-checked.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../tools/offline/run";

const SCRIPT = `
const path = require("path"), fs = require("fs");
const tsutilsPath = require.resolve("@pulumi/pulumi/tsutils", { paths: [process.cwd()] });
const tsutils = require(tsutilsPath);
const fromPulumi = require("module").createRequire(tsutilsPath);
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const ts = fromPulumi(typescriptRequire);
const tsn = fromPulumi(tsnodeRequire);
const reg = tsn.register({
    compiler: typescriptRequire,
    transpileOnly: compilerOptions.noCheck,
    project: "tsconfig.json",
    skipProject: false,
    cache: false, // the host caches compiled files in the temp dir; here every file is checked afresh
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
const files = [path.resolve("index.ts")];
(function walk(d) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) files.push(p);
    }
})(path.resolve("infra"));
for (const f of files) reg.compile(fs.readFileSync(f, "utf8"), f);
console.log(JSON.stringify({ typescript: ts.version, typescriptRequire, tsnodeRequire, typeCheck: compilerOptions.noCheck !== true, files: files.length }));
`;

/**
 * The host's compile takes about as long as the rest of the suite's first half: it starts when mocha loads this file,
 * on the second core, and the test awaits it (a spec run that does not include this file never starts it).
 */
function compileLikeTheHost(): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["-e", SCRIPT], { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "", TS_NODE_FILES: "" } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (e) => resolve({ status: null, stdout, stderr: `${stderr}${String(e)}` }));
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}
const hostCompile = compileLikeTheHost();

describe("the program under the Pulumi Node.js language host's TypeScript path", function () {
    this.timeout(180000);

    it("compiles and type-checks index.ts and infra/ with the project's typescript through the host's ts-node", async () => {
        const r = await hostCompile;
        assert.equal(r.status, 0, `ts-node failed:\n${r.stderr}`);
        const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { typescript: string; typescriptRequire: string; tsnodeRequire: string; typeCheck: boolean; files: number };
        // The project's typescript (devDependencies), not the vendored 3.8.3 that cannot compile this code.
        assert.equal(out.typescriptRequire, "typescript");
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
        assert.ok(pkg.devDependencies["typescript"], "typescript must be installed by npm ci for the language host to use it");
        assert.ok(Number(out.typescript.split(".")[0]) >= 5, `typescript ${out.typescript}`);
        assert.ok(out.typeCheck, "the host type-checks unless tsconfig sets noCheck");
        assert.ok(out.files > 30, `compiled ${out.files} files`);
    });

    it("tsconfig.json keeps the host on CommonJS (package.json has no type: module, tsconfig overrides the host's nodenext default)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { type?: string; main: string };
        assert.notEqual(pkg.type, "module");
        assert.equal(pkg.main, "index.ts"); // run.js resolves the entry point from package.json main when Pulumi.yaml has none
        const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
        assert.equal(tsconfig.compilerOptions["module"], "commonjs");
        assert.equal(tsconfig.compilerOptions["noCheck"], undefined);
    });
});
