// ProductionService: the golden path. An application team fills a handful of typed fields and gets a
// Deployment (or, with `delivery`, an Argo Rollouts Rollout released as a canary or blue/green and rolled back by
// metric analysis) that survives rollouts, node drains, spot interruptions and zone loss without dropping
// requests, behind a ClusterIP Service and (optionally) the platform's shared ALB.
// Every argument is validated (resolve.ts) before any resource is declared; the specs are built by the
// functions in manifests/. docs/workloads.md explains every default.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { externalSecret } from "../../lib/externalSecret";
import { serviceRules } from "../../lib/serviceRules";
import { WorkloadIdentity } from "../../lib/workloadIdentity";
import { ProductionServiceArgs } from "./args";
import { autoscalerSpec } from "./manifests/autoscaler";
import { deploymentSpec } from "./manifests/deployment";
import { ingressArgs } from "./manifests/ingress";
import { networkPolicySpec } from "./manifests/networkPolicy";
import { ROLLOUT_API_VERSION, albForwardAction, analysisTemplateName, analysisTemplateSpec, recordingRulesOnly, rolloutSpec } from "./manifests/rollout";
import { METRICS_PORT_NAME, serviceMonitorSpec } from "./monitoring";
import { ResolvedService, resolveServiceArgs } from "./resolve";

export class ProductionService extends pulumi.ComponentResource {
    readonly settings: ResolvedService;
    readonly serviceAccount: k8s.core.v1.ServiceAccount;
    /** The workload: a Deployment, or with `delivery` a Rollout (argoproj.io/v1alpha1) and its AnalysisTemplate. */
    readonly deployment: k8s.apps.v1.Deployment | undefined;
    readonly rollout: k8s.apiextensions.CustomResource | undefined;
    readonly analysisTemplate: k8s.apiextensions.CustomResource | undefined;
    /** The stable (canary) or active (blue/green) Service; with a Deployment, the only one. */
    readonly service: k8s.core.v1.Service;
    /** With `delivery`: the canary Service (canary) or the preview Service (blue/green), `<name>-canary` / `<name>-preview`. */
    readonly secondaryService: k8s.core.v1.Service | undefined;
    readonly ingress: k8s.networking.v1.Ingress | undefined;
    readonly identity: WorkloadIdentity | undefined;
    /** The ExternalSecrets of `secrets` (their Secrets are external-secrets', never declared here). */
    readonly externalSecrets: k8s.apiextensions.CustomResource[];
    /** The ServiceMonitor and the SLO PrometheusRule (monitoring.coreos.com/v1), when asked for. */
    readonly serviceMonitor: k8s.apiextensions.CustomResource | undefined;
    readonly sloRule: k8s.apiextensions.CustomResource | undefined;
    /** With `delivery`: the recording rules of the canary (or preview) Service, which the analysis reads. */
    readonly secondarySloRule: k8s.apiextensions.CustomResource | undefined;
    /** https://<host> with a domain, undefined otherwise (dev: use the ALB's DNS name). */
    readonly url: string | undefined;

