// What the logging layer (logs and traces) hands to other layers: plain in-cluster URLs and names, no secret.
// The metrics layer's Grafana reads LoggingContract for its Loki and Tempo datasources; the golden-path service
// reads OtlpGatewayContract for its opt-in tracing (OTEL_* variables and the NetworkPolicy egress to the gateway).
// Everything here is derived from constants (namespaces, release names, ports), so a layer built before this one
// could compute it too: nothing waits on a resource.

export interface LoggingContract {
    /** In-cluster query URL for a Grafana datasource: the Loki gateway (nginx) Service, port 80. */
    lokiUrl: string;
    /** In-cluster query URL of Tempo (HTTP API, port 3200). */
    tempoUrl: string;
    /** Collector gateway, OTLP over gRPC. */
    otlpGrpcEndpoint: string;
    /** Collector gateway, OTLP over HTTP. */
    otlpHttpEndpoint: string;
    /** X-Scope-OrgID when Loki multi-tenancy is on (it is: one tenant, see docs/logging.md). */
    tenant?: string;
}

/** What a workload needs to send traces to the gateway through a default-deny NetworkPolicy. */
export interface OtlpGatewayContract {
    grpcEndpoint: string;
    httpEndpoint: string;
    /** Namespace of the gateway pods (NetworkPolicy namespaceSelector on kubernetes.io/metadata.name). */
    namespace: string;
    /** Labels every gateway pod carries (NetworkPolicy podSelector). */
    podLabels: Record<string, string>;
    /** OTLP ports on the pods (the Service maps the same numbers). */
    ports: { grpc: number; http: number };
}

export const LOGGING_NAMESPACE = "logging";
export const TRACING_NAMESPACE = "tracing";

/** Helm release names: the charts derive Service names from them (loki-gateway, tempo, otel-gateway). */
export const LOKI_RELEASE = "loki";
export const ALLOY_RELEASE = "alloy";
export const ALLOY_EVENTS_RELEASE = "alloy-events";
export const TEMPO_RELEASE = "tempo";
export const COLLECTOR_RELEASE = "otel-gateway";

export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
export const TEMPO_HTTP_PORT = 3200;

/**
 * Selector labels of the collector pods: app.kubernetes.io/name is the chart name (no nameOverride) and
 * app.kubernetes.io/instance the release (opentelemetry-collector templates/_helpers.tpl "selectorLabels" @ 0.170.0).
 */
export const COLLECTOR_POD_LABELS = {
    "app.kubernetes.io/name": "opentelemetry-collector",
    "app.kubernetes.io/instance": COLLECTOR_RELEASE,
} as const;

const svc = (name: string, namespace: string) => `${name}.${namespace}.svc`;

export function loggingContract(tenant: string): LoggingContract {
    return {
        // loki.gatewayFullname = <fullname>-gateway; fullname = release name when it contains the chart name;
        // gateway.service.port 80 (grafana-community/helm-charts charts/loki templates/gateway @ 18.11.0).
        lokiUrl: `http://${svc(`${LOKI_RELEASE}-gateway`, LOGGING_NAMESPACE)}`,
        // tempo.fullname = release name; the Service exposes 3200 (charts/tempo templates/service.yaml @ 2.2.4).
        tempoUrl: `http://${svc(TEMPO_RELEASE, TRACING_NAMESPACE)}:${TEMPO_HTTP_PORT}`,
        otlpGrpcEndpoint: `http://${svc(COLLECTOR_RELEASE, TRACING_NAMESPACE)}:${OTLP_GRPC_PORT}`,
        otlpHttpEndpoint: `http://${svc(COLLECTOR_RELEASE, TRACING_NAMESPACE)}:${OTLP_HTTP_PORT}`,
        tenant,
    };
}

export function otlpGatewayContract(): OtlpGatewayContract {
    const c = loggingContract("");
    return {
        grpcEndpoint: c.otlpGrpcEndpoint,
        httpEndpoint: c.otlpHttpEndpoint,
        namespace: TRACING_NAMESPACE,
        podLabels: { ...COLLECTOR_POD_LABELS },
        ports: { grpc: OTLP_GRPC_PORT, http: OTLP_HTTP_PORT },
    };
}
