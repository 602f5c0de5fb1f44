// The logging layer: logs and traces (docs/logging.md).
//   - namespace `logging`: Loki (Monolithic in dev, Distributed in prod) on the platform pool, storing in two
//     SecureBuckets through Pod Identity; Alloy as a DaemonSet on every node shipping every container's
//     stdout/stderr; a single-replica Alloy on the system nodes shipping Kubernetes events once
//   - namespace `tracing`: Tempo (monolithic chart) on the platform pool, storing in a SecureBucket through Pod
//     Identity, its metrics generator writing span metrics and service graphs to Prometheus; the OpenTelemetry
//     collector gateway (Deployment) receiving OTLP and forwarding traces to Tempo and metrics to Prometheus
//   - one KMS key for the three buckets; NetworkPolicies that deny ingress except what the stack needs
// Grafana (the metrics layer) reads LoggingContract; the golden-path service reads OtlpGatewayContract.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../cluster/contract";
import type { KarpenterContract } from "../karpenter/contract";
import { charts } from "../lib/charts";
import { customerKey } from "../lib/kms";
import { Tags, withTags } from "../lib/naming";
import { Placement, zoneSpread } from "../lib/placement";
import { SecureBucket, secureBucket } from "../lib/secureBucket";
import { systemChart } from "../lib/systemChart";
import { lokiChunksBucketName, lokiChunksLifecycle, lokiRulerBucketName, lokiRulerLifecycle, tempoBucketName, tempoLifecycle } from "./buckets";
import { LoggingSettings } from "./config";
import {
    ALLOY_EVENTS_RELEASE,
    ALLOY_RELEASE,
    COLLECTOR_RELEASE,
    LOGGING_NAMESPACE,
    LOKI_RELEASE,
    LoggingContract,
    OtlpGatewayContract,
    TEMPO_RELEASE,
    TRACING_NAMESPACE,
    loggingContract,
    otlpGatewayContract,
} from "./contract";
import { lokiStoragePolicy, tempoStoragePolicy } from "./iam";
import { MONITORING_NAMESPACE, loggingNetworkPolicies } from "./network";
import {
    ALLOY_EVENTS_RESOURCES,
    LOKI_SERVICE_ACCOUNT,
    TEMPO_SERVICE_ACCOUNT,
    TEMPO_SINGLE_TENANT,
    alloyPods,
    alloyValues,
    collectorPods,
    collectorValues,
    lokiPods,
    lokiValues,
    tempoPods,
    tempoValues,
} from "./values";

export type { LoggingContract, OtlpGatewayContract } from "./contract";

export interface LoggingArgs {
    cluster: ClusterContract;
    karpenter: KarpenterContract;
    settings: LoggingSettings;
    /** prod: `protect` on the key and the buckets. */
    protectStateful: boolean;
    tags: Tags;
}

/** The flat stack outputs this layer owns. */
export interface LoggingOutputs {
    lokiUrl: string;
    tempoUrl: string;
    otlpGrpcEndpoint: string;
    otlpHttpEndpoint: string;
    lokiTenant: string;
    lokiChunksBucket: pulumi.Output<string>;
    lokiRulerBucket: pulumi.Output<string>;
    tempoBucket: pulumi.Output<string>;
    loggingKmsKeyArn: pulumi.Output<string>;
}

/**
 * Pod Security Admission per namespace. `logging` must be privileged: the Alloy DaemonSet mounts the node's
 * /var/log (hostPath, forbidden from Baseline up) and reads it as root. `tracing` holds nothing privileged.
 * Audit and warn one level stricter, so drift shows up before it would be enforced.
 */
export const NAMESPACE_SECURITY: Record<string, { enforce: string; warn: string }> = {
    [LOGGING_NAMESPACE]: { enforce: "privileged", warn: "baseline" },
    [TRACING_NAMESPACE]: { enforce: "baseline", warn: "restricted" },
};

export class Logging extends pulumi.ComponentResource {
    readonly contract: LoggingContract;
    readonly otlpGateway: OtlpGatewayContract;
    readonly outputs: LoggingOutputs;
    readonly notices: string[];
    readonly loki: k8s.helm.v3.Release;
    readonly alloy: k8s.helm.v3.Release;
    readonly alloyEvents: k8s.helm.v3.Release;
    readonly tempo: k8s.helm.v3.Release;
    readonly collector: k8s.helm.v3.Release;
    readonly buckets: { lokiChunks: SecureBucket; lokiRuler: SecureBucket; tempo: SecureBucket };

    constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:logging:Logging", name, {}, opts);
        const { cluster, settings: s } = args;
        const account = cluster.account;
        const parent = { parent: this };
        const k8sOpts = { parent: this, provider: cluster.provider };
        const platform: Placement = args.karpenter.platform;
        const stack = cluster.name;

        // ---- namespaces and their NetworkPolicies -------------------------------------------------------------------
        const namespaces = Object.fromEntries(
            Object.entries(NAMESPACE_SECURITY).map(([ns, pss]) => [
                ns,
                new k8s.core.v1.Namespace(
                    `${name}-ns-${ns}`,
                    {
                        metadata: {
                            name: ns,
                            labels: {
                                "pod-security.kubernetes.io/enforce": pss.enforce,
                                "pod-security.kubernetes.io/audit": pss.warn,
                                "pod-security.kubernetes.io/warn": pss.warn,
                            },
                        },
                    },
                    k8sOpts,
                ),
            ]),
        );
        for (const p of loggingNetworkPolicies(MONITORING_NAMESPACE)) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${p.namespace}-${p.name}`,
                { metadata: { name: p.name, namespace: p.namespace }, spec: p.spec },
                { ...k8sOpts, dependsOn: [namespaces[p.namespace]] },
            );
        }

        // ---- storage: one key, three buckets ------------------------------------------------------------------------
        const key = customerKey(
            `${name}-key`,
            { description: `${stack}: Loki and Tempo object storage`, alias: `${stack}-logging`, protect: args.protectStateful, tags: args.tags },
            parent,
        );
        const bucket = (suffix: string, physical: (stack: string, account: string, region: string) => string, lifecycle: ReturnType<typeof lokiRulerLifecycle>, versioning: boolean) =>
            secureBucket(
                `${name}-${suffix}`,
                {
                    bucketName: account.accountId.apply((id) => physical(stack, id, account.region)),
                    encryption: { sse: "aws:kms", kmsKeyArn: key.arn },
                    versioning,
                    lifecycleRules: lifecycle,
                    protect: args.protectStateful,
                    tags: withTags(args.tags, { Name: `${stack}-${suffix}` }),
                },
                account,
                parent,
            );
        // Chunks and traces are written once and deleted by the compactors: versioning would only keep every deleted
        // object as a noncurrent version. Rules are configuration: versioned.
        this.buckets = {
            lokiChunks: bucket("loki-chunks", lokiChunksBucketName, lokiChunksLifecycle(s.loki.tenant, s.loki.retentionDays), false),
            lokiRuler: bucket("loki-ruler", lokiRulerBucketName, lokiRulerLifecycle(), true),
            tempo: bucket("tempo", tempoBucketName, tempoLifecycle(TEMPO_SINGLE_TENANT, s.tempo.retentionDays), false),
        };
        const { lokiChunks, lokiRuler, tempo } = this.buckets;

        // ---- Loki --------------------------------------------------------------------------------------------------
        this.loki = systemChart(
            `${name}-loki`,
            {
                cluster,
                placement: platform,
                chart: charts.loki,
                namespace: LOGGING_NAMESPACE,
                releaseName: LOKI_RELEASE,
                identity: {
                    serviceAccount: LOKI_SERVICE_ACCOUNT,
                    policy: pulumi
                        .all([account.partition, account.dnsSuffix, key.arn, lokiChunks.name, lokiRuler.name])
                        .apply(([partition, dnsSuffix, kmsKeyArn, chunksBucket, rulerBucket]) =>
                            lokiStoragePolicy({ partition, region: account.region, dnsSuffix, kmsKeyArn, chunksBucket, rulerBucket }),
                        ),
                },
                values: pulumi.all([lokiChunks.name, lokiRuler.name]).apply(([chunksBucket, rulerBucket]) =>
                    lokiValues({
                        loki: s.loki,
                        region: account.region,
                        chunksBucket,
                        rulerBucket,
                        placement: platform,
                        storageClass: cluster.storageClass,
                        zoneSpread: (labels) => zoneSpread(labels),
                    }),
                ),
                pods: lokiPods(s.loki),
                // The bucket policies first: a Loki that starts against a half-configured bucket fails its first writes.
                dependsOn: [namespaces[LOGGING_NAMESPACE], lokiChunks.policy, lokiRuler.policy],
                timeoutSeconds: 900,
                tags: args.tags,
            },
            parent,
        ).release;

        // ---- Alloy: every node's containers, and the cluster's events once ------------------------------------------
        // The DaemonSet is declared with the system placement: its per-node demand is checked against the system
        // nodes, and the release waits for them. Its values carry no nodeSelector: it runs on every node.
        this.alloy = systemChart(
            `${name}-alloy`,
            {
                cluster,
                placement: cluster.system,
                chart: charts.alloy,
                namespace: LOGGING_NAMESPACE,
                releaseName: ALLOY_RELEASE,
                values: alloyValues({ kind: "pods", resources: s.alloy.resources, tenant: s.loki.tenant }),
                pods: [alloyPods("pods", s.alloy.resources)],
                dependsOn: [namespaces[LOGGING_NAMESPACE]],
                tags: args.tags,
            },
            parent,
        ).release;
        this.alloyEvents = systemChart(
            `${name}-alloy-events`,
            {
                cluster,
                placement: cluster.system,
                chart: charts.alloy,
                namespace: LOGGING_NAMESPACE,
                releaseName: ALLOY_EVENTS_RELEASE,
                values: alloyValues({ kind: "events", resources: ALLOY_EVENTS_RESOURCES, tenant: s.loki.tenant, placement: cluster.system }),
                pods: [alloyPods("events", ALLOY_EVENTS_RESOURCES)],
                dependsOn: [namespaces[LOGGING_NAMESPACE]],
                tags: args.tags,
            },
            parent,
        ).release;

        // ---- Tempo and the collector gateway ------------------------------------------------------------------------
        this.tempo = systemChart(
            `${name}-tempo`,
            {
                cluster,
                placement: platform,
                chart: charts.tempo,
                namespace: TRACING_NAMESPACE,
                releaseName: TEMPO_RELEASE,
                identity: {
                    serviceAccount: TEMPO_SERVICE_ACCOUNT,
                    policy: pulumi
                        .all([account.partition, account.dnsSuffix, key.arn, tempo.name])
                        .apply(([partition, dnsSuffix, kmsKeyArn, bucketName]) =>
                            tempoStoragePolicy({ partition, region: account.region, dnsSuffix, kmsKeyArn, bucket: bucketName }),
                        ),
                },
                values: pulumi.all([tempo.name, account.dnsSuffix]).apply(([bucketName, dnsSuffix]) =>
                    tempoValues({
                        retentionDays: s.tempo.retentionDays,
                        storageGiB: s.tempo.storageGiB,
                        resources: s.tempo.resources,
                        bucket: bucketName,
                        region: account.region,
                        s3Endpoint: `s3.${account.region}.${dnsSuffix}`,
                        prometheusUrls: s.prometheusUrls,
                        placement: platform,
                        storageClass: cluster.storageClass,
                    }),
                ),
                pods: tempoPods(s.tempo.resources),
                dependsOn: [namespaces[TRACING_NAMESPACE], tempo.policy],
                tags: args.tags,
            },
            parent,
        ).release;
        this.collector = systemChart(
            `${name}-otel-gateway`,
            {
                cluster,
                placement: platform,
                chart: charts.opentelemetryCollector,
                namespace: TRACING_NAMESPACE,
                releaseName: COLLECTOR_RELEASE,
                values: collectorValues({
                    replicas: s.collector.replicas,
                    resources: s.collector.resources,
                    prometheusUrls: s.prometheusUrls,
                    placement: platform,
                    zoneSpread: (labels) => zoneSpread(labels),
                }),
                pods: collectorPods(s.collector.replicas, s.collector.resources),
                dependsOn: [namespaces[TRACING_NAMESPACE]],
                tags: args.tags,
            },
            parent,
        ).release;

        // ---- what other layers see ----------------------------------------------------------------------------------
        this.contract = loggingContract(s.loki.tenant);
        this.otlpGateway = otlpGatewayContract();
        this.outputs = {
            lokiUrl: this.contract.lokiUrl,
            tempoUrl: this.contract.tempoUrl,
            otlpGrpcEndpoint: this.contract.otlpGrpcEndpoint,
            otlpHttpEndpoint: this.contract.otlpHttpEndpoint,
            lokiTenant: s.loki.tenant,
            lokiChunksBucket: lokiChunks.name,
            lokiRulerBucket: lokiRuler.name,
            tempoBucket: tempo.name,
            loggingKmsKeyArn: key.arn,
        };
        // The observability layer turns on Prometheus's remote-write and OTLP receivers when it gets this contract.
        this.notices = [];
        this.registerOutputs({});
    }
}
