// EKS control planes: private endpoint, all control-plane logs, envelope encryption of secrets.
// Checks both the @pulumi/eks component's inputs and the raw aws.eks.Cluster's.
import type { Policies } from "@pulumi/policy";
import { arr, at, bool, obj, resourcePolicy, str } from "../lib";

export const EKS_COMPONENT = "eks:index:Cluster";
export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const WORLD = ["0.0.0.0/0", "::/0"];

export const eksPolicies: Policies = [
    resourcePolicy({
        name: "eks-private-endpoint",
        description: "EKS clusters enable the private API endpoint; a public endpoint, if enabled, is restricted to listed CIDRs (not 0.0.0.0/0).",
        enforcementLevel: "mandatory",
        types: [EKS_COMPONENT, EKS_CLUSTER],
        validate: (args, report) => {
            const p = args.type === EKS_COMPONENT ? args.props : obj(args.props["vpcConfig"]) ?? {};
            // Defaults: eks:index:Cluster and aws.eks.Cluster both default to private=false, public=true.
            if (bool(p["endpointPrivateAccess"]) !== true) report("endpointPrivateAccess must be true");
            if (bool(p["endpointPublicAccess"]) !== false) {
                const cidrs = arr(p["publicAccessCidrs"]).map((c) => String(c));
                if (cidrs.length === 0 || cidrs.some((c) => WORLD.includes(c))) {
                    report("the public endpoint is open to the internet: disable endpointPublicAccess or restrict publicAccessCidrs");
                }
            }
        },
    }),
    resourcePolicy({
        name: "eks-control-plane-logging",
        description: `EKS clusters ship all five control-plane log types (${CONTROL_PLANE_LOGS.join(", ")}).`,
        enforcementLevel: "mandatory",
        types: [EKS_COMPONENT, EKS_CLUSTER],
        validate: (args, report) => {
            const enabled = new Set(arr(args.props["enabledClusterLogTypes"]).map((l) => String(l)));
            const missing = CONTROL_PLANE_LOGS.filter((l) => !enabled.has(l));
            if (missing.length > 0) report(`enabledClusterLogTypes is missing ${missing.join(", ")}`);
        },
    }),
    resourcePolicy({
        name: "eks-secrets-encryption",
        description: "EKS clusters envelope-encrypt Kubernetes secrets with a KMS key.",
        enforcementLevel: "mandatory",
        types: [EKS_COMPONENT, EKS_CLUSTER],
        validate: (args, report) => {
            if (args.type === EKS_COMPONENT) {
                const key = args.props["encryptionConfigKeyArn"];
                if (key === undefined || key === null || key === "") report("encryptionConfigKeyArn must name a KMS key");
                return;
            }
            const cfg = obj(args.props["encryptionConfig"]);
            const resources = arr(cfg?.["resources"]).map((r) => String(r));
            if (!cfg || !resources.includes("secrets") || !str(at(cfg, "provider", "keyArn"))) {
                report('encryptionConfig must encrypt "secrets" with provider.keyArn');
            }
        },
    }),
];
