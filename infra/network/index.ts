// The VPC: public, private (nodes) and isolated data subnets across the configured AZs, NAT per the
// stack's strategy, an S3 gateway endpoint, optional interface endpoints for the AWS APIs (endpoints.ts), flow
// logs, and a default security group with no rules.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountContext } from "../lib/account";
import { PolicyDocument, policyDocument } from "../lib/iamDocuments";
import { Tags, withTags } from "../lib/naming";
import { InterfaceEndpointService, interfaceEndpoints } from "./endpoints";
import { SubnetPlan, planSubnets } from "./subnets";

export type { SubnetPlan } from "./subnets";

export interface NetworkArgs {
    vpcCidr: string;
    azCount: number;
    natStrategy: "single" | "perAz";
    clusterName: string;
    region: string;
    logRetentionDays: number;
    /** VPC interface endpoints to create in the data subnets (endpoints.ts); none when omitted or empty. */
    interfaceEndpoints?: readonly InterfaceEndpointService[];
    account: AccountContext;
    tags: Tags;
}

/** The flat stack outputs this layer owns. */
export interface NetworkOutputs {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string>[];
    dataSubnetIds: pulumi.Output<string>[];
}

export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly vpcCidr: string;
    readonly availabilityZones: pulumi.Output<string[]>;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly dataSubnetIds: pulumi.Output<string>[];
    readonly privateRouteTableIds: pulumi.Output<string>[];
    readonly natGatewayCount: number;
    /**
     * CIDRs of the subnets holding the VPC interface endpoints ([] without them). A pod whose NetworkPolicy
     * denies egress by default needs TCP 443 to these (ProductionService `aws.vpcEndpointCidrs`): private DNS
     * resolves the AWS API names there.
     */
    readonly interfaceEndpointSubnetCidrs: string[];
    /** The CIDRs of every subnet tier, computed once from the VPC block (subnets.ts). */
    readonly subnetPlan: SubnetPlan;
    readonly outputs: NetworkOutputs;
    readonly notices: string[] = [];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:Network", name, {}, opts);
        const parent = { parent: this };
        const plan = planSubnets(args.vpcCidr, args.azCount);
        this.subnetPlan = plan;
        const tags = (extra: Record<string, string>) => withTags(args.tags, extra);

        const zones = aws.getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            parent,
        );
        this.availabilityZones = zones.names.apply((names) => {
            if (names.length < args.azCount) {
                throw new Error(`platform:azCount is ${args.azCount} but ${args.region} offers ${names.length} zones`);
            }
            return names.slice(0, args.azCount);
        });
        const az = (i: number) => this.availabilityZones.apply((names) => names[i]);

        const vpc = new aws.ec2.Vpc(
            name,
            {
                cidrBlock: args.vpcCidr,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: tags({ Name: `${args.clusterName}-vpc` }),
            },
            parent,
        );
        this.vpcId = vpc.id;
        this.vpcCidr = args.vpcCidr;

        // The default security group keeps no rules, so nothing can use it by accident.
        new aws.ec2.DefaultSecurityGroup(
            `${name}-default`,
            { vpcId: vpc.id, ingress: [], egress: [], tags: tags({ Name: `${args.clusterName}-default-deny` }) },
            parent,
        );

        const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: tags({ Name: `${args.clusterName}-igw` }) }, parent);

        const publicRt = new aws.ec2.RouteTable(
            `${name}-public`,
            { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: tags({ Name: `${args.clusterName}-public` }) },
            parent,
        );

        const publicSubnets = plan.public.map(
            (cidrBlock, i) =>
                new aws.ec2.Subnet(
                    `${name}-public-${i}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock,
                        availabilityZone: az(i),
                        mapPublicIpOnLaunch: false,
                        tags: tags({ Name: `${args.clusterName}-public-${i}`, "kubernetes.io/role/elb": "1" }),
                    },
                    parent,
                ),
        );
        publicSubnets.forEach(
            (s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: s.id, routeTableId: publicRt.id }, parent),
        );

        this.natGatewayCount = args.natStrategy === "single" ? 1 : args.azCount;
        const nats = Array.from({ length: this.natGatewayCount }, (_, i) => {
            const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: tags({ Name: `${args.clusterName}-nat-${i}` }) }, parent);
            return new aws.ec2.NatGateway(
                `${name}-nat-${i}`,
                {
                    allocationId: eip.id,
                    subnetId: publicSubnets[i].id,
                    connectivityType: "public",
                    tags: tags({ Name: `${args.clusterName}-nat-${i}` }),
                },
                { parent: this, dependsOn: [igw] },
            );
        });

        const privateSubnets = plan.private.map(
            (cidrBlock, i) =>
                new aws.ec2.Subnet(
                    `${name}-private-${i}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock,
                        availabilityZone: az(i),
                        mapPublicIpOnLaunch: false,
                        tags: tags({
                            Name: `${args.clusterName}-private-${i}`,
                            "kubernetes.io/role/internal-elb": "1",
                            // Karpenter's EC2NodeClass selects node subnets by this tag.
                            "karpenter.sh/discovery": args.clusterName,
                        }),
                    },
                    parent,
                ),
        );
        const privateRts = privateSubnets.map((s, i) => {
            const nat = nats[Math.min(i, nats.length - 1)];
            const rt = new aws.ec2.RouteTable(
                `${name}-private-${i}`,
                {
                    vpcId: vpc.id,
                    routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
                    tags: tags({ Name: `${args.clusterName}-private-${i}` }),
                },
                parent,
            );
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: s.id, routeTableId: rt.id }, parent);
            return rt;
        });

        // Data subnets: a route table with only the implicit local route, so no path to the internet.
        const dataRt = new aws.ec2.RouteTable(
            `${name}-data`,
            { vpcId: vpc.id, routes: [], tags: tags({ Name: `${args.clusterName}-data` }) },
            parent,
        );
        const dataSubnets = plan.data.map((cidrBlock, i) => {
            const s = new aws.ec2.Subnet(
                `${name}-data-${i}`,
                {
                    vpcId: vpc.id,
                    cidrBlock,
                    availabilityZone: az(i),
                    mapPublicIpOnLaunch: false,
                    tags: tags({ Name: `${args.clusterName}-data-${i}`, "platform:tier": "data" }),
                },
                parent,
            );
            new aws.ec2.RouteTableAssociation(`${name}-data-${i}`, { subnetId: s.id, routeTableId: dataRt.id }, parent);
            return s;
        });

        // S3 traffic (ECR image layers, Loki, Velero) stays on the AWS network and skips NAT charges.
        new aws.ec2.VpcEndpoint(
            `${name}-s3`,
            {
                vpcId: vpc.id,
                serviceName: `com.amazonaws.${args.region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: privateRts.map((rt) => rt.id),
                tags: tags({ Name: `${args.clusterName}-s3` }),
            },
            parent,
        );

        this.createFlowLogs(name, vpc, args);

        const endpointServices = args.interfaceEndpoints ?? [];
        interfaceEndpoints(
            name,
            {
                services: endpointServices,
                clusterName: args.clusterName,
                region: args.region,
                vpcId: vpc.id,
                vpcCidr: args.vpcCidr,
                subnetIds: dataSubnets.map((s) => s.id),
                tags: args.tags,
            },
            parent,
        );
        this.interfaceEndpointSubnetCidrs = endpointServices.length > 0 ? plan.data : [];

        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.dataSubnetIds = dataSubnets.map((s) => s.id);
        this.privateRouteTableIds = privateRts.map((rt) => rt.id);
        this.outputs = { vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, dataSubnetIds: this.dataSubnetIds };
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            dataSubnetIds: this.dataSubnetIds,
        });
    }

    private createFlowLogs(name: string, vpc: aws.ec2.Vpc, args: NetworkArgs): void {
        const parent = { parent: this };
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            { name: `/platform/${args.clusterName}/vpc-flow-logs`, retentionInDays: args.logRetentionDays, tags: args.tags },
            parent,
        );
        const { accountId: account, partition } = args.account;
        const role = new aws.iam.Role(
            `${name}-flow-logs`,
            {
                description: "VPC flow logs delivery to CloudWatch Logs",
                assumeRolePolicy: pulumi
                    .all([partition, account])
                    .apply(([p, accountId]) => JSON.stringify(flowLogsTrustPolicy(p, args.region, accountId))),
                tags: args.tags,
            },
            parent,
        );
        new aws.iam.RolePolicy(
            `${name}-flow-logs`,
            {
                role: role.name,
                policy: logGroup.arn.apply((arn) =>
                    JSON.stringify(
                        policyDocument([
                            {
                                Sid: "WriteFlowLogs",
                                Effect: "Allow",
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                                Resource: [arn, `${arn}:*`],
                            },
                        ]),
                    ),
                ),
            },
            parent,
        );
        new aws.ec2.FlowLog(
            `${name}-flow-logs`,
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                maxAggregationInterval: 60,
                tags: args.tags,
            },
            parent,
        );
    }
}

/**
 * Trust policy of the flow-logs delivery role, with the confused-deputy conditions of
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
 * (aws:SourceAccount, and aws:SourceArn `arn:<partition>:ec2:<region>:<account>:vpc-flow-log/<flow-log-id>`).
 * The partition comes from the provider: a literal `arn:aws:` never matches in aws-cn or aws-us-gov, and the role
 * could then never be assumed.
 */
export function flowLogsTrustPolicy(partition: string, region: string, accountId: string): PolicyDocument {
    return policyDocument([
        {
            Sid: "AllowVpcFlowLogs",
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
                StringEquals: { "aws:SourceAccount": accountId },
                ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
            },
        },
    ]);
}
