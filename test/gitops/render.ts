// Renders what the gitops specs inspect: ProductionServices released by Argo Rollouts (canary and blue/green, with the
// stand-in contracts of the layers they need) and the quotes service, in a mock stack of their own (test data only).
import type { RolloutsContract } from "../../infra/gitops/contract";
import type { ObservabilityContract } from "../../infra/observability/contract";
import { ALB_SERVICE_METRICS } from "../../infra/observability/rules";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { QuotesSettings } from "../../infra/workloads/config";
import { NamespaceBaseline } from "../../infra/workloads/namespace";
import { deployQuotes } from "../../infra/workloads/quotes";
import { DeliveryStrategy, ProductionService, ProductionServiceArgs } from "../../infra/workloads/service";
import { ProgramRun } from "../../tools/offline/run";
import { IMAGE, namespaceArgs } from "../workloads/fixtures";
import { fakeData, fakeIngress, fakeSecrets, render } from "../workloads/render";

export const PROMETHEUS_URL = "http://kps-prometheus.monitoring.svc:9090";

export function observabilityContract(): ObservabilityContract {
    return {
        ready: [],
        namespace: "monitoring",
        runbookBaseUrl: "https://git.example.com/platform/blob/main/docs/runbooks.md",
        albServiceMetrics: ALB_SERVICE_METRICS,
        dashboardLabel: { grafana_dashboard: "1" },
        prometheusUrl: PROMETHEUS_URL,
        alertmanagerUrl: "http://kps-alertmanager.monitoring.svc:9093",
    };
}

export function rolloutsContract(): RolloutsContract {
    return { ready: [], controllerNamespace: "argo-rollouts" };
}

/** A service with an SLO, released by Argo Rollouts with `strategy`. */
export function deliveryArgs(strategy: DeliveryStrategy, environment: "dev" | "prod", extra: Partial<ProductionServiceArgs> = {}): ProductionServiceArgs {
    return {
        namespace: "team",
        environment,
        image: IMAGE,
        ingress: { contract: fakeIngress(environment) },
        serviceMonitor: { contract: observabilityContract() },
        slo: { latency: { p90: 0.2, p95: 0.4, p99: 0.8 } },
        delivery: { strategy, rollouts: rolloutsContract() },
        ...extra,
    };
}

/** Renders one ProductionService named "api" in a NamespaceBaseline "team". */
export function renderService(args: ProductionServiceArgs): Promise<ProgramRun> {
    return render(() => {
        const ns = new NamespaceBaseline("team", namespaceArgs());
        new ProductionService("api", { ...args, namespace: ns });
    });
}

/** The quotes service of an environment's defaults with `delivery`, every layer it needs present. */
export function renderQuotes(environment: "dev" | "prod", delivery: QuotesSettings["delivery"]): Promise<ProgramRun> {
    return render(
        (provider) =>
            void deployQuotes({
                provider,
                clusterName: `platform-${environment}`,
                environment,
                ingress: fakeIngress(environment),
                data: fakeData(),
                secrets: fakeSecrets(),
                settings: { ...(ENVIRONMENT_DEFAULTS[environment]["quotes"] as QuotesSettings), delivery },
                tags: {},
                observability: observabilityContract(),
                rollouts: rolloutsContract(),
            }),
    );
}
