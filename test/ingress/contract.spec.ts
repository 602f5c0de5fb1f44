// The IngressContract the layer hands to the service layer, from a directly constructed component.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { IngressSettings } from "../../infra/ingress/config";
import { Ingress } from "../../infra/ingress";
import { planSubnets } from "../../infra/network/subnets";
import { MockCloud } from "../../tools/offline/mocks";
import { fakeCluster } from "../fakeContracts";

// Internal to @pulumi/pulumi (as in tools/offline/run.ts): resolves once every outstanding registration is done.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

function build(name: string, settings: IngressSettings, protectStateful: boolean): Ingress {
    return new Ingress(name, {
        cluster: fakeCluster(name),
        vpcId: "vpc-0123456789abcdef0",
        publicSubnetIds: ["subnet-0a", "subnet-0b"],
        publicSubnetCidrs: planSubnets("10.30.0.0/16", 2).public,
        settings,
        protectStateful,
        tags: { "platform:stack": "contract-test" },
    });
}

describe("ingress: contract", () => {
    // A monitor of its own, so these registrations never land in a recorded program run; and all of them
    // finished before the next spec starts one.
    before(() => pulumi.runtime.setMocks(new MockCloud({ region: "eu-west-1", project: "platform", stack: "contract" }), "platform", "contract", true));
    after(() => waitForRPCs());

    const prodDefaults = ENVIRONMENT_DEFAULTS.prod["ingress"] as IngressSettings;

    it("with a domain: class, group, domain, validated certificate, WAF, readiness-gate label, delay, ALB subnets", async () => {
        const ingress = build("contract-tls", { ...prodDefaults, domain: "apps.example.org", deregistrationDelaySeconds: 45 }, true);
        const c = ingress.contract;
        assert.strictEqual(c.ingressClassName, "alb");
        assert.strictEqual(c.groupName, "contract-test");
        assert.strictEqual(c.domain, "apps.example.org");
        assert.ok(c.certificateArn, "certificateArn must be set with a domain");
        assert.match(await value(c.certificateArn), /^arn:aws:acm:eu-west-1:123456789012:certificate\//);
        assert.match(await value(c.wafAclArn), /^arn:aws:wafv2:eu-west-1:123456789012:regional\/webacl\/contract-test-ingress\//);
        assert.deepStrictEqual(c.readinessGateNamespaceLabels, { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
        assert.strictEqual(c.deregistrationDelaySeconds, 45);
        assert.deepStrictEqual(c.loadBalancerSubnetCidrs, ["10.30.192.0/24", "10.30.193.0/24"]);
        assert.match(ingress.tlsStatus, /^enabled/);
    });

    it("without a domain: no domain, no certificate, TLS reported as disabled", async () => {
        const { domain: _none, ...noDomain } = { ...prodDefaults, domain: undefined };
        const ingress = build("contract-plain", noDomain, false);
        assert.strictEqual(ingress.contract.domain, undefined);
        assert.strictEqual(ingress.contract.certificateArn, undefined);
        assert.strictEqual(ingress.tlsStatus, "disabled: no platform:ingress.domain set");
        assert.match(await value(ingress.contract.wafAclArn), /^arn:aws:wafv2:/);
    });
});
