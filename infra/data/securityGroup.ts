// The one way the data tier admits clients: a security group with no inline rules, one ingress rule on the
// service port from the EKS cluster security group (on system and Karpenter nodes alike), no CIDR, no egress
// (the provider removes the default allow-all egress rule; a database or cache needs no outbound connection).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, withTags } from "../lib/naming";

export interface ClusterOnlySecurityGroupArgs {
    /** Physical name prefix, e.g. the DB identifier. */
    groupName: string;
    /** "PostgreSQL", "Valkey": for descriptions. */
    engine: string;
    port: number;
    clusterName: string;
    vpcId: pulumi.Input<string>;
    clientSecurityGroupId: pulumi.Input<string>;
    tags: Tags;
}

export function clusterOnlySecurityGroup(name: string, args: ClusterOnlySecurityGroupArgs, opts: pulumi.CustomResourceOptions): aws.ec2.SecurityGroup {
    const sg = new aws.ec2.SecurityGroup(
        name,
        {
            name: `${args.groupName}-sg`,
            description: `${args.engine} ${args.clusterName}: ${args.port} from the cluster security group only`,
            vpcId: args.vpcId,
            tags: withTags(args.tags, { Name: `${args.groupName}-sg` }),
        },
        opts,
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-from-cluster`,
        {
            securityGroupId: sg.id,
            referencedSecurityGroupId: args.clientSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: args.port,
            toPort: args.port,
            description: `${args.engine} from EKS nodes (cluster security group)`,
            tags: args.tags,
        },
        opts,
    );
    return sg;
}
