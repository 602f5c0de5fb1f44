// The EKS cluster (@pulumi/eks v4): API authentication with access entries, private endpoint, all
// control-plane logs, envelope encryption with a customer KMS key, OIDC; a managed on-demand system node
// group (tainted CriticalAddonsOnly) for the controllers (nodeGroup.ts); managed add-ons; a default encrypted gp3
// StorageClass; metrics-server; and the Kubernetes provider every Kubernetes resource uses. Other layers see it
// through its ClusterContract (contract.ts).
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AccountContext } from "../lib/account";
import { CapacityLedger, managedAddonDemands } from "../lib/capacity";
import { charts } from "../lib/charts";
import { customerKey } from "../lib/kms";
import { Tags } from "../lib/naming";
import { SYSTEM_NODE_LABEL, SYSTEM_NODE_TOLERATION, zoneSpread } from "../lib/placement";
import { systemChart } from "../lib/systemChart";
import { WorkloadIdentity } from "../lib/workloadIdentity";
import { CONTROL_PLANE_LOG_TYPES, corednsReplicas, managedAddons } from "./addons";
import { ClusterContract } from "./contract";
import { SystemNodeSettings, systemNodeGroup } from "./nodeGroup";

export type { ClusterContract } from "./contract";
export type { SystemNodeSettings } from "./nodeGroup";

export interface ClusterArgs {
    clusterName: string;
    kubernetesVersion: string;
    vpcId: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<string>[];
    endpointPublicAccess: boolean;
    publicAccessCidrs: string[];
    adminPrincipalArns: string[];
    systemNodes: SystemNodeSettings;
    logRetentionDays: number;
    protectStateful: boolean;
    account: AccountContext;
    tags: Tags;
}

/** The flat stack outputs this layer owns (names are a public interface). */
export interface ClusterOutputs {
    clusterName: pulumi.Output<string>;
    clusterEndpoint: pulumi.Output<string>;
    clusterSecurityGroupId: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    kubeconfig: pulumi.Output<string>;
}

export class Cluster extends pulumi.ComponentResource {
    readonly contract: ClusterContract;
    readonly outputs: ClusterOutputs;
    readonly notices: string[] = [];
    readonly kubeconfig: pulumi.Output<string>;
    readonly secretsKeyArn: pulumi.Output<string>;
    readonly systemNodeRoleArn: pulumi.Output<string>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:Cluster", name, {}, opts);
        const parent = { parent: this };

        const secretsKey = customerKey(
            `${name}-secrets`,
            { description: `EKS secrets envelope encryption for ${args.clusterName}`, alias: `${args.clusterName}-eks-secrets`, protect: args.protectStateful, tags: args.tags },
            parent,
        );

        // EKS writes control-plane logs here; creating the group first gives it a retention.
        const controlPlaneLogs = new aws.cloudwatch.LogGroup(
            `${name}-control-plane`,
            { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionDays, tags: args.tags },
            parent,
        );

