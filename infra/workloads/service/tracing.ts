// Opt-in tracing for ProductionService: the standard OpenTelemetry SDK environment variables pointing at the
// platform's collector gateway, and the one NetworkPolicy egress rule that lets the pods reach it. A service
// without `tracing` gets neither (docs/logging.md "Traces").
// Variable names and values: OpenTelemetry specification, "Environment Variable Specification"
// (specification/configuration/sdk-environment-variables.md) and the OTLP exporter page
// (specification/protocol/exporter.md: OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL, "grpc" or "http/protobuf").
import * as k8s from "@pulumi/kubernetes";
import type { OtlpGatewayContract } from "../../logging/contract";
import { NAMESPACE_NAME_LABEL } from "../labels";

export interface TracingArgs {
    /** The collector gateway: the logging layer's `otlpGateway` contract. */
    gateway: OtlpGatewayContract;
    /** OTLP transport the SDK uses. Default "grpc" (port 4317); "http/protobuf" uses 4318. */
    protocol?: "grpc" | "http/protobuf";
    /** Share of new traces the SDK records (parentbased_traceidratio: a sampled parent is always followed). Default 1 in dev, 0.1 in prod. */
    sampleRatio?: number;
    /** Also send OTLP metrics through the gateway to Prometheus. Default false (services are scraped: serviceMonitor). */
    metrics?: boolean;
    /** service.name. Default: the service's name. */
    serviceName?: string;
}

/** Everything tracing sets; a service's own `env` must not set these too. */
export const TRACING_ENV_NAMES = [
    "OTEL_SERVICE_NAME",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_TRACES_EXPORTER",
    "OTEL_METRICS_EXPORTER",
    "OTEL_LOGS_EXPORTER",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_PROPAGATORS",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_K8S_POD_NAME",
    "OTEL_K8S_POD_UID",
] as const;

export function defaultSampleRatio(environment: "dev" | "prod"): number {
    return environment === "prod" ? 0.1 : 1;
}

/** Problems with the tracing arguments, each naming the argument, what was expected and what was found. */
export function tracingProblems(t: TracingArgs | undefined, env: Record<string, unknown> | undefined): string[] {
    if (!t) return [];
    const out: string[] = [];
    if (t.protocol !== undefined && t.protocol !== "grpc" && t.protocol !== "http/protobuf") {
        out.push(`tracing.protocol: expected "grpc" or "http/protobuf", found ${JSON.stringify(t.protocol)}`);
    }
    if (t.sampleRatio !== undefined && !(typeof t.sampleRatio === "number" && t.sampleRatio >= 0 && t.sampleRatio <= 1)) {
        out.push(`tracing.sampleRatio: expected a number from 0 to 1, found ${JSON.stringify(t.sampleRatio)}`);
    }
    if (t.serviceName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(t.serviceName)) {
        out.push(`tracing.serviceName: expected 1-63 letters, digits, ".", "_" or "-", found ${JSON.stringify(t.serviceName)}`);
    }
    for (const n of TRACING_ENV_NAMES) {
        if (env && n in env) out.push(`env.${n}: expected to be left to tracing (it sets ${n}), found it set in env`);
    }
    return out;
}

/** The container environment tracing adds (the pod's name and uid first: later values refer to them as $(VAR)). */
export function tracingEnv(
    t: TracingArgs,
    ctx: { name: string; namespace: string; environment: "dev" | "prod" },
): k8s.types.input.core.v1.EnvVar[] {
    const http = t.protocol === "http/protobuf";
    const attributes = [
        `service.namespace=${ctx.namespace}`,
        `deployment.environment.name=${ctx.environment}`,
        `k8s.namespace.name=${ctx.namespace}`,
        "k8s.pod.name=$(OTEL_K8S_POD_NAME)",
        // The gateway's k8s_attributes processor associates spans with the pod by this uid (pod_association).
        "k8s.pod.uid=$(OTEL_K8S_POD_UID)",
    ];
    return [
        { name: "OTEL_K8S_POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "OTEL_K8S_POD_UID", valueFrom: { fieldRef: { fieldPath: "metadata.uid" } } },
        { name: "OTEL_SERVICE_NAME", value: t.serviceName ?? ctx.name },
        { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: http ? t.gateway.httpEndpoint : t.gateway.grpcEndpoint },
        { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: http ? "http/protobuf" : "grpc" },
        { name: "OTEL_TRACES_EXPORTER", value: "otlp" },
        { name: "OTEL_METRICS_EXPORTER", value: t.metrics ? "otlp" : "none" },
        // Logs go to stdout, which Alloy ships to Loki with the trace_id the app writes.
        { name: "OTEL_LOGS_EXPORTER", value: "none" },
        { name: "OTEL_TRACES_SAMPLER", value: "parentbased_traceidratio" },
        { name: "OTEL_TRACES_SAMPLER_ARG", value: String(t.sampleRatio ?? defaultSampleRatio(ctx.environment)) },
        { name: "OTEL_PROPAGATORS", value: "tracecontext,baggage" },
        { name: "OTEL_RESOURCE_ATTRIBUTES", value: attributes.join(",") },
    ];
}

/** The egress rule to the gateway pods, on the one port the chosen protocol uses. */
export function tracingEgressRule(t: TracingArgs): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    return {
        to: [
            {
                namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: t.gateway.namespace } },
                podSelector: { matchLabels: { ...t.gateway.podLabels } },
            },
        ],
        ports: [{ protocol: "TCP", port: t.protocol === "http/protobuf" ? t.gateway.ports.http : t.gateway.ports.grpc }],
    };
}
