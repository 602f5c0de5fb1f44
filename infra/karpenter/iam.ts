// Karpenter's IAM documents as plain data. The controller statements are the 18 statements of the six
// managed policies in the official getting-started CloudFormation template at v1.14.1
// (aws/karpenter-provider-aws website/content/en/preview/getting-started/getting-started-with-karpenter/
// cloudformation.yaml @ v1.14.1, blob 2c2ca723): same Sids, actions, resources and conditions, with the
// template's variables substituted. Here they form one inline policy on the Pod Identity role.
import { PolicyDocument, Statement, policyDocument } from "../lib/iamDocuments";

export interface ControllerPolicyArgs {
    partition: string;
    region: string;
    accountId: string;
    clusterName: string;
    /** arn:${Partition}:eks:${Region}:${AccountId}:cluster/${ClusterName} */
    clusterArn: string;
    interruptionQueueArn: string;
    nodeRoleArn: string;
}

export function controllerPolicy(a: ControllerPolicyArgs): PolicyDocument {
    const ec2 = (resource: string) => `arn:${a.partition}:ec2:${a.region}:*:${resource}`;
    const instanceProfiles = `arn:${a.partition}:iam::${a.accountId}:instance-profile/*`;
    const clusterOwned = `kubernetes.io/cluster/${a.clusterName}`;
    // Resources Karpenter creates when it launches a node; every one is tagged with the cluster and nodepool.
    const launchedResources = [
        ec2("fleet/*"),
        ec2("instance/*"),
        ec2("volume/*"),
        ec2("network-interface/*"),
        ec2("launch-template/*"),
        ec2("spot-instances-request/*"),
    ];

    const nodeLifecycle: Statement[] = [
        {
            Sid: "AllowScopedEC2InstanceAccessActions",
            Effect: "Allow",
            Resource: [
                `arn:${a.partition}:ec2:${a.region}::image/*`,
                `arn:${a.partition}:ec2:${a.region}::snapshot/*`,
                ec2("security-group/*"),
                ec2("subnet/*"),
                ec2("capacity-reservation/*"),
                ec2("placement-group/*"),
            ],
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        },
        {
            Sid: "AllowScopedEC2LaunchTemplateAccessActions",
            Effect: "Allow",
            Resource: ec2("launch-template/*"),
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            Condition: {
                StringEquals: { [`aws:ResourceTag/${clusterOwned}`]: "owned" },
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedEC2InstanceActionsWithTags",
            Effect: "Allow",
            Resource: launchedResources,
            Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            Condition: {
                StringEquals: {
                    [`aws:RequestTag/${clusterOwned}`]: "owned",
                    "aws:RequestTag/eks:eks-cluster-name": a.clusterName,
                },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedResourceCreationTagging",
            Effect: "Allow",
            Resource: launchedResources,
            Action: "ec2:CreateTags",
            Condition: {
                StringEquals: {
                    [`aws:RequestTag/${clusterOwned}`]: "owned",
                    "aws:RequestTag/eks:eks-cluster-name": a.clusterName,
                    "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedResourceTagging",
            Effect: "Allow",
            Resource: ec2("instance/*"),
            Action: "ec2:CreateTags",
            Condition: {
                StringEquals: { [`aws:ResourceTag/${clusterOwned}`]: "owned" },
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": a.clusterName },
                "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
            },
        },
        {
            Sid: "AllowScopedDeletion",
            Effect: "Allow",
            Resource: [ec2("instance/*"), ec2("launch-template/*")],
            Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            Condition: {
                StringEquals: { [`aws:ResourceTag/${clusterOwned}`]: "owned" },
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
            },
        },
    ];

    const iamIntegration: Statement[] = [
        {
            Sid: "AllowPassingInstanceRole",
            Effect: "Allow",
            Resource: a.nodeRoleArn,
            Action: "iam:PassRole",
            Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
        },
        {
            Sid: "AllowScopedInstanceProfileCreationActions",
            Effect: "Allow",
            Resource: instanceProfiles,
            Action: ["iam:CreateInstanceProfile"],
            Condition: {
                StringEquals: {
                    [`aws:RequestTag/${clusterOwned}`]: "owned",
                    "aws:RequestTag/eks:eks-cluster-name": a.clusterName,
                    "aws:RequestTag/topology.kubernetes.io/region": a.region,
                },
                StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileTagActions",
            Effect: "Allow",
            Resource: instanceProfiles,
            Action: ["iam:TagInstanceProfile"],
            Condition: {
                StringEquals: {
                    [`aws:ResourceTag/${clusterOwned}`]: "owned",
                    "aws:ResourceTag/topology.kubernetes.io/region": a.region,
                    [`aws:RequestTag/${clusterOwned}`]: "owned",
                    "aws:RequestTag/eks:eks-cluster-name": a.clusterName,
                    "aws:RequestTag/topology.kubernetes.io/region": a.region,
                },
                StringLike: {
                    "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileActions",
            Effect: "Allow",
            Resource: instanceProfiles,
            Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            Condition: {
                StringEquals: {
                    [`aws:ResourceTag/${clusterOwned}`]: "owned",
                    "aws:ResourceTag/topology.kubernetes.io/region": a.region,
                },
                StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
    ];

    const eksIntegration: Statement[] = [
        { Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Resource: a.clusterArn, Action: "eks:DescribeCluster" },
    ];

    const interruption: Statement[] = [
        {
            Sid: "AllowInterruptionQueueActions",
            Effect: "Allow",
            Resource: a.interruptionQueueArn,
            Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
        },
    ];

    // Only used with settings.enableZonalShift; the official template always grants it (read-only, one cluster).
    const zonalShift: Statement[] = [
        {
            Sid: "AllowZonalShiftStatusReadOnly",
            Effect: "Allow",
            Resource: "*",
            Action: ["arc-zonal-shift:GetManagedResource"],
            Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": a.clusterArn } },
        },
    ];

    const resourceDiscovery: Statement[] = [
        {
            Sid: "AllowRegionalReadActions",
            Effect: "Allow",
            Resource: "*",
            Action: [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribePlacementGroups",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            Condition: { StringEquals: { "aws:RequestedRegion": a.region } },
        },
        {
            Sid: "AllowSSMReadActions",
            Effect: "Allow",
            Resource: `arn:${a.partition}:ssm:${a.region}::parameter/aws/service/*`,
            Action: "ssm:GetParameter",
        },
        { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
        { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Resource: "*", Action: "iam:ListInstanceProfiles" },
        { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Resource: instanceProfiles, Action: "iam:GetInstanceProfile" },
    ];

    return policyDocument([...nodeLifecycle, ...iamIntegration, ...eksIntegration, ...interruption, ...zonalShift, ...resourceDiscovery]);
}

/**
 * The interruption queue's resource policy: EventBridge (and SQS) may send, nothing may use plain HTTP.
 * CloudFormation's KarpenterInterruptionQueuePolicy (Id EC2InterruptionPolicy); its first statement has no
 * Sid there, it gets one here.
 */
export function interruptionQueuePolicy(queueArn: string): PolicyDocument & { Id: string } {
    return {
        Id: "EC2InterruptionPolicy",
        ...policyDocument([
            {
                Sid: "AllowEventBridgeToSend",
                Effect: "Allow",
                Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
                Action: "sqs:SendMessage",
                Resource: queueArn,
            },
            {
                Sid: "DenyHTTP",
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: queueArn,
                Condition: { Bool: { "aws:SecureTransport": false } },
            },
        ]),
    };
}

/** The node role's managed policies (CloudFormation KarpenterNodeRole.ManagedPolicyArns). */
export { NODE_ROLE_MANAGED_POLICIES } from "../lib/nodeRole";

/** EventBridge rules that feed the interruption queue (CloudFormation *Rule resources at v1.14.1). */
export const INTERRUPTION_RULES = [
    { name: "health", source: "aws.health", detailType: "AWS Health Event" },
    { name: "spot-interruption", source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
    { name: "rebalance", source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
    { name: "instance-state-change", source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
    { name: "capacity-reservation-interruption", source: "aws.ec2", detailType: "EC2 Capacity Reservation Instance Interruption Warning" },
] as const;
