// The managed on-demand system node group: node role, launch template (IMDSv2 with hop limit 1, encrypted gp3
// volumes) and the tainted, labelled node group the controllers run on.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountContext } from "../lib/account";
import { Tags } from "../lib/naming";
import { createNodeRole } from "../lib/nodeRole";
import { SYSTEM_NODE_LABEL, SYSTEM_NODE_TAINT } from "../lib/placement";

export interface SystemNodeSettings {
    instanceTypes: string[];
    minSize: number;
    desiredSize: number;
    maxSize: number;
    diskSizeGiB: number;
    amiType: string;
}

export interface SystemNodeGroupArgs {
    clusterName: string;
    /** Resolves once the cluster exists. */
    clusterNameOutput: pulumi.Output<string>;
    privateSubnetIds: pulumi.Input<string>[];
    settings: SystemNodeSettings;
    account: AccountContext;
    tags: Tags;
}

/** Creates the system node group's resources as children of `parent` under the names `<name>-system-nodes` / `<name>-system`. */
export function systemNodeGroup(name: string, args: SystemNodeGroupArgs, parent: pulumi.Resource): { nodeGroup: aws.eks.NodeGroup; roleArn: pulumi.Output<string> } {
    const opts = { parent };
    const s = args.settings;
    const { role: nodeRole, attachments } = createNodeRole(
        `${name}-system-nodes`,
        { description: `System node group of ${args.clusterName}`, account: args.account, tags: args.tags },
        opts,
    );
    const bottlerocket = s.amiType.startsWith("BOTTLEROCKET");
    const launchTemplate = new aws.ec2.LaunchTemplate(
        `${name}-system-nodes`,
        {
            description: `System nodes of ${args.clusterName}: IMDSv2 only, encrypted gp3 root volume`,
            updateDefaultVersion: true,
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                // Hop limit 1: pods cannot reach the node's instance credentials; they use Pod Identity.
                httpPutResponseHopLimit: 1,
                instanceMetadataTags: "disabled",
            },
            // AL2023 has one volume, /dev/xvda (awslabs/amazon-eks-ami templates/al2023/template.json).
            // Bottlerocket has two: the OS volume /dev/xvda and the data volume /dev/xvdb where images and
            // pods' ephemeral storage live (Karpenter's Bottlerocket family, pkg/providers/amifamily/
            // bottlerocket.go): the size goes to /dev/xvdb, and /dev/xvda is listed too (AMI snapshot size)
            // so that it is encrypted as well.
            blockDeviceMappings: [
                ...(bottlerocket ? [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }] : []),
                {
                    deviceName: bottlerocket ? "/dev/xvdb" : "/dev/xvda",
                    ebs: { volumeType: "gp3", volumeSize: s.diskSizeGiB, encrypted: "true", deleteOnTermination: "true" },
                },
            ],
            tagSpecifications: [
                { resourceType: "instance", tags: { ...args.tags, Name: `${args.clusterName}-system` } },
                { resourceType: "volume", tags: { ...args.tags, Name: `${args.clusterName}-system` } },
            ],
            tags: args.tags,
        },
        opts,
    );
    const nodeGroup = new aws.eks.NodeGroup(
        `${name}-system`,
        {
            clusterName: args.clusterNameOutput,
            nodeGroupNamePrefix: "system-",
            nodeRoleArn: nodeRole.arn,
            // One subnet per AZ: the group's Auto Scaling group balances nodes across the zones.
            subnetIds: args.privateSubnetIds,
            capacityType: "ON_DEMAND",
            amiType: s.amiType,
            instanceTypes: s.instanceTypes,
            scalingConfig: { minSize: s.minSize, desiredSize: s.desiredSize, maxSize: s.maxSize },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => String(v)) },
            labels: { ...SYSTEM_NODE_LABEL },
            taints: [{ key: SYSTEM_NODE_TAINT.key, value: SYSTEM_NODE_TAINT.value, effect: "NO_SCHEDULE" }],
            tags: args.tags,
        },
        { parent, dependsOn: attachments, ignoreChanges: ["scalingConfig.desiredSize"] },
    );
    return { nodeGroup, roleArn: nodeRole.arn };
}
