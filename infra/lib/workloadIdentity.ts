// EKS Pod Identity for one Kubernetes service account: an IAM role the Pod Identity agent can assume,
// its permissions (inline document and/or managed policies) and the association that binds the role
// to exactly one namespace/service-account pair. Every add-on that talks to AWS uses this helper.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, managedPolicyArn, podIdentityTrustPolicy } from "./iamDocuments";

export interface WorkloadIdentityArgs {
    clusterName: pulumi.Input<string>;
    namespace: string;
    serviceAccount: string;
    /** Inline permissions; an Output when the document embeds ARNs only known after deployment. */
    policy?: pulumi.Input<PolicyDocument>;
    /** AWS managed policy names (e.g. "service-role/AmazonEBSCSIDriverPolicy"). */
    managedPolicies?: string[];
    /** The account's partition; required with managedPolicies (their ARNs are `arn:<partition>:iam::aws:policy/...`). */
    partition?: pulumi.Input<string>;
    tags: Record<string, string>;
}

export class WorkloadIdentity extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly roleArn: pulumi.Output<string>;
    readonly association: aws.eks.PodIdentityAssociation;
    /** The inline policy and managed-policy attachments: a pod must not start before its permissions exist. */
    readonly permissions: pulumi.Resource[] = [];
    readonly namespace: string;
    readonly serviceAccount: string;

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:lib:WorkloadIdentity", name, {}, opts);
        this.namespace = args.namespace;
        this.serviceAccount = args.serviceAccount;
        this.role = new aws.iam.Role(
            name,
            {
                description: `Pod Identity role for ${args.namespace}/${args.serviceAccount}`,
                assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
                maxSessionDuration: 3600,
                tags: args.tags,
            },
            { parent: this },
        );
        if (args.policy !== undefined) {
            this.permissions.push(
                new aws.iam.RolePolicy(
                    name,
                    { role: this.role.name, policy: pulumi.output(args.policy).apply((d) => JSON.stringify(d)) },
                    { parent: this },
                ),
            );
        }
        const partition = args.partition;
        if ((args.managedPolicies ?? []).length > 0 && partition === undefined) {
            throw new Error(`WorkloadIdentity ${name}: managedPolicies need the account's partition`);
        }
        for (const policy of args.managedPolicies ?? []) {
            this.permissions.push(
                new aws.iam.RolePolicyAttachment(
                    `${name}-${policy.split("/").pop()}`,
                    { role: this.role.name, policyArn: pulumi.output(partition as pulumi.Input<string>).apply((p) => managedPolicyArn(p, policy)) },
                    { parent: this },
                ),
            );
        }
        this.association = new aws.eks.PodIdentityAssociation(
            name,
            {
                clusterName: args.clusterName,
                namespace: args.namespace,
                serviceAccount: args.serviceAccount,
                roleArn: this.role.arn,
                tags: args.tags,
            },
            { parent: this },
        );
        this.roleArn = this.role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
