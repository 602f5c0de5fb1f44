// Label keys and values the workloads layer shares with the platform (monitoring, pod security, ingress).

/** Namespaces carrying this label are scraped by the monitoring stack (ServiceMonitor/PodMonitor namespaceSelector). */
export const MONITORING_LABEL = { "platform.io/monitoring": "enabled" } as const;

/** Well-known namespace name label the API server sets on every namespace (Kubernetes >= 1.22). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** CoreDNS pods in kube-system carry `k8s-app: kube-dns` (EKS coredns add-on and upstream manifests). */
export const KUBE_DNS_POD_LABELS = { "k8s-app": "kube-dns" } as const;

/** Karpenter's well-known capacity-type label (karpenter.sh/capacity-type: spot | on-demand | reserved). */
export const CAPACITY_TYPE_LABEL = "karpenter.sh/capacity-type";

/** The egress peer every pod needs: cluster DNS on UDP and TCP 53. */
export function dnsEgressRule(): {
    to: { namespaceSelector: { matchLabels: Record<string, string> }; podSelector: { matchLabels: Record<string, string> } }[];
    ports: { protocol: string; port: number }[];
} {
    return {
        to: [
            {
                namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
                podSelector: { matchLabels: { ...KUBE_DNS_POD_LABELS } },
            },
        ],
        ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
        ],
    };
}
