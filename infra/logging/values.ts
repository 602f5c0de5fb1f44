// Chart values of the logging layer as pure functions of settings and resolved names (no Pulumi resources here),
// plus the pod demands each values object asks for (declared to the capacity ledger through systemChart).
// Every key is checked against the pinned chart's values.yaml in test/logging/fixtures/upstream.ts:
//   loki 18.11.0              grafana-community/helm-charts charts/loki/values.yaml @ 3386a115
//   alloy 1.11.1              grafana/alloy operations/helm/charts/alloy/values.yaml @ 233907cf
//   tempo 2.2.4               grafana-community/helm-charts charts/tempo/values.yaml @ 7d2a00b3
//   opentelemetry-collector   open-telemetry/opentelemetry-helm-charts charts/opentelemetry-collector @ f5178cb9
//   0.170.0                   (values.schema.json forbids unknown keys; the test validates against it)
import * as fs from "fs";
import * as path from "path";
import type { LokiMode, LoggingSettings, Resources } from "./config";
import {
    ALLOY_EVENTS_RELEASE,
    ALLOY_RELEASE,
    COLLECTOR_POD_LABELS,
    COLLECTOR_RELEASE,
    LOGGING_NAMESPACE,
    LOKI_RELEASE,
    OTLP_GRPC_PORT,
    OTLP_HTTP_PORT,
    TEMPO_RELEASE,
    TRACING_NAMESPACE,
    loggingContract,
} from "./contract";

/** What the values builders need to know about where pods go (a subset of the kit's Placement). */
export interface PodPlacement {
    nodeSelector: Record<string, string>;
    tolerations: { key: string; operator: "Exists" | "Equal"; value?: string; effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule" }[];
}

/** A pod's declared demand, the shape of the kit's PodDemand (infra/lib/capacity.ts). */
export interface PodDemand {
    component: string;
    replicas: number;
    cpu: string;
    memory: string;
    memoryLimit: string;
    perNode?: boolean;
}

type Values = Record<string, unknown>;

/** Kubernetes resources block: requests for CPU and memory, a memory limit and no CPU limit (no throttling). */
export function resourcesOf(r: Resources): { requests: { cpu: string; memory: string }; limits: { memory: string } } {
    return { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memoryLimit } };
}

/** Sum of container requests of one pod (millicores and MiB), for pods with several containers. */
function sumResources(parts: Resources[]): Resources {
    const cpu = parts.reduce((n, p) => n + millis(p.cpu), 0);
    const mem = parts.reduce((n, p) => n + mib(p.memory), 0);
    const lim = parts.reduce((n, p) => n + mib(p.memoryLimit), 0);
    return { cpu: `${cpu}m`, memory: `${mem}Mi`, memoryLimit: `${lim}Mi` };
}

function millis(q: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(q);
    if (!m) throw new Error(`expected a CPU quantity like 250m or 1, found ${JSON.stringify(q)}`);
    return Math.round(m[2] === "m" ? Number(m[1]) : Number(m[1]) * 1000);
}

function mib(q: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)(Mi|Gi)$/.exec(q);
    if (!m) throw new Error(`expected a memory quantity in Mi or Gi, found ${JSON.stringify(q)}`);
    return Math.round(Number(m[1]) * (m[2] === "Gi" ? 1024 : 1));
}

// ---------------------------------------------------------------------------------------------------------------
// Loki

/** The one schema period. Never edit an existing entry: add a new one dated in the future (Loki schema docs). */
export const LOKI_SCHEMA = {
    from: "2024-04-01",
    store: "tsdb",
    object_store: "s3",
    schema: "v13",
    index: { prefix: "loki_index_", period: "24h" },
} as const;

/** Service account every Loki component shares (the chart's per-component serviceAccount.create default false). */
export const LOKI_SERVICE_ACCOUNT = "loki";

