import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ProductionService, ProductionServiceArgs, ServiceArgsError, imageProblem, resolveServiceArgs } from "../../infra/workloads/service";
import { parseQuantity } from "../../infra/workloads/quantity";
import { ofType } from "../helpers";
import { allOptionsArgs, minimalArgs, prodArgs } from "./fixtures";
import { fakeIngress, render } from "./render";

/** The problems resolveServiceArgs reports for these args (empty when they are valid). */
function problems(args: ProductionServiceArgs, name = "api"): string[] {
    try {
        resolveServiceArgs(name, args);
        return [];
    } catch (e) {
        assert.ok(e instanceof ServiceArgsError, String(e));
        return e.problems;
    }
}

describe("workloads: ProductionService argument validation", () => {
    it("accepts the minimal, prod and all-options argument sets", () => {
        assert.deepStrictEqual(problems(minimalArgs()), []);
        assert.deepStrictEqual(problems(prodArgs()), []);
        assert.deepStrictEqual(problems(allOptionsArgs()), []);
    });

    it("rejects image tag latest, a missing tag and a malformed digest", () => {
        assert.deepStrictEqual(problems({ ...minimalArgs(), image: "nginx:latest" }), ['image: expected a pinned tag or digest, found the tag "latest" in "nginx:latest"']);
        assert.deepStrictEqual(problems({ ...minimalArgs(), image: "registry.example.com:5000/team/api" }), [
            'image: expected a pinned tag (repo:1.2.3) or digest (repo@sha256:...), found "registry.example.com:5000/team/api" (no tag means latest)',
        ]);
        assert.match(imageProblem("api@sha256:abc") ?? "", /expected a digest like repo@sha256:<64 hex>/);
        assert.strictEqual(imageProblem("registry.example.com:5000/team/api:1.0"), undefined);
    });

    it("rejects replicas 0, and fewer than 2 in prod", () => {
        assert.deepStrictEqual(problems({ ...minimalArgs(), replicas: 0 }), ["replicas: expected an integer >= 1, found 0"]);
        assert.deepStrictEqual(problems({ ...prodArgs(), replicas: 1 }), ["replicas: expected an integer >= 2 in prod (3 recommended: one per zone), found 1"]);
    });

    it("rejects min replicas above max, a prod minimum below 2 and a fixed count next to an HPA", () => {
        assert.deepStrictEqual(problems({ ...prodArgs(), autoscaling: { minReplicas: 5, maxReplicas: 3 } }), ["autoscaling.maxReplicas: expected an integer >= minReplicas (5), found 3"]);
        assert.deepStrictEqual(problems({ ...prodArgs(), autoscaling: { minReplicas: 1, maxReplicas: 3 } }), ["autoscaling.minReplicas: expected an integer >= 2 in prod, found 1"]);
        assert.deepStrictEqual(problems({ ...prodArgs(), replicas: 3, autoscaling: { minReplicas: 3, maxReplicas: 6 } }), [
            "replicas: expected no fixed replica count when autoscaling is set (the HPA owns spec.replicas), found 3",
        ]);
        assert.deepStrictEqual(problems({ ...prodArgs(), autoscaling: { minReplicas: 3, maxReplicas: 6, targetCpuUtilization: 150 } }), ["autoscaling.targetCpuUtilization: expected a percentage 10-100, found 150"]);
    });

    it("rejects a memory limit below the request and a CPU limit below the request", () => {
        assert.deepStrictEqual(problems({ ...minimalArgs(), resources: { memory: "512Mi", memoryLimit: "256Mi" } }), ["resources.memoryLimit: expected at least the memory request (512Mi), found 256Mi"]);
        assert.deepStrictEqual(problems({ ...minimalArgs(), resources: { cpu: "1", cpuLimit: "500m" } }), ["resources.cpuLimit: expected at least the CPU request (1), found 500m"]);
        assert.deepStrictEqual(problems({ ...minimalArgs(), resources: { cpu: "lots" } }), ['resources.cpu: expected a positive Kubernetes quantity like 250m or 256Mi, found "lots"']);
    });

    it("rejects Guaranteed QoS with limits different from requests", () => {
        assert.deepStrictEqual(problems({ ...minimalArgs(), qos: "Guaranteed", resources: { cpu: "100m", memory: "128Mi", memoryLimit: "256Mi" } }), [
            'resources.memoryLimit: expected 128Mi (qos "Guaranteed" needs limits = requests), found 256Mi',
        ]);
    });

    it("rejects a preStop sleep not longer than the deregistration delay", () => {
        assert.deepStrictEqual(problems({ ...prodArgs(), shutdown: { preStopSleepSeconds: 30 } }), [
            "shutdown.preStopSleepSeconds: expected more than the ingress deregistration delay (30s) so the ALB stops sending before the app stops, found 30",
        ]);
    });

    it("rejects a preStop longer than the grace period (the grace period includes preStop)", () => {
        assert.deepStrictEqual(problems({ ...prodArgs(), shutdown: { preStopSleepSeconds: 40, terminationGracePeriodSeconds: 30 } }), [
            "shutdown.terminationGracePeriodSeconds: expected at least preStop + app shutdown (40 + 15 = 55s; the grace period includes the preStop hook), found 30",
        ]);
    });

    it("rejects root and privileged ports", () => {
        assert.deepStrictEqual(problems({ ...minimalArgs(), runAsUser: 0, port: 80 }), [
            "port: expected 1024-65535 (non-root with no capabilities cannot bind lower ports), found 80",
            "runAsUser: expected a non-zero uid/gid (the restricted profile forbids root), found 0",
            "runAsGroup: expected a non-zero uid/gid (the restricted profile forbids root), found 0",
        ]);
    });

    it("rejects liveness and readiness on the same endpoint, and relative paths", () => {
        assert.deepStrictEqual(problems({ ...minimalArgs(), probes: { liveness: { type: "http", path: "/ready" } } }), [
            'probes.liveness.path: expected an endpoint distinct from readiness (liveness checks the process only, readiness may check dependencies), found both on "/ready"',
        ]);
        assert.deepStrictEqual(problems({ ...minimalArgs(), probes: { startup: { type: "http", path: "startup" } } }), ['probes.startup.path: expected an absolute path like /ready, found "startup"']);
        assert.deepStrictEqual(problems({ ...prodArgs(), probes: { readiness: { type: "tcp" } } }), ['probes.readiness.type: expected "http" when ingress is set (its path is the ALB health check), found "tcp"']);
    });

    it("rejects a zero surge, a PDB that blocks drains and an HTTPS-less public service in prod", () => {
        assert.match(problems({ ...minimalArgs(), maxSurge: 0 })[0], /^maxSurge: expected a positive integer or a percentage 1%-100%.*found 0$/);
        assert.deepStrictEqual(problems({ ...minimalArgs(), disruptionBudget: { minAvailable: 2 } }), [
            "disruptionBudget.minAvailable: expected 1 to 1 (below the minimum replica count 2, or node drains block), found 2",
        ]);
        assert.deepStrictEqual(problems({ ...minimalArgs(), disruptionBudget: { maxUnavailable: 0 } }), ["disruptionBudget.maxUnavailable: expected an integer >= 1 (0 blocks every node drain), found 0"]);
        assert.deepStrictEqual(problems({ ...prodArgs(), ingress: { contract: fakeIngress("dev") } }), [
            "ingress.contract: expected a domain and certificate in prod (public services are HTTPS-only there), found no domain",
        ]);
    });

    it("rejects open egress and a bad service name", () => {
        assert.deepStrictEqual(problems({ ...minimalArgs(), network: { egress: [{ description: "internet", cidrs: ["0.0.0.0/0"], ports: [{ port: 443 }] }] } }), [
            'network.egress[0].cidrs: expected specific CIDRs (internet), found "0.0.0.0/0"',
        ]);
        assert.match(problems(minimalArgs(), "My_Api")[0], /^name: expected a DNS-1035 label.*found "My_Api"$/);
    });

    it("rejects VPC endpoint CIDRs that are not subnet blocks (aws.vpcEndpointCidrs)", () => {
        const aws = allOptionsArgs().aws!;
        assert.deepStrictEqual(problems({ ...allOptionsArgs(), aws: { ...aws, vpcEndpointCidrs: ["10.20.224.0/24"] } }), []);
        assert.deepStrictEqual(problems({ ...allOptionsArgs(), aws: { ...aws, vpcEndpointCidrs: ["0.0.0.0/0", "10.20.224.1/24"] } }), [
            'aws.vpcEndpointCidrs[0]: expected the CIDR of a subnet holding VPC interface endpoints (like 10.20.224.0/24), found "0.0.0.0/0"',
            'aws.vpcEndpointCidrs[1]: expected the CIDR of a subnet holding VPC interface endpoints (like 10.20.224.0/24), found "10.20.224.1/24"',
        ]);
    });

    it("lists every problem at once, in an error naming the service", () => {
        assert.throws(
            () => resolveServiceArgs("api", { ...prodArgs(), image: "api:latest", replicas: 0 }),
            (e: Error) => e.message.startsWith('ProductionService "api": invalid arguments (2 problems):\n  - image:') && e.message.includes("\n  - replicas:"),
        );
    });

    it("declares nothing when the arguments are wrong", async () => {
        let thrown: unknown;
        const run = await render(() => {
            try {
                new ProductionService("api", { ...minimalArgs(), image: "api:latest", env: { A: pulumi.output("x") } });
            } catch (e) {
                thrown = e;
            }
        });
        assert.ok(thrown instanceof ServiceArgsError);
        assert.strictEqual(ofType(run, "platform:workloads:ProductionService").length, 0);
        assert.strictEqual(run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom && r.type !== "pulumi:providers:kubernetes").length, 0);
    });

    it("parses Kubernetes quantities", () => {
        assert.strictEqual(parseQuantity("500m"), 0.5);
        assert.strictEqual(parseQuantity("2"), 2);
        assert.strictEqual(parseQuantity("128Mi"), 128 * 2 ** 20);
        assert.strictEqual(parseQuantity("1G"), 1e9);
        assert.strictEqual(parseQuantity("1e3"), 1000);
        assert.strictEqual(parseQuantity("1.5Gi"), 1.5 * 2 ** 30);
        assert.strictEqual(parseQuantity("12MB"), undefined);
    });
});
