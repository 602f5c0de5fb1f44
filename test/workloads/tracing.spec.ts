// ProductionService's opt-in `tracing`: the OTEL_* environment and exactly one new egress rule (to the collector
// gateway's pods, on one port). A service without it gets neither: no new egress, no OTEL_* variable. Built with the
// pure spec functions (the same the component uses), plus one rendered service.
import * as assert from "assert";
import { COLLECTOR_POD_LABELS, COLLECTOR_RELEASE, otlpGatewayContract } from "../../infra/logging/contract";
import { collectorValues } from "../../infra/logging/values";
import { LOGGING_DEFAULTS } from "../../infra/logging/config";
import { NAMESPACE_NAME_LABEL, dnsEgressRule } from "../../infra/workloads/labels";
import { ProductionService, ProductionServiceArgs, ServiceArgsError, TRACING_ENV_NAMES, resolveServiceArgs } from "../../infra/workloads/service";
import { deploymentSpec } from "../../infra/workloads/service/manifests/deployment";
import { networkPolicySpec } from "../../infra/workloads/service/manifests/networkPolicy";
import { Inputs } from "../helpers";
import { IMAGE, minimalArgs, prodArgs } from "./fixtures";
import { at, object, render } from "./render";

const SELECTOR = { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api" };
const gateway = otlpGatewayContract();

function specs(args: ProductionServiceArgs): { egress: unknown[]; env: { name: string; value?: unknown; valueFrom?: unknown }[] } {
    const s = resolveServiceArgs("api", args);
    const np = networkPolicySpec(args, s, SELECTOR);
    const dep = deploymentSpec("api", args, s, SELECTOR, SELECTOR);
    const env = at(dep, "template.spec.containers.0.env") as { name: string; value?: unknown; valueFrom?: unknown }[];
    return { egress: np.egress as unknown[], env };
}

const envOf = (env: { name: string; value?: unknown }[]) => Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));

