// VPC interface endpoints (AWS PrivateLink) for the AWS APIs the platform's pods and nodes call: STS (Pod
// Identity and IRSA credentials), Secrets Manager, KMS, ECR (api + dkr; image layers come from S3 through the
// gateway endpoint) and CloudWatch Logs. With private DNS on, the regional names (sts.<region>.amazonaws.com...)
// resolve to the endpoints' addresses inside the VPC, so these calls leave neither through NAT nor to public
// addresses. Optional (platform:interfaceEndpoints); additive: nothing existing changes when it is turned on.
//
// Placement: the isolated data subnets. Nothing else there listens on 443 (RDS 5432, Valkey 6379), so a pod's
// NetworkPolicy can allow "TCP 443 to the data subnets" (ProductionService aws.vpcEndpointCidrs) without opening
// anything else; the endpoints need no route. Each endpoint takes one address per subnet.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, withTags } from "../lib/naming";

/** Service name suffixes of `com.amazonaws.<region>.<suffix>` (Amazon VPC "AWS services that integrate with AWS PrivateLink"). */
export const INTERFACE_ENDPOINT_SERVICES = ["sts", "secretsmanager", "kms", "ecr.api", "ecr.dkr", "logs"] as const;
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

export const HTTPS_PORT = 443;

export interface InterfaceEndpointsArgs {
    services: readonly InterfaceEndpointService[];
    clusterName: string;
    region: string;
    vpcId: pulumi.Input<string>;
    /** The VPC block: every node and pod address is in it, so it is the one source the endpoints admit. */
    vpcCidr: string;
    subnetIds: pulumi.Input<string>[];
    tags: Tags;
}

/** Logical name of one endpoint: `<name>-vpce-<service with "." as "-">`. */
export function endpointResourceName(name: string, service: InterfaceEndpointService): string {
    return `${name}-vpce-${service.replace(/\./g, "-")}`;
}

/** The VpcEndpoint arguments of one service, as plain data (unit-tested). */
export function interfaceEndpointArgs(
    service: InterfaceEndpointService,
    a: Pick<InterfaceEndpointsArgs, "clusterName" | "region" | "vpcId" | "subnetIds" | "tags">,
    securityGroupId: pulumi.Input<string>,
): aws.ec2.VpcEndpointArgs {
    return {
        vpcId: a.vpcId,
        // The region check (infra/config.ts) admits commercial regions only, where every one of these is
        // com.amazonaws.<region>.<service>, like the S3 gateway endpoint's name.
        serviceName: `com.amazonaws.${a.region}.${service}`,
        vpcEndpointType: "Interface",
        subnetIds: a.subnetIds,
        securityGroupIds: [securityGroupId],
        // Needs enableDnsSupport and enableDnsHostnames on the VPC (both set in index.ts).
        privateDnsEnabled: true,
        tags: withTags(a.tags, { Name: `${a.clusterName}-${service}` }),
    };
}

/** Declares the endpoints and their security group (HTTPS from the VPC only). Nothing when `services` is empty. */
export function interfaceEndpoints(
    name: string,
    a: InterfaceEndpointsArgs,
    opts: { parent: pulumi.Resource },
): { securityGroup: aws.ec2.SecurityGroup; endpoints: aws.ec2.VpcEndpoint[] } | undefined {
    if (a.services.length === 0) return undefined;
    const sg = new aws.ec2.SecurityGroup(
        `${name}-vpce`,
        {
            name: `${a.clusterName}-vpc-endpoints`,
            description: `Interface endpoints of ${a.clusterName}: HTTPS from the VPC only`,
            vpcId: a.vpcId,
            tags: withTags(a.tags, { Name: `${a.clusterName}-vpc-endpoints` }),
        },
        opts,
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-vpce-https`,
        {
            securityGroupId: sg.id,
            cidrIpv4: a.vpcCidr,
            ipProtocol: "tcp",
            fromPort: HTTPS_PORT,
            toPort: HTTPS_PORT,
            description: "HTTPS to the AWS API endpoints from nodes and pods in the VPC",
            tags: a.tags,
        },
        opts,
    );
    const endpoints = a.services.map((service) => new aws.ec2.VpcEndpoint(endpointResourceName(name, service), interfaceEndpointArgs(service, a, sg.id), opts));
    return { securityGroup: sg, endpoints };
}
