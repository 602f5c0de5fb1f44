// The IAM role EC2 worker nodes assume, shared by the system node group and Karpenter's nodes: trust for
// ec2.amazonaws.com and the managed policies a node needs to join, pull images, run the VPC CNI and be
// reachable through SSM (the KarpenterNodeRole of Karpenter's getting-started CloudFormation template).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountContext, servicePrincipal } from "./account";
import { managedPolicyArn, serviceTrustPolicy } from "./iamDocuments";

export const NODE_ROLE_MANAGED_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonEKS_CNI_Policy",
    "AmazonSSMManagedInstanceCore",
] as const;

export interface NodeRoleArgs {
    description: string;
    account: AccountContext;
    tags: Record<string, string>;
}

export function createNodeRole(name: string, args: NodeRoleArgs, opts: pulumi.CustomResourceOptions): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } {
    const role = new aws.iam.Role(
        name,
        {
            description: args.description,
            assumeRolePolicy: args.account.dnsSuffix.apply((dns) => JSON.stringify(serviceTrustPolicy(servicePrincipal("ec2", dns), "AllowEc2AssumeRole"))),
            tags: args.tags,
        },
        opts,
    );
    const attachments = NODE_ROLE_MANAGED_POLICIES.map(
        (p) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-${p}`,
                { role: role.name, policyArn: args.account.partition.apply((part) => managedPolicyArn(part, p)) },
                opts,
            ),
    );
    return { role, attachments };
}
