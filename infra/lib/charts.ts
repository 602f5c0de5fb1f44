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
    // Karpenter 1.14.1. The v1.14.1 tag's charts/*/Chart.yaml still say 1.13.0: the release script sets version and
    // appVersion at publish time (hack/release/common.sh, publishHelmChart: yq + `helm package --version`). The
    // published 1.14.1 is recorded by main's commit 1d927085 "docs: update for patch release v1.14.1 (#9533)":
    // Chart.yaml version 1.14.1, and website/content/en/v1.14/getting-started/getting-started-with-karpenter/_index.md
    // (KARPENTER_VERSION="1.14.1"; `cosign verify public.ecr.aws/karpenter/karpenter:1.14.1 ... --annotations version=1.14.1`).
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
    // https://github.com/aws/eks-charts/blob/5239609242f3430be50fb0b714a24d3ef2b47983/stable/aws-load-balancer-controller/values.yaml
    // (chart 3.5.0, appVersion v3.5.0; the repo tags no chart versions, so the commit is the reference)
    awsLoadBalancerController: {
        chart: "aws-load-balancer-controller",
        repo: "https://aws.github.io/eks-charts",
        version: "3.5.0",
        source: "aws/eks-charts stable/aws-load-balancer-controller",
    },
    // https://github.com/kubernetes-sigs/external-dns/blob/external-dns-helm-chart-1.21.1/charts/external-dns/values.yaml
    // (chart 1.21.1, appVersion 0.21.0)
    externalDns: {
        chart: "external-dns",
        repo: "https://kubernetes-sigs.github.io/external-dns/",
        version: "1.21.1",
        source: "kubernetes-sigs/external-dns charts/external-dns",
    },
    // https://github.com/argoproj/argo-helm/blob/af0a9310/charts/argo-cd/values.yaml (chart 10.1.1, appVersion v3.4.4;
    // subchart redis-ha 4.38.0: DandyDeveloper/charts charts/redis-ha/values.yaml @ 2e2539a)
    argoCd: {
        chart: "argo-cd",
        repo: "https://argoproj.github.io/argo-helm",
        version: "10.1.1",
        source: "argoproj/argo-helm charts/argo-cd",
    },
    // https://github.com/argoproj/argo-helm/blob/8796aeaa/charts/argo-rollouts/values.yaml (chart 2.41.0, appVersion v1.9.0)
    argoRollouts: {
        chart: "argo-rollouts",
        repo: "https://argoproj.github.io/argo-helm",
        version: "2.41.0",
        source: "argoproj/argo-helm charts/argo-rollouts",
    },
    // https://github.com/hashicorp/vault-helm/blob/v0.34.1/values.yaml (chart 0.34.1, appVersion 2.0.4; commit aa1c92e4)
    vault: {
        chart: "vault",
        repo: "https://helm.releases.hashicorp.com",
        version: "0.34.1",
        source: "hashicorp/vault-helm (tag v0.34.1)",
    },
    // https://github.com/external-secrets/external-secrets/blob/v2.9.0/deploy/charts/external-secrets/values.yaml
    // (chart 2.9.0, appVersion v2.9.0; chart release commit cc5bfbc2). API external-secrets.io/v1.
    externalSecrets: {
        chart: "external-secrets",
        repo: "https://charts.external-secrets.io",
        version: "2.9.0",
        source: "external-secrets/external-secrets deploy/charts/external-secrets (tag v2.9.0)",
    },
    // Observability (issue 12). prometheus-community/helm-charts @ ea930bae (2026-08-21): kube-prometheus-stack 88.5.3
    // (prometheus-operator v0.93.1; subcharts grafana 12.11.1 from grafana-community, kube-state-metrics 8.4.0,
    // prometheus-node-exporter 4.56.1); prometheus-operator-crds 31.0.1 @ 4529d7bb; YACE 0.47.0 (app v0.67.0) @ 4c55d569;
    // prometheus-mongodb-exporter 3.22.0 (percona/mongodb_exporter 0.53.0) @ 6a837b0f.
    prometheusOperatorCrds: {
        chart: "prometheus-operator-crds",
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "31.0.1",
        source: "prometheus-community/helm-charts charts/prometheus-operator-crds",
    },
    kubePrometheusStack: {
        chart: "kube-prometheus-stack",
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "88.5.3",
        source: "prometheus-community/helm-charts charts/kube-prometheus-stack",
    },
    yetAnotherCloudwatchExporter: {
        chart: "prometheus-yet-another-cloudwatch-exporter",
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "0.47.0",
        source: "prometheus-community/helm-charts charts/prometheus-yet-another-cloudwatch-exporter",
    },
    mongodbExporter: {
        chart: "prometheus-mongodb-exporter",
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "3.22.0",
        source: "prometheus-community/helm-charts charts/prometheus-mongodb-exporter",
    },
    // Logs and traces (infra/logging). The OSS Loki and Tempo charts moved to grafana-community: the "loki" chart in
    // the grafana repository is now the enterprise-only (GEL) chart (grafana/loki#20705; grafana/helm-charts
    // charts/loki/README.md), and grafana/helm-charts' tempo charts are deprecated there.
    // https://github.com/grafana-community/helm-charts/blob/3386a115/charts/loki/values.yaml (chart 18.11.0, Loki 3.7.6)
    loki: {
        chart: "loki",
        repo: "https://grafana-community.github.io/helm-charts",
        version: "18.11.0",
        source: "grafana-community/helm-charts charts/loki (commit 3386a115)",
    },
    // https://github.com/grafana/alloy/blob/233907cf/operations/helm/charts/alloy/values.yaml (chart 1.11.1, Alloy v1.18.1)
    alloy: {
        chart: "alloy",
        repo: "https://grafana.github.io/helm-charts",
        version: "1.11.1",
        source: "grafana/alloy operations/helm/charts/alloy (commit 233907cf)",
    },
    // https://github.com/grafana-community/helm-charts/blob/7d2a00b3/charts/tempo/values.yaml (chart 2.2.4, Tempo 2.10.8:
    // the monolithic chart; tempo-distributed 3.x needs a Kafka-compatible broker)
    tempo: {
        chart: "tempo",
        repo: "https://grafana-community.github.io/helm-charts",
        version: "2.2.4",
        source: "grafana-community/helm-charts charts/tempo (commit 7d2a00b3)",
    },
    // https://github.com/open-telemetry/opentelemetry-helm-charts/blob/f5178cb9/charts/opentelemetry-collector/values.schema.json
    // (chart 0.170.0, collector 0.158.0; the schema forbids unknown keys)
    opentelemetryCollector: {
        chart: "opentelemetry-collector",
        repo: "https://open-telemetry.github.io/opentelemetry-helm-charts",
        version: "0.170.0",
        source: "open-telemetry/opentelemetry-helm-charts charts/opentelemetry-collector (commit f5178cb9)",
    },
    // https://github.com/vmware-tanzu/helm-charts/blob/velero-12.1.0/charts/velero/values.yaml
    // (chart 12.1.0, appVersion 1.18.1, tag commit 73466ca9; the platform runs image v1.18.2, see infra/backup/values.ts)
    velero: {
        chart: "velero",
        repo: "https://vmware-tanzu.github.io/helm-charts",
        version: "12.1.0",
        source: "vmware-tanzu/helm-charts charts/velero",
    },
} as const satisfies Record<string, ChartRef>;

export type ChartName = keyof typeof charts;
