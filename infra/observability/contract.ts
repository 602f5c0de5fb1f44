// What the observability layer hands to the layers that publish services (the golden path): where monitors and rules
// go, what their custom resources must wait for, and the names the per-service rules need. No secret crosses it.
import * as pulumi from "@pulumi/pulumi";
import { AlbMetricNames } from "../lib/serviceRules";

export interface ObservabilityContract {
    /** ServiceMonitor / PrometheusRule custom resources depend on these (the CRD release and the operator's release). */
    ready: pulumi.Resource[];
    /** Namespace of Prometheus, Alertmanager and Grafana. */
    namespace: string;
    /** `<runbookBaseUrl>#<alert>`: the per-service alerts link into docs/runbooks.md the same way. */
    runbookBaseUrl: string;
    /** YACE metric names of the ALB target-group series (the "alb" SLO indicator). */
    albServiceMetrics: AlbMetricNames;
    /** Label that makes Grafana's sidecar load a ConfigMap as a dashboard. */
    dashboardLabel: Record<string, string>;
    /** In-cluster query URLs. */
    prometheusUrl: string;
    alertmanagerUrl: string;
}
