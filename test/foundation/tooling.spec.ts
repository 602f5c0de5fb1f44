// The everyday commands the README promises (issue 17, item 11): `npx mocha test/<layer>` runs that layer
// only (and a wrong path fails instead of running everything), and the Node.js version package.json states is
// one every installed package accepts, so `npm ci` on it prints no EBADENGINE warning.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";

const ROOT = path.resolve(__dirname, "..", "..");
const MOCHA = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");

function mocha(args: string[]) {
    return spawnSync(process.execPath, [MOCHA, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

describe("tooling", () => {
    it("npx mocha test/<layer> runs that layer's specs only; a path that does not exist fails", () => {
        const listed = mocha(["test/policies/kubeYaml.spec.ts", "test/policies/levels.spec.ts", "--dry-run", "--reporter", "json"]);
        assert.equal(listed.status, 0, listed.stderr);
        const files = new Set((JSON.parse(listed.stdout) as { tests: { file: string }[] }).tests.map((t) => path.relative(ROOT, t.file)));
        assert.deepEqual([...files].sort(), ["test/policies/kubeYaml.spec.ts", "test/policies/levels.spec.ts"]);
        const layer = mocha(["test/secrets", "--dry-run", "--reporter", "json"]);
        assert.equal(layer.status, 0, layer.stderr);
        const layerFiles = new Set((JSON.parse(layer.stdout) as { tests: { file: string }[] }).tests.map((t) => path.relative(ROOT, t.file).split(path.sep)[1]));
        assert.deepEqual([...layerFiles], ["secrets"]);
        const missing = mocha(["test/no-such-layer", "--dry-run"]);
        assert.notEqual(missing.status, 0);
        assert.match(missing.stderr, /No test files found/);
    });

    it("the Node.js version package.json requires satisfies every installed package's engines", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { engines?: { node?: string } | string[] }> };
        const lowest = semver.minVersion(pkg.engines.node);
        assert.ok(lowest, pkg.engines.node);
        const refusing = Object.entries(lock.packages)
            .filter(([name, p]) => name !== "" && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(lowest, p.engines.node))
            .map(([name, p]) => `${name.replace(/^.*node_modules\//, "")} (${(p.engines as { node: string }).node})`);
        assert.deepEqual(refusing, [], `Node ${lowest.version} is refused by`);
        assert.equal((lock.packages[""].engines as { node: string }).node, pkg.engines.node, "package-lock.json records the same engines");
    });

    it("the GitHub workflows run a Node.js that package.json accepts", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
        const dir = path.join(ROOT, ".github", "workflows");
        const versions = fs
            .readdirSync(dir)
            .flatMap((f) => [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/NODE_VERSION: "([^"]+)"/g)].map((m) => [f, m[1]]));
        assert.ok(versions.length > 0);
        // setup-node installs the newest release of the line named ("22" is the latest 22.x).
        for (const [file, version] of versions) assert.ok(semver.intersects(version, pkg.engines.node), `${file}: Node ${version} vs engines ${pkg.engines.node}`);
    });
});
