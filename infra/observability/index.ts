// The observability layer (issue 12): metrics, alerts, dashboards and SLOs.
//   - prometheus-operator-crds: the monitoring.coreos.com CRDs as templates (Helm upgrades them);
//   - kube-prometheus-stack with crds.enabled false: the operator and kube-state-metrics on the system nodes;
//     Prometheus, Alertmanager and Grafana on the Karpenter `platform` pool; node-exporter on every node;
//   - Alertmanager receivers and Grafana's admin from ExternalSecrets (SecretsContract), never in values;
//   - the operators' alert list and the AWS and MongoDB alerts as PrometheusRules; Karpenter and external-secrets
//     scraped by monitors this layer declares (their layers come before the CRDs);
//   - YACE for RDS, ElastiCache, ALB and ACM metrics through Pod Identity, read-only;
//   - the optional MongoDB exporter, off unless platform:observability.mongodb is set;
//   - dashboards from infra/observability/dashboards/*.json, loaded by Grafana's sidecar.
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../cluster/contract";
import type { KarpenterContract } from "../karpenter/contract";
import type { LoggingContract } from "../logging/contract";
import type { SecretsContract } from "../secrets/contract";
import { PodDemand, cpuMillis, memoryMiB } from "../lib/capacity";
import { charts } from "../lib/charts";
import { externalSecret } from "../lib/externalSecret";
import { Tags } from "../lib/naming";
import { PrometheusRuleSpec, RuleGroup } from "../lib/promRules";
import { systemChart } from "../lib/systemChart";
import { RECEIVER_SECRET, alertmanagerConfig, receiverSecretItems } from "./alertmanager";
import { ObservabilitySettings, RemoteRef } from "./config";
import { ObservabilityContract } from "./contract";
import { platformMonitors } from "./monitors";
import { ALB_SERVICE_METRICS, layerRuleGroups } from "./rules";
import {
    CRDS_RELEASE,
    DASHBOARD_LABEL,
    GRAFANA_ADMIN_SECRET,
    MONGODB_RELEASE,
    MONGODB_URI_SECRET,
    NAMESPACE,
    SMALL,
    STACK_FULLNAME,
    STACK_RELEASE,
    YACE_RELEASE,
    YACE_SERVICE_ACCOUNT,
    Resources,
    crdValues,
    mongoValues,
    stackValues,
    yaceValues,
} from "./values";
import { yaceConfig, yacePolicy } from "./yace";

export { observabilitySection, type ObservabilitySettings } from "./config";
export type { ObservabilityContract } from "./contract";

export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";
export const DASHBOARD_DIR = path.join(__dirname, "dashboards");

export interface ObservabilityArgs {
    cluster: ClusterContract;
    karpenter: KarpenterContract;
    secrets: SecretsContract;
    /** Loki and Tempo datasources (with trace-to-logs links) when the logging layer is present. */
    logging?: LoggingContract;
    settings: ObservabilitySettings;
    environment: "dev" | "prod";
    /** The stack name: every platform resource carries platform:stack=<stack>, which YACE discovers by. */
    stack: string;
    region: string;
    tags: Tags;
}

/** The flat stack outputs this layer owns. */
export interface ObservabilityOutputs {
    observabilityNamespace: string;
    prometheusUrl: string;
    alertmanagerUrl: string;
    /** Grafana's in-cluster Service (port 80); expose it through the ingress or `kubectl port-forward`. */
    grafanaService: string;
    /** Name of the Secret (synced from the secrets store) holding Grafana's admin credentials; never the value. */
    grafanaAdminSecret: string;
    cloudwatchExporterRoleArn?: pulumi.Output<string>;
    alertReceivers: string[];
}

