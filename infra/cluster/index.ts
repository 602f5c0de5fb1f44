// The EKS cluster (@pulumi/eks v4): API authentication with access entries, private endpoint, all
// control-plane logs, envelope encryption with a customer KMS key, OIDC; a managed on-demand system node
// group (tainted CriticalAddonsOnly) for the controllers; managed add-ons; a default encrypted gp3
// StorageClass; metrics-server; and the Kubernetes provider every Kubernetes resource uses.
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { charts } from "../lib/charts";
import { chartRelease } from "../lib/helm";
import { Tags } from "../lib/naming";
import { createNodeRole } from "../lib/nodeRole";
import { WorkloadIdentity } from "../lib/workloadIdentity";
import { CONTROL_PLANE_LOG_TYPES, managedAddons } from "./addons";

export interface SystemNodeSettings {
    instanceTypes: string[];
    minSize: number;
    desiredSize: number;
    maxSize: number;
    diskSizeGiB: number;
    amiType: string;
}

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
    tags: Tags;
}

/** The taint that keeps everything but controllers off the system nodes. */
export const SYSTEM_NODE_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" } as const;
export const SYSTEM_NODE_TOLERATION = { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" } as const;
export const SYSTEM_NODE_LABEL = { "platform.io/node-pool": "system" } as const;

export class Cluster extends pulumi.ComponentResource {
    /** The cluster name as an Output that resolves only once the cluster exists. */
    readonly clusterName: pulumi.Output<string>;
    readonly clusterArn: pulumi.Output<string>;
    readonly clusterEndpoint: pulumi.Output<string>;
    /** The EKS-created cluster security group: on every managed node and Karpenter node. */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    readonly oidcProviderArn: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    readonly secretsKeyArn: pulumi.Output<string>;
    readonly systemNodeGroup: aws.eks.NodeGroup;
    readonly systemNodeRoleArn: pulumi.Output<string>;
    /** The eks-pod-identity-agent add-on: anything relying on Pod Identity should wait for it. */
    readonly podIdentityAgent: aws.eks.Addon;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:Cluster", name, {}, opts);
        const parent = { parent: this };

        const secretsKey = new aws.kms.Key(
            `${name}-secrets`,
            {
                description: `EKS secrets envelope encryption for ${args.clusterName}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags: args.tags,
            },
            { parent: this, protect: args.protectStateful },
        );
        new aws.kms.Alias(`${name}-secrets`, { name: `alias/${args.clusterName}-eks-secrets`, targetKeyId: secretsKey.keyId }, parent);

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
                        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
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
        const described = aws.eks.getClusterOutput({ name: cluster.kubeconfigJson.apply(() => args.clusterName) }, parent);
        this.clusterName = cluster.kubeconfigJson.apply(() => args.clusterName);
        this.clusterArn = described.arn;
        this.clusterEndpoint = described.endpoint;
        this.clusterSecurityGroupId = described.vpcConfig.clusterSecurityGroupId;
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.secretsKeyArn = secretsKey.arn;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);

        // Karpenter's EC2NodeClass finds the node security group by this tag; exactly one group carries it.
        new aws.ec2.Tag(
            `${name}-karpenter-discovery`,
            { resourceId: this.clusterSecurityGroupId, key: "karpenter.sh/discovery", value: args.clusterName },
            parent,
        );

        const { role: nodeRole, attachments } = createNodeRole(`${name}-system-nodes`, { description: `System node group of ${args.clusterName}`, partition: "aws", tags: args.tags }, parent);
        this.systemNodeRoleArn = nodeRole.arn;

        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-system-nodes`,
            {
                description: `System nodes of ${args.clusterName}: IMDSv2 only, encrypted gp3 root volume`,
                updateDefaultVersion: true,
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    // Hop limit 1: pods cannot reach the node's instance credentials; they use Pod Identity.
                    httpPutResponseHopLimit: 1,
                    instanceMetadataTags: "disabled",
                },
                // AL2023 has one volume, /dev/xvda (awslabs/amazon-eks-ami templates/al2023/template.json).
                // Bottlerocket has two: the OS volume /dev/xvda and the data volume /dev/xvdb where images and
                // pods' ephemeral storage live (Karpenter's Bottlerocket family, pkg/providers/amifamily/
                // bottlerocket.go): the size goes to /dev/xvdb, and /dev/xvda is listed too (AMI snapshot size)
                // so that it is encrypted as well.
                blockDeviceMappings: [
                    ...(args.systemNodes.amiType.startsWith("BOTTLEROCKET")
                        ? [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }]
                        : []),
                    {
                        deviceName: args.systemNodes.amiType.startsWith("BOTTLEROCKET") ? "/dev/xvdb" : "/dev/xvda",
                        ebs: {
                            volumeType: "gp3",
                            volumeSize: args.systemNodes.diskSizeGiB,
                            encrypted: "true",
                            deleteOnTermination: "true",
                        },
                    },
                ],
                tagSpecifications: [
                    { resourceType: "instance", tags: { ...args.tags, Name: `${args.clusterName}-system` } },
                    { resourceType: "volume", tags: { ...args.tags, Name: `${args.clusterName}-system` } },
                ],
                tags: args.tags,
            },
            parent,
        );

        this.systemNodeGroup = new aws.eks.NodeGroup(
            `${name}-system`,
            {
                clusterName: this.clusterName,
                nodeGroupNamePrefix: "system-",
                nodeRoleArn: nodeRole.arn,
                // One subnet per AZ: the group's Auto Scaling group balances nodes across the zones.
                subnetIds: args.privateSubnetIds,
                capacityType: "ON_DEMAND",
                amiType: args.systemNodes.amiType,
                instanceTypes: args.systemNodes.instanceTypes,
                scalingConfig: {
                    minSize: args.systemNodes.minSize,
                    desiredSize: args.systemNodes.desiredSize,
                    maxSize: args.systemNodes.maxSize,
                },
                updateConfig: { maxUnavailable: 1 },
                launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => String(v)) },
                labels: { ...SYSTEM_NODE_LABEL },
                taints: [{ key: SYSTEM_NODE_TAINT.key, value: SYSTEM_NODE_TAINT.value, effect: "NO_SCHEDULE" }],
                tags: args.tags,
            },
            { parent: this, dependsOn: attachments, ignoreChanges: ["scalingConfig.desiredSize"] },
        );

        const ebsCsiIdentity = new WorkloadIdentity(
            `${name}-ebs-csi`,
            {
                clusterName: this.clusterName,
                namespace: "kube-system",
                serviceAccount: "ebs-csi-controller-sa",
                managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
                tags: args.tags,
            },
            parent,
        );

        const addonDeps: pulumi.Resource[] = [this.systemNodeGroup];
        let podIdentityAgent: aws.eks.Addon | undefined;
        for (const addon of managedAddons(args.systemNodes.desiredSize)) {
            const version = aws.eks.getAddonVersionOutput({ addonName: addon.name, kubernetesVersion: args.kubernetesVersion }, parent);
            const created = new aws.eks.Addon(
                `${name}-${addon.name}`,
                {
                    clusterName: this.clusterName,
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
        this.podIdentityAgent = podIdentityAgent;

        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true, deleteUnreachable: false },
            parent,
        );
        const k8sOpts = { parent: this, provider: this.provider };

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

        // metrics-server (HPA's resource metrics). Values: charts/metrics-server/values.yaml at 3.13.1.
        chartRelease(
            `${name}-metrics-server`,
            {
                chart: charts.metricsServer,
                namespace: "kube-system",
                releaseName: "metrics-server",
                values: {
                    replicas: 2,
                    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
                    tolerations: [SYSTEM_NODE_TOLERATION],
                    resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "400Mi" } },
                    topologySpreadConstraints: [
                        {
                            maxSkew: 1,
                            topologyKey: "topology.kubernetes.io/zone",
                            whenUnsatisfiable: "ScheduleAnyway",
                            labelSelector: { matchLabels: { "app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/instance": "metrics-server" } },
                        },
                    ],
                },
            },
            { ...k8sOpts, dependsOn: [this.systemNodeGroup] },
        );

        this.registerOutputs({
            clusterName: this.clusterName,
            clusterEndpoint: this.clusterEndpoint,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            kubeconfig: this.kubeconfig,
        });
    }
}

