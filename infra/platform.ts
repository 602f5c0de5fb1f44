// The Platform component: composition only. Each layer gets what it needs through typed args; no layer
// reaches into another's internals.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "./cluster";
import { PlatformConfig } from "./config";
import { Karpenter } from "./karpenter";
import { Network } from "./network";

export interface PlatformOutputs {
    region: string;
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string>[];
    dataSubnetIds: pulumi.Output<string>[];
    clusterName: pulumi.Output<string>;
    clusterEndpoint: pulumi.Output<string>;
    clusterSecurityGroupId: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    kubeconfig: pulumi.Output<string>;
    karpenterInterruptionQueueName: pulumi.Output<string>;
    karpenterNodeRoleName: pulumi.Output<string>;
}

export class Platform extends pulumi.ComponentResource {
    readonly network: Network;
    readonly cluster: Cluster;
    readonly karpenter: Karpenter;
    readonly outputs: PlatformOutputs;

    constructor(name: string, cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:Platform", name, {}, opts);
        const tags = cfg.commonTags;

        this.network = new Network(
            "network",
            {
                vpcCidr: cfg.vpcCidr,
                azCount: cfg.azCount,
                natStrategy: cfg.natStrategy,
                clusterName: cfg.clusterName,
                region: cfg.region,
                logRetentionDays: cfg.logRetentionDays,
                tags,
            },
            { parent: this },
        );

        this.cluster = new Cluster(
            "cluster",
            {
                clusterName: cfg.clusterName,
                kubernetesVersion: cfg.kubernetesVersion,
                vpcId: this.network.vpcId,
                privateSubnetIds: this.network.privateSubnetIds,
                endpointPublicAccess: cfg.endpointPublicAccess,
                publicAccessCidrs: cfg.publicAccessCidrs,
                adminPrincipalArns: cfg.adminPrincipalArns,
                systemNodes: cfg.systemNodes,
                logRetentionDays: cfg.logRetentionDays,
                protectStateful: cfg.protectStatefulResources,
                tags,
            },
            { parent: this },
        );

        this.karpenter = new Karpenter(
            "karpenter",
            {
                clusterName: this.cluster.clusterName,
                clusterArn: this.cluster.clusterArn,
                clusterSecurityGroupId: this.cluster.clusterSecurityGroupId,
                provider: this.cluster.provider,
                systemNodeGroup: this.cluster.systemNodeGroup,
                region: cfg.region,
                tags,
                config: cfg.karpenter,
            },
            { parent: this },
        );

        this.outputs = {
            region: cfg.region,
            vpcId: this.network.vpcId,
            privateSubnetIds: this.network.privateSubnetIds,
            dataSubnetIds: this.network.dataSubnetIds,
            clusterName: this.cluster.clusterName,
            clusterEndpoint: this.cluster.clusterEndpoint,
            clusterSecurityGroupId: this.cluster.clusterSecurityGroupId,
            oidcProviderArn: this.cluster.oidcProviderArn,
            kubeconfig: this.cluster.kubeconfig,
            karpenterInterruptionQueueName: this.karpenter.interruptionQueueName,
            karpenterNodeRoleName: this.karpenter.nodeRoleName,
        };
        this.registerOutputs({});
    }
}
