// Physical names derived from the project and stack names are checked with the other config problems: a stack
// named My_Stack, or one too long for its region, fails with one clear report before any resource is declared.
import * as assert from "assert";
import { parsePlatformConfig } from "../../infra/config";
import { ConfigError } from "../../infra/lib/configSchema";
import { bucketNameProblem, physicalNameProblems, rdsStyleNameProblem } from "../../infra/lib/naming";
import { ProblemsError } from "../../infra/lib/problems";
import { fakeSource } from "../configSource";

function problemsOf(stack: string, values: Record<string, unknown> = { environment: "dev" }): string[] {
    try {
        parsePlatformConfig({ source: fakeSource(values), project: "platform", stack, region: "eu-west-1" });
    } catch (e) {
        assert.ok(e instanceof ConfigError && e instanceof ProblemsError, `expected a ConfigError, got ${String(e)}`);
        return e.problems;
    }
    return [];
}

describe("kit: physical names in config validation", () => {
    it("the name rules", () => {
        assert.strictEqual(rdsStyleNameProblem("platform-dev-postgres", 63), undefined);
        assert.match(rdsStyleNameProblem("platform-My_Stack-postgres", 63) ?? "", /must start with a lower-case letter and contain only lower-case letters, digits and hyphens/);
        assert.match(rdsStyleNameProblem("a--b", 63) ?? "", /two consecutive hyphens/);
        assert.match(rdsStyleNameProblem("a".repeat(41), 40) ?? "", /is 41 characters, longer than the 40 allowed/);
        assert.strictEqual(bucketNameProblem("platform-dev-alb-logs-123456789012-eu-west-1"), undefined);
        assert.match(bucketNameProblem("x".repeat(64)) ?? "", /is 64 characters; bucket names take 3 to 63/);
    });

    it("a dev and a prod stack of ordinary names pass", () => {
        assert.deepStrictEqual(physicalNameProblems({ project: "platform", stack: "prod", region: "eu-west-1", postgresMajor: "17" }), []);
        assert.deepStrictEqual(problemsOf("dev"), []);
    });

    it("a stack named My_Stack fails with one report naming each derived name", () => {
        const p = problemsOf("My_Stack");
        assert.ok(p.some((m) => m.startsWith('stack name "My_Stack": the RDS DB instance identifier "platform-My_Stack-postgres" must start with a lower-case letter')), p.join("\n"));
        assert.ok(p.some((m) => m.startsWith('stack name "My_Stack": the ElastiCache replication group id "platform-my_stack-valkey"')), p.join("\n"));
    });

    it("a stack name too long for the region names the limit and the longest stack name allowed", () => {
        const p = problemsOf("feature-branch-preview-x1");
        const bucket = p.find((m) => m.includes("ALB access-log bucket name"));
        assert.ok(bucket, p.join("\n"));
        // The longest stack name every derived name allows (issue 17): the Loki chunk bucket's 19, not this bucket's own 22.
        assert.match(bucket, /is 66 characters; bucket names take 3 to 63 .* the stack name may have at most 19 characters/);
    });

    it("name problems are reported together with field problems", () => {
        const p = problemsOf("My_Stack", { environment: "dev", azCount: 7 });
        assert.ok(p.some((m) => m.startsWith("platform:azCount:")));
        assert.ok(p.some((m) => m.startsWith('stack name "My_Stack"')));
    });
});
