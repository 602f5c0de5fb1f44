// The Platform component: composition only. Each layer gets what it needs through typed args; no layer
// reaches into another's internals.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "./cluster";
import { PlatformConfig } from "./config";
import { Ingress } from "./ingress";
import { Network } from "./network";
import { planSubnets } from "./network/subnets";

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
    /** "enabled: ..." or "disabled: no platform:ingress.domain set" (dev without a domain). */
    ingressTls: string;
    ingressClassName: string;
    ingressGroupName: string;
    ingressDomain: string | undefined;
    ingressCertificateArn: pulumi.Output<string> | undefined;
    wafAclArn: pulumi.Output<string>;
    albAccessLogBucket: pulumi.Output<string>;
}

export class Platform extends pulumi.ComponentResource {
    readonly network: Network;
    readonly cluster: Cluster;
    readonly ingress: Ingress;
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

        this.ingress = new Ingress(
            "ingress",
            {
                clusterName: this.cluster.clusterName,
                stackName: cfg.clusterName,
                vpcId: this.network.vpcId,
                region: cfg.region,
                provider: this.cluster.provider,
                systemNodeGroup: this.cluster.systemNodeGroup,
                publicSubnetIds: this.network.publicSubnetIds,
                publicSubnetCidrs: planSubnets(cfg.vpcCidr, cfg.azCount).public,
                settings: cfg.ingress,
                protectStateful: cfg.protectStatefulResources,
                tags,
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
            ingressTls: this.ingress.tlsStatus,
            ingressClassName: this.ingress.contract.ingressClassName,
            ingressGroupName: this.ingress.contract.groupName,
            ingressDomain: this.ingress.contract.domain,
            ingressCertificateArn: this.ingress.certificateArn,
            wafAclArn: this.ingress.webAcl.arn,
            albAccessLogBucket: this.ingress.accessLogBucket.bucket,
        };
        this.registerOutputs({});
    }
}
