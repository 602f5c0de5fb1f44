// The operators' alert list (issue 12) for the cluster and the platform's controllers, as PrometheusRule groups.
// Metric sources: kube-state-metrics 2.20.0 (kube_*), the kubelet/cAdvisor (container_*, kubelet_volume_stats_*),
// Karpenter 1.14 (website/content/en/v1.14/reference/metrics.md), external-secrets (docs/api/metrics.md:
// externalsecret_sync_calls_error{name,namespace}), YACE (AWS/CertificateManager DaysToExpiry) and, for Vault, the
// `vault-sealed` pod label that Vault's kubernetes service registration maintains, exported by kube-state-metrics
// through metricLabelsAllowlist (no Vault telemetry listener needed).
import { AlertRule, RuleGroup, Severity, num, runbookUrl } from "../../lib/promRules";
import { AWS_METRICS } from "../yace";

export interface PlatformThresholds {
    /** Restarts within 10 minutes above which a container is crash-looping. */
    crashLoopRestarts: number;
    /** Working set / memory limit. */
    containerMemoryRatio: number;
    /** Throttled CFS periods / all periods over 5 minutes. */
    cpuThrottlingRatio: number;
    /** Used / capacity of a PVC. */
    pvcUsageRatio: number;
    /** Days before an ACM certificate expires: warning, critical. */
    certificateExpiryDays: { warning: number; critical: number };
    /** p99 seconds an interruption message waits on Karpenter's queue. */
    interruptionQueueSeconds: number;
}

export const DEFAULT_PLATFORM_THRESHOLDS: PlatformThresholds = {
    crashLoopRestarts: 3,
    containerMemoryRatio: 0.8,
    cpuThrottlingRatio: 0.25,
    pvcUsageRatio: 0.8,
    certificateExpiryDays: { warning: 30, critical: 7 },
    interruptionQueueSeconds: 60,
};

function alert(base: string, a: { name: string; expr: string; for: string; severity: Severity; twin?: string; summary: string; description: string }): AlertRule {
    return {
        alert: a.name,
        expr: a.expr,
        for: a.for,
        labels: { severity: a.severity, ...(a.twin ? { twin: a.twin } : {}) },
        annotations: { summary: a.summary, description: a.description, runbook_url: runbookUrl(base, a.name) },
    };
}

