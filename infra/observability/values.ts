// Helm values of the observability layer as pure functions, every key read from the chart's values.yaml at the pinned
// version (test/observability/fixtures/upstream.ts lists them with their sources):
//   kube-prometheus-stack 88.5.3  prometheus-community/helm-charts charts/kube-prometheus-stack @ ea930bae
//     subcharts: grafana 12.11.1 (grafana-community/helm-charts charts/grafana @ 864f7794), kube-state-metrics 8.4.0
//     (@ 1982f1c5), prometheus-node-exporter 4.56.1 (@ 8b8e639c)
//   prometheus-operator-crds 31.0.1  charts/prometheus-operator-crds @ 4529d7bb
//   prometheus-yet-another-cloudwatch-exporter 0.47.0  @ 4c55d569
//   prometheus-mongodb-exporter 3.22.0  @ 6a837b0f
import { stringify as yamlStringify } from "yaml";
import { Placement, zoneSpread } from "../lib/placement";
import { AlertmanagerConfig, RECEIVER_SECRET } from "./alertmanager";
import { ObservabilitySettings } from "./config";
import { YaceConfig } from "./yace";

export const NAMESPACE = "monitoring";
export const NODE_EXPORTER_NAMESPACE = "kube-system";
export const CRDS_RELEASE = "prometheus-operator-crds";
export const STACK_RELEASE = "kps";
/** fullnameOverride: objects are named kps-prometheus, kps-alertmanager, kps-operator (not kps-kube-prometheus-stack-*). */
export const STACK_FULLNAME = "kps";
export const YACE_RELEASE = "yace";
export const YACE_SERVICE_ACCOUNT = "yace";
export const MONGODB_RELEASE = "mongodb-exporter";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const MONGODB_URI_SECRET = "mongodb-exporter-uri";
/** Label the Grafana dashboard sidecar watches (kps values grafana.sidecar.dashboards.label/labelValue). */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;
/** Datasource uids: the kps default Prometheus datasource uid (grafana.sidecar.datasources.uid) and ours. */
export const DATASOURCE_UIDS = { prometheus: "prometheus", loki: "loki", tempo: "tempo" } as const;

/** The parts of a kit Placement the values need (nodeSelector and tolerations under each chart's own keys). */
export type PodPlacement = Pick<Placement, "nodeSelector" | "tolerations">;

export interface Resources {
    requests: { cpu: string; memory: string };
    limits: { memory: string };
}

export function resources(cpu: string, memory: string, memoryLimit: string): Resources {
    return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}

/** Requests of the small pods the charts add; declared to the capacity ledger with the same numbers. */
export const SMALL = {
    operator: resources("100m", "128Mi", "256Mi"),
    configReloader: resources("10m", "32Mi", "64Mi"),
    webhookPatch: resources("10m", "32Mi", "64Mi"),
    kubeStateMetrics: resources("50m", "128Mi", "256Mi"),
    nodeExporter: resources("20m", "32Mi", "64Mi"),
    grafanaSidecar: resources("20m", "64Mi", "128Mi"),
    yace: resources("50m", "64Mi", "128Mi"),
    mongodbExporter: resources("50m", "64Mi", "128Mi"),
} as const;

/** Values of prometheus-operator-crds 31.0.1: every CRD on (crds.<plural>.enabled default true); keep them on uninstall. */
export function crdValues(): Record<string, unknown> {
    return { crds: { annotations: { "helm.sh/resource-policy": "keep" } } };
}

export interface LoggingDatasources {
    lokiUrl: string;
    tempoUrl: string;
    tenant?: string;
}

/**
 * Loki and Tempo datasources (kps grafana.additionalDataSources, rendered through `tpl` into the sidecar's datasource
 * ConfigMap, so no "{{" may appear). Fields are Grafana provisioning fields (docs "Configure the Tempo data source",
 * provisioning example: jsonData.tracesToLogsV2.{datasourceUid, spanStartTimeShift, spanEndTimeShift, tags,
 * filterByTraceID, filterBySpanID}; Loki jsonData.derivedFields[].{datasourceUid, matcherRegex, name, url};
 * httpHeaderName1 + secureJsonData.httpHeaderValue1 for X-Scope-OrgID). "$$" escapes Grafana's env interpolation.
 */
