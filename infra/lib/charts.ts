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
} as const satisfies Record<string, ChartRef>;

export type ChartName = keyof typeof charts;