describe("workloads: ProductionService tracing (opt-in)", () => {
    it("without tracing: no new egress (DNS only, as before) and no OTEL_* variable", () => {
        for (const args of [minimalArgs(), prodArgs()]) {
            const { egress, env } = specs(args);
            assert.deepStrictEqual(egress, [dnsEgressRule()]);
            assert.deepStrictEqual(env.filter((e) => e.name.startsWith("OTEL_")), []);
        }
    });

    it("with tracing: exactly one more egress rule, to the gateway's pods in the tracing namespace on 4317", () => {
        const without = specs(prodArgs()).egress;
        const withTracing = specs({ ...prodArgs(), tracing: { gateway } }).egress;
        assert.deepStrictEqual(withTracing.slice(0, without.length), without);
        assert.deepStrictEqual(withTracing.slice(without.length), [
            {
                to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "tracing" } }, podSelector: { matchLabels: { ...COLLECTOR_POD_LABELS } } }],
                ports: [{ protocol: "TCP", port: 4317 }],
            },
        ]);
        const http = specs({ ...prodArgs(), tracing: { gateway, protocol: "http/protobuf" } }).egress;
        assert.deepStrictEqual(at(http[http.length - 1], "ports"), [{ protocol: "TCP", port: 4318 }]);
    });

    it("sets the standard OTEL_* variables: gRPC endpoint, sampler per environment, no OTLP logs, pod identity attributes", () => {
        const { env } = specs({ ...prodArgs(), tracing: { gateway } });
        const v = envOf(env);
        assert.deepStrictEqual(
            { ...v, OTEL_RESOURCE_ATTRIBUTES: undefined },
            {
                OTEL_SERVICE_NAME: "api",
                OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-gateway.tracing.svc:4317",
                OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
                OTEL_TRACES_EXPORTER: "otlp",
                OTEL_METRICS_EXPORTER: "none",
                OTEL_LOGS_EXPORTER: "none",
                OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
                OTEL_TRACES_SAMPLER_ARG: "0.1",
                OTEL_PROPAGATORS: "tracecontext,baggage",
                OTEL_RESOURCE_ATTRIBUTES: undefined,
            },
        );
        assert.strictEqual(
            v["OTEL_RESOURCE_ATTRIBUTES"],
            "service.namespace=team,deployment.environment.name=prod,k8s.namespace.name=team,k8s.pod.name=$(OTEL_K8S_POD_NAME),k8s.pod.uid=$(OTEL_K8S_POD_UID)",
        );
        // $(VAR) expands only variables defined earlier in the list.
        const names = env.map((e) => e.name);
        assert.ok(names.indexOf("OTEL_K8S_POD_UID") < names.indexOf("OTEL_RESOURCE_ATTRIBUTES"));
        assert.deepStrictEqual(env.find((e) => e.name === "OTEL_K8S_POD_UID")?.valueFrom, { fieldRef: { fieldPath: "metadata.uid" } });
        const dev = envOf(specs({ ...minimalArgs(), tracing: { gateway, protocol: "http/protobuf", metrics: true, sampleRatio: 0.5, serviceName: "checkout" } }).env);
        assert.deepStrictEqual(
            [dev["OTEL_EXPORTER_OTLP_ENDPOINT"], dev["OTEL_EXPORTER_OTLP_PROTOCOL"], dev["OTEL_METRICS_EXPORTER"], dev["OTEL_TRACES_SAMPLER_ARG"], dev["OTEL_SERVICE_NAME"]],
            ["http://otel-gateway.tracing.svc:4318", "http/protobuf", "otlp", "0.5", "checkout"],
        );
        assert.strictEqual(envOf(specs({ ...minimalArgs(), tracing: { gateway } }).env)["OTEL_TRACES_SAMPLER_ARG"], "1");
        for (const n of TRACING_ENV_NAMES) assert.ok(names.includes(n), n);
    });

    it("refuses a bad protocol, a ratio outside 0-1, a bad service name and OTEL_* variables also set in env", () => {
        const bad = {
            ...minimalArgs(),
            env: { OTEL_SERVICE_NAME: "x" },
            tracing: { gateway, protocol: "http/json" as "grpc", sampleRatio: 2, serviceName: "bad name" },
        };
        assert.throws(
            () => resolveServiceArgs("api", bad),
            (e: unknown) =>
                e instanceof ServiceArgsError &&
                e.problems.includes('tracing.protocol: expected "grpc" or "http/protobuf", found "http/json"') &&
                e.problems.includes("tracing.sampleRatio: expected a number from 0 to 1, found 2") &&
                e.problems.some((p) => p.startsWith("tracing.serviceName: expected")) &&
                e.problems.includes("env.OTEL_SERVICE_NAME: expected to be left to tracing (it sets OTEL_SERVICE_NAME), found it set in env"),
        );
        // Without tracing, OTEL_* in env is the team's own business.
        assert.doesNotThrow(() => resolveServiceArgs("api", { ...minimalArgs(), env: { OTEL_SERVICE_NAME: "x" } }));
    });

    it("the gateway contract matches what the collector chart deploys: Service otel-gateway, pod labels name + instance", () => {
        const values = collectorValues({
            replicas: 2,
            resources: LOGGING_DEFAULTS.prod.collector.resources,
            prometheusUrls: LOGGING_DEFAULTS.prod.prometheusUrls,
            placement: { nodeSelector: {}, tolerations: [] },
            zoneSpread: () => [],
        });
        // fullnameOverride names the Service; no nameOverride, so app.kubernetes.io/name stays the chart name.
        assert.strictEqual(values["fullnameOverride"], COLLECTOR_RELEASE);
        assert.ok(!("nameOverride" in values));
        assert.deepStrictEqual(gateway.podLabels, { "app.kubernetes.io/name": "opentelemetry-collector", "app.kubernetes.io/instance": COLLECTOR_RELEASE });
        assert.strictEqual(at(values, "config.receivers.otlp.protocols.grpc.endpoint"), `\${env:MY_POD_IP}:${gateway.ports.grpc}`);
        assert.strictEqual(at(values, "config.receivers.otlp.protocols.http.endpoint"), `\${env:MY_POD_IP}:${gateway.ports.http}`);
    });

    // The policy pack's workload rules run on a traced service in policies.spec.ts (the GRID).
    it("a rendered service with tracing declares the same egress in its NetworkPolicy", async () => {
        const run = await render(() => void new ProductionService("api", { namespace: "team", environment: "prod", image: IMAGE, tracing: { gateway } }));
        const np = object(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "api").i;
        const egress = at(np, "spec.egress") as Inputs[];
        assert.strictEqual(egress.length, 2);
        assert.deepStrictEqual(at(egress[1], "ports"), [{ protocol: "TCP", port: 4317 }]);
    });
});
