// What the gitops layer hands to the layers that release services (the golden path's progressive delivery).
import * as pulumi from "@pulumi/pulumi";

export interface RolloutsContract {
    /** Rollout and AnalysisTemplate custom resources depend on these (the argo-rollouts release, which installs the CRDs). */
    ready: pulumi.Resource[];
    /** Namespace of the Rollouts controller: it runs the AnalysisRuns, so the Prometheus query comes from there. */
    controllerNamespace: string;
}

export interface GitopsContract {
    rollouts: RolloutsContract;
    /** Namespace of Argo CD (Application and AppProject objects live there). */
    argocdNamespace: string;
}
