import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../tools/offline/run";

describe("dependencies", () => {
    it("resolve exactly one copy of @pulumi/pulumi from every Pulumi package (one runtime, one mock monitor)", () => {
        const own = fs.realpathSync(require.resolve("@pulumi/pulumi", { paths: [ROOT] }));
        for (const pkg of ["@pulumi/aws", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/policy"]) {
            const dir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }));
            assert.equal(fs.realpathSync(require.resolve("@pulumi/pulumi", { paths: [dir] })), own, `${pkg} has its own @pulumi/pulumi`);
        }
    });

    it("pins the major versions the platform is written against", () => {
        const major = (pkg: string) => Number((JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }), "utf8")) as { version: string }).version.replace(/^v/, "").split(".")[0]);
        assert.deepEqual(
            ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/policy", "typescript"].map(major),
            [3, 7, 4, 4, 4, 1, 5],
        );
    });
});
