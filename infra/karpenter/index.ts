// Karpenter: spot-first node provisioning with on-demand fallback.
// AWS side (the official getting-started cloudformation.yaml @ v1.14.1, resource by resource): the node role
// and its EKS access entry, the controller's Pod Identity role, the SQS interruption queue and the five
// EventBridge rules feeding it, and optionally the EC2 Spot service-linked role. Kubernetes side: the
// karpenter-crd and karpenter charts (1.14.1, kube-system), then the default EC2NodeClass and NodePool.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../cluster/contract";
import { charts } from "../lib/charts";
import { chartRelease } from "../lib/helm";
import { Tags } from "../lib/naming";
import { createNodeRole } from "../lib/nodeRole";
import { PLATFORM_POOL_LABEL, PLATFORM_POOL_TOLERATION, zoneSpread } from "../lib/placement";
import { systemChart } from "../lib/systemChart";
import { KarpenterSettings } from "./config";
import { KarpenterContract } from "./contract";
import { INTERRUPTION_RULES, controllerPolicy, interruptionQueuePolicy } from "./iam";
import {
    DEFAULT_NODE_CLASS,
    DEFAULT_NODE_POOL,
    NODE_CLASS_API_VERSION,
    NODE_POOL_API_VERSION,
    PLATFORM_NODE_POOL,
    assertValidEC2NodeClass,
    assertValidNodePool,
    ec2NodeClassSpec,
    nodePoolSpec,
    platformNodePoolSpec,
} from "./manifests";

export type { KarpenterContract } from "./contract";

/** Release namespace and service account; the Pod Identity association binds exactly this pair. */
export const KARPENTER_NAMESPACE = "kube-system";
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";
export const KARPENTER_RELEASE = "karpenter";
/** CloudFormation's EventBridge target Id. */
export const QUEUE_TARGET_ID = "KarpenterInterruptionQueueTarget";
/** IAM's limit on the inline policies of one role (non-whitespace characters). */
export const INLINE_POLICY_LIMIT = 10240;

/** The interruption queue's name: derived once, used for the queue and (through the queue) the chart. */
export function interruptionQueueName(clusterName: string): string {
    return `${clusterName}-karpenter`;
}

export interface KarpenterArgs {
    cluster: ClusterContract;
    tags: Tags;
    config: KarpenterSettings;
}

/** The flat stack outputs this layer owns. */
export interface KarpenterOutputs {
    karpenterInterruptionQueueName: pulumi.Output<string>;
    karpenterNodeRoleName: pulumi.Output<string>;
}

export class Karpenter extends pulumi.ComponentResource {
    readonly interruptionQueueName: pulumi.Output<string>;
    readonly interruptionQueueArn: pulumi.Output<string>;
    readonly nodeRoleName: pulumi.Output<string>;
    readonly nodeRoleArn: pulumi.Output<string>;
    readonly controllerRoleArn: pulumi.Output<string>;
    /** The security group Karpenter nodes get (selected by the discovery tag). */
    readonly nodeSecurityGroupId: pulumi.Output<string>;
    readonly crdRelease: k8s.helm.v3.Release;
    readonly release: k8s.helm.v3.Release;
    readonly contract: KarpenterContract;
    readonly outputs: KarpenterOutputs;
    readonly notices: string[] = [];

    constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:karpenter:Karpenter", name, {}, opts);
        const parent = { parent: this };
        const cfg = args.config;
        const cluster = args.cluster;

        // Validate the manifests before declaring anything: a bad value fails the plan, not the apply.
        const poolSpec = nodePoolSpec(cfg);
        assertValidNodePool(poolSpec);
        const nodeClassSettings = { amiAlias: cfg.amiAlias, rootVolumeGiB: cfg.rootVolumeGiB, tags: args.tags };
        assertValidEC2NodeClass(ec2NodeClassSpec({ ...nodeClassSettings, role: "node-role", discoveryValue: "cluster" }));

        const platformPoolSpec = platformNodePoolSpec(cfg);
        assertValidNodePool(platformPoolSpec, PLATFORM_NODE_POOL);
        const { partition, accountId } = cluster.account;

        // --- Nodes: role (Karpenter creates the instance profile from it) and the access entry that lets them join.
        const { role: nodeRole, attachments: nodePolicies } = createNodeRole(`${name}-node`, { description: "Nodes launched by Karpenter", account: cluster.account, tags: args.tags }, parent);
        const accessEntry = new aws.eks.AccessEntry(
            `${name}-node`,
            { clusterName: cluster.nameOutput, principalArn: nodeRole.arn, type: "EC2_LINUX", tags: args.tags },
            parent,
        );

