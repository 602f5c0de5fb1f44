// The Rollout (argoproj.io/v1alpha1) that replaces the Deployment when a service chooses progressive delivery, its
// AnalysisTemplate, and the ALB action the Ingress starts with. Fields per the Argo Rollouts v1.9.0 CRDs
// (manifests/crds/{rollout,analysis-template}-crd.yaml) and the controller's own validation
// (pkg/apis/rollouts/validation/validation.go): with ALB traffic routing both Services are required and must differ,
// dynamicStableScale needs traffic routing and excludes scaleDownDelaySeconds.
import * as k8s from "@pulumi/kubernetes";
import { PrometheusRuleSpec, isAlert, num } from "../../../lib/promRules";
import { RECORD } from "../../../lib/serviceRules";
import { ResolvedDelivery } from "../delivery";
import { ProductionServiceArgs } from "../args";
import { ResolvedService } from "../resolve";
import { deploymentSpec } from "./deployment";

export const ROLLOUT_API_VERSION = "argoproj.io/v1alpha1";
/** The label Argo Rollouts puts on the pods of each ReplicaSet it creates (the Deployment controller's is pod-template-hash). */
export const ROLLOUT_HASH_LABEL = "rollouts-pod-template-hash";
/** The Service port the golden path exposes (service `http` port 80 → container `http`). */
export const SERVICE_PORT = 80;

/**
 * The series the analysis reads: what the per-service SLO rules record (infra/lib/serviceRules.ts), labelled
 * {namespace, service}: the 5xx ratio over 5 minutes and the p99 request latency in seconds.
 */
export const ANALYSIS_SERIES = {
    errorRatio: RECORD.errors("5m"),
    latencyP99: RECORD.latency(99),
} as const;

/**
 * The recording rules alone (no alerts) of a service's SLO rules: rendered for the canary (or preview) Service, so the
 * new version has series of its own to be judged by, without paging anyone for a canary the analysis already handles.
 */
export function recordingRulesOnly(spec: PrometheusRuleSpec): PrometheusRuleSpec {
    return { groups: spec.groups.filter((g) => g.rules.every((r) => !isAlert(r))) };
}

export const analysisTemplateName = (name: string): string => `${name}-slo`;

/** The analysis queries, with the template's {{args.*}} placeholders (resolved by the controller before each query). */
export function analysisQueries(): { successRate: string; latencyP99: string } {
    const sel = '{namespace="{{args.namespace}}", service="{{args.service}}"}';
    return {
        successRate: `min(1 - ${ANALYSIS_SERIES.errorRatio}${sel})`,
        latencyP99: `max(${ANALYSIS_SERIES.latencyP99}${sel})`,
    };
}

/**
 * AnalysisTemplate.spec: the new version's success rate and p99 latency, measured every `interval`. A measurement
 * fails past its threshold; more than `failureLimit` failures fail the run, and a failed run aborts the Rollout, which
 * sends all traffic back to the stable version. No data (an empty result: no traffic, or no recorded series) and NaN
 * meet neither condition: the measurement is Inconclusive and the Rollout pauses for a person
 * (docs/features/analysis.md @ v1.9.0, "Empty array", "NaN and Infinity", "Inconclusive Runs").
 * Blue/green runs it after promotion (post-promotion analysis) for a fixed count; the canary runs it in the background
 * until the release completes.
 */
export function analysisTemplateSpec(d: ResolvedDelivery): Record<string, unknown> {
    const q = analysisQueries();
    const minSuccess = num(1 - d.analysis.maxErrorRatio);
    const maxP99 = num(d.analysis.maxP99LatencySeconds);
    const common = {
        interval: d.analysis.interval,
        failureLimit: d.analysis.failureLimit,
        ...(d.strategy === "blueGreen" ? { initialDelay: "2m", count: 5 } : {}),
    };
    const prometheus = (query: string) => ({ prometheus: { address: d.prometheusUrl, timeout: 30, query } });
    return {
        args: [{ name: "namespace" }, { name: "service" }],
        metrics: [
            {
                name: "success-rate",
                ...common,
                successCondition: `len(result) > 0 && result[0] >= ${minSuccess}`,
                failureCondition: `len(result) > 0 && result[0] < ${minSuccess}`,
                provider: prometheus(q.successRate),
            },
            {
                name: "latency-p99",
                ...common,
                successCondition: `len(result) > 0 && result[0] <= ${maxP99}`,
                failureCondition: `len(result) > 0 && result[0] > ${maxP99}`,
                provider: prometheus(q.latencyP99),
            },
        ],
    };
}

