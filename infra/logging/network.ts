// NetworkPolicies of the logging and tracing namespaces, as data. Ingress is denied by default and opened for exactly
// what the stack needs; egress stays open (S3 over the VPC, the API server, Prometheus in another namespace).
//   logging: pods talk to each other (Alloy -> gateway -> Loki components, memcached, memberlist); the monitoring
//            namespace may query the gateway (Grafana) and scrape every pod (Prometheus).
//   tracing: any namespace may send OTLP to the collector gateway's two ports (a service's own NetworkPolicy decides
//            whether it may send: the golden path's opt-in `tracing`); the collector reaches Tempo inside the
//            namespace; the monitoring namespace may query Tempo and scrape.
import { COLLECTOR_POD_LABELS, LOGGING_NAMESPACE, OTLP_GRPC_PORT, OTLP_HTTP_PORT, TRACING_NAMESPACE } from "./contract";

/**
 * Where Grafana and Prometheus run (the metrics layer, infra/observability). A constant shared by both layers'
 * docs; change both together.
 */
export const MONITORING_NAMESPACE = "monitoring";

/** Well-known label the API server puts on every namespace (Kubernetes >= 1.22). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface NetworkPolicySpec {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: {
        from?: ({ namespaceSelector: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } } | { podSelector: { matchLabels?: Record<string, string> } })[];
        ports?: { protocol: "TCP" | "UDP"; port: number }[];
    }[];
}

export interface NamedPolicy {
    name: string;
    namespace: string;
    spec: NetworkPolicySpec;
}

const fromNamespace = (ns: string) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } } });

export function loggingNetworkPolicies(monitoringNamespace: string): NamedPolicy[] {
    // One policy per namespace selects every pod for Ingress, which denies what its rules do not list (a pod selected by
    // any policy admits only the union of their rules): the namespace itself, and the monitoring namespace (Grafana
    // queries, Prometheus scrapes).
    const allowList = (namespace: string): NamedPolicy => ({
        name: "ingress-allow-list",
        namespace,
        spec: {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: {} }] }, { from: [fromNamespace(monitoringNamespace)] }],
        },
    });
    return [
        allowList(LOGGING_NAMESPACE),
        allowList(TRACING_NAMESPACE),
        {
            name: "allow-otlp-to-gateway",
            namespace: TRACING_NAMESPACE,
            spec: {
                podSelector: { matchLabels: { ...COLLECTOR_POD_LABELS } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        // Every namespace: senders are limited by their own egress policies.
                        from: [{ namespaceSelector: { matchLabels: {} } }],
                        ports: [
                            { protocol: "TCP", port: OTLP_GRPC_PORT },
                            { protocol: "TCP", port: OTLP_HTTP_PORT },
                        ],
                    },
                ],
            },
        },
    ];
}
