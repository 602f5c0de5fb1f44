// IMDSv2 on every node: launch templates and instances require session tokens; EKS managed node groups
// use a launch template (the only place IMDS settings live); Karpenter EC2NodeClasses require tokens.
import type { Policies } from "@pulumi/policy";
import { at, obj, resourcePolicy, str } from "../lib";

export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const EC2_NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

export const imdsPolicies: Policies = [
    resourcePolicy({
        name: "imdsv2-required",
        description: "Launch templates, instances and Karpenter EC2NodeClasses set metadataOptions.httpTokens=required (IMDSv2 only).",
        enforcementLevel: "mandatory",
        types: [LAUNCH_TEMPLATE, "aws:ec2/instance:Instance", EC2_NODE_CLASS],
        validate: (args, report) => {
            const tokens = args.type === EC2_NODE_CLASS ? str(at(args.props, "spec", "metadataOptions", "httpTokens")) : str(at(args.props, "metadataOptions", "httpTokens"));
            if (tokens !== "required") {
                const field = args.type === EC2_NODE_CLASS ? "spec.metadataOptions.httpTokens" : "metadataOptions.httpTokens";
                report(`${field} is ${tokens === undefined ? "unset" : `"${tokens}"`}; it must be "required"`);
            }
        },
    }),
    resourcePolicy({
        name: "eks-node-group-launch-template",
        description: "EKS managed node groups use a launch template (which carries the IMDSv2 setting); eks.ManagedNodeGroup may instead set enableIMDSv2.",
        enforcementLevel: "mandatory",
        types: ["aws:eks/nodeGroup:NodeGroup", "eks:index:ManagedNodeGroup"],
        validate: (args, report) => {
            if (args.type === "eks:index:ManagedNodeGroup" && args.props["enableIMDSv2"] === true) return;
            const lt = obj(args.props["launchTemplate"]);
            if (!lt || (lt["id"] === undefined && lt["name"] === undefined)) report("launchTemplate (id or name) is required so that IMDSv2 is enforced on the nodes");
        },
    }),
];