export function loggingDatasources(l: LoggingDatasources): Record<string, unknown>[] {
    const tenant = l.tenant ? { jsonData: { httpHeaderName1: "X-Scope-OrgID" }, secureJsonData: { httpHeaderValue1: l.tenant } } : undefined;
    return [
        {
            name: "Loki",
            type: "loki",
            uid: DATASOURCE_UIDS.loki,
            access: "proxy",
            url: l.lokiUrl,
            jsonData: {
                maxLines: 1000,
                ...(tenant?.jsonData ?? {}),
                derivedFields: [{ datasourceUid: DATASOURCE_UIDS.tempo, matcherRegex: '"?trace_?[iI][dD]"?[=:]\\s*"?([0-9a-f]{16,32})', name: "TraceID", url: "$${__value.raw}" }],
            },
            ...(tenant ? { secureJsonData: tenant.secureJsonData } : {}),
        },
        {
            name: "Tempo",
            type: "tempo",
            uid: DATASOURCE_UIDS.tempo,
            access: "proxy",
            url: l.tempoUrl,
            jsonData: {
                ...(tenant?.jsonData ?? {}),
                tracesToLogsV2: {
                    datasourceUid: DATASOURCE_UIDS.loki,
                    spanStartTimeShift: "-5m",
                    spanEndTimeShift: "5m",
                    tags: [{ key: "k8s.namespace.name", value: "namespace" }],
                    filterByTraceID: true,
                    filterBySpanID: false,
                },
                serviceMap: { datasourceUid: DATASOURCE_UIDS.prometheus },
                nodeGraph: { enabled: true },
            },
            ...(tenant ? { secureJsonData: tenant.secureJsonData } : {}),
        },
    ];
}

export interface StackValuesArgs {
    settings: ObservabilitySettings;
    clusterName: string;
    environment: string;
    storageClass: string;
    system: PodPlacement;
    platform: PodPlacement;
    alertmanager: AlertmanagerConfig;
    /** Mount the receivers' Secret (only when a receiver reads one). */
    receiverSecret: boolean;
    logging?: LoggingDatasources;
}

/** Rules of the chart whose alerts the operators' list replaces with its own thresholds (defaultRules.disabled). */
export const REPLACED_DEFAULT_ALERTS = [
    "KubePodNotReady",
    "KubePodCrashLooping",
    "KubeDeploymentReplicasMismatch",
    "KubeHpaMaxedOut",
    "CPUThrottlingHigh",
    "KubePersistentVolumeFillingUp",
    "KubeNodeNotReady",
    "KubeNodePressure",
] as const;

/**
 * Pod labels the operator (v0.93) gives the pods of a Prometheus / Alertmanager object (makeSelectorLabels in
 * pkg/prometheus/server/operator.go and pkg/alertmanager/operator.go); the objects are `<fullname>-prometheus` and
 * `<fullname>-alertmanager` (kps crname helpers, cleanPrometheusOperatorObjectNames false).
 */
