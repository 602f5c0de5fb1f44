// The Platform component: composition only. Each layer gets what it needs through typed args; no layer
// reaches into another's internals.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "./cluster";
import { PlatformConfig } from "./config";
import { Karpenter } from "./karpenter";
import { DataTier } from "./data";
import { Ingress } from "./ingress";
import { Network } from "./network";
import { Workloads } from "./workloads";
import { planSubnets } from "./network/subnets";

export interface PlatformOutputs {
    /** What this stack deliberately leaves out, in words (the offline plan prints these). */
    notices: string[];
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
    /** Data tier: endpoints and the ARNs of the credentials' secrets; never a credential. */
    databaseAddress: pulumi.Output<string>;
    databasePort: pulumi.Output<number>;
    databaseName: string;
    databaseUsername: string;
    databaseCredentialSecretArn: pulumi.Output<string>;
    databaseSecurityGroupId: pulumi.Output<string>;
    cachePrimaryAddress: pulumi.Output<string>;
    cacheReaderAddress: pulumi.Output<string>;
    cachePort: pulumi.Output<number>;
    cacheAuthTokenSecretArn: pulumi.Output<string>;
    cacheSecurityGroupId: pulumi.Output<string>;
    dataSubnetCidrs: string[];
    backupVaultArn: pulumi.Output<string>;
    dataAlarmTopicArn: pulumi.Output<string>;
    /** "enabled: ..." or "disabled: no platform:ingress.domain set" (dev without a domain). */
    ingressTls: string;
    ingressClassName: string;
    ingressGroupName: string;
    /** Present only when the stack has a platform domain. */
    ingressDomain?: string;
    ingressCertificateArn?: pulumi.Output<string>;
    /** Public URL of the sample service, when the stack has a domain. */
    quotesUrl?: string;
    wafAclArn: pulumi.Output<string>;
    albAccessLogBucket: pulumi.Output<string>;
}

export class Platform extends pulumi.ComponentResource {
    readonly network: Network;
    readonly cluster: Cluster;
    readonly karpenter: Karpenter;
    readonly data: DataTier;
    readonly ingress: Ingress;
    readonly workloads: Workloads;
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
                interfaceEndpoints: cfg.interfaceEndpoints,
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
                podIdentityAgent: this.cluster.podIdentityAgent,
                region: cfg.region,
                tags,
                config: cfg.karpenter,
            },
            { parent: this },
        );
        this.data = new DataTier(
            "data",
            {
                clusterName: cfg.clusterName,
                database: cfg.database,
                cache: cfg.cache,
                alarms: cfg.alarms,
                vpcId: this.network.vpcId,
                dataSubnetIds: this.network.dataSubnetIds,
                dataSubnetCidrs: planSubnets(cfg.vpcCidr, cfg.azCount).data,
                clusterSecurityGroupId: this.cluster.clusterSecurityGroupId,
                logRetentionDays: cfg.logRetentionDays,
                protectStatefulResources: cfg.protectStatefulResources,
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
                podIdentityAgent: this.cluster.podIdentityAgent,
                publicSubnetIds: this.network.publicSubnetIds,
                publicSubnetCidrs: planSubnets(cfg.vpcCidr, cfg.azCount).public,
                settings: cfg.ingress,
                protectStateful: cfg.protectStatefulResources,
                tags,
            },
            { parent: this },
        );
        const data = this.data.contract;

        // Pods in namespaces labelled for readiness-gate injection cannot start before the controller's webhook
        // serves (failurePolicy Fail), so the workloads wait for the whole ingress layer.
        this.workloads = new Workloads(
            "workloads",
            {
                provider: this.cluster.provider,
                clusterName: this.cluster.clusterName,
                environment: cfg.environment,
                kubernetesVersion: cfg.kubernetesVersion,
                ingress: this.ingress.contract,
                data,
                quotes: cfg.quotes,
                tags,
            },
            { parent: this, dependsOn: [this.ingress] },
        );

        this.outputs = {
            notices: this.ingress.tlsStatus.startsWith("disabled")
                ? [`ingress TLS, ACM certificate and external-dns are off: ${this.ingress.tlsStatus.replace(/^disabled: /, "")} (allowed in dev only)`]
                : [],
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
            databaseAddress: data.database.address,
            databasePort: data.database.port,
            databaseName: data.database.databaseName,
            databaseUsername: data.database.username,
            databaseCredentialSecretArn: data.database.credentialSecretArn,
            databaseSecurityGroupId: data.database.securityGroupId,
            cachePrimaryAddress: data.cache.primaryAddress,
            cacheReaderAddress: data.cache.readerAddress,
            cachePort: data.cache.port,
            cacheAuthTokenSecretArn: data.cache.authTokenSecretArn,
            cacheSecurityGroupId: data.cache.securityGroupId,
            dataSubnetCidrs: data.dataSubnetCidrs,
            backupVaultArn: this.data.backup.vaultArn,
            dataAlarmTopicArn: this.data.alarms.topicArn,
            ingressTls: this.ingress.tlsStatus,
            ingressClassName: this.ingress.contract.ingressClassName,
            ingressGroupName: this.ingress.contract.groupName,
            ...(this.ingress.contract.domain ? { ingressDomain: this.ingress.contract.domain } : {}),
            ...(this.ingress.certificateArn ? { ingressCertificateArn: this.ingress.certificateArn } : {}),
            wafAclArn: this.ingress.webAcl.arn,
            albAccessLogBucket: this.ingress.accessLogBucket.bucket,
            ...(this.workloads.quotes.url ? { quotesUrl: this.workloads.quotes.url } : {}),
        };
        this.registerOutputs({});
    }
}
