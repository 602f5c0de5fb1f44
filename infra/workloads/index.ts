// The workloads layer: application namespaces and services built on the golden path. Today it deploys the
// sample "quotes" service; application teams add theirs the same way (docs/workloads.md).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DataContract } from "../data/contract";
import { IngressContract } from "../ingress/contract";
import { QuotesSettings } from "./config";
import { QuotesDeployment, deployQuotes } from "./quotes";

export * from "./namespace";
export * from "./service";
export * from "./quotes";
export { workloadsSection, type QuotesSettings } from "./config";

export interface WorkloadsArgs {
    provider: k8s.Provider;
    clusterName: pulumi.Input<string>;
    environment: "dev" | "prod";
    kubernetesVersion: string;
    ingress: IngressContract;
    data: DataContract;
    quotes: QuotesSettings;
    tags: Record<string, string>;
}

export class Workloads extends pulumi.ComponentResource {
    readonly quotes: QuotesDeployment;

    constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:Workloads", name, {}, opts);
        this.quotes = deployQuotes(
            {
                provider: args.provider,
                clusterName: args.clusterName,
                environment: args.environment,
                kubernetesVersion: args.kubernetesVersion,
                ingress: args.ingress,
                data: args.data,
                settings: args.quotes,
                tags: args.tags,
            },
            { parent: this },
        );
        this.registerOutputs({ quotesUrl: this.quotes.url });
    }
}
