// Helm values of Argo Rollouts 2.41.0 (app v1.9.0): argoproj/argo-helm charts/argo-rollouts/values.yaml @ 8796aeaa,
// every key checked in test/gitops/upstream.spec.ts.
import { PodDemand } from "../lib/capacity";
import { Placement, zoneSpread } from "../lib/placement";
import { ROLLOUTS_RELEASE, ROLLOUTS_SERVICE_ACCOUNT, Size, resources } from "./values";

export interface RolloutsValuesArgs {
    placement: Pick<Placement, "nodeSelector" | "tolerations">;
    region: string;
    dashboard: boolean;
    verifyTargetGroups: boolean;
}

export const ROLLOUTS_CONTROLLER_SIZE: Size = { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" };
export const ROLLOUTS_DASHBOARD_SIZE: Size = { cpu: "20m", memory: "64Mi", memoryLimit: "128Mi" };
export const ROLLOUTS_CONTROLLER_REPLICAS = 2;

export function rolloutsPods(dashboard: boolean): PodDemand[] {
    const s = ROLLOUTS_CONTROLLER_SIZE;
    const d = ROLLOUTS_DASHBOARD_SIZE;
    return [
        { component: "argo-rollouts/controller", replicas: ROLLOUTS_CONTROLLER_REPLICAS, cpu: s.cpu, memory: s.memory, memoryLimit: s.memoryLimit },
        ...(dashboard ? [{ component: "argo-rollouts/dashboard", replicas: 1, cpu: d.cpu, memory: d.memory, memoryLimit: d.memoryLimit }] : []),
    ];
}

export function rolloutsValues(a: RolloutsValuesArgs): Record<string, unknown> {
    const placement = { nodeSelector: { ...a.placement.nodeSelector }, tolerations: a.placement.tolerations };
    return {
        installCRDs: true,
        keepCRDs: true,
        serviceAccount: { create: true, name: ROLLOUTS_SERVICE_ACCOUNT },
        controller: {
            // Two leader-elected replicas (the chart adds --leader-elect when replicas > 1).
            replicas: ROLLOUTS_CONTROLLER_REPLICAS,
            resources: resources(ROLLOUTS_CONTROLLER_SIZE),
            ...placement,
            topologySpreadConstraints: zoneSpread({ "app.kubernetes.io/name": "argo-rollouts", "app.kubernetes.io/instance": ROLLOUTS_RELEASE, "app.kubernetes.io/component": "rollouts-controller" }),
            pdb: { enabled: true, minAvailable: 1 },
            metrics: { enabled: true },
            // --aws-verify-target-group: before scaling down the old pods (or moving on after a setWeight) the controller
            // checks through the ELB API that the target groups hold the new pod IPs and weights (docs/features/
            // traffic-management/alb.md @ v1.9.0). The docs mention an --aws-region flag, but the v1.9.0 controller has
            // none (cmd/rollouts-controller/main.go); its SDK (config.LoadDefaultConfig, utils/aws/aws.go) reads AWS_REGION.
            awsVerifyTargetGroup: a.verifyTargetGroups,
            extraEnv: a.verifyTargetGroups ? [{ name: "AWS_REGION", value: a.region }] : [],
        },
        // Only the RBAC of the traffic provider the platform uses (TargetGroupBindings of the AWS Load Balancer Controller).
        providerRBAC: {
            enabled: true,
            providers: {
                istio: false,
                smi: false,
                ambassador: false,
                awsLoadBalancerController: true,
                awsAppMesh: false,
                traefik: false,
                apisix: false,
                contour: false,
                glooPlatform: false,
                gatewayAPI: false,
            },
        },
        dashboard: {
            enabled: a.dashboard,
            // The dashboard has no login of its own: read-only, ClusterIP, reached with kubectl port-forward. Promote and
            // abort go through `kubectl argo rollouts` (the caller's own RBAC) or Argo CD's resource actions.
            readonly: true,
            replicas: 1,
            resources: resources(ROLLOUTS_DASHBOARD_SIZE),
            ...placement,
            service: { type: "ClusterIP" },
            ingress: { enabled: false },
        },
    };
}