        // --- Interruption handling: queue, its policy, and the five EventBridge rules.
        const queue = new aws.sqs.Queue(
            `${name}-interruption`,
            {
                name: cluster.nameOutput.apply(interruptionQueueName),
                messageRetentionSeconds: 300,
                sqsManagedSseEnabled: true,
                tags: args.tags,
            },
            parent,
        );
        const queuePolicy = new aws.sqs.QueuePolicy(
            `${name}-interruption`,
            { queueUrl: queue.url, policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))) },
            parent,
        );
        for (const rule of INTERRUPTION_RULES) {
            const eventRule = new aws.cloudwatch.EventRule(
                `${name}-${rule.name}`,
                {
                    description: `Karpenter interruption handling: ${rule.detailType}`,
                    eventPattern: JSON.stringify({ source: [rule.source], "detail-type": [rule.detailType] }),
                    tags: args.tags,
                },
                parent,
            );
            new aws.cloudwatch.EventTarget(
                `${name}-${rule.name}`,
                { rule: eventRule.name, arn: queue.arn, targetId: QUEUE_TARGET_ID },
                parent,
            );
        }

        // --- Controller identity: Pod Identity for kube-system/karpenter with the official statements.
        const policy = pulumi
            .all([partition, accountId, cluster.nameOutput, cluster.arn, queue.arn, nodeRole.arn])
            .apply(([part, account, clusterName, clusterArn, queueArn, nodeRoleArn]) => {
                const doc = controllerPolicy({
                    partition: part,
                    region: cluster.account.region,
                    accountId: account,
                    clusterName,
                    clusterArn,
                    interruptionQueueArn: queueArn,
                    nodeRoleArn,
                });
                const size = JSON.stringify(doc).length;
                if (size > INLINE_POLICY_LIMIT) {
                    throw new Error(`Karpenter controller policy is ${size} characters, over IAM's inline limit of ${INLINE_POLICY_LIMIT}`);
                }
                return doc;
            });
        const spotRole = cfg.createSpotServiceLinkedRole
            ? new aws.iam.ServiceLinkedRole(
                  `${name}-spot`,
                  { awsServiceName: "spot.amazonaws.com", description: "EC2 Spot (Karpenter spot capacity)", tags: args.tags },
                  // Other stacks in the account may launch spot too: never delete it with this stack.
                  { parent: this, retainOnDelete: true },
              )
            : undefined;

        // --- Charts. CRDs come from karpenter-crd (Helm never upgrades a chart's crds/ directory).
        const k8sOpts = { parent: this, provider: cluster.provider };
        this.crdRelease = chartRelease(
            `${name}-crd`,
            { chart: charts.karpenterCrd, namespace: KARPENTER_NAMESPACE, releaseName: "karpenter-crd", values: {} },
            { ...k8sOpts, dependsOn: [cluster.systemNodeGroup] },
        );
        // Values: charts/karpenter/values.yaml @ v1.14.1. The chart's default affinity keeps the controller off
        // Karpenter's own nodes; the system nodes are in 2+ AZs, so the zone spread can be hard.
        const controller = systemChart(
            name,
            {
                cluster,
                placement: cluster.system,
                chart: charts.karpenter,
                namespace: KARPENTER_NAMESPACE,
                releaseName: KARPENTER_RELEASE,
                skipCrds: true,
                identity: { name: `${name}-controller`, serviceAccount: KARPENTER_SERVICE_ACCOUNT, policy },
                values: {
                    serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
                    replicas: 2,
                    settings: {
                        clusterName: cluster.nameOutput,
                        interruptionQueue: queue.name,
                        featureGates: { spotToSpotConsolidation: true },
                    },
                    controller: {
                        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
                    },
                    nodeSelector: { "kubernetes.io/os": "linux", ...cluster.system.nodeSelector },
                    tolerations: cluster.system.tolerations,
                    topologySpreadConstraints: zoneSpread(undefined, "DoNotSchedule"),
                },
                pods: [{ component: "karpenter", replicas: 2, cpu: "500m", memory: "1Gi", memoryLimit: "1Gi" }],
                dependsOn: [this.crdRelease, queue, queuePolicy, nodeRole, ...nodePolicies, accessEntry, ...(spotRole ? [spotRole] : [])],
                tags: args.tags,
            },
            parent,
        );
        this.release = controller.release;

        const nodeClass = new k8s.apiextensions.CustomResource(
            `${name}-node-class`,
            {
                apiVersion: NODE_CLASS_API_VERSION,
                kind: "EC2NodeClass",
                metadata: { name: DEFAULT_NODE_CLASS },
                spec: ec2NodeClassSpec({ ...nodeClassSettings, role: nodeRole.name, discoveryValue: cluster.nameOutput }),
            },
            { ...k8sOpts, dependsOn: [this.crdRelease, this.release, accessEntry] },
        );
        new k8s.apiextensions.CustomResource(
            `${name}-node-pool`,
            { apiVersion: NODE_POOL_API_VERSION, kind: "NodePool", metadata: { name: DEFAULT_NODE_POOL }, spec: poolSpec },
            { ...k8sOpts, dependsOn: [this.crdRelease, this.release, nodeClass] },
        );
        const platformPool = new k8s.apiextensions.CustomResource(
            `${name}-platform-pool`,
            { apiVersion: NODE_POOL_API_VERSION, kind: "NodePool", metadata: { name: PLATFORM_NODE_POOL }, spec: platformPoolSpec },
            { ...k8sOpts, dependsOn: [this.crdRelease, this.release, nodeClass] },
        );
        this.contract = {
            platform: {
                pool: "platform",
                nodeSelector: { ...PLATFORM_POOL_LABEL },
                tolerations: [PLATFORM_POOL_TOLERATION],
                dependsOn: [platformPool],
            },
        };

        this.interruptionQueueName = queue.name;
        this.interruptionQueueArn = queue.arn;
        this.nodeRoleName = nodeRole.name;
        this.nodeRoleArn = nodeRole.arn;
        this.controllerRoleArn = controller.identity!.roleArn;
        this.nodeSecurityGroupId = cluster.securityGroupId;
        this.outputs = { karpenterInterruptionQueueName: queue.name, karpenterNodeRoleName: nodeRole.name };
        this.registerOutputs({
            interruptionQueueName: this.interruptionQueueName,
            nodeRoleName: this.nodeRoleName,
            controllerRoleArn: this.controllerRoleArn,
        });
    }
}
