// Stand-in contracts for specs that construct one layer directly (test data only): the same shapes the
// Platform hands over, built from mock resources under whatever monitor the spec installed.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../infra/cluster/contract";
import type { KarpenterContract } from "../infra/karpenter/contract";
import { AccountContext } from "../infra/lib/account";
import { CapacityLedger } from "../infra/lib/capacity";
import { PLATFORM_POOL_LABEL, PLATFORM_POOL_TOLERATION, SYSTEM_NODE_LABEL, SYSTEM_NODE_TOLERATION } from "../infra/lib/placement";

export const FAKE_ACCOUNT_ID = "123456789012";

export function fakeAccount(region = "eu-west-1"): AccountContext {
    return { accountId: pulumi.output(FAKE_ACCOUNT_ID), partition: pulumi.output("aws"), dnsSuffix: pulumi.output("amazonaws.com"), region };
}

/** A ClusterContract whose node group, add-on and provider are registered as `<prefix>-...` resources. */
export function fakeCluster(prefix: string, clusterName = "contract-test"): ClusterContract {
    const provider = new k8s.Provider(`${prefix}-k8s`, { kubeconfig: "{}" });
    const systemNodeGroup = new aws.eks.NodeGroup(`${prefix}-system`, {
        clusterName,
        nodeRoleArn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:role/nodes`,
        subnetIds: ["subnet-0123456789abcdef0"],
        scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 3 },
    });
    const podIdentityAgent = new aws.eks.Addon(`${prefix}-pod-identity-agent`, { clusterName, addonName: "eks-pod-identity-agent" });
    const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
    return {
        name: clusterName,
        nameOutput: pulumi.output(clusterName),
        arn: pulumi.output(`arn:aws:eks:eu-west-1:${FAKE_ACCOUNT_ID}:cluster/${clusterName}`),
        endpoint: pulumi.output("https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com"),
        oidcProviderArn: pulumi.output(`arn:aws:iam::${FAKE_ACCOUNT_ID}:oidc-provider/${issuer}`),
        oidcIssuer: pulumi.output(issuer),
        securityGroupId: pulumi.output("sg-0123456789abcdef0"),
        provider,
        systemNodeGroup,
        podIdentityAgent,
        system: { pool: "system", nodeSelector: { ...SYSTEM_NODE_LABEL }, tolerations: [SYSTEM_NODE_TOLERATION], dependsOn: [systemNodeGroup] },
        storageClass: "gp3",
        kubernetesVersion: "1.35",
        account: fakeAccount(),
        capacity: new CapacityLedger(),
    };
}

/** A KarpenterContract whose platform pool placement depends on nothing (no NodePool is registered). */
export function fakeKarpenter(): KarpenterContract {
    return { platform: { pool: "platform", nodeSelector: { ...PLATFORM_POOL_LABEL }, tolerations: [PLATFORM_POOL_TOLERATION], dependsOn: [] } };
}
