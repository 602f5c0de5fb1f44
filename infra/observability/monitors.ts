// Scrape targets the charts do not declare themselves, as ServiceMonitor / PodMonitor specs (monitoring.coreos.com/v1,
// prometheus-operator v0.93.1 crd-servicemonitors.yaml / crd-podmonitors.yaml): the layers installed before the
// Prometheus CRDs exist (Karpenter, external-secrets) cannot enable their charts' own monitors.
//   Karpenter 1.14.1 chart templates/service.yaml: Service "karpenter", port "http-metrics" (8080), chart selector labels.
//   external-secrets 2.9.0 chart: the controller container's port "metrics"; its metrics Service exists only with
//   metrics.service.enabled, so a PodMonitor selects the controller pods by app.kubernetes.io/name=external-secrets
//   (the webhook and cert-controller pods are named external-secrets-webhook / -cert-controller). Its metrics carry
//   their own `namespace` label (the ExternalSecret's, pkg/controllers/metrics/labels.go @ v2.9.0), which the target's
//   `namespace` (the controller's) would push aside into `exported_namespace` (the chart's serviceMonitor.honorLabels
//   comment): honorLabels keeps the ExternalSecret's namespace, which ExternalSecretSyncErrors groups by.
export interface Endpoint {
    port: string;
    path?: string;
    interval?: string;
    scheme?: "http" | "https";
    /** Keep the metric's own labels where they collide with the target's (namespace, pod, ...). */
    honorLabels?: boolean;
}

export interface ServiceMonitorSpec {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector?: { matchNames?: string[]; any?: boolean };
    jobLabel?: string;
    endpoints: Endpoint[];
}

export interface PodMonitorSpec {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector?: { matchNames?: string[]; any?: boolean };
    podMetricsEndpoints: Endpoint[];
}

export interface Monitor {
    kind: "ServiceMonitor" | "PodMonitor";
    name: string;
    namespace: string;
    spec: ServiceMonitorSpec | PodMonitorSpec;
}

export const KARPENTER = { namespace: "kube-system", release: "karpenter" } as const;

export function platformMonitors(): Monitor[] {
    return [
        {
            kind: "ServiceMonitor",
            name: "karpenter",
            namespace: KARPENTER.namespace,
            spec: {
                selector: { matchLabels: { "app.kubernetes.io/name": "karpenter", "app.kubernetes.io/instance": KARPENTER.release } },
                namespaceSelector: { matchNames: [KARPENTER.namespace] },
                endpoints: [{ port: "http-metrics", path: "/metrics", interval: "30s" }],
            },
        },
        {
            kind: "PodMonitor",
            name: "external-secrets",
            namespace: "monitoring",
            spec: {
                selector: { matchLabels: { "app.kubernetes.io/name": "external-secrets" } },
                namespaceSelector: { any: true },
                podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: "60s", honorLabels: true }],
            },
        },
    ];
}
