// Loki chart values (grafana-community loki 18.11.0, Loki 3.7.6) and the pods they ask for.
// Keys checked against charts/loki/values.yaml @ 3386a115 in test/logging/fixtures/upstream.ts.
import type { LokiMode, LoggingSettings, Resources } from "../config";
import { LOKI_RELEASE } from "../contract";
import { PodDemand, PodPlacement, Values, placementValues, resourcesOf, sumResources } from "./common";

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
    const placement = placementValues(i.placement);
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

