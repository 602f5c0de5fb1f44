// OpenTelemetry collector gateway values (opentelemetry-collector 0.170.0, collector 0.158.0) and its pods.
// Keys checked against charts/opentelemetry-collector values.yaml and values.schema.json @ f5178cb9 in test/logging/fixtures/upstream.ts.
import type { Resources } from "../config";
import { COLLECTOR_POD_LABELS, COLLECTOR_RELEASE, OTLP_GRPC_PORT, OTLP_HTTP_PORT, TEMPO_RELEASE, TRACING_NAMESPACE } from "../contract";
import { PodDemand, PodPlacement, Values, placementValues, resourcesOf } from "./common";

/** The Kubernetes distribution of the collector and its binary (chart values.yaml comments; releases repo). */
export const COLLECTOR_IMAGE = "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s";
export const COLLECTOR_COMMAND = "otelcol-k8s";

export interface CollectorInputs {
    replicas: number;
    resources: Resources;
    prometheusUrls: string[];
    placement: PodPlacement;
    /** Zone spread for pods with these labels (the kit's zoneSpread). */
    zoneSpread: (matchLabels: Record<string, string>) => object[];
}

/** Prometheus' native OTLP endpoint (needs --web.enable-otlp-receiver: kube-prometheus-stack enableOTLPReceiver). */
export function prometheusOtlpMetricsUrl(prometheus: string): string {
    return `${prometheus}/api/v1/otlp/v1/metrics`;
}

export function collectorValues(i: CollectorInputs): Values {
    const tempo = `${TEMPO_RELEASE}.${TRACING_NAMESPACE}.svc:${OTLP_GRPC_PORT}`;
    // Component type names of collector 0.158: the OTLP exporters are otlp_grpc / otlp_http (their metadata.yaml
    // keeps otlp / otlphttp as deprecated aliases) and the processor k8s_attributes (the chart's rename table).
    const promExporters = Object.fromEntries(
        i.prometheusUrls.map((u, n) => [`otlp_http/prometheus-${n}`, { metrics_endpoint: prometheusOtlpMetricsUrl(u) }]),
    );
    const processors = ["memory_limiter", "k8s_attributes", "batch"];
    return {
        mode: "deployment",
        fullnameOverride: COLLECTOR_RELEASE,
        image: { repository: COLLECTOR_IMAGE },
        command: { name: COLLECTOR_COMMAND },
        replicaCount: i.replicas,
        resources: resourcesOf(i.resources),
        ...placementValues(i.placement),
        topologySpreadConstraints: i.zoneSpread({ ...COLLECTOR_POD_LABELS }),
        podDisruptionBudget: i.replicas > 1 ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
        // The image runs as 10001:10001 (opentelemetry-collector-releases distributions/otelcol-k8s/Dockerfile @ v0.158.0).
        securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
        },
        // The preset adds the ClusterRole (pods, namespaces, replicasets) k8s_attributes needs; listing the processor
        // in the pipelines ourselves keeps memory_limiter first (the preset would prepend it).
        presets: { kubernetesAttributes: { enabled: true } },
        // Only OTLP: the Jaeger and Zipkin ports stay closed on the pods and the Service.
        ports: {
            "jaeger-compact": { enabled: false },
            "jaeger-thrift": { enabled: false },
            "jaeger-grpc": { enabled: false },
            zipkin: { enabled: false },
        },
        config: {
            receivers: {
                otlp: {
                    protocols: {
                        grpc: { endpoint: `\${env:MY_POD_IP}:${OTLP_GRPC_PORT}` },
                        http: { endpoint: `\${env:MY_POD_IP}:${OTLP_HTTP_PORT}` },
                    },
                },
            },
            processors: {
                memory_limiter: { check_interval: "5s", limit_percentage: 80, spike_limit_percentage: 25 },
                batch: { send_batch_size: 8192, timeout: "5s" },
            },
            exporters: {
                "otlp_grpc/tempo": { endpoint: tempo, tls: { insecure: true } },
                ...promExporters,
                // Logs come from stdout through Alloy; OTLP logs sent here are accepted and dropped.
                nop: {},
            },
            service: {
                pipelines: {
                    traces: { receivers: ["otlp"], processors, exporters: ["otlp_grpc/tempo"] },
                    metrics: { receivers: ["otlp"], processors, exporters: Object.keys(promExporters) },
                    logs: { receivers: ["otlp"], processors, exporters: ["nop"] },
                },
            },
        },
    };
}

export function collectorPods(replicas: number, r: Resources): PodDemand[] {
    return [{ component: "otel-gateway/collector", replicas, ...r }];
}
