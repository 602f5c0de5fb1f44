// The recipe for "an add-on on the system nodes (or the platform pool), with its own Pod Identity role": the
// pinned chart from the catalogue, the identity (role, permissions, association), the placement's dependencies,
// and the pods it asks for, declared to the capacity ledger. The release waits for the node group (or NodePool),
// the pod identity agent, the role, its permissions AND the association: a controller that starts before its
// permissions exist crash-loops on AccessDenied until they do.
//
// A plain function, not a component: resources keep the parent (and so the URN) of the layer that calls it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PodDemand } from "./capacity";
import { ChartRef } from "./charts";
import { chartRelease } from "./helm";
import { PolicyDocument } from "./iamDocuments";
import { Tags } from "./naming";
import { Placement } from "./placement";
import { WorkloadIdentity } from "./workloadIdentity";
import type { ClusterContract } from "../cluster/contract";

export interface SystemChartIdentity {
    /** Logical name of the WorkloadIdentity; defaults to the release's logical name. */
    name?: string;
    serviceAccount: string;
    policy?: pulumi.Input<PolicyDocument>;
    managedPolicies?: string[];
}

export interface SystemChartArgs {
    cluster: ClusterContract;
    /** cluster.system or karpenter.platform: its dependsOn is added to the release's. */
    placement: Placement;
    chart: ChartRef;
    namespace: string;
    releaseName: string;
    createNamespace?: boolean;
    /** Chart values; put placement.nodeSelector / tolerations / zoneSpread under the chart's own keys. */
    values: pulumi.Input<Record<string, unknown>>;
    identity?: SystemChartIdentity;
    /** What the values ask for (replicas x requests, DaemonSets per node): declared to the capacity ledger. */
    pods: PodDemand[];
    skipCrds?: boolean;
    timeoutSeconds?: number;
    dependsOn?: pulumi.Resource[];
    tags: Tags;
}

export interface SystemChartResult {
    release: k8s.helm.v3.Release;
    identity?: WorkloadIdentity;
}

export function systemChart(name: string, args: SystemChartArgs, opts: { parent: pulumi.Resource }): SystemChartResult {
    const identity = args.identity
        ? new WorkloadIdentity(
              args.identity.name ?? name,
              {
                  clusterName: args.cluster.nameOutput,
                  namespace: args.namespace,
                  serviceAccount: args.identity.serviceAccount,
                  ...(args.identity.policy !== undefined ? { policy: args.identity.policy } : {}),
                  ...(args.identity.managedPolicies ? { managedPolicies: args.identity.managedPolicies } : {}),
                  partition: args.cluster.account.partition,
                  tags: args.tags,
              },
              { parent: opts.parent },
          )
        : undefined;
    args.cluster.capacity.add(args.placement.pool, args.pods);
    const release = chartRelease(
        name,
        {
            chart: args.chart,
            namespace: args.namespace,
            releaseName: args.releaseName,
            values: args.values,
            ...(args.createNamespace ? { createNamespace: true } : {}),
            ...(args.skipCrds ? { skipCrds: true } : {}),
            ...(args.timeoutSeconds ? { timeoutSeconds: args.timeoutSeconds } : {}),
        },
        {
            parent: opts.parent,
            provider: args.cluster.provider,
            dependsOn: [
                ...(args.dependsOn ?? []),
                ...args.placement.dependsOn,
                ...(identity ? [args.cluster.podIdentityAgent, identity.role, ...identity.permissions, identity.association] : []),
            ],
        },
    );
    return { release, ...(identity ? { identity } : {}) };
}