/** Pod demand of a pod made of containers (requests summed; the limit is the sum of the memory limits). */
export function podDemand(component: string, replicas: number, containers: Resources[], perNode = false): PodDemand {
    const cpu = containers.reduce((n, c) => n + cpuMillis(c.requests.cpu), 0);
    const mem = containers.reduce((n, c) => n + memoryMiB(c.requests.memory), 0);
    const lim = containers.reduce((n, c) => n + memoryMiB(c.limits.memory), 0);
    return { component, replicas, cpu: `${cpu}m`, memory: `${mem}Mi`, memoryLimit: `${lim}Mi`, ...(perNode ? { perNode: true } : {}) };
}

export class Observability extends pulumi.ComponentResource {
    readonly outputs: ObservabilityOutputs;
    readonly notices: string[];
    readonly contract: ObservabilityContract;
    readonly crds: k8s.helm.v3.Release;
    readonly stack: k8s.helm.v3.Release;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:observability:Observability", name, {}, opts);
        const { cluster, settings: s, secrets } = args;
        const parent = { parent: this };
        const k8sOpts = { parent: this, provider: cluster.provider };
        const res = (r: { cpu: string; memory: string; memoryLimit: string }): Resources => ({ requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memoryLimit } });

        // Baseline Pod Security: nothing here needs host access (node-exporter runs in kube-system, below).
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: NAMESPACE,
                    labels: {
                        "pod-security.kubernetes.io/enforce": "baseline",
                        "pod-security.kubernetes.io/warn": "restricted",
                        "pod-security.kubernetes.io/audit": "restricted",
                    },
                },
            },
            k8sOpts,
        );

        // ---- secrets: ExternalSecrets from the platform's stores ------------------------------------------------------
        const store = (ref: { store: "vault" | "aws" }) =>
            ({ name: ref.store === "vault" ? secrets.vaultStore : secrets.awsStore, kind: "ClusterSecretStore" }) as const;
        // AWS Secrets Manager names are relative to the platform prefix the AWS store may read.
        const remoteKey = (ref: { store: "vault" | "aws"; key: string }) => (ref.store === "aws" ? `${secrets.awsSecretPrefix}${ref.key}` : ref.key);
        const esDeps = [namespace, ...secrets.ready];
        const grafanaAdmin = externalSecret(
            `${name}-grafana-admin`,
            {
                namespace: NAMESPACE,
                secretName: GRAFANA_ADMIN_SECRET,
                refreshInterval: secrets.refreshInterval,
                store: store(s.grafana.adminSecret),
                data: [
                    { secretKey: "admin-user", remoteRef: { key: remoteKey(s.grafana.adminSecret), property: "admin-user" } },
                    { secretKey: "admin-password", remoteRef: { key: remoteKey(s.grafana.adminSecret), property: "admin-password" } },
                ],
                dependsOn: esDeps,
            },
            k8sOpts,
        );
        const items = receiverSecretItems(s.receivers);
        // The config check guarantees one store for every receiver secret (one ExternalSecret, one mounted Secret).
        const receiverSecret = items.length > 0
            ? externalSecret(
                  `${name}-alertmanager-receivers`,
                  {
                      namespace: NAMESPACE,
                      secretName: RECEIVER_SECRET,
                      refreshInterval: secrets.refreshInterval,
                      store: store(items[0].ref),
                      data: items.map((i) => ({ secretKey: i.secretKey, remoteRef: { key: remoteKey(i.ref), property: i.ref.property } })),
                      dependsOn: esDeps,
                  },
                  k8sOpts,
              )
            : undefined;

        // ---- CRDs, then the stack --------------------------------------------------------------------------------------
        this.crds = systemChart(
            `${name}-crds`,
            { cluster, placement: cluster.system, chart: charts.prometheusOperatorCrds, namespace: NAMESPACE, releaseName: CRDS_RELEASE, values: crdValues(), pods: [], dependsOn: [namespace], tags: args.tags },
            parent,
        ).release;

        const platformPods = [
            podDemand("kps/prometheus", s.prometheus.replicas, [res(s.prometheus.resources), SMALL.configReloader]),
            podDemand("kps/alertmanager", s.alertmanager.replicas, [res(s.alertmanager.resources), SMALL.configReloader]),
            podDemand("kps/grafana", 1, [res(s.grafana.resources), SMALL.grafanaSidecar, SMALL.grafanaSidecar]),
        ];
        // The operator and kube-state-metrics run on the system nodes; node-exporter everywhere. systemChart declares
        // the release's pods under its placement's pool, so the system-node pods are declared here.
        cluster.capacity.add("system", [
            podDemand("kps/operator", 1, [SMALL.operator]),
            podDemand("kps/kube-state-metrics", 1, [SMALL.kubeStateMetrics]),
            podDemand("kps/node-exporter", 1, [SMALL.nodeExporter], true),
        ]);
        const logging = args.logging ? { lokiUrl: args.logging.lokiUrl, tempoUrl: args.logging.tempoUrl, ...(args.logging.tenant ? { tenant: args.logging.tenant } : {}) } : undefined;
        this.stack = systemChart(
            `${name}-kps`,
            {
                cluster,
                placement: args.karpenter.platform,
                chart: charts.kubePrometheusStack,
                namespace: NAMESPACE,
                releaseName: STACK_RELEASE,
                values: stackValues({
                    settings: s,
                    clusterName: cluster.name,
                    environment: args.environment,
                    storageClass: cluster.storageClass,
                    system: cluster.system,
                    platform: args.karpenter.platform,
                    alertmanager: alertmanagerConfig(s.receivers),
                    receiverSecret: receiverSecret !== undefined,
                    ...(logging ? { logging } : {}),
                }),
                pods: platformPods,
                skipCrds: true,
                timeoutSeconds: 900,
                dependsOn: [this.crds, grafanaAdmin, ...(receiverSecret ? [receiverSecret] : []), ...cluster.system.dependsOn],
                tags: args.tags,
            },
            parent,
        ).release;

        // ---- rules, monitors, dashboards ------------------------------------------------------------------------------
        // The operator's admission webhook validates PrometheusRules: create them once the stack is up.
        const crDeps = [this.crds, this.stack];
        const rules = layerRuleGroups(s);
        const prometheusRule = (suffix: string, groups: RuleGroup[]) => {
            const spec: PrometheusRuleSpec = { groups };
            return new k8s.apiextensions.CustomResource(
                `${name}-rules-${suffix}`,
                { apiVersion: MONITORING_API_VERSION, kind: "PrometheusRule", metadata: { name: `platform-${suffix}`, namespace: NAMESPACE }, spec },
                { ...k8sOpts, dependsOn: crDeps },
            );
        };
        prometheusRule("alerts", rules.platform);
        if (rules.aws.length > 0) prometheusRule("aws", rules.aws);
        if (rules.mongodb.length > 0) prometheusRule("mongodb", rules.mongodb);
        for (const m of platformMonitors()) {
            new k8s.apiextensions.CustomResource(
                `${name}-monitor-${m.name}`,
                { apiVersion: MONITORING_API_VERSION, kind: m.kind, metadata: { name: m.name, namespace: m.namespace }, spec: m.spec },
                { ...k8sOpts, dependsOn: crDeps },
            );
        }
        for (const file of fs.readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith(".json")).sort()) {
            if (file === "platform-mongodb.json" && !s.mongodb) continue;
            const id = file.replace(/\.json$/, "");
            new k8s.core.v1.ConfigMap(
                `${name}-dashboard-${id}`,
                { metadata: { name: `dashboard-${id}`, namespace: NAMESPACE, labels: { ...DASHBOARD_LABEL } }, data: { [file]: fs.readFileSync(path.join(DASHBOARD_DIR, file), "utf8") } },
                { ...k8sOpts, dependsOn: [namespace] },
            );
        }

        // ---- AWS metrics (YACE) ---------------------------------------------------------------------------------------
        let yaceRoleArn: pulumi.Output<string> | undefined;
        if (s.cloudwatch.enabled) {
            const yace = systemChart(
                `${name}-yace`,
                {
                    cluster,
                    placement: cluster.system,
                    chart: charts.yetAnotherCloudwatchExporter,
                    namespace: NAMESPACE,
                    releaseName: YACE_RELEASE,
                    values: yaceValues({
                        config: yaceConfig({ region: args.region, stack: args.stack, periodSeconds: s.cloudwatch.periodSeconds }),
                        scrapingIntervalSeconds: s.cloudwatch.scrapingIntervalSeconds,
                        system: cluster.system,
                    }),
                    identity: { serviceAccount: YACE_SERVICE_ACCOUNT, policy: yacePolicy() },
                    pods: [podDemand("yace", 1, [SMALL.yace])],
                    // Its chart creates a ServiceMonitor: the CRDs first.
                    dependsOn: [this.crds, namespace],
                    tags: args.tags,
                },
                parent,
            );
            yaceRoleArn = yace.identity?.roleArn;
        }

        // ---- MongoDB (optional) -----------------------------------------------------------------------------------------
        if (s.mongodb) {
            const uri: RemoteRef = s.mongodb.uri;
            const uriSecret = externalSecret(
                `${name}-mongodb-uri`,
                {
                    namespace: NAMESPACE,
                    secretName: MONGODB_URI_SECRET,
                    refreshInterval: secrets.refreshInterval,
                    store: store(uri),
                    data: [{ secretKey: "mongodb-uri", remoteRef: { key: remoteKey(uri), property: uri.property } }],
                    dependsOn: esDeps,
                },
                k8sOpts,
            );
            systemChart(
                `${name}-mongodb-exporter`,
                {
                    cluster,
                    placement: cluster.system,
                    chart: charts.mongodbExporter,
                    namespace: NAMESPACE,
                    releaseName: MONGODB_RELEASE,
                    values: mongoValues({ system: cluster.system }),
                    pods: [podDemand("mongodb-exporter", 1, [SMALL.mongodbExporter])],
                    dependsOn: [this.crds, uriSecret],
                    tags: args.tags,
                },
                parent,
            );
        }

        const prometheusUrl = `http://${STACK_FULLNAME}-prometheus.${NAMESPACE}.svc:9090`;
        const alertmanagerUrl = `http://${STACK_FULLNAME}-alertmanager.${NAMESPACE}.svc:9093`;
        this.contract = {
            ready: crDeps,
            namespace: NAMESPACE,
            runbookBaseUrl: s.runbookBaseUrl,
            albServiceMetrics: ALB_SERVICE_METRICS,
            dashboardLabel: { ...DASHBOARD_LABEL },
            prometheusUrl,
            alertmanagerUrl,
        };
        const receivers = ["slack", "pagerduty", "email", "deadMansSwitch"].filter((k) => Boolean(s.receivers[k as keyof typeof s.receivers]));
        this.outputs = {
            observabilityNamespace: NAMESPACE,
            prometheusUrl,
            alertmanagerUrl,
            grafanaService: `${STACK_RELEASE}-grafana.${NAMESPACE}.svc`,
            grafanaAdminSecret: `${NAMESPACE}/${GRAFANA_ADMIN_SECRET}`,
            ...(yaceRoleArn ? { cloudwatchExporterRoleArn: yaceRoleArn } : {}),
            alertReceivers: receivers,
        };
        this.notices = [
            ...(receivers.length === 0 ? ["alerts notify no one: no platform:observability.receivers set (dev default); they show in Alertmanager and Grafana"] : []),
            ...(!args.logging ? ["Grafana has no Loki/Tempo datasources: the logging layer is not wired"] : []),
            ...(!s.cloudwatch.enabled ? ["AWS metrics (YACE) are off: platform:observability.cloudwatch.enabled is false"] : []),
            ...(s.runbookBaseUrl === "docs/runbooks.md" ? ["alert runbook links are repository paths: set platform:observability.runbookBaseUrl to where docs/runbooks.md is browsable"] : []),
        ];
        this.registerOutputs({ prometheusUrl, alertmanagerUrl });
    }
}
