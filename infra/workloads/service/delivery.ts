// Progressive delivery in the golden path: a ProductionService may be released by Argo Rollouts (a Rollout instead of a
// Deployment), as a canary on the shared ALB or blue/green, with an AnalysisTemplate that reads the service's recorded
// success rate and p99 latency from Prometheus and aborts (rolls back) the release when they fail.
// Fields and behaviour per argoproj/argo-rollouts v1.9.0 (docs/features/canary.md, bluegreen.md, analysis.md,
// traffic-management/alb.md); the CRD checks are in test/gitops/crds.spec.ts.
import type { RolloutsContract } from "../../gitops/contract";
import { ERROR_RATIO, ServiceSlo } from "../../lib/serviceRules";
import type { ServiceMonitorArgs } from "./monitoring";

export type DeliveryStrategy = "canary" | "blueGreen";

export interface AnalysisArgs {
    /**
     * Highest 5xx ratio the new version may show (over the recorded 5-minute rate). Default 0.01 (99 % success): the
     * observability layer's HttpErrorRatioHigh threshold (ERROR_RATIO.warning).
     */
    maxErrorRatio?: number;
    /** Highest p99 latency in seconds the new version may show. Default: the service's slo.latency.p99. */
    maxP99LatencySeconds?: number;
    /** How often each metric is measured (Go duration). Default "1m". */
    interval?: string;
    /** Failed measurements tolerated before the run fails (one noisy minute is not a rollback). Default 1. */
    failureLimit?: number;
}

export interface DeliveryArgs {
    /**
     * canary: the ALB shifts 10 % → 25 % → 50 % → 100 % of requests to the new version through weighted target groups
     * (a stable and a canary Service), pausing between steps; needs `ingress`.
     * blueGreen: the new version starts behind a preview Service and takes all traffic at promotion.
     */
    strategy: DeliveryStrategy;
    /** The gitops layer's contract: the Rollout CRDs to wait for. */
    rollouts: RolloutsContract;
    /** canary: pause after each weight step (Go duration: "30s", "5m", "1h"). Default "5m". */
    stepPause?: string;
    /** blueGreen: promote the preview without a person once it is ready. Default true in dev, false in prod. */
    autoPromotion?: boolean;
    analysis?: AnalysisArgs;
}

export interface ResolvedDelivery {
    strategy: DeliveryStrategy;
    rollouts: RolloutsContract;
    stepPause: string;
    autoPromotion: boolean;
    analysis: Required<AnalysisArgs>;
    /** The observability layer's Prometheus (from serviceMonitor.contract), which holds the SLO's recorded series. */
    prometheusUrl: string;
    /** canary: the Service the canary pods receive traffic through; blueGreen: the preview Service. */
    secondaryService: string;
}

const GO_DURATION = /^[0-9]+(s|m|h)$/;

/** Validates the delivery arguments (problems are `delivery.<field>: expected ..., found ...`) and applies the defaults. */
export function resolveDelivery(
    name: string,
    environment: "dev" | "prod",
    hasIngress: boolean,
    d: DeliveryArgs | undefined,
    monitoring: { serviceMonitor: ServiceMonitorArgs | undefined; slo: ServiceSlo | undefined },
    problems: string[],
): ResolvedDelivery | undefined {
    if (!d) return undefined;
    // The analysis reads the series the service's SLO rules record (in the Prometheus of the observability contract).
    if (!monitoring.serviceMonitor || !monitoring.slo) {
        problems.push(
            `delivery: expected serviceMonitor and slo as well (the analysis that rolls a bad release back reads the success rate and p99 latency the SLO rules record), found ${!monitoring.serviceMonitor ? "no serviceMonitor" : "no slo"}`,
        );
    }
    if (d.strategy !== "canary" && d.strategy !== "blueGreen") {
        problems.push(`delivery.strategy: expected "canary" or "blueGreen", found ${JSON.stringify(d.strategy)}`);
        return undefined;
    }
    if (d.strategy === "canary" && !hasIngress) {
        problems.push('delivery.strategy: expected ingress to be set for "canary" (the traffic split is done by the ALB\'s weighted target groups), found no ingress; use "blueGreen" for an internal service');
    }
    const stepPause = d.stepPause ?? "5m";
    if (!GO_DURATION.test(stepPause)) problems.push(`delivery.stepPause: expected a duration like 30s, 5m or 1h, found ${JSON.stringify(stepPause)}`);
    if (d.stepPause !== undefined && d.strategy !== "canary") problems.push(`delivery.stepPause: expected only with the "canary" strategy, found it with "${d.strategy}"`);
    if (d.autoPromotion !== undefined && d.strategy !== "blueGreen") problems.push(`delivery.autoPromotion: expected only with the "blueGreen" strategy, found it with "${d.strategy}"`);
    const a = d.analysis ?? {};
    const analysis: Required<AnalysisArgs> = {
        maxErrorRatio: a.maxErrorRatio ?? ERROR_RATIO.warning,
        maxP99LatencySeconds: a.maxP99LatencySeconds ?? monitoring.slo?.latency.p99 ?? 0.5,
        interval: a.interval ?? "1m",
        failureLimit: a.failureLimit ?? 1,
    };
    if (!(analysis.maxErrorRatio > 0 && analysis.maxErrorRatio < 1)) problems.push(`delivery.analysis.maxErrorRatio: expected a ratio between 0 and 1 (exclusive), like 0.01, found ${analysis.maxErrorRatio}`);
    if (!(analysis.maxP99LatencySeconds > 0 && analysis.maxP99LatencySeconds <= 60)) problems.push(`delivery.analysis.maxP99LatencySeconds: expected seconds between 0 and 60, found ${analysis.maxP99LatencySeconds}`);
    if (!GO_DURATION.test(analysis.interval)) problems.push(`delivery.analysis.interval: expected a duration like 30s or 1m, found ${JSON.stringify(analysis.interval)}`);
    if (!(Number.isInteger(analysis.failureLimit) && analysis.failureLimit >= 0 && analysis.failureLimit <= 10)) problems.push(`delivery.analysis.failureLimit: expected an integer from 0 to 10, found ${analysis.failureLimit}`);
    const prometheusUrl = monitoring.serviceMonitor?.contract.prometheusUrl ?? "";
    if (monitoring.serviceMonitor && !/^https?:\/\/\S+$/.test(prometheusUrl)) {
        problems.push(`serviceMonitor.contract.prometheusUrl: expected an http(s) URL of Prometheus (the analysis queries it), found ${JSON.stringify(prometheusUrl)}`);
    }
    const suffix = d.strategy === "canary" ? "canary" : "preview";
    if (`${name}-${suffix}`.length > 63) problems.push(`name: expected at most ${62 - suffix.length} characters with delivery (the ${suffix} Service is named <name>-${suffix}), found ${name.length}`);
    return {
        strategy: d.strategy,
        rollouts: d.rollouts,
        stepPause,
        autoPromotion: d.autoPromotion ?? environment !== "prod",
        analysis,
        prometheusUrl,
        secondaryService: `${name}-${suffix}`,
    };
}
