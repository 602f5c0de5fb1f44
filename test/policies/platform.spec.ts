// The platform itself under its own policies: both stacks plan clean with their config, and a broken copy
// of a real platform resource is caught.
import { strict as assert } from "assert";
import { RecordedResource } from "../../tools/offline/recorder";
import { readStackPolicyConfig } from "../../tools/policyCheck";
import { planStack } from "../helpers";
import { check } from "./helpers";

function broken(resources: RecordedResource[], type: string, mutate: (inputs: Record<string, unknown>, r: RecordedResource) => void): RecordedResource[] {
    let found = false;
    const out = resources.map((r) => {
        if (r.type !== type || found) return r;
        found = true;
        const copy = { ...r, inputs: JSON.parse(JSON.stringify(r.inputs)) as Record<string, unknown> };
        mutate(copy.inputs, copy);
        return copy;
    });
    assert.ok(found, `no ${type} in the plan`);
    return out;
}

describe("policies: the platform under its own pack", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: zero mandatory and zero pss-* violations with policies/config/${stack}.json`, async () => {
            const run = await planStack(stack);
            const vs = await check(run.resources, readStackPolicyConfig(stack));
            assert.deepEqual(vs.filter((v) => v.enforcement === "mandatory" || v.policy.startsWith("pss-")), []);
        });
    }

    it("prod: the cluster's KMS key with rotation off and unprotected is caught", async () => {
        const run = await planStack("prod");
        const resources = broken(run.resources, "aws:kms/key:Key", (inputs, r) => {
            inputs["enableKeyRotation"] = false;
            r.protect = false;
        });
        const vs = await check(resources, readStackPolicyConfig("prod"));
        assert.deepEqual(vs.filter((v) => v.enforcement === "mandatory").map((v) => v.policy).sort(), ["kms-key-rotation", "stateful-resources-protected"]);
    });

    it("prod: the system LaunchTemplate with httpTokens optional is caught; in dev too", async () => {
        for (const stack of ["prod", "dev"] as const) {
            const run = await planStack(stack);
            const resources = broken(run.resources, "aws:ec2/launchTemplate:LaunchTemplate", (inputs) => {
                (inputs["metadataOptions"] as Record<string, unknown>)["httpTokens"] = "optional";
            });
            const vs = await check(resources, readStackPolicyConfig(stack));
            assert.deepEqual(vs.map((v) => `${v.enforcement} ${v.policy}`), ["mandatory imdsv2-required"], stack);
        }
    });

    it("prod: the EKS cluster without audit logs and the metrics-server chart on a version range are caught", async () => {
        const run = await planStack("prod");
        let resources = broken(run.resources, "eks:index:Cluster", (inputs) => {
            inputs["enabledClusterLogTypes"] = ["api"];
        });
        resources = broken(resources, "kubernetes:helm.sh/v3:Release", (inputs) => {
            inputs["version"] = "3.x";
        });
        const vs = await check(resources, readStackPolicyConfig("prod"));
        assert.deepEqual(vs.map((v) => v.policy).sort(), ["eks-control-plane-logging", "helm-chart-version-pinned"]);
    });

    it("prod: a taggable resource that lost its cost-allocation tags is caught", async () => {
        const run = await planStack("prod");
        const resources = broken(run.resources, "aws:ec2/natGateway:NatGateway", (inputs) => {
            delete (inputs["tags"] as Record<string, unknown>)["cost-center"];
        });
        const vs = await check(resources, readStackPolicyConfig("prod"));
        assert.deepEqual(vs.map((v) => `${v.policy}: ${v.message.split("\n")[1]}`), ["aws-required-tags: missing required tags: cost-center"]);
    });
});
