// Config of the logging layer (logs and traces): one `platform:logging` object.
//
//   platform:logging:
//     loki:
//       deploymentMode: Distributed     # Monolithic | Distributed (docs/logging.md says why prod is Distributed)
//       replicas: 3                     # Monolithic: single-binary pods; Distributed: ingesters. RF follows (max 3)
//       retentionDays: 30               # compactor retention; the chunk bucket's lifecycle expires a day later
//       tenant: platform                # the one X-Scope-OrgID Alloy writes with and Grafana reads with
//       ingestionRateMB: 16             # per-tenant limits: with one tenant these are the cluster's limits
//       ingestionBurstSizeMB: 32
//       maxGlobalStreamsPerTenant: 20000
//       chunksCacheMiB: 2048            # memcached -m; the pod asks for 1.2x (0 turns the cache off)
//       resultsCacheMiB: 512
//       storageGiB: 10                  # WAL volume of each ingester / single binary
//     alloy: { resources: { cpu: 100m, memory: 256Mi, memoryLimit: 1Gi } }
//     tempo: { retentionDays: 14, storageGiB: 20, resources: { cpu: 500m, memory: 2Gi, memoryLimit: 4Gi } }
//     collector: { replicas: 2, resources: { cpu: 200m, memory: 256Mi, memoryLimit: 512Mi } }
//     prometheusUrls:                   # one base URL per Prometheus replica (remote write and OTLP go to each)
//       - http://prometheus-kps-prometheus-0.prometheus-operated.monitoring.svc:9090
//       - http://prometheus-kps-prometheus-1.prometheus-operated.monitoring.svc:9090
import { z } from "zod";
import { type ConfigProblem, type Environment, configSection, quantity } from "../lib/configSchema";

export const LOKI_MODES = ["Monolithic", "Distributed"] as const;
export type LokiMode = (typeof LOKI_MODES)[number];

const resources = z.strictObject({ cpu: quantity, memory: quantity, memoryLimit: quantity });
export type Resources = z.infer<typeof resources>;

/**
 * A Loki tenant id is also the first path segment of every chunk object (`<tenant>/...`), which the bucket's
 * lifecycle rule is scoped to. Loki accepts more (docs/sources/operations/multi-tenancy.md: up to 150 bytes of
 * [A-Za-z0-9!-_.*'()]); this is the subset that is safe as an S3 prefix and an HTTP header without quoting.
 */
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** An in-cluster Prometheus base URL such as http://prometheus-operated.monitoring.svc:9090 (no path). */
const PROMETHEUS_URL = /^https?:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/;

const days = (max: number) =>
    z.number().int().min(1, { message: "expected at least 1 day" }).max(max, { message: `expected at most ${max} days` });

const logging = z.strictObject({
    loki: z.strictObject({
        deploymentMode: z.enum(LOKI_MODES),
        replicas: z.number().int().min(1, { message: "expected at least 1" }).max(30, { message: "expected at most 30" }),
        retentionDays: days(3650),
        tenant: z.string().regex(TENANT, { message: "expected a tenant id of lower-case letters, digits, - and _ (1-63 characters), like platform" }),
        ingestionRateMB: z.number().positive({ message: "expected a positive number of MB/s" }).max(1024),
        ingestionBurstSizeMB: z.number().positive({ message: "expected a positive number of MB" }).max(4096),
        maxGlobalStreamsPerTenant: z.number().int().min(1000, { message: "expected at least 1000" }).max(1_000_000),
        chunksCacheMiB: z.number().int().min(0).max(65536),
        resultsCacheMiB: z.number().int().min(0).max(65536),
        storageGiB: z.number().int().min(5, { message: "expected at least 5 GiB" }).max(1000),
    }),
    alloy: z.strictObject({ resources }),
    tempo: z.strictObject({
        retentionDays: days(365),
        storageGiB: z.number().int().min(5, { message: "expected at least 5 GiB" }).max(1000),
        resources,
    }),
    collector: z.strictObject({
        replicas: z.number().int().min(1, { message: "expected at least 1" }).max(20),
        resources,
    }),
    prometheusUrls: z
        .array(z.string().regex(PROMETHEUS_URL, { message: "expected a Prometheus base URL without a path, like http://prometheus-operated.monitoring.svc:9090" }))
        .min(1, { message: "expected at least one Prometheus URL (one per replica)" }),
});

export type LoggingSettings = z.infer<typeof logging>;

const shape = { logging };

/**
 * One base URL per Prometheus replica: every replica must receive every sample (a Service would spread the writes).
 * The metrics layer (infra/observability) runs kube-prometheus-stack in `monitoring` with fullnameOverride "kps", so
 * its Prometheus is `kps-prometheus`; the operator names the StatefulSet `prometheus-<name>` and gives it the governing
 * headless Service `prometheus-operated` (prometheus-operator pkg/prometheus/operator.go
 * statefulSetNameFromPrometheusName and pkg/prometheus/server/statefulset.go governingServiceName @ v0.93.0), so
 * replica i answers at prometheus-kps-prometheus-<i>.prometheus-operated.monitoring.svc:9090.
 */
