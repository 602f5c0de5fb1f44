// What the cluster layer hands to every layer that runs on the cluster. Layers receive this object and never
// import the cluster's module (which loads @pulumi/eks).
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AccountContext } from "../lib/account";
import { CapacityLedger } from "../lib/capacity";
import { Placement } from "../lib/placement";

export interface ClusterContract {
    /** `<project>-<stack>` as a plain string: the EKS cluster name and the prefix of physical names. */
    name: string;
    /** The same name as an Output that resolves once the cluster exists (AWS arguments that need the cluster). */
    nameOutput: pulumi.Output<string>;
    arn: pulumi.Output<string>;
    endpoint: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    /** The OIDC issuer without `https://` (IRSA trust conditions `<issuer>:sub` / `<issuer>:aud`). */
    oidcIssuer: pulumi.Output<string>;
    /** The EKS-created cluster security group: on every managed and Karpenter node. */
    securityGroupId: pulumi.Output<string>;
    /** Every Kubernetes resource uses this provider. */
    provider: k8s.Provider;
    systemNodeGroup: aws.eks.NodeGroup;
    /** The eks-pod-identity-agent add-on: anything relying on Pod Identity waits for it. */
    podIdentityAgent: aws.eks.Addon;
    /** The tainted on-demand system node group (small controllers). */
    system: Placement;
    /** The default StorageClass: encrypted gp3, WaitForFirstConsumer, Retain. */
    storageClass: string;
    kubernetesVersion: string;
    account: AccountContext;
    /** systemChart records each add-on's pods here; the Platform checks and reports the sums per pool. */
    capacity: CapacityLedger;
}
