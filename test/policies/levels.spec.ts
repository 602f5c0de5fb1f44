// Policy levels follow the stack's platform:environment; a stack-named file may override them (issue 17, item 9).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyConfigError, policyLevelsFor, policyLevelsForStack, stackEnvironment } from "../../tools/offline/policyConfig";

function root(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "levels-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

const LEVEL_FILES = { "policies/config/dev.json": "{}", "policies/config/prod.json": "{}" };

describe("policy levels by environment", () => {
    it("a stack of any name gets its environment's file", () => {
        const dir = root(LEVEL_FILES);
        assert.equal(policyLevelsFor("feature-login", "dev", dir).display, "policies/config/dev.json");
        assert.equal(policyLevelsFor("staging", "prod", dir).display, "policies/config/prod.json");
        assert.equal(policyLevelsFor("dev", "dev", dir).stackOverride, false);
    });

    it("a file named after the stack overrides it; an environment's file never overrides another environment", () => {
        const dir = root({ ...LEVEL_FILES, "policies/config/staging.json": "{}" });
        const staging = policyLevelsFor("staging", "prod", dir);
        assert.deepEqual([staging.display, staging.stackOverride], ["policies/config/staging.json", true]);
        // A stack named "dev" that runs the prod environment gets prod's levels, not the relaxed dev file.
        assert.equal(policyLevelsFor("dev", "prod", dir).display, "policies/config/prod.json");
    });

    it("an unknown environment is an error naming the choices", () => {
        assert.throws(() => policyLevelsFor("x", "qa", root(LEVEL_FILES)), (e: Error) => e instanceof PolicyConfigError && /no policy levels for environment "qa": expected one of dev, prod/.test(e.message));
    });

    it("the checker's --stack: the stack file's environment, or an environment's name", () => {
        const dir = root({ ...LEVEL_FILES, "Pulumi.feature-x.yaml": "config:\n  platform:environment: dev\n", "Pulumi.broken.yaml": "config: [\n" });
        assert.equal(stackEnvironment("feature-x", dir), "dev");
        assert.equal(policyLevelsForStack("feature-x", dir).display, "policies/config/dev.json");
        assert.equal(policyLevelsForStack("prod", dir).display, "policies/config/prod.json");
        assert.throws(() => policyLevelsForStack("broken", dir), /unknown stack "broken": no Pulumi\.broken\.yaml with a platform:environment \(stacks here: broken, feature-x; environments: dev, prod\)/);
    });
});
