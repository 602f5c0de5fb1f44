// EKS managed add-ons created outside eks.Cluster, each after the system node group exists (coredns and
// the EBS CSI controller are Deployments that need nodes; creating them earlier leaves them DEGRADED).
// Versions: the default version EKS publishes for the cluster's Kubernetes version (DescribeAddonVersions).
import { SYSTEM_NODE_TOLERATION, zoneSpread } from "../lib/placement";

export interface AddonSpec {
    name: string;
    /** JSON configuration validated by EKS against the add-on's own schema (aws eks describe-addon-configuration). */
    configurationValues?: Record<string, unknown>;
}

/** coredns replicas: one per system node, at least 2 and at most 3. */
export function corednsReplicas(systemNodeCount: number): number {
    return Math.max(2, Math.min(systemNodeCount, 3));
}

export function managedAddons(systemNodeCount: number): AddonSpec[] {
    return [
        { name: "eks-pod-identity-agent" },
        {
            name: "coredns",
            // coredns add-on configuration schema (aws eks describe-addon-configuration --addon-name coredns):
            // replicaCount, tolerations, podDisruptionBudget and topologySpreadConstraints (the latter two since
            // v1.9.3-eksbuild.5, see the AWS containers blog "Recent changes to the CoreDNS add-on").
            configurationValues: {
                replicaCount: corednsReplicas(systemNodeCount),
                tolerations: [SYSTEM_NODE_TOLERATION],
                podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
                topologySpreadConstraints: zoneSpread({ "k8s-app": "kube-dns" }),
            },
        },
        {
            name: "aws-ebs-csi-driver",
            // aws-ebs-csi-driver configuration schema: controller.tolerations / controller.replicaCount.
            configurationValues: {
                controller: { replicaCount: 2, tolerations: [SYSTEM_NODE_TOLERATION] },
            },
        },
    ];
}

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
