// Tempo chart values (grafana-community tempo 2.2.4, monolithic, Tempo 2.10.8) and its pod.
// Keys checked against charts/tempo/values.yaml @ 7d2a00b3 in test/logging/fixtures/upstream.ts.
import type { Resources } from "../config";
import { OTLP_GRPC_PORT, OTLP_HTTP_PORT } from "../contract";
import { PodDemand, PodPlacement, Values, placementValues, resourcesOf } from "./common";

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
        ...placementValues(i.placement),
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

