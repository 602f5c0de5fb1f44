// IAM of the gitops layer: the Argo Rollouts controller's read-only view of the ALB, used by target-group
// verification (--aws-verify-target-group). The actions are exactly the list in argoproj/argo-rollouts
// docs/features/traffic-management/alb.md @ v1.9.0 ("Zero-Downtime Updates with AWS TargetGroup Verification");
// the ELB Describe* actions support no resource-level permissions, so the resource is "*" as upstream has it.
import { PolicyDocument, policyDocument } from "../lib/iamDocuments";

export const ROLLOUTS_TARGET_GROUP_ACTIONS = [
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetHealth",
] as const;

export function rolloutsControllerPolicy(): PolicyDocument {
    return policyDocument([{ Sid: "VerifyAlbTargetGroups", Effect: "Allow", Action: [...ROLLOUTS_TARGET_GROUP_ACTIONS], Resource: "*" }]);
}