/**
 * The action Argo Rollouts keeps in `alb.ingress.kubernetes.io/actions.<stable>` (getForwardActionString,
 * rollout/trafficrouting/alb/alb.go @ v1.9.0), in its at-rest form: the canary at weight 0, the stable at 100. The
 * Ingress is created with it, so the AWS Load Balancer Controller can reconcile the Ingress before the Rollout exists
 * (`use-annotation` without the annotation fails the whole shared ALB group), and Pulumi and the controller agree on it
 * whenever no release is in progress.
 */
export function albForwardAction(stableService: string, canaryService: string): string {
    return JSON.stringify({
        Type: "forward",
        ForwardConfig: {
            TargetGroups: [
                { ServiceName: canaryService, ServicePort: String(SERVICE_PORT), Weight: 0 },
                { ServiceName: stableService, ServicePort: String(SERVICE_PORT), Weight: 100 },
            ],
        },
    });
}

/** Canary weights the platform walks through; a pause follows each but the last. */
export const CANARY_WEIGHTS = [10, 25, 50, 100] as const;

export function rolloutSpec(
    name: string,
    namespace: string,
    args: ProductionServiceArgs,
    s: ResolvedService,
    d: ResolvedDelivery,
    selector: Record<string, string>,
    labels: Record<string, string>,
): Record<string, unknown> {
    // The same pod template as the Deployment's (probes, preStop, security context, spread), spread per ReplicaSet by
    // the label Argo Rollouts sets.
    const base: k8s.types.input.apps.v1.DeploymentSpec = deploymentSpec(name, args, s, selector, labels, ROLLOUT_HASH_LABEL);
    const analysis = { templates: [{ templateName: analysisTemplateName(name) }] };
    const analysisArgs = (service: string) => [
        { name: "namespace", value: namespace },
        { name: "service", value: service },
    ];
    const strategy =
        d.strategy === "canary"
            ? {
                  canary: {
                      stableService: name,
                      canaryService: d.secondaryService,
                      // The stable ReplicaSet shrinks as the canary's weight grows: no double capacity during a release.
                      dynamicStableScale: true,
                      maxSurge: s.maxSurge,
                      maxUnavailable: 0,
                      trafficRouting: { alb: { ingress: name, servicePort: SERVICE_PORT } },
                      // Background analysis from the first weight step until the release completes.
                      analysis: { ...analysis, args: analysisArgs(d.secondaryService), startingStep: 1 },
                      steps: CANARY_WEIGHTS.flatMap((w, i) => [{ setWeight: w }, ...(i < CANARY_WEIGHTS.length - 1 ? [{ pause: { duration: d.stepPause } }] : [])]),
                  },
              }
            : {
                  blueGreen: {
                      activeService: name,
                      previewService: d.secondaryService,
                      autoPromotionEnabled: d.autoPromotion,
                      // After the switch, on the active Service (which now selects the new pods); a failure switches it
                      // back to the previous ReplicaSet, still running until the analysis succeeds.
                      postPromotionAnalysis: { ...analysis, args: analysisArgs(name) },
                  },
              };
    return {
        ...(base.replicas !== undefined ? { replicas: base.replicas } : {}),
        revisionHistoryLimit: base.revisionHistoryLimit,
        selector: base.selector,
        template: base.template,
        // A release that does not become healthy in 10 minutes is aborted (traffic back to stable), not left half-done.
        progressDeadlineSeconds: 600,
        progressDeadlineAbort: true,
        strategy,
    };
}
