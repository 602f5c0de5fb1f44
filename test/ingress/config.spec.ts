// platform:ingress: defaults per environment and every error path, through the real loader.
import * as assert from "assert";
import { PlatformConfig, parsePlatformConfig } from "../../infra/config";
import { DEFAULT_SSL_POLICY } from "../../infra/ingress/config";
import { ingressGroupName } from "../../infra/ingress/values";
import { planStack, rejection } from "../helpers";

function parse(environment: "dev" | "prod", ingress?: unknown): PlatformConfig {
    const text: Record<string, string> = { environment };
    if (ingress !== undefined) text["ingress"] = JSON.stringify(ingress);
    return parsePlatformConfig({
        source: { get: (k) => text[k], isSecret: () => false, keys: () => Object.keys(text) },
        project: "platform",
        stack: environment,
        region: "eu-west-1",
    });
}

function problem(environment: "dev" | "prod", ingress: unknown): string {
    try {
        parse(environment, ingress);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected a config error");
}

describe("ingress config", () => {
    it("dev defaults: no domain, sync, the PQ TLS 1.3 policy, 30 s deregistration delay", () => {
        assert.deepStrictEqual(parse("dev").ingress, {
            wafRateLimit: 2000,
            deregistrationDelaySeconds: 30,
            sslPolicy: DEFAULT_SSL_POLICY,
            idleTimeoutSeconds: 60,
            accessLogRetentionDays: 30,
            externalDnsPolicy: "sync",
        });
        assert.strictEqual(DEFAULT_SSL_POLICY, "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
    });

    it("prod defaults to upsert-only and keeps the other defaults when only the domain is set", () => {
        const v = parse("prod", { domain: "apps.example.com" }).ingress;
        assert.strictEqual(v.domain, "apps.example.com");
        assert.strictEqual(v.externalDnsPolicy, "upsert-only");
        assert.strictEqual(v.wafRateLimit, 2000);
        assert.strictEqual(v.deregistrationDelaySeconds, 30);
    });

    it("prod without a domain is an error that names the key and says why", () => {
        const msg = problem("prod", { wafRateLimit: 500 });
        assert.match(msg, /platform:ingress\.domain: expected a domain with a public Route53 hosted zone/);
        assert.match(msg, /only dev may run without one, found nothing/);
    });

    it("rejects a rate limit below the AWS WAF minimum of 10", () => {
        assert.match(problem("dev", { wafRateLimit: 5 }), /platform:ingress\.wafRateLimit: expected at least 10 requests per 5 minutes.*found 5/);
        assert.strictEqual(parse("dev", { wafRateLimit: 10 }).ingress.wafRateLimit, 10);
    });

    it("rejects a deregistration delay outside 0-3600 s", () => {
        assert.match(problem("dev", { deregistrationDelaySeconds: 3601 }), /platform:ingress\.deregistrationDelaySeconds: expected 0 to 3600 seconds.*found 3601/);
        assert.match(problem("dev", { deregistrationDelaySeconds: -1 }), /platform:ingress\.deregistrationDelaySeconds: .*found -1/);
    });

    it("rejects a TLS policy that is not a TLS 1.3 ELB policy", () => {
        assert.match(
            problem("dev", { sslPolicy: "ELBSecurityPolicy-2016-08" }),
            /platform:ingress\.sslPolicy: expected a TLS 1\.3 ELB security policy such as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 .*found "ELBSecurityPolicy-2016-08"/,
        );
        assert.strictEqual(parse("dev", { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }).ingress.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
    });

    it("rejects a domain that is not a lower-case DNS name", () => {
        for (const bad of ["Apps.Example.com", "example", "apps.example.com.", "https://apps.example.com", "*.example.com"]) {
            assert.match(problem("prod", { domain: bad }), /platform:ingress\.domain: expected a lower-case DNS name/, bad);
        }
    });

    it("rejects an unknown external-dns policy, idle timeout and retention out of range", () => {
        assert.match(problem("dev", { externalDnsPolicy: "delete-all" }), /platform:ingress\.externalDnsPolicy: .*found "delete-all"/);
        assert.match(problem("dev", { idleTimeoutSeconds: 4001 }), /platform:ingress\.idleTimeoutSeconds: expected 1 to 4000 seconds/);
        assert.match(problem("dev", { accessLogRetentionDays: 0 }), /platform:ingress\.accessLogRetentionDays: .*found 0/);
    });

    it("names a misspelt nested key", () => {
        assert.match(problem("dev", { domian: "apps.example.com" }), /platform:ingress\.domian: not a known setting/);
    });

    it("lists several problems together", () => {
        const msg = problem("dev", { wafRateLimit: 1, deregistrationDelaySeconds: 9999 });
        assert.match(msg, /2 problems/);
        assert.match(msg, /platform:ingress\.wafRateLimit/);
        assert.match(msg, /platform:ingress\.deregistrationDelaySeconds/);
    });

    it("the prod program refuses to plan when the stack's domain is removed", async () => {
        const msg = await rejection(planStack("prod", { "platform:ingress": { wafRateLimit: 2000 } }));
        assert.match(msg, /platform:ingress\.domain: expected a domain/);
    });

    it("the prod stack file sets a domain and the dev stack file does not", async () => {
        assert.strictEqual((await planStack("prod")).stackConfig.config["platform:ingress"], JSON.stringify({ domain: "apps.example.com" }));
        assert.strictEqual((await planStack("dev")).stackConfig.config["platform:ingress"], undefined);
    });
});

describe("ingress group name", () => {
    it("follows the group.name rules: lower case, alphanumerics, '-' and '.', alphanumeric ends, at most 63", () => {
        assert.strictEqual(ingressGroupName("platform-prod"), "platform-prod");
        assert.strictEqual(ingressGroupName("Platform_Prod"), "platform-prod");
        assert.strictEqual(ingressGroupName("-team.app-"), "team.app");
        assert.throws(() => ingressGroupName("x".repeat(64)), /cannot derive an ALB group name \(1-63 characters\)/);
        assert.throws(() => ingressGroupName("___"), /cannot derive an ALB group name/);
    });
});
