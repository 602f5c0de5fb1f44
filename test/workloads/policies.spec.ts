// The rendered workloads must pass every Pod Security Standards policy and every workload policy of the
// platform pack with zero violations, for a grid of argument combinations.
// A deliberately non-compliant Deployment proves the rendered objects reach the real policies, so a
// zero-violation result for the grid means compliance, not plumbing that analyzes nothing.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { otlpGatewayContract } from "../../infra/logging/contract";
import { NamespaceBaseline } from "../../infra/workloads/namespace";
import { ProductionService, ProductionServiceArgs } from "../../infra/workloads/service";
import { deployQuotes } from "../../infra/workloads/quotes";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { QuotesSettings } from "../../infra/workloads/config";
import { PACK_NAME, PACK_VERSION, policies } from "../../policies/pack";
import { runPolicies } from "../../tools/offline/policyRunner";
import { ProgramRun } from "../../tools/offline/run";
import { allOptionsArgs, minimalArgs, namespaceArgs, prodArgs } from "./fixtures";
import { fakeData, fakeSecrets, fakeIngress, render } from "./render";

export const WORKLOAD_POLICY_NAMES = [
    "pss-host-namespaces",
    "pss-privileged",
    "pss-capabilities-baseline",
    "pss-host-path",
    "pss-host-ports",
    "pss-host-process",
    "pss-proc-mount",
    "pss-selinux",
    "pss-apparmor",
    "pss-seccomp-baseline",
    "pss-sysctls",
    "pss-capabilities-restricted",
    "pss-privilege-escalation",
    "pss-run-as-non-root",
    "pss-run-as-non-root-user",
    "pss-seccomp-restricted",
    "pss-proc-mount-restricted",
    "pss-volume-types",
    "workload-resources",
    "workload-probes",
    "workload-image-pinned",
    "workload-read-only-root-fs",
    "workload-min-replicas",
    "workload-service-account",
];

const workloadPack = () => ({
    name: PACK_NAME,
    version: PACK_VERSION,
    policies: policies.filter((p) => p.name.startsWith("pss-") || p.name.startsWith("workload-")),
});

function service(args: ProductionServiceArgs): () => void {
    return () => {
        const ns = new NamespaceBaseline("team", namespaceArgs());
        new ProductionService("api", { ...args, namespace: ns });
    };
}

const GRID: [string, (provider: k8s.Provider) => void][] = [
    ["minimal args (dev, internal)", service(minimalArgs())],
    ["prod defaults with ingress", service(prodArgs())],
    ["all options on (prod, HPA, Guaranteed, Pod Identity, on-demand)", service(allOptionsArgs())],
    ["dev with an HTTP-only ingress", service({ ...minimalArgs(), ingress: { contract: fakeIngress("dev") } })],
    ["prod with tracing to the collector gateway", service({ ...prodArgs(), tracing: { gateway: otlpGatewayContract() } })],
    ["exec and TCP probes, CPU limit", service({ ...minimalArgs(), probes: { startup: { type: "tcp" }, liveness: { type: "exec", command: ["/healthcheck"] } }, resources: { cpuLimit: "1" } })],
    ...(["dev", "prod"] as const).map((env): [string, (provider: k8s.Provider) => void] => [
        `quotes (${env})`,
        (provider) =>
            void deployQuotes({
                provider,
                clusterName: `platform-${env}`,
                environment: env,
                ingress: fakeIngress(env),
                data: fakeData(),
                secrets: fakeSecrets(),
                settings: ENVIRONMENT_DEFAULTS[env]["quotes"] as QuotesSettings,
                tags: {},
            }),
    ]),
];

describe("workloads: policy pack", () => {
    it("contains every pss-* and workload-* policy", () => {
        const names = new Set(policies.map((p) => p.name));
        const missing = WORKLOAD_POLICY_NAMES.filter((n) => !names.has(n));
        assert.deepStrictEqual(missing, [], `policies/pack.ts lacks ${missing.length} of ${WORKLOAD_POLICY_NAMES.length} workload policies`);
    });

    it("catches a non-compliant Deployment rendered the same way", async () => {
        const run = await render((provider) => {
            new k8s.apps.v1.Deployment(
                "bad",
                {
                    spec: {
                        replicas: 1,
                        selector: { matchLabels: { app: "bad" } },
                        template: {
                            metadata: { labels: { app: "bad" } },
                            spec: { hostNetwork: true, volumes: [{ name: "h", hostPath: { path: "/" } }], containers: [{ name: "c", image: "nginx", securityContext: { privileged: true } }] },
                        },
                    },
                },
                { provider },
            );
        });
        const violations = await runPolicies(workloadPack(), run.resources);
        const failed = new Set(violations.map((v) => v.policy));
        for (const expected of [
            "pss-host-namespaces",
            "pss-host-path",
            "pss-privileged",
            "pss-run-as-non-root",
            "pss-volume-types",
            "workload-image-pinned",
            "workload-probes",
            "workload-resources",
            "workload-service-account",
        ]) {
            assert.ok(failed.has(expected), `${expected} not reported; got ${[...failed].join(", ")}`);
        }
    });

    for (const [label, build] of GRID) {
        it(`${label}: zero pss-*/workload-* violations`, async () => {
            const run: ProgramRun = await render(build);
            assert.ok(run.resources.some((r) => r.type === "kubernetes:apps/v1:Deployment"), "rendered a Deployment");
            const violations = await runPolicies(workloadPack(), run.resources);
            assert.deepStrictEqual(violations.map((v) => `${v.policy} ${v.urn}: ${v.message}`), []);
        });
    }
});