export const POD_LABELS = {
    prometheus: { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": `${STACK_FULLNAME}-prometheus` },
    alertmanager: { "app.kubernetes.io/name": "alertmanager", "app.kubernetes.io/instance": `${STACK_FULLNAME}-alertmanager` },
} as const;

function hardSpread(replicas: number, podLabels: Record<string, string>): Record<string, unknown> {
    // "hard" = requiredDuringScheduling podAntiAffinity (templates/prometheus/prometheus.yaml, alertmanager.yaml): one
    // replica per node. The zones come from a topology spread (maxSkew 1, DoNotSchedule), not from anti-affinity on the
    // zone key: that would need a zone per replica and leave the third Alertmanager (or a third Prometheus) Pending for
    // ever in a two-zone stack (platform:azCount 2), while the spread puts 2 + 1 there and one per zone across three.
    // A single replica keeps the chart's "soft" default.
    return replicas > 1
        ? { podAntiAffinity: "hard", podAntiAffinityTopologyKey: "kubernetes.io/hostname", topologySpreadConstraints: zoneSpread(podLabels, "DoNotSchedule") }
        : {};
}

/** Values of kube-prometheus-stack 88.5.3. */
export function stackValues(a: StackValuesArgs): Record<string, unknown> {
    const s = a.settings;
    const p = s.prometheus;
    const am = s.alertmanager;
    const pvc = (size: string) => ({
        // Prometheus/Alertmanager CRD storage.volumeClaimTemplate (the values.yaml commented example).
        volumeClaimTemplate: { spec: { storageClassName: a.storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } } },
    });
    const onSystem = { nodeSelector: a.system.nodeSelector, tolerations: a.system.tolerations };
    const onPlatform = { nodeSelector: a.platform.nodeSelector, tolerations: a.platform.tolerations };
    return {
        fullnameOverride: STACK_FULLNAME,
        // The CRDs come from the prometheus-operator-crds release (templated, so Helm upgrades them).
        crds: { enabled: false },
        defaultRules: {
            create: true,
            // EKS runs these control-plane components out of reach: their rules would fire forever.
            rules: { kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, etcd: false, kubeProxy: false, windows: false },
            disabled: Object.fromEntries(REPLACED_DEFAULT_ALERTS.map((n) => [n, true])),
        },
        // Not scrapeable on EKS (prometheus-community/helm-charts#3368, #4106; kube-proxy binds 127.0.0.1:10249).
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        windowsMonitoring: { enabled: false },
        prometheusOperator: {
            ...onSystem,
            resources: SMALL.operator,
            prometheusConfigReloader: { resources: SMALL.configReloader },
            admissionWebhooks: { patch: { ...onSystem, resources: SMALL.webhookPatch } },
        },
        prometheus: {
            prometheusSpec: {
                replicas: p.replicas,
                ...hardSpread(p.replicas, POD_LABELS.prometheus),
                externalLabels: { cluster: a.clusterName, environment: a.environment },
                retention: p.retention,
                retentionSize: p.retentionSize,
                storageSpec: pvc(p.storageSize),
                scrapeInterval: p.scrapeInterval,
                evaluationInterval: "30s",
                resources: resources(p.resources.cpu, p.resources.memory, p.resources.memoryLimit),
                ...onPlatform,
                // Select monitors and rules from every namespace, not only those labelled release=kps.
                serviceMonitorSelectorNilUsesHelmValues: false,
                // With the logging layer, Tempo's metrics generator remote-writes span metrics and service graphs,
                // and the OTLP gateway pushes metrics, into each replica (values.yaml @ 88.5.3: both default false).
                ...(a.logging ? { enableRemoteWriteReceiver: true, enableOTLPReceiver: true } : {}),
                podMonitorSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                scrapeConfigSelectorNilUsesHelmValues: false,
            },
        },
        alertmanager: {
            config: a.alertmanager,
            alertmanagerSpec: {
                replicas: am.replicas,
                ...hardSpread(am.replicas, POD_LABELS.alertmanager),
                storage: pvc(am.storageSize),
                ...(a.receiverSecret ? { secrets: [RECEIVER_SECRET] } : {}),
                resources: resources(am.resources.cpu, am.resources.memory, am.resources.memoryLimit),
                ...onPlatform,
            },
        },
        grafana: {
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
            // One stateless replica: dashboards and datasources are provisioned from code, the admin from a Secret; a
            // second replica would need a shared database for sessions.
            replicas: 1,
            persistence: { enabled: false },
            testFramework: { enabled: false },
            resources: resources(s.grafana.resources.cpu, s.grafana.resources.memory, s.grafana.resources.memoryLimit),
            ...onPlatform,
            sidecar: {
                resources: SMALL.grafanaSidecar,
                dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" },
                datasources: {
                    enabled: true,
                    ...(a.logging ? { exemplarTraceIdDestinations: { datasourceUid: DATASOURCE_UIDS.tempo, traceIdLabelName: "trace_id", urlDisplayLabel: "View trace" } } : {}),
                },
            },
            ...(a.logging ? { additionalDataSources: loggingDatasources(a.logging) } : {}),
        },
        "kube-state-metrics": {
            ...onSystem,
            resources: SMALL.kubeStateMetrics,
            // Vault's kubernetes service registration labels its pods vault-sealed=true|false: the VaultSealed alert.
            metricLabelsAllowlist: ["pods=[vault-sealed,vault-active]"],
        },
        "prometheus-node-exporter": {
            // hostNetwork, hostPID and hostPath mounts: not admitted under the monitoring namespace's baseline Pod
            // Security, so the DaemonSet runs in kube-system (which EKS leaves unrestricted).
            namespaceOverride: NODE_EXPORTER_NAMESPACE,
            // A DaemonSet on every node: tolerate every taint (system, platform pool, Karpenter startup taints).
            tolerations: [{ operator: "Exists" }],
            resources: SMALL.nodeExporter,
        },
    };
}

export interface YaceValuesArgs {
    config: YaceConfig;
    scrapingIntervalSeconds: number;
    system: PodPlacement;
}

/** Values of prometheus-yet-another-cloudwatch-exporter 0.47.0 (Pod Identity: aws.* left empty, the SA name pinned). */
export function yaceValues(a: YaceValuesArgs): Record<string, unknown> {
    return {
        serviceAccount: { create: true, name: YACE_SERVICE_ACCOUNT },
        // The chart passes extraArgs as --<key>=<value> (templates/deployment.yaml).
        extraArgs: { "scraping-interval": String(a.scrapingIntervalSeconds) },
        // YACE's config goes through `tpl` (templates/configmap.yaml): YAML text without "{{".
        config: yamlStringify(a.config),
        serviceMonitor: { enabled: true, interval: "30s" },
        resources: SMALL.yace,
        nodeSelector: a.system.nodeSelector,
        tolerations: a.system.tolerations,
        podSecurityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    };
}

export interface MongoValuesArgs {
    system: PodPlacement;
}

/** Values of prometheus-mongodb-exporter 3.22.0: the URI from the ExternalSecret-synced Secret (existingSecret). */
export function mongoValues(a: MongoValuesArgs): Record<string, unknown> {
    return {
        existingSecret: { name: MONGODB_URI_SECRET, key: "mongodb-uri" },
        serviceMonitor: { enabled: true, interval: "30s" },
        resources: SMALL.mongodbExporter,
        nodeSelector: a.system.nodeSelector,
        tolerations: a.system.tolerations,
    };
}
