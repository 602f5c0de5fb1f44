// The workloads layer: application namespaces and services built on the golden path. Today it deploys the
// sample "quotes" service; application teams add theirs the same way (docs/workloads.md).
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../cluster/contract";
import { DataContract } from "../data/contract";
import { IngressContract } from "../ingress/contract";
import type { SecretsContract } from "../secrets/contract";
import type { ObservabilityContract } from "../observability/contract";
import type { RolloutsContract } from "../gitops/contract";
import { QuotesSettings } from "./config";
import { QuotesDeployment, deployQuotes } from "./quotes";

export * from "./namespace";
export * from "./service";
export * from "./quotes";
export { workloadsSection, type QuotesSettings } from "./config";

export interface WorkloadsArgs {
    cluster: ClusterContract;
    environment: "dev" | "prod";
    ingress: IngressContract;
    data: DataContract;
    secrets: SecretsContract;
    quotes: QuotesSettings;
    tags: Record<string, string>;
    /** With the observability layer: services get ServiceMonitors and SLO rules. */
    observability?: ObservabilityContract;
    /** With the gitops layer: services may release through Argo Rollouts (platform:quotes.delivery). */
    rollouts?: RolloutsContract;
}

/** The flat stack outputs this layer owns. */
export interface WorkloadsOutputs {
    /** Public URL of the sample service, when the stack has a domain. */
    quotesUrl?: string;
}

export class Workloads extends pulumi.ComponentResource {
    readonly quotes: QuotesDeployment;
    readonly outputs: WorkloadsOutputs;
    readonly notices: string[] = [];

    constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:Workloads", name, {}, opts);
        this.quotes = deployQuotes(
            {
                provider: args.cluster.provider,
                clusterName: args.cluster.nameOutput,
                environment: args.environment,
                kubernetesVersion: args.cluster.kubernetesVersion,
                ingress: args.ingress,
                data: args.data,
                secrets: args.secrets,
                settings: args.quotes,
                tags: args.tags,
                ...(args.observability ? { observability: args.observability } : {}),
                ...(args.rollouts ? { rollouts: args.rollouts } : {}),
            },
            { parent: this },
        );
        this.notices.push(...this.quotes.notices);
        this.outputs = this.quotes.url ? { quotesUrl: this.quotes.url } : {};
        this.registerOutputs({ quotesUrl: this.quotes.url });
    }
}