        const accessEntries: Record<string, eks.types.input.AccessEntryArgs> = {};
        args.adminPrincipalArns.forEach((principalArn, i) => {
            accessEntries[`admin-${i}`] = {
                principalArn,
                type: eks.AccessEntryType.Standard,
                accessPolicies: {
                    clusterAdmin: {
                        policyArn: pulumi.interpolate`arn:${args.account.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                        accessScope: { type: "cluster" },
                    },
                },
            };
        });

        const cluster = new eks.Cluster(
            name,
            {
                name: args.clusterName,
                version: args.kubernetesVersion,
                vpcId: args.vpcId,
                privateSubnetIds: args.privateSubnetIds,
                nodeAssociatePublicIpAddress: false,
                endpointPrivateAccess: true,
                endpointPublicAccess: args.endpointPublicAccess,
                ...(args.endpointPublicAccess ? { publicAccessCidrs: args.publicAccessCidrs } : {}),
                authenticationMode: eks.AuthenticationMode.Api,
                accessEntries,
                enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
                encryptionConfigKeyArn: secretsKey.arn,
                createOidcProvider: true,
                skipDefaultNodeGroup: true,
                // Nodes use the security group EKS creates for the cluster; no extra node group SGs to drift.
                skipDefaultSecurityGroups: true,
                deletionProtection: args.protectStateful,
                // vpc-cni and kube-proxy are DaemonSets and install before any node exists; network policy
                // enforcement makes NetworkPolicies actually apply.
                vpcCniOptions: { enableNetworkPolicy: true },
                kubeProxyAddonOptions: { enabled: true },
                // coredns needs nodes: it is created below, after the system node group.
                corednsAddonOptions: { enabled: false },
                tags: args.tags,
            },
            { parent: this, dependsOn: [controlPlaneLogs] },
        );

        // Values only known once the cluster exists. Reading them through the component's outputs keeps the
        // dependency on the cluster in every resource that uses them.
        const clusterName = cluster.kubeconfigJson.apply(() => args.clusterName);
        const described = aws.eks.getClusterOutput({ name: clusterName }, parent);
        const securityGroupId = described.vpcConfig.clusterSecurityGroupId;
        this.secretsKeyArn = secretsKey.arn;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);

        // Karpenter's EC2NodeClass finds the node security group by this tag; exactly one group carries it.
        new aws.ec2.Tag(`${name}-karpenter-discovery`, { resourceId: securityGroupId, key: "karpenter.sh/discovery", value: args.clusterName }, parent);

        const nodes = systemNodeGroup(
            name,
            { clusterName: args.clusterName, clusterNameOutput: clusterName, privateSubnetIds: args.privateSubnetIds, settings: args.systemNodes, account: args.account, tags: args.tags },
            this,
        );
        this.systemNodeRoleArn = nodes.roleArn;

        const ebsCsiIdentity = new WorkloadIdentity(
            `${name}-ebs-csi`,
            {
                clusterName,
                namespace: "kube-system",
                serviceAccount: "ebs-csi-controller-sa",
                managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
                partition: args.account.partition,
                tags: args.tags,
            },
            parent,
        );

        const addonDeps: pulumi.Resource[] = [nodes.nodeGroup];
        let podIdentityAgent: aws.eks.Addon | undefined;
        for (const addon of managedAddons(args.systemNodes.desiredSize)) {
            const version = aws.eks.getAddonVersionOutput({ addonName: addon.name, kubernetesVersion: args.kubernetesVersion }, parent);
            const created = new aws.eks.Addon(
                `${name}-${addon.name}`,
                {
                    clusterName,
                    addonName: addon.name,
                    addonVersion: version.version,
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "PRESERVE",
                    ...(addon.configurationValues ? { configurationValues: JSON.stringify(addon.configurationValues) } : {}),
                    tags: args.tags,
                },
                { parent: this, dependsOn: addon.name === "aws-ebs-csi-driver" ? [...addonDeps, ebsCsiIdentity] : addonDeps },
            );
            // The pod identity agent must run before any add-on that relies on Pod Identity.
            if (addon.name === "eks-pod-identity-agent") {
                addonDeps.push(created);
                podIdentityAgent = created;
            }
        }
        if (!podIdentityAgent) throw new Error("managedAddons() must include eks-pod-identity-agent");

        const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true, deleteUnreachable: false }, parent);
        const k8sOpts = { parent: this, provider };

        new k8s.storage.v1.StorageClass(
            `${name}-gp3`,
            {
                metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                provisioner: "ebs.csi.aws.com",
                parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
                reclaimPolicy: "Retain",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            },
            k8sOpts,
        );

        const capacity = new CapacityLedger();
        capacity.add("system", managedAddonDemands(corednsReplicas(args.systemNodes.desiredSize)));
        this.contract = {
            name: args.clusterName,
            nameOutput: clusterName,
            arn: described.arn,
            endpoint: described.endpoint,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
            securityGroupId,
            provider,
            systemNodeGroup: nodes.nodeGroup,
            podIdentityAgent,
            system: { pool: "system", nodeSelector: { ...SYSTEM_NODE_LABEL }, tolerations: [SYSTEM_NODE_TOLERATION], dependsOn: [nodes.nodeGroup] },
            storageClass: "gp3",
            kubernetesVersion: args.kubernetesVersion,
            account: args.account,
            capacity,
        };

        // metrics-server (HPA's resource metrics). Values: charts/metrics-server/values.yaml at 3.13.1
        // (replicas, podDisruptionBudget, nodeSelector, tolerations, resources, topologySpreadConstraints).
        const metricsServerLabels = { "app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/instance": "metrics-server" };
        systemChart(
            `${name}-metrics-server`,
            {
                cluster: this.contract,
                placement: this.contract.system,
                chart: charts.metricsServer,
                namespace: "kube-system",
                releaseName: "metrics-server",
                values: {
                    replicas: 2,
                    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
                    nodeSelector: { ...SYSTEM_NODE_LABEL },
                    tolerations: [SYSTEM_NODE_TOLERATION],
                    resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "400Mi" } },
                    topologySpreadConstraints: zoneSpread(metricsServerLabels),
                },
                pods: [{ component: "metrics-server", replicas: 2, cpu: "100m", memory: "200Mi", memoryLimit: "400Mi" }],
                tags: args.tags,
            },
            parent,
        );

        this.outputs = {
            clusterName,
            clusterEndpoint: described.endpoint,
            clusterSecurityGroupId: securityGroupId,
            oidcProviderArn: cluster.oidcProviderArn,
            kubeconfig: this.kubeconfig,
        };
        this.registerOutputs({
            clusterName,
            clusterEndpoint: described.endpoint,
            clusterSecurityGroupId: securityGroupId,
            kubeconfig: this.kubeconfig,
        });
    }
}
