// The HorizontalPodAutoscaler (autoscaling/v2) spec: CPU (and optionally memory) utilisation targets,
// slow bounded scale-in, fast bounded scale-out.
import * as k8s from "@pulumi/kubernetes";
import { ResolvedService } from "../resolve";

export function autoscalerSpec(
    name: string,
    a: NonNullable<ResolvedService["autoscaling"]>,
    /** The scaled workload's kind: a Deployment, or a Rollout (which serves the scale subresource). */
    target: { apiVersion: string; kind: string } = { apiVersion: "apps/v1", kind: "Deployment" },
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
    const metrics: k8s.types.input.autoscaling.v2.MetricSpec[] = [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuUtilization } } },
    ];
    if (a.targetMemoryUtilization !== undefined) {
        metrics.push({ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: a.targetMemoryUtilization } } });
    }
    return {
        scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics,
        behavior: {
            // Scale in slowly: wait out a noisy dip, then drop at most 25% (or 2 pods) a minute.
            scaleDown: {
                stabilizationWindowSeconds: a.scaleDownStabilizationSeconds,
                selectPolicy: "Min",
                policies: [
                    { type: "Percent", value: 25, periodSeconds: 60 },
                    { type: "Pods", value: 2, periodSeconds: 60 },
                ],
            },
            // Scale out fast but bounded: double or add 4 pods per 30 s, whichever is more.
            scaleUp: {
                stabilizationWindowSeconds: 0,
                selectPolicy: "Max",
                policies: [
                    { type: "Percent", value: 100, periodSeconds: 30 },
                    { type: "Pods", value: 4, periodSeconds: 30 },
                ],
            },
        },
    };
}