    constructor(name: string, args: ProductionServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate first: nothing is declared when an argument is wrong.
        const s = resolveServiceArgs(name, args);
        super("platform:workloads:ProductionService", name, {}, opts);
        this.settings = s;
        const ns = typeof args.namespace === "string" ? args.namespace : args.namespace.name;
        // Every namespaced child waits for the labelled Namespace (a component's own dependsOn does not reach its children).
        const nsDeps: pulumi.Resource[] = typeof args.namespace === "string" ? [] : [args.namespace.namespace];
        const child = { parent: this, dependsOn: nsDeps };
        const selector = { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name };
        const labels = { ...(args.labels ?? {}), ...selector, "app.kubernetes.io/managed-by": "pulumi", "platform.io/environment": args.environment };
        const metadata = { name, namespace: ns, labels };

        this.serviceAccount = new k8s.core.v1.ServiceAccount(
            name,
            { metadata, automountServiceAccountToken: args.automountServiceAccountToken ?? false },
            child,
        );
        // Pod Identity does not need the automounted API token: its webhook adds its own projected token
        // volume (audience pods.eks.amazonaws.com) and AWS_CONTAINER_* env vars at pod creation
        // (aws/amazon-eks-pod-identity-webhook pkg/handler/testdata/containercredentials/rawPodWithoutVolumes.pod.yaml).
        this.identity = args.aws
            ? new WorkloadIdentity(
                  `${name}-identity`,
                  { clusterName: args.aws.clusterName, namespace: ns, serviceAccount: name, policy: args.aws.policy, tags: args.aws.tags },
                  { parent: this },
              )
            : undefined;

        const servicePorts = [
            { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
            ...(s.monitoring?.portName === METRICS_PORT_NAME
                ? [{ name: METRICS_PORT_NAME, port: s.monitoring.containerPort, targetPort: METRICS_PORT_NAME, protocol: "TCP" }]
                : []),
        ];
        this.service = new k8s.core.v1.Service(
            name,
            {
                metadata,
                spec: {
                    type: "ClusterIP",
                    selector,
                    ports: servicePorts,
                },
            },
            child,
        );

        // Progressive delivery: a second Service with the same selector (Argo Rollouts adds the ReplicaSet's hash to
        // both selectors) and, for a canary, the Ingress forwards through the weighted action Argo Rollouts maintains.
        const d = s.delivery;
        this.secondaryService = d
            ? new k8s.core.v1.Service(
                  d.secondaryService,
                  { metadata: { ...metadata, name: d.secondaryService }, spec: { type: "ClusterIP", selector, ports: servicePorts } },
                  child,
              )
            : undefined;
        const canaryAction = d?.strategy === "canary" ? albForwardAction(name, d.secondaryService) : undefined;
        this.ingress = args.ingress
            ? new k8s.networking.v1.Ingress(name, ingressArgs(name, args.ingress, metadata, s, canaryAction), {
                  parent: this,
                  dependsOn: [...nsDeps, this.service, ...(this.secondaryService ? [this.secondaryService] : [])],
              })
            : undefined;
        this.url = s.host ? `https://${s.host}` : undefined;

        new k8s.networking.v1.NetworkPolicy(name, { metadata, spec: networkPolicySpec(args, s, selector) }, child);

        // Pods are created after the Service and Ingress (the ALB controller injects readiness gates only
        // when a TargetGroupBinding exists at pod creation: docs/deploy/pod_readiness_gate.md @ v3.5.0)
        // and after the Pod Identity association (credentials are injected at pod creation too).
        // No deadlock: Pulumi's Ingress await needs only the backend's Endpoints object and the ALB hostname
        // in status, not ready pods (pulumi/pulumi-kubernetes provider/pkg/await/ingress.go).
        // One ExternalSecret per declared secret: external-secrets writes (and owns) the Secret the pods read.
        this.externalSecrets = (args.secrets?.items ?? []).map((item) =>
            externalSecret(
                `${name}-${item.name}`,
                {
                    namespace: ns,
                    secretName: item.name,
                    store: { name: item.store, kind: "ClusterSecretStore" },
                    refreshInterval: item.refreshInterval ?? (args.secrets as { refreshInterval: string }).refreshInterval,
                    data: item.data.map((d) => ({ secretKey: d.secretKey, remoteRef: { key: d.remoteKey, ...(d.property ? { property: d.property } : {}) } })),
                    ...(item.template ? { template: item.template } : {}),
                    labels: { ...selector, "app.kubernetes.io/managed-by": "pulumi" },
                    dependsOn: [...nsDeps, ...(args.secrets?.ready ?? [])],
                },
                { parent: this },
            ),
        );
        const dependsOn: pulumi.Resource[] = [...nsDeps, this.serviceAccount, this.service, ...this.externalSecrets];
        if (this.ingress) dependsOn.push(this.ingress);
        if (this.identity) dependsOn.push(this.identity);

        if (d) {
            // The Rollout waits for its CRD (the argo-rollouts release), both Services and its AnalysisTemplate.
            const crDeps = [...nsDeps, ...d.rollouts.ready];
            this.analysisTemplate = new k8s.apiextensions.CustomResource(
                analysisTemplateName(name),
                { apiVersion: ROLLOUT_API_VERSION, kind: "AnalysisTemplate", metadata: { ...metadata, name: analysisTemplateName(name) }, spec: analysisTemplateSpec(d) },
                { parent: this, dependsOn: crDeps },
            );
            this.rollout = new k8s.apiextensions.CustomResource(
                name,
                { apiVersion: ROLLOUT_API_VERSION, kind: "Rollout", metadata, spec: rolloutSpec(name, ns, args, s, d, selector, labels) },
                { parent: this, dependsOn: [...dependsOn, ...d.rollouts.ready, this.secondaryService as k8s.core.v1.Service, this.analysisTemplate] },
            );
            this.deployment = undefined;
        } else {
            this.deployment = new k8s.apps.v1.Deployment(
                name,
                { metadata, spec: deploymentSpec(name, args, s, selector, labels) },
                { parent: this, dependsOn },
            );
            this.rollout = undefined;
            this.analysisTemplate = undefined;
        }
        const workload: pulumi.Resource = this.rollout ?? (this.deployment as k8s.apps.v1.Deployment);

        new k8s.policy.v1.PodDisruptionBudget(
            name,
            { metadata, spec: { selector: { matchLabels: selector }, ...s.disruptionBudget } },
            child,
        );

        if (s.autoscaling) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                name,
                { metadata, spec: autoscalerSpec(name, s.autoscaling, d ? { apiVersion: ROLLOUT_API_VERSION, kind: "Rollout" } : undefined) },
                { parent: this, dependsOn: [...nsDeps, workload] },
            );
        }
        // Monitoring custom resources wait for the observability layer's CRDs and operator (its admission webhook
        // validates PrometheusRules).
        const m = s.monitoring;
        const crOpts = { parent: this, dependsOn: [...nsDeps, ...(m?.contract.ready ?? [])] };
        this.serviceMonitor = m
            ? new k8s.apiextensions.CustomResource(
                  name,
                  { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata, spec: serviceMonitorSpec(ns, selector, m) },
                  { ...crOpts, dependsOn: [...crOpts.dependsOn, this.service] },
              )
            : undefined;
        this.sloRule = m?.slo
            ? new k8s.apiextensions.CustomResource(
                  `${name}-slo`,
                  {
                      apiVersion: "monitoring.coreos.com/v1",
                      kind: "PrometheusRule",
                      metadata: { ...metadata, name: `${name}-slo` },
                      spec: serviceRules({ service: { namespace: ns, name }, slo: m.slo, runbookBaseUrl: m.contract.runbookBaseUrl, alb: m.contract.albServiceMetrics }),
                  },
                  crOpts,
              )
            : undefined;
        // The new version's own series: the SLO's recording rules for the canary (or preview) Service, which the
        // ServiceMonitor scrapes like the stable one (same labels). The AnalysisTemplate reads them.
        this.secondarySloRule =
            d && m?.slo
                ? new k8s.apiextensions.CustomResource(
                      `${d.secondaryService}-slo`,
                      {
                          apiVersion: "monitoring.coreos.com/v1",
                          kind: "PrometheusRule",
                          metadata: { ...metadata, name: `${d.secondaryService}-slo` },
                          spec: recordingRulesOnly(
                              serviceRules({ service: { namespace: ns, name: d.secondaryService }, slo: m.slo, runbookBaseUrl: m.contract.runbookBaseUrl, alb: m.contract.albServiceMetrics }),
                          ),
                      },
                      crOpts,
                  )
                : undefined;
        this.registerOutputs({ url: this.url });
    }
}
