// One way to install a chart: pinned version from the catalogue, atomic upgrades, history kept short.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartRef } from "./charts";

export interface ChartReleaseArgs {
    chart: ChartRef;
    namespace: pulumi.Input<string>;
    /** Helm release name; the chart's resource names derive from it. */
    releaseName: string;
    values: pulumi.Input<Record<string, unknown>>;
    createNamespace?: boolean;
    /** Seconds Helm waits for the release to become ready. */
    timeoutSeconds?: number;
    /** Skip the chart's crds/ directory (when a separate CRD chart owns the CRDs). */
    skipCrds?: boolean;
}

export function chartRelease(name: string, args: ChartReleaseArgs, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(
        name,
        {
            name: args.releaseName,
            chart: args.chart.chart,
            version: args.chart.version,
            ...(args.chart.repo ? { repositoryOpts: { repo: args.chart.repo } } : {}),
            namespace: args.namespace,
            createNamespace: args.createNamespace ?? false,
            values: args.values,
            ...(args.skipCrds ? { skipCrds: true } : {}),
            atomic: true,
            cleanupOnFail: true,
            maxHistory: 10,
            timeout: args.timeoutSeconds ?? 600,
        },
        opts,
    );
}
