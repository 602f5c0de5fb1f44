// Karpenter: spot-first node provisioning with on-demand fallback.
// AWS side (the official getting-started cloudformation.yaml @ v1.14.1, resource by resource): the node role
// and its EKS access entry, the controller's Pod Identity role, the SQS interruption queue and the five
// EventBridge rules feeding it, and optionally the EC2 Spot service-linked role. Kubernetes side: the
// karpenter-crd and karpenter charts (1.14.1, kube-system), then the default EC2NodeClass and NodePool.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SYSTEM_NODE_LABEL, SYSTEM_NODE_TOLERATION } from "../cluster";
import { charts } from "../lib/charts";
import { chartRelease } from "../lib/helm";
import { Tags } from "../lib/naming";
import { WorkloadIdentity } from "../lib/workloadIdentity";
import { KarpenterSettings } from "./config";
import { createNodeRole } from "../lib/nodeRole";
import { INTERRUPTION_RULES, controllerPolicy, interruptionQueuePolicy } from "./iam";
import {
    DEFAULT_NODE_CLASS,
    DEFAULT_NODE_POOL,
    NODE_CLASS_API_VERSION,
    NODE_POOL_API_VERSION,
    assertValidEC2NodeClass,
    assertValidNodePool,
    ec2NodeClassSpec,
    nodePoolSpec,
} from "./manifests";

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
    /** Resolves only once the cluster exists. */
    clusterName: pulumi.Output<string>;
    clusterArn: pulumi.Output<string>;
    /** The EKS cluster security group, which carries the karpenter.sh/discovery tag (infra/cluster). */
    clusterSecurityGroupId: pulumi.Output<string>;
    provider: k8s.Provider;
    /** The controller runs here (its default affinity keeps it off Karpenter's own nodes). */
    systemNodeGroup: aws.eks.NodeGroup;
    /** The Pod Identity agent add-on: controllers using Pod Identity start after it, not before. */
    podIdentityAgent: pulumi.Resource;
    region: string;
    tags: Tags;
    config: KarpenterSettings;
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

    constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:karpenter:Karpenter", name, {}, opts);
        const parent = { parent: this };
        const cfg = args.config;

        // Validate the manifests before declaring anything: a bad value fails the plan, not the apply.
        const poolSpec = nodePoolSpec(cfg);
        assertValidNodePool(poolSpec);
        const nodeClassSettings = { amiAlias: cfg.amiAlias, rootVolumeGiB: cfg.rootVolumeGiB, tags: args.tags };
        assertValidEC2NodeClass(ec2NodeClassSpec({ ...nodeClassSettings, role: "node-role", discoveryValue: "cluster" }));

        const partition = aws.getPartitionOutput({}, parent).partition;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

        // --- Nodes: role (Karpenter creates the instance profile from it) and the access entry that lets them join.
        const { role: nodeRole, attachments: nodePolicies } = createNodeRole(`${name}-node`, { description: "Nodes launched by Karpenter", partition, tags: args.tags }, parent);
        const accessEntry = new aws.eks.AccessEntry(
            `${name}-node`,
            { clusterName: args.clusterName, principalArn: nodeRole.arn, type: "EC2_LINUX", tags: args.tags },
            parent,
        );

        // --- Interruption handling: queue, its policy, and the five EventBridge rules.
        const queue = new aws.sqs.Queue(
            `${name}-interruption`,
            {
                name: args.clusterName.apply(interruptionQueueName),
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
            .all([partition, accountId, args.clusterName, args.clusterArn, queue.arn, nodeRole.arn])
            .apply(([part, account, clusterName, clusterArn, queueArn, nodeRoleArn]) => {
                const doc = controllerPolicy({
                    partition: part,
                    region: args.region,
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
        const identity = new WorkloadIdentity(
            `${name}-controller`,
            {
                clusterName: args.clusterName,
                namespace: KARPENTER_NAMESPACE,
                serviceAccount: KARPENTER_SERVICE_ACCOUNT,
                policy,
                tags: args.tags,
            },
            parent,
        );

        // Launching spot instances needs AWSServiceRoleForEC2Spot, which exists once per account.
        const spotRole = cfg.createSpotServiceLinkedRole
            ? new aws.iam.ServiceLinkedRole(
                  `${name}-spot`,
                  { awsServiceName: "spot.amazonaws.com", description: "EC2 Spot (Karpenter spot capacity)", tags: args.tags },
                  // Other stacks in the account may launch spot too: never delete it with this stack.
                  { parent: this, retainOnDelete: true },
              )
            : undefined;

        // --- Charts. CRDs come from karpenter-crd (Helm never upgrades a chart's crds/ directory).
        const k8sOpts = { parent: this, provider: args.provider };
        this.crdRelease = chartRelease(
            `${name}-crd`,
            { chart: charts.karpenterCrd, namespace: KARPENTER_NAMESPACE, releaseName: "karpenter-crd", values: {} },
            { ...k8sOpts, dependsOn: [args.systemNodeGroup] },
        );
        // Values keys: charts/karpenter/values.yaml @ v1.14.1.
        this.release = chartRelease(
            name,
            {
                chart: charts.karpenter,
                namespace: KARPENTER_NAMESPACE,
                releaseName: KARPENTER_RELEASE,
                skipCrds: true,
                values: {
                    serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
                    replicas: 2,
                    settings: {
                        clusterName: args.clusterName,
                        // The queue NAME (not its ARN), read from the queue itself so the two cannot differ.
                        interruptionQueue: queue.name,
                        featureGates: { spotToSpotConsolidation: true },
                    },
                    controller: {
                        // No CPU limit (no throttling of the scheduler loop); memory limit = request.
                        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
                    },
                    // On the system nodes: the chart's default affinity already keeps it off Karpenter nodes.
                    nodeSelector: { "kubernetes.io/os": "linux", ...SYSTEM_NODE_LABEL },
                    tolerations: [SYSTEM_NODE_TOLERATION],
                    // The chart's default, stated: one replica per zone (it adds the label selector itself).
                    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }],
                },
            },
            {
                ...k8sOpts,
                dependsOn: [
                    this.crdRelease,
                    queue,
                    queuePolicy,
                    identity.role,
                    identity.association,
                    identity,
                    nodeRole,
                    ...nodePolicies,
                    accessEntry,
                    args.systemNodeGroup,
                    args.podIdentityAgent,
                    ...(spotRole ? [spotRole] : []),
                ],
            },
        );

        // --- Custom resources, after the CRDs and the controller (which must outlive them on destroy to run finalizers).
        const nodeClass = new k8s.apiextensions.CustomResource(
            `${name}-node-class`,
            {
                apiVersion: NODE_CLASS_API_VERSION,
                kind: "EC2NodeClass",
                metadata: { name: DEFAULT_NODE_CLASS },
                spec: ec2NodeClassSpec({ ...nodeClassSettings, role: nodeRole.name, discoveryValue: args.clusterName }),
            },
            { ...k8sOpts, dependsOn: [this.crdRelease, this.release, accessEntry] },
        );
        new k8s.apiextensions.CustomResource(
            `${name}-node-pool`,
            { apiVersion: NODE_POOL_API_VERSION, kind: "NodePool", metadata: { name: DEFAULT_NODE_POOL }, spec: poolSpec },
            { ...k8sOpts, dependsOn: [this.crdRelease, this.release, nodeClass] },
        );

        this.interruptionQueueName = queue.name;
        this.interruptionQueueArn = queue.arn;
        this.nodeRoleName = nodeRole.name;
        this.nodeRoleArn = nodeRole.arn;
        this.controllerRoleArn = identity.roleArn;
        this.nodeSecurityGroupId = args.clusterSecurityGroupId;
        this.registerOutputs({
            interruptionQueueName: this.interruptionQueueName,
            nodeRoleName: this.nodeRoleName,
            controllerRoleArn: this.controllerRoleArn,
        });
    }
}
