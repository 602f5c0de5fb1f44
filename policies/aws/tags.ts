// Cost-allocation tags on AWS resources.
//
// Rule: an aws:* (or eks:index:Cluster) resource whose inputs include `tags` must carry every required key;
// the resource types that cost real money must have `tags` at all. Tags that the AWS provider adds
// (provider-level defaultTags) are not visible in resource inputs, so the program passes them explicitly.
import type { Policies } from "@pulumi/policy";
import { filteredResourcePolicy, obj } from "../lib";

/** Taggable types that must always carry tags (they show up on the bill). */
export const MUST_BE_TAGGED = new Set([
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/instance:Instance",
    "aws:ebs/volume:Volume",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "eks:index:Cluster",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:backup/vault:Vault",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:sqs/queue:Queue",
    "aws:lb/loadBalancer:LoadBalancer",
]);

export const DEFAULT_REQUIRED_TAGS = ["platform:stack", "platform:environment", "cost-center"];

export const tagPolicies: Policies = [
    filteredResourcePolicy({
        name: "aws-required-tags",
        description: "Taggable AWS resources carry the cost-allocation tags listed in `requiredTags`.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: { requiredTags: { type: "array", items: { type: "string" }, default: DEFAULT_REQUIRED_TAGS } },
        },
        applies: (type) => type.startsWith("aws:") || type === "eks:index:Cluster",
        validate: (args, report) => {
            const { requiredTags } = args.getConfig<{ requiredTags: string[] }>();
            const has = "tags" in args.props;
            if (!has) {
                if (MUST_BE_TAGGED.has(args.type)) report(`no tags; required: ${requiredTags.join(", ")}`);
                return;
            }
            const tags = obj(args.props["tags"]) ?? {};
            const missing = requiredTags.filter((k) => typeof tags[k] !== "string" || tags[k] === "");
            if (missing.length > 0) report(`missing required tags: ${missing.join(", ")}`);
        },
    }),
];