export function platformRuleGroups(runbookBase: string, t: PlatformThresholds): RuleGroup[] {
    const a = (x: Parameters<typeof alert>[1]) => alert(runbookBase, x);
    const pct = (r: number) => `${num(r * 100)} %`;
    return [
        {
            name: "platform.workloads",
            rules: [
                a({
                    name: "PodNotReady",
                    // Pending (or Unknown) pods, and Running pods whose Ready condition is not true; Job pods left out.
                    // By phase, as the chart's KubePodNotReady: an unscheduled Pending pod has no Ready condition
                    // (kube-state-metrics exports kube_pod_status_ready only for a Ready condition the pod has:
                    // createPodStatusReadyFamilyGenerator, internal/store/pod.go @ v2.20.0), and Failed
                    // or Succeeded pods (evicted, completed) keep Ready=false until garbage-collected: their own
                    // controller has replaced them, so they must not alert for ever.
                    expr:
                        `((max by (namespace, pod) (kube_pod_status_phase{phase=~"Pending|Unknown"}) == 1)` +
                        ` or (max by (namespace, pod) (kube_pod_status_phase{phase="Running"}) == 1` +
                        ` and on (namespace, pod) (max by (namespace, pod) (kube_pod_status_ready{condition="true"}) == 0)))` +
                        ` unless on (namespace, pod) (max by (namespace, pod) (kube_pod_owner{owner_kind="Job"}))`,
                    for: "15m",
                    severity: "warning",
                    summary: "Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 15 minutes",
                    description: "The pod has been Pending (not scheduled, or its containers not started) or failing its readiness probe for 15 minutes; it receives no traffic.",
                }),
                a({
                    name: "PodCrashLooping",
                    // increase() extrapolates to the window's edges (Prometheus docs, "increase": "it is possible to
                    // get a non-integer result even if a counter increases only by integer increments"): with 30 s
                    // scrapes 3 restarts read about 3.16 and "> 3" would fire at 3. floor() gives back the whole
                    // restarts counted, so the alert fires at more than 3.
                    expr: `floor(increase(kube_pod_container_status_restarts_total[10m])) > ${num(t.crashLoopRestarts)}`,
                    for: "0m",
                    severity: "warning",
                    summary: "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
                    description: `The container restarted {{ $value | printf "%.0f" }} times in 10 minutes (more than ${num(t.crashLoopRestarts)}).`,
                }),
                a({
                    name: "ContainerMemoryNearLimit",
                    expr: `max by (namespace, pod, container) (container_memory_working_set_bytes{container!="", image!=""}) / max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"}) > ${num(t.containerMemoryRatio)}`,
                    for: "15m",
                    severity: "warning",
                    summary: "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} uses more than " + pct(t.containerMemoryRatio) + " of its memory limit",
                    description: "The working set is {{ $value | humanizePercentage }} of the memory limit; at 100 % the kernel OOM-kills the container.",
                }),
                a({
                    name: "ContainerCpuThrottled",
                    expr: `sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{container!=""}[5m])) / sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{container!=""}[5m])) > ${num(t.cpuThrottlingRatio)}`,
                    for: "15m",
                    severity: "warning",
                    summary: "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is CPU-throttled",
                    description: `{{ $value | humanizePercentage }} of its CFS periods were throttled over 5 minutes (threshold ${pct(t.cpuThrottlingRatio)}): its CPU limit is too low for its load.`,
                }),
                a({
                    name: "DeploymentReplicasMismatch",
                    expr: `max by (namespace, deployment) (kube_deployment_spec_replicas) != max by (namespace, deployment) (kube_deployment_status_replicas_available)`,
                    for: "15m",
                    severity: "warning",
                    summary: "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} does not have its desired replicas available",
                    description: "Available replicas have differed from the desired count for 15 minutes (pods pending, crashing or not ready).",
                }),
                a({
                    name: "HpaAtMaxReplicas",
                    // An HPA whose minReplicas equals maxReplicas is always at its maximum by design: left out, as
                    // in the chart's KubeHpaMaxedOut (kubernetes-apps.yaml @ kube-prometheus-stack 88.5.3).
                    expr:
                        `max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas) >= max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas)` +
                        ` and on (namespace, horizontalpodautoscaler) (max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas) != max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_min_replicas))`,
                    for: "15m",
                    severity: "warning",
                    summary: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum for 15 minutes",
                    description: "The autoscaler cannot add replicas: the service may be saturated. Raise maxReplicas or find the load.",
                }),
            ],
        },
        {
            name: "platform.nodes",
            rules: [
                a({
                    name: "NodeNotReady",
                    expr: `max by (node) (kube_node_status_condition{condition="Ready", status="true"}) == 0`,
                    for: "10m",
                    severity: "warning",
                    summary: "Node {{ $labels.node }} has not been Ready for 10 minutes",
                    description: "The kubelet stopped reporting Ready; its pods are being evicted after the toleration period.",
                }),
                a({
                    name: "NodePressure",
                    expr: `max by (node, condition) (kube_node_status_condition{condition=~"MemoryPressure|DiskPressure|PIDPressure", status="true"}) == 1`,
                    for: "5m",
                    severity: "warning",
                    summary: "Node {{ $labels.node }} reports {{ $labels.condition }}",
                    description: "The kubelet reports {{ $labels.condition }} for 5 minutes and evicts pods to relieve it.",
                }),
            ],
        },
        {
            name: "platform.storage",
            rules: [
                a({
                    name: "PvcUsageHigh",
                    expr: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes) > ${num(t.pvcUsageRatio)}`,
                    for: "5m",
                    severity: "warning",
                    summary: `PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is more than ${pct(t.pvcUsageRatio)} full`,
                    description: "The volume is {{ $value | humanizePercentage }} full.",
                }),
                a({
                    name: "PvcFullIn24h",
                    expr: `max by (namespace, persistentvolumeclaim) (predict_linear(kubelet_volume_stats_available_bytes[6h], 24 * 3600)) < 0 and max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes) < 0.5`,
                    for: "1h",
                    severity: "warning",
                    summary: "PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} will be full within 24 hours",
                    description: "At the growth rate of the last 6 hours the volume runs out of space within a day.",
                }),
            ],
        },
        {
            name: "platform.controllers",
            rules: [
                a({
                    name: "KarpenterInterruptionQueueBacklog",
                    expr: `histogram_quantile(0.99, sum by (le) (rate(karpenter_interruption_message_queue_duration_seconds_bucket[10m]))) > ${num(t.interruptionQueueSeconds)} or (sum(increase(karpenter_interruption_received_messages_total[15m])) - sum(increase(karpenter_interruption_deleted_messages_total[15m]))) > 10`,
                    for: "5m",
                    severity: "critical",
                    summary: "Karpenter is falling behind on its interruption queue",
                    description: `Interruption messages wait more than ${num(t.interruptionQueueSeconds)} s (p99) or are received but not deleted: spot interruptions (2 minutes' notice) may hit nodes before they are drained.`,
                }),
                a({
                    // NodeClaim creations that failed (every offering tried): karpenter_cloudprovider_errors_total
                    // {controller, method, provider, error} from the cloud-provider decorator (kubernetes-sigs/karpenter
                    // pkg/cloudprovider/metrics/cloudprovider.go, the core Karpenter 1.14.1 builds on). Not
                    // karpenter_cloudprovider_instance_launch_failures_total: it counts each failed CreateFleet
                    // offering (zone, zone_id, capacity_type, reason; no nodepool label), so routine fallbacks from an
                    // exhausted spot pool to the next offering would page.
                    name: "KarpenterProvisioningFailures",
                    expr: `sum(increase(karpenter_cloudprovider_errors_total{method="Create"}[15m])) > 5`,
                    for: "10m",
                    severity: "warning",
                    summary: "Karpenter fails to launch nodes",
                    description: "More than 5 NodeClaim creations failed in 15 minutes (no offering could be launched, or the EC2NodeClass is not ready); pending pods may not get capacity.",
                }),
                a({
                    name: "ExternalSecretSyncErrors",
                    expr: `sum by (namespace, name) (increase(externalsecret_sync_calls_error[15m])) > 0`,
                    for: "15m",
                    severity: "warning",
                    summary: "ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} fails to sync",
                    description: "external-secrets has failed to read this secret from its store for 15 minutes; the Kubernetes Secret keeps its last value.",
                }),
                a({
                    name: "VaultSealed",
                    expr: `max by (namespace, pod) (kube_pod_labels{label_vault_sealed="true"}) == 1`,
                    for: "2m",
                    severity: "critical",
                    summary: "Vault pod {{ $labels.namespace }}/{{ $labels.pod }} is sealed",
                    description: "A sealed Vault serves no secret: external-secrets syncs from the Vault store fail until it is unsealed (auto-unseal through KMS normally does this at start).",
                }),
                a({
                    name: "CertificateExpiringSoon",
                    expr: `min by (dimension_CertificateArn) (${AWS_METRICS.acmDaysToExpiry}) < ${num(t.certificateExpiryDays.warning)}`,
                    for: "1h",
                    severity: "warning",
                    twin: "certificate-expiry",
                    summary: "Certificate {{ $labels.dimension_CertificateArn }} expires in {{ $value }} days",
                    description: `ACM reports fewer than ${num(t.certificateExpiryDays.warning)} days to expiry: ACM renews DNS-validated certificates 60 days ahead, so a renewal is failing.`,
                }),
                a({
                    name: "CertificateExpiryCritical",
                    expr: `min by (dimension_CertificateArn) (${AWS_METRICS.acmDaysToExpiry}) < ${num(t.certificateExpiryDays.critical)}`,
                    for: "1h",
                    severity: "critical",
                    twin: "certificate-expiry",
                    summary: "Certificate {{ $labels.dimension_CertificateArn }} expires in {{ $value }} days",
                    description: `Fewer than ${num(t.certificateExpiryDays.critical)} days before the certificate expires and browsers refuse the site.`,
                }),
            ],
        },
    ];
}