/**
 * Distributed components: replicas and per-container resources. Replicas follow Loki's AWS deployment guide
 * (grafana/loki docs/sources/setup/install/helm/deployment-guides/aws.md @ v3.7.6) except the querier (2, not 3:
 * this is one cluster's platform logs, not a log service) and a ruler (1). Ingesters come from config.
 * The chart's default podAntiAffinity keeps same-component pods on different nodes (values.yaml
 * <component>.affinity), which Karpenter provisions for.
 */
export const LOKI_DISTRIBUTED: Record<string, { replicas: number; resources: Resources }> = {
    distributor: { replicas: 3, resources: { cpu: "250m", memory: "512Mi", memoryLimit: "1Gi" } },
    querier: { replicas: 2, resources: { cpu: "500m", memory: "1Gi", memoryLimit: "2Gi" } },
    queryFrontend: { replicas: 2, resources: { cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" } },
    queryScheduler: { replicas: 2, resources: { cpu: "100m", memory: "128Mi", memoryLimit: "256Mi" } },
    indexGateway: { replicas: 2, resources: { cpu: "250m", memory: "512Mi", memoryLimit: "1Gi" } },
    compactor: { replicas: 1, resources: { cpu: "250m", memory: "512Mi", memoryLimit: "1Gi" } },
    ruler: { replicas: 1, resources: { cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" } },
};
export const LOKI_INGESTER_RESOURCES: Resources = { cpu: "500m", memory: "2Gi", memoryLimit: "4Gi" };
export const LOKI_SINGLE_BINARY_RESOURCES: Record<"small" | "large", Resources> = {
    small: { cpu: "500m", memory: "1Gi", memoryLimit: "2Gi" },
    large: { cpu: "1", memory: "2Gi", memoryLimit: "4Gi" },
};
export const LOKI_GATEWAY_RESOURCES: Resources = { cpu: "50m", memory: "64Mi", memoryLimit: "128Mi" };
/** The gateway pod's access-log exporter sidecar (gateway.metrics, on by default). */
export const LOKI_GATEWAY_METRICS_RESOURCES: Resources = { cpu: "10m", memory: "32Mi", memoryLimit: "64Mi" };
/** memcached-exporter sidecar of each cache pod (memcachedExporter.enabled, on by default). */
export const MEMCACHED_EXPORTER_RESOURCES: Resources = { cpu: "10m", memory: "32Mi", memoryLimit: "64Mi" };

/** Replication factor: the number of ingesting replicas, at most 3 (Loki's default; quorum tolerates one loss). */
export function replicationFactor(replicas: number): number {
    return Math.min(replicas, 3);
}

/**
 * Memory the chart gives a memcached container for `allocatedMemory` MiB: round(allocatedMemory x 1.2), as request and
 * limit (templates/memcached/_memcached-statefulset.tpl @ 18.11.0: `div (add (mul .allocatedMemory 12) 5) 10`).
 */
export function memcachedPodMiB(allocatedMiB: number): number {
    return Math.floor((allocatedMiB * 12 + 5) / 10);
}

export interface LokiInputs {
    loki: LoggingSettings["loki"];
    region: string;
    chunksBucket: string;
    rulerBucket: string;
    placement: PodPlacement;
    storageClass: string;
    /** Zone spread for pods with these labels (the kit's zoneSpread). */
    zoneSpread: (matchLabels: Record<string, string>) => object[];
}

/**
 * Selector labels of a Loki workload: app.kubernetes.io/name (the chart name) and instance (the release) from
 * loki.selectorLabels, plus app.kubernetes.io/component = the target (templates/_helpers.tpl, _workload.tpl @ 18.11.0).
 */
export function lokiPodLabels(component: string): Record<string, string> {
    return { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": LOKI_RELEASE, "app.kubernetes.io/component": component };
}

const ALL_DISTRIBUTED = ["ingester", ...Object.keys(LOKI_DISTRIBUTED)] as const;

/** Replicas per target: the chart's validate.yaml fails when Monolithic and Distributed targets both have replicas. */
function lokiReplicas(mode: LokiMode, n: number): Record<string, number> {
    const zero = Object.fromEntries([...ALL_DISTRIBUTED, "backend", "read", "write"].map((k) => [k, 0]));
    if (mode === "Monolithic") return { ...zero, singleBinary: n };
    return { ...zero, singleBinary: 0, ingester: n, ...Object.fromEntries(Object.entries(LOKI_DISTRIBUTED).map(([k, v]) => [k, v.replicas])) };
}

export function lokiValues(i: LokiInputs): Values {
    const l = i.loki;
    const mono = l.deploymentMode === "Monolithic";
    const replicas = lokiReplicas(l.deploymentMode, l.replicas);
    const placement = { nodeSelector: { ...i.placement.nodeSelector }, tolerations: i.placement.tolerations.map((t) => ({ ...t })) };
    const claim = { name: "data", accessModes: ["ReadWriteOnce"], size: `${l.storageGiB}Gi`, storageClass: i.storageClass };
    const cache = (allocatedMiB: number) => ({
        enabled: allocatedMiB > 0,
        ...(allocatedMiB > 0 ? { allocatedMemory: allocatedMiB, allocatedCPU: mono ? "100m" : "250m" } : {}),
        replicas: 1,
        ...placement,
    });
    const distributed: Values = {};
    for (const [k, v] of Object.entries(LOKI_DISTRIBUTED)) {
        distributed[k] = { replicas: replicas[k], ...(mono ? {} : { resources: resourcesOf(v.resources) }) };
    }
    return {
        deploymentMode: l.deploymentMode,
        serviceAccount: { create: true, name: LOKI_SERVICE_ACCOUNT },
        loki: {
            // One tenant, set by the shipper (X-Scope-OrgID); see docs/logging.md "Tenancy".
            auth_enabled: true,
            commonConfig: { replication_factor: replicationFactor(l.replicas) },
            schemaConfig: { configs: [{ ...LOKI_SCHEMA, index: { ...LOKI_SCHEMA.index } }] },
            storage: {
                type: "s3",
                // Required at render time: loki.commonStorageConfig / loki.rulerStorageConfig `required` these.
                bucketNames: { chunks: i.chunksBucket, ruler: i.rulerBucket },
                // Explicit region: without one Loki's S3 client uses the dummy "InvalidAWSRegion"
                // (pkg/storage/chunk/client/aws/s3_storage_client.go @ v3.7.6). No keys: Pod Identity credentials
                // come from aws-sdk-go-v2's default chain (LoadDefaultConfig, same file).
                s3: { region: i.region },
            },
            // Passed through to Loki's limits_config (docs/sources/shared/configuration.md @ v3.7.6).
            limits_config: {
                retention_period: `${l.retentionDays * 24}h`,
                allow_structured_metadata: true,
                ingestion_rate_mb: l.ingestionRateMB,
                ingestion_burst_size_mb: l.ingestionBurstSizeMB,
                max_global_streams_per_user: l.maxGlobalStreamsPerTenant,
            },
            // Retention through the compactor; delete requests kept in the object store (required with retention:
            // docs/sources/operations/storage/retention.md @ v3.7.6).
            compactor: { retention_enabled: true, delete_request_store: "s3" },
            // No usage reports to stats.grafana.org from a production platform.
            analytics: { reporting_enabled: false },
        },
        // Loki components only (not the gateway, caches or canary: values.yaml "defaults" comment).
        defaults: placement,
        singleBinary: {
            replicas: replicas["singleBinary"],
            ...(mono
                ? {
                      resources: resourcesOf(l.replicas > 1 ? LOKI_SINGLE_BINARY_RESOURCES.large : LOKI_SINGLE_BINARY_RESOURCES.small),
                      persistence: { enabled: true, size: `${l.storageGiB}Gi`, storageClass: i.storageClass },
                      ...(l.replicas > 1 ? { topologySpreadConstraints: i.zoneSpread(lokiPodLabels("single-binary")) } : {}),
                  }
                : {}),
        },
        ingester: {
            replicas: replicas["ingester"],
            // One StatefulSet spread over the zones (Loki's AWS guide turns zone-aware replication off too; its
            // three-StatefulSet layout is meant for faster rollouts, not AZ placement: values.yaml comment).
            zoneAwareReplication: { enabled: false },
            ...(mono
                ? {}
                : {
                      resources: resourcesOf(LOKI_INGESTER_RESOURCES),
                      // The WAL on a volume: an ingester restart replays it instead of losing unflushed chunks.
                      persistence: { enabled: true, claims: [claim] },
                      topologySpreadConstraints: i.zoneSpread(lokiPodLabels("ingester")),
                  }),
        },
        ...distributed,
        ...(mono ? {} : { compactor: { ...(distributed["compactor"] as Values), persistence: { enabled: true, claims: [claim] } } }),
        backend: { replicas: 0 },
        read: { replicas: 0 },
        write: { replicas: 0 },
        gateway: {
            replicas: mono ? 1 : 2,
            resources: resourcesOf(LOKI_GATEWAY_RESOURCES),
            metrics: { resources: resourcesOf(LOKI_GATEWAY_METRICS_RESOURCES) },
            ...placement,
        },
        chunksCache: cache(l.chunksCacheMiB),
        resultsCache: cache(l.resultsCacheMiB),
        memcachedExporter: { resources: resourcesOf(MEMCACHED_EXPORTER_RESOURCES) },
        // Rules are not loaded from ConfigMaps (no unbounded sidecar); the ruler reads its bucket.
        sidecar: { rules: { enabled: false } },
        // Off: the canary would add a DaemonSet writing synthetic logs, and the Helm test needs it.
        lokiCanary: { enabled: false },
        test: { enabled: false },
        minio: { enabled: false },
    };
}

/** Pods the Loki values ask for, per component (all containers of a pod summed). */
export function lokiPods(l: LoggingSettings["loki"]): PodDemand[] {
    const mono = l.deploymentMode === "Monolithic";
    const d = (component: string, replicas: number, r: Resources): PodDemand => ({ component: `loki/${component}`, replicas, ...r });
    const out: PodDemand[] = [];
    if (mono) {
        out.push(d("single-binary", l.replicas, l.replicas > 1 ? LOKI_SINGLE_BINARY_RESOURCES.large : LOKI_SINGLE_BINARY_RESOURCES.small));
    } else {
        out.push(d("ingester", l.replicas, LOKI_INGESTER_RESOURCES));
        for (const [k, v] of Object.entries(LOKI_DISTRIBUTED)) out.push(d(k, v.replicas, v.resources));
    }
    out.push(d("gateway", mono ? 1 : 2, sumResources([LOKI_GATEWAY_RESOURCES, LOKI_GATEWAY_METRICS_RESOURCES])));
    for (const [name, allocated] of [["chunks-cache", l.chunksCacheMiB], ["results-cache", l.resultsCacheMiB]] as const) {
        if (allocated <= 0) continue;
        const m = `${memcachedPodMiB(allocated)}Mi`;
        out.push(d(name, 1, sumResources([{ cpu: mono ? "100m" : "250m", memory: m, memoryLimit: m }, MEMCACHED_EXPORTER_RESOURCES])));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Alloy

/** Pods annotated with this (value "false") are not collected; the relabel rule is in alloy/pods.alloy. */
export const LOG_OPT_OUT_ANNOTATION = "platform.io/logs";

export const ALLOY_CONFIG_DIR = path.join(__dirname, "alloy");

export function alloyConfig(file: "pods" | "events"): string {
    return fs.readFileSync(path.join(ALLOY_CONFIG_DIR, `${file}.alloy`), "utf8");
}

/**
 * A DaemonSet must reach every node: one toleration with operator Exists and no key tolerates every taint
 * (Kubernetes API: "If the key is empty, operator must be Exists; this combination means to match all values and
 * all keys"). That covers the system nodes' CriticalAddonsOnly, the platform pool's platform.io/pool, taints of
 * workload NodePools added later, and Karpenter's karpenter.sh/disrupted while a node drains (its pods' last lines).
 */
export const TOLERATE_EVERYTHING = [{ operator: "Exists" }] as const;

/** The config reloader sidecar (configReloader.resources; the chart sets requests only). */
export const ALLOY_RELOADER_RESOURCES: Resources = { cpu: "10m", memory: "32Mi", memoryLimit: "64Mi" };
export const ALLOY_EVENTS_RESOURCES: Resources = { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" };

/** hostPath under which each node's Alloy keeps its read positions (survives pod restarts: no re-shipping). */
export const ALLOY_STATE_HOST_PATH = "/var/lib/alloy-platform";

export interface AlloyInputs {
    kind: "pods" | "events";
    resources: Resources;
    tenant: string;
    /** Only the events Deployment: it is a small controller on the system nodes. */
    placement?: PodPlacement;
}

export function lokiPushUrl(): string {
    return `${loggingContract("").lokiUrl}/loki/api/v1/push`;
}

export function alloyValues(i: AlloyInputs): Values {
    const pods = i.kind === "pods";
    // The root filesystem is read-only: positions go to "state", anything else Alloy writes to /tmp.
    const writable = [
        { name: "state", mountPath: "/var/lib/alloy" },
        { name: "tmp", mountPath: "/tmp" },
    ];
    const tmp = { name: "tmp", emptyDir: { sizeLimit: "64Mi" } };
    const readOnly = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
    return {
        // The PodLogs CRD is unused; two releases installing it would also fight over its ownership.
        crds: { create: false },
        fullnameOverride: pods ? ALLOY_RELEASE : ALLOY_EVENTS_RELEASE,
        alloy: {
            configMap: { create: true, content: alloyConfig(i.kind) },
            extraEnv: [
                { name: "LOKI_PUSH_URL", value: lokiPushUrl() },
                { name: "LOKI_TENANT", value: i.tenant },
            ],
            enableReporting: false,
            resources: resourcesOf(i.resources),
            ...(pods
                ? {
                      // Reads /var/log/pods (root-owned 0640 files): root, but no capability, no privilege escalation,
                      // read-only root filesystem; the host's /var/log is mounted read-only by the chart.
                      securityContext: { ...readOnly, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false },
                      mounts: { varlog: true, extra: [...writable] },
                      storagePath: "/var/lib/alloy/data",
                  }
                : {
                      securityContext: { ...readOnly, runAsNonRoot: true, runAsUser: 473, runAsGroup: 473 },
                      mounts: { extra: [...writable] },
                      storagePath: "/var/lib/alloy/data",
                  }),
        },
        configReloader: { resources: resourcesOf(ALLOY_RELOADER_RESOURCES) },
        controller: {
            type: pods ? "daemonset" : "deployment",
            ...(pods
                ? {
                      tolerations: TOLERATE_EVERYTHING.map((t) => ({ ...t })),
                      // Log shipping keeps running while a node is under pressure (system-node-critical is one of the
                      // two built-in priority classes, allowed in any namespace since Kubernetes 1.17).
                      priorityClassName: "system-node-critical",
                      volumes: { extra: [{ name: "state", hostPath: { path: ALLOY_STATE_HOST_PATH, type: "DirectoryOrCreate" } }, tmp] },
                  }
                : {
                      replicas: 1,
                      nodeSelector: { ...(i.placement?.nodeSelector ?? {}) },
                      tolerations: (i.placement?.tolerations ?? []).map((t) => ({ ...t })),
                      volumes: { extra: [{ name: "state", emptyDir: { sizeLimit: "64Mi" } }, tmp] },
                  }),
        },
        // Least privilege instead of the chart's default rules (which include reading every Secret): the pods
        // config lists pods on its node; the events config watches events. Neither reads anything else.
        rbac: {
            create: true,
            rules: pods
                ? [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }]
                : [{ apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] }],
            clusterRules: [],
        },
        serviceAccount: { create: true, name: pods ? ALLOY_RELEASE : ALLOY_EVENTS_RELEASE },
    };
}

export function alloyPods(kind: "pods" | "events", r: Resources): PodDemand {
    const total = sumResources([r, ALLOY_RELOADER_RESOURCES]);
    return kind === "pods"
        ? { component: "alloy/daemonset", replicas: 1, ...total, perNode: true }
        : { component: "alloy-events/deployment", replicas: 1, ...total };
}

// ---------------------------------------------------------------------------------------------------------------
// Tempo

export const TEMPO_SERVICE_ACCOUNT = "tempo";
/** Tempo's tenant id when multitenancy is off (util.FakeTenantID, pkg/util/auth.go @ v2.10.8): its object prefix. */
export const TEMPO_SINGLE_TENANT = "single-tenant";

export interface TempoInputs {
    retentionDays: number;
    storageGiB: number;
    resources: Resources;
    bucket: string;
    region: string;
    /** Regional S3 endpoint host, e.g. s3.eu-west-1.amazonaws.com (partition DNS suffix from the account). */
    s3Endpoint: string;
    prometheusUrls: string[];
    placement: PodPlacement;
    storageClass: string;
}

export function remoteWriteUrl(prometheus: string): string {
    return `${prometheus}/api/v1/write`;
}

export function tempoValues(i: TempoInputs): Values {
    return {
        // The monolithic chart runs one StatefulSet replica (docs/logging.md: why monolithic).
        replicas: 1,
        serviceAccount: { create: true, name: TEMPO_SERVICE_ACCOUNT },
        nodeSelector: { ...i.placement.nodeSelector },
        tolerations: i.placement.tolerations.map((t) => ({ ...t })),
        // Pod security context: the chart's defaults (uid/gid/fsGroup 10001, runAsNonRoot) are kept by Helm's merge.
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        // The WAL (/var/tempo/wal) on a volume: a restart replays it.
        persistence: { enabled: true, size: `${i.storageGiB}Gi`, storageClassName: i.storageClass },
        tempo: {
            resources: resourcesOf(i.resources),
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, runAsNonRoot: true },
            // No usage reports to stats.grafana.org.
            reportingEnabled: false,
            multitenancyEnabled: false,
            // compactor.compaction.block_retention (the chart's config template).
            retention: `${i.retentionDays * 24}h`,
            // Rendered verbatim into Tempo's storage block (docs/sources/tempo/configuration/_index.md @ v2.10.8).
            // No keys: minio-go's IAM provider reads the Pod Identity variables (docs/logging.md, evidence).
            storage: { trace: { backend: "s3", s3: { bucket: i.bucket, endpoint: i.s3Endpoint, region: i.region } } },
            receivers: {
                otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` }, http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } },
            },
            metricsGenerator: {
                enabled: true,
                // One entry per Prometheus replica, so every replica has the same series.
                storage: { remote_write: i.prometheusUrls.map((u) => ({ url: remoteWriteUrl(u) })) },
                registry: { external_labels: { source: "tempo" } },
            },
            // Processors are off until enabled per tenant (overrides, same page "Overrides").
            overrides: { defaults: { metrics_generator: { processors: ["service-graphs", "span-metrics"] } } },
        },
    };
}

export function tempoPods(r: Resources): PodDemand[] {
    return [{ component: "tempo/monolithic", replicas: 1, ...r }];
}

// ---------------------------------------------------------------------------------------------------------------
// OpenTelemetry collector gateway

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
        nodeSelector: { ...i.placement.nodeSelector },
        tolerations: i.placement.tolerations.map((t) => ({ ...t })),
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

/** Labels the collector pods carry (for NetworkPolicies; the chart's selector labels). */
export const COLLECTOR_SELECTOR = COLLECTOR_POD_LABELS;
export { LOGGING_NAMESPACE, TRACING_NAMESPACE };
