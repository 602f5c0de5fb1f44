import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parsePlatformConfig } from "../../infra/config";
import { ConfigError, isIpv4Cidr } from "../../infra/lib/configSchema";
import { fakeSource as source, withRequired as withDomain } from "../configSource";

function load(values: Record<string, unknown>, region: string | null = "eu-west-1") {
    return parsePlatformConfig({ source: source(withDomain(values)), project: "platform", stack: "test", region: region ?? undefined });
}

function problems(values: Record<string, unknown>, region: string | null = "eu-west-1"): string[] {
    try {
        load(values, region);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

describe("config", () => {
    it("applies per-environment defaults", () => {
        const dev = load({ environment: "dev" });
        const prod = load({ environment: "prod", adminPrincipalArns: ["arn:aws:iam::123456789012:role/Admin"] });
        assert.equal(dev.natStrategy, "single");
        assert.equal(prod.natStrategy, "perAz");
        assert.equal(dev.azCount, 2);
        assert.equal(prod.azCount, 3);
        assert.equal(dev.endpointPublicAccess, false);
        assert.equal(prod.endpointPublicAccess, false);
        assert.equal(dev.protectStatefulResources, false);
        assert.equal(prod.protectStatefulResources, true);
        assert.equal(prod.logRetentionDays, 90);
        assert.equal(prod.clusterName, "platform-test");
    });

    it("lets stack values override defaults key by key, nested objects merged", () => {
        const cfg = load({ environment: "dev", systemNodes: { maxSize: 6 }, tags: { team: "a" } });
        assert.equal(cfg.systemNodes.maxSize, 6);
        assert.equal(cfg.systemNodes.minSize, 2);
        assert.deepEqual(cfg.systemNodes.instanceTypes, ["m7i.large"]);
        assert.equal(cfg.commonTags["team"], "a");
        assert.equal(cfg.commonTags["platform:stack"], "test");
        assert.equal(cfg.commonTags["platform:environment"], "dev");
    });

    it("names each bad key, what was expected and what was found, all at once", () => {
        const p = problems({ environment: "dev", vpcCidr: "banana", azCount: 7, natStrategy: "double" });
        assert.equal(p.length, 3, p.join("\n"));
        assert.match(p.find((x) => x.startsWith("platform:vpcCidr"))!, /expected an IPv4 CIDR.*found "banana"/);
        assert.match(p.find((x) => x.startsWith("platform:azCount"))!, /expected 2 or 3.*found 7/);
        assert.match(p.find((x) => x.startsWith("platform:natStrategy"))!, /single.*perAz.*found "double"/);
    });

    it("rejects a missing or unknown environment before anything else", () => {
        assert.match(problems({})[0], /^platform:environment: expected one of dev \| prod, found nothing/);
        assert.match(problems({ environment: "staging" })[0], /found "staging"/);
    });

    it("rejects a missing or malformed region", () => {
        assert.match(problems({ environment: "dev" }, null)[0], /^aws:region: expected an AWS region/);
        assert.match(problems({ environment: "dev" }, "mars-1")[0], /found "mars-1"/);
    });

    it("reports region problems together with the platform keys", () => {
        const p = problems({ environment: "dev", azCount: 1 }, "nowhere");
        assert.equal(p.length, 2);
    });

    it("rejects misspelt keys, top-level and nested", () => {
        const p = problems({ environment: "dev", vpcCdir: "10.0.0.0/16", systemNodes: { minsize: 3 } });
        assert.ok(p.includes("platform:vpcCdir: not a known setting (check the spelling)"), p.join("\n"));
        assert.ok(p.includes("platform:systemNodes.minsize: not a known setting (check the spelling)"), p.join("\n"));
    });

    it("validates CIDRs: prefix range, host bits, the open internet on the API endpoint", () => {
        assert.match(problems({ environment: "dev", vpcCidr: "10.0.0.0/24" })[0], /\/16 to \/20/);
        assert.match(problems({ environment: "dev", vpcCidr: "10.0.0.1/16" })[0], /no host bits/);
        assert.match(problems({ environment: "dev", endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] })[0], /^platform:publicAccessCidrs: .*open to the internet/);
        assert.match(problems({ environment: "dev", publicAccessCidrs: ["1.2.3.4"] })[0], /^platform:publicAccessCidrs\[0\]/);
        assert.equal(isIpv4Cidr("10.0.0.0/8"), true);
        assert.equal(isIpv4Cidr("300.0.0.0/8"), false);
    });

    it("requires an allow-list for a public endpoint, in every environment, with the policy's reason", () => {
        for (const environment of ["dev", "prod"]) {
            assert.deepEqual(problems({ environment, endpointPublicAccess: true }), [
                "platform:publicAccessCidrs: expected a CIDR allow-list when endpointPublicAccess is true, found an empty list (EKS would open the public endpoint to 0.0.0.0/0; policy eks-private-endpoint): list your networks, or set endpointPublicAccess: false",
            ]);
        }
    });

    it("validates Kubernetes version, admin ARNs, log retention and tags", () => {
        assert.match(problems({ environment: "dev", kubernetesVersion: "1.20" })[0], /^platform:kubernetesVersion: .*found "1.20"/);
        assert.match(problems({ environment: "dev", kubernetesVersion: 1.3 })[0], /^platform:kubernetesVersion/);
        assert.match(problems({ environment: "dev", adminPrincipalArns: ["admin"] })[0], /^platform:adminPrincipalArns\[0\]: expected an AWS ARN/);
        assert.match(problems({ environment: "dev", logRetentionDays: 10 })[0], /^platform:logRetentionDays: expected one of the CloudWatch Logs retention values/);
        assert.match(problems({ environment: "dev", tags: { "": "x" } })[0], /^platform:tags/);
    });

    it("validates the system node group sizes and spread", () => {
        assert.match(problems({ environment: "dev", systemNodes: { minSize: 1 } })[0], /^platform:systemNodes.minSize: expected at least 2/);
        assert.match(problems({ environment: "dev", systemNodes: { minSize: 3, desiredSize: 2 } })[0], /^platform:systemNodes: expected minSize <= desiredSize <= maxSize, found 3 \/ 2 \/ 4/);
        assert.match(problems({ environment: "prod", systemNodes: { minSize: 2, desiredSize: 3 } })[0], /one system node per AZ/);
        assert.match(problems({ environment: "dev", systemNodes: { instanceTypes: ["large"] } })[0], /^platform:systemNodes.instanceTypes\[0\]: expected an EC2 instance type/);
        assert.match(problems({ environment: "dev", systemNodes: { amiType: "AL2_x86_64" } })[0], /^platform:systemNodes.amiType/);
    });

    it("reports text where a number was expected, with the text found", () => {
        assert.match(problems({ environment: "dev", azCount: "three" })[0], /^platform:azCount: .*found "three"/);
    });

    it("remembers which keys were secure config", () => {
        const cfg = parsePlatformConfig({
            source: source({ environment: "dev", tags: { a: "b" } }, ["tags"]),
            project: "platform",
            stack: "test",
            region: "eu-west-1",
        });
        assert.ok(cfg.secretKeys.has("tags"));
    });

    it("is a pulumi.RunError, so the CLI prints the message without a stack trace", () => {
        try {
            load({ environment: "dev", azCount: 9 });
            assert.fail("expected a rejection");
        } catch (e) {
            assert.equal((e as Error).name, "ConfigError");
            assert.ok(pulumi.RunError.isInstance(e), "not a pulumi.RunError");
            assert.match((e as Error).message, /^Invalid stack configuration \(1 problem\):\n {2}- platform:azCount/);
        }
    });

    describe("platform:interfaceEndpoints", () => {
        const PROD = { environment: "prod", adminPrincipalArns: ["arn:aws:iam::123456789012:role/Admin"] };
        it("defaults to none in dev and all six AWS API endpoints in prod", () => {
            assert.deepEqual(load({ environment: "dev" }).interfaceEndpoints, []);
            assert.deepEqual(load(PROD).interfaceEndpoints, ["sts", "secretsmanager", "kms", "ecr.api", "ecr.dkr", "logs"]);
            assert.deepEqual(load({ ...PROD, interfaceEndpoints: [] }).interfaceEndpoints, []);
        });
        it("rejects unknown services, duplicates, and ecr.dkr without ecr.api", () => {
            assert.match(problems({ environment: "dev", interfaceEndpoints: ["s3"] })[0], /^platform:interfaceEndpoints\[0\]: expected one of .*"sts".*found "s3"/);
            assert.deepEqual(problems({ environment: "dev", interfaceEndpoints: ["sts", "kms", "sts"] }), ['platform:interfaceEndpoints: expected each service once, found "sts" more than once']);
            assert.deepEqual(problems({ environment: "dev", interfaceEndpoints: ["ecr.dkr"] }), ['platform:interfaceEndpoints: expected "ecr.api" and "ecr.dkr" together (image pulls call both), found only "ecr.dkr"']);
        });
    });
});
