// platform:delivery: defaults per environment and every error path, through the real loader.
import * as assert from "assert";
import { PlatformConfig, parsePlatformConfig } from "../../infra/config";

function parse(environment: "dev" | "prod", delivery?: unknown): PlatformConfig {
    const text: Record<string, string> = { environment };
    if (environment === "prod") text["ingress"] = JSON.stringify({ domain: "apps.example.com" });
    if (delivery !== undefined) text["delivery"] = JSON.stringify(delivery);
    return parsePlatformConfig({
        source: { get: (k) => text[k], isSecret: () => false, keys: () => Object.keys(text) },
        project: "platform",
        stack: environment,
        region: "eu-west-1",
    });
}

function problem(environment: "dev" | "prod", delivery: unknown): string {
    try {
        parse(environment, delivery);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected a config error");
}

describe("delivery config", () => {
    it("dev defaults: no GitHub repository (no roles), provider created, deploy from environment dev or main, ECR lifecycle 30 tagged / 7 days", () => {
        assert.deepStrictEqual(parse("dev").delivery, {
            oidcProvider: "create",
            previewBranch: "main",
            deployEnvironment: "dev",
            deployBranch: "main",
            deployManagedPolicies: ["AdministratorAccess"],
            ecr: { repositories: [], keepTaggedImages: 30, untaggedExpiryDays: 7, publishers: [] },
        });
    });

    it("prod defaults: deploy only from the prod environment (no branch subject), same lifecycle", () => {
        const d = parse("prod").delivery;
        assert.strictEqual(d.deployEnvironment, "prod");
        assert.strictEqual(d.deployBranch, undefined);
        assert.deepStrictEqual(d.ecr, { repositories: [], keepTaggedImages: 30, untaggedExpiryDays: 7, publishers: [] });
    });

    it("a stack sets the repository, lookup of an existing provider and the state bucket; the rest keeps its defaults", () => {
        const d = parse("prod", {
            github: { org: "acme", repo: "platform" },
            oidcProvider: "lookup",
            stateBackend: { bucket: "acme-pulumi-state", prefix: "platform/", kmsKeyArns: [] },
        }).delivery;
        assert.deepStrictEqual(d.github, { org: "acme", repo: "platform" });
        assert.strictEqual(d.oidcProvider, "lookup");
        assert.strictEqual(d.stateBackend?.bucket, "acme-pulumi-state");
        assert.strictEqual(d.deployEnvironment, "prod");
    });

    it("invalid values name the key, what was expected and what was found", () => {
        const msg = problem("dev", {
            github: { org: "-acme", repo: ".." },
            oidcProvider: "maybe",
            deployBranch: "feature/*",
            ecr: { repositories: ["Apps/Quotes"], keepTaggedImages: 0, untaggedExpiryDays: 7, publishers: ["quotes"] },
            stateBackend: { bucket: "Bad_Bucket", prefix: "/x", kmsKeyArns: ["key"] },
        });
        assert.match(msg, /platform:delivery\.github\.org: expected a GitHub organization or user name like acme, found "-acme"/);
        assert.match(msg, /platform:delivery\.github\.repo: expected a GitHub repository name like platform, found "\.\."/);
        assert.match(msg, /platform:delivery\.oidcProvider: expected one of "create"\|"lookup", found "maybe"/);
        assert.match(msg, /platform:delivery\.deployBranch: expected a branch name like main \(no wildcards\), found "feature\/\*"/);
        assert.match(msg, /platform:delivery\.ecr\.repositories\[0\]: expected an ECR repository name like apps\/quotes .*found "Apps\/Quotes"/);
        assert.match(msg, /platform:delivery\.ecr\.keepTaggedImages: expected at least 1, found 0/);
        assert.match(msg, /platform:delivery\.ecr\.publishers\[0\]: expected a GitHub repository like acme\/quotes, found "quotes"/);
        assert.match(msg, /platform:delivery\.stateBackend\.bucket: expected an S3 bucket name like acme-pulumi-state, found "Bad_Bucket"/);
        assert.match(msg, /platform:delivery\.stateBackend\.prefix: expected a key prefix like platform\/ \(no leading slash\), found "\/x"/);
        assert.match(msg, /platform:delivery\.stateBackend\.kmsKeyArns\[0\]: expected an AWS ARN/);
    });

    it("unknown keys are reported by name", () => {
        assert.match(problem("dev", { ecr: { repos: ["a"] } }), /platform:delivery\.ecr\.repos: not a known setting/);
    });

    it("cross-field rules: both numeric ids or neither, unique repositories, publishers need the GitHub repository", () => {
        const msg = problem("dev", { github: { org: "acme", repo: "platform", orgId: 12 }, ecr: { repositories: ["apps/quotes", "apps/quotes"] } });
        assert.match(msg, /platform:delivery\.github: expected both orgId and repoId .* or neither, found only orgId/);
        assert.match(msg, /platform:delivery\.ecr\.repositories: expected unique repository names, found "apps\/quotes" twice/);
        assert.match(problem("dev", { ecr: { publishers: ["acme/quotes"] } }), /platform:delivery\.ecr\.publishers: expected delivery\.github to be set too/);
    });
});