export function prometheusReplicaUrl(replica: number): string {
    return `http://prometheus-kps-prometheus-${replica}.prometheus-operated.monitoring.svc:9090`;
}

export const LOGGING_DEFAULTS: Record<Environment, LoggingSettings> = {
    dev: {
        loki: {
            deploymentMode: "Monolithic",
            replicas: 1,
            retentionDays: 7,
            tenant: "platform",
            ingestionRateMB: 8,
            ingestionBurstSizeMB: 16,
            maxGlobalStreamsPerTenant: 10000,
            chunksCacheMiB: 512,
            resultsCacheMiB: 256,
            storageGiB: 10,
        },
        alloy: { resources: { cpu: "50m", memory: "128Mi", memoryLimit: "512Mi" } },
        tempo: { retentionDays: 3, storageGiB: 10, resources: { cpu: "250m", memory: "1Gi", memoryLimit: "2Gi" } },
        collector: { replicas: 1, resources: { cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" } },
        prometheusUrls: [prometheusReplicaUrl(0)],
    },
    prod: {
        loki: {
            deploymentMode: "Distributed",
            replicas: 3,
            retentionDays: 30,
            tenant: "platform",
            ingestionRateMB: 16,
            ingestionBurstSizeMB: 32,
            maxGlobalStreamsPerTenant: 20000,
            chunksCacheMiB: 2048,
            resultsCacheMiB: 512,
            storageGiB: 10,
        },
        alloy: { resources: { cpu: "100m", memory: "256Mi", memoryLimit: "1Gi" } },
        tempo: { retentionDays: 14, storageGiB: 20, resources: { cpu: "500m", memory: "2Gi", memoryLimit: "4Gi" } },
        collector: { replicas: 2, resources: { cpu: "200m", memory: "256Mi", memoryLimit: "512Mi" } },
        // The metrics layer's prod Prometheus runs 2 replicas (platform:observability.prometheus.replicas).
        prometheusUrls: [prometheusReplicaUrl(0), prometheusReplicaUrl(1)],
    },
};

const MEMORY_UNITS: Record<string, number> = { "": 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Bytes of a memory quantity, or undefined when it is not one (the schema already reported that). */
export function memoryBytes(q: string): number | undefined {
    const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
    return m ? Number(m[1]) * (MEMORY_UNITS[m[2] ?? ""] ?? 1) : undefined;
}

/** Cross-field rules, each naming the key, what was expected and what was found. */
export function loggingChecks(v: { environment: Environment; logging: LoggingSettings }): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    const l = v.logging;
    const prod = v.environment === "prod";
    const k = l.loki;
    if (k.deploymentMode === "Distributed" && k.replicas < 3) {
        out.push({
            key: "logging.loki.replicas",
            message: `expected at least 3 ingesters in Distributed mode (replication factor 3: a write needs 2 of 3, so one ingester may be lost), found ${k.replicas}`,
        });
    }
    if (k.replicas === 2) {
        out.push({
            key: "logging.loki.replicas",
            message: "expected 1 or at least 3 (a replication factor of 2 needs both replicas for every write and tolerates no loss), found 2",
        });
    }
    if (k.ingestionBurstSizeMB < k.ingestionRateMB) {
        out.push({ key: "logging.loki.ingestionBurstSizeMB", message: `expected at least ingestionRateMB (${k.ingestionRateMB}), found ${k.ingestionBurstSizeMB}` });
    }
    if (prod && l.collector.replicas < 2) {
        out.push({ key: "logging.collector.replicas", message: `expected at least 2 in prod (every opted-in service sends through the gateway), found ${l.collector.replicas}` });
    }
    const limits: [string, Resources][] = [
        ["logging.alloy.resources", l.alloy.resources],
        ["logging.tempo.resources", l.tempo.resources],
        ["logging.collector.resources", l.collector.resources],
    ];
    for (const [key, r] of limits) {
        const req = memoryBytes(r.memory);
        const lim = memoryBytes(r.memoryLimit);
        if (req === undefined) out.push({ key: `${key}.memory`, message: `expected a memory quantity like 256Mi, found ${JSON.stringify(r.memory)}` });
        if (lim === undefined) out.push({ key: `${key}.memoryLimit`, message: `expected a memory quantity like 512Mi, found ${JSON.stringify(r.memoryLimit)}` });
        if (req !== undefined && lim !== undefined && lim < req) {
            out.push({ key: `${key}.memoryLimit`, message: `expected at least the memory request (${r.memory}), found ${r.memoryLimit}` });
        }
    }
    if (new Set(l.prometheusUrls).size !== l.prometheusUrls.length) {
        out.push({ key: "logging.prometheusUrls", message: `expected each Prometheus replica once, found duplicates in ${JSON.stringify(l.prometheusUrls)}` });
    }
    return out;
}

export const loggingSection = configSection({
    shape,
    defaults: { dev: { logging: LOGGING_DEFAULTS.dev }, prod: { logging: LOGGING_DEFAULTS.prod } },
    checks: (v, environment) => loggingChecks({ ...v, environment }),
});
