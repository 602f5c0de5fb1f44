// The pinned chart catalogue: every third-party chart the platform installs, in one place.
// Bump a version here, read the chart's values.yaml at that version, and update the values built from it.
export interface ChartRef {
    /** Chart name, or the full oci:// reference for OCI registries. */
    chart: string;
    /** Helm repository URL; undefined for OCI charts. */
    repo?: string;
    version: string;
    /** Where the chart's source (and its values.yaml) lives, for whoever bumps the version. */
    source: string;
}

export const charts = {
    // https://github.com/kubernetes-sigs/metrics-server/blob/metrics-server-helm-chart-3.13.1/charts/metrics-server/values.yaml
    metricsServer: {
        chart: "metrics-server",
        repo: "https://kubernetes-sigs.github.io/metrics-server/",
        version: "3.13.1",
        source: "kubernetes-sigs/metrics-server charts/metrics-server",
    },
    // Karpenter 1.14.1. The git tag's Chart.yaml still says 1.13.0 (filled in at publish time); the published
    // chart is 1.14.1 (website/content/en/v1.14/getting-started/.../step08-apply-helm-chart.sh @ main 1d927085).
    // https://github.com/aws/karpenter-provider-aws/blob/v1.14.1/charts/karpenter-crd/values.yaml
    karpenterCrd: {
        chart: "oci://public.ecr.aws/karpenter/karpenter-crd",
        version: "1.14.1",
        source: "aws/karpenter-provider-aws charts/karpenter-crd (tag v1.14.1)",
    },
    // https://github.com/aws/karpenter-provider-aws/blob/v1.14.1/charts/karpenter/values.yaml
    karpenter: {
        chart: "oci://public.ecr.aws/karpenter/karpenter",
        version: "1.14.1",
        source: "aws/karpenter-provider-aws charts/karpenter (tag v1.14.1)",
    },
} as const satisfies Record<string, ChartRef>;

export type ChartName = keyof typeof charts;
