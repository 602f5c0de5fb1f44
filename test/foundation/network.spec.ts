import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Network, flowLogsTrustPolicy } from "../../infra/network";
import { INTERFACE_ENDPOINT_SERVICES, endpointResourceName, interfaceEndpointArgs } from "../../infra/network/endpoints";
import { planSubnets } from "../../infra/network/subnets";
import { inputs, ofType, one, planStack } from "../helpers";

type Tags = Record<string, string>;

describe("network: subnet layout", () => {
    it("carves private /19s and public and data /24s out of a /16 without overlap", () => {
        const p = planSubnets("10.20.0.0/16", 3);
        assert.deepEqual(p.private, ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]);
        assert.deepEqual(p.public, ["10.20.192.0/24", "10.20.193.0/24", "10.20.194.0/24"]);
        assert.deepEqual(p.data, ["10.20.224.0/24", "10.20.225.0/24", "10.20.226.0/24"]);
    });
    it("scales with the VPC prefix", () => {
        const p = planSubnets("10.1.0.0/20", 2);
        assert.deepEqual(p.private, ["10.1.0.0/23", "10.1.2.0/23"]);
        assert.deepEqual(p.public, ["10.1.12.0/28", "10.1.12.16/28"]);
        assert.deepEqual(p.data, ["10.1.14.0/28", "10.1.14.16/28"]);
    });
    it("refuses layouts it cannot carve", () => {
        assert.throws(() => planSubnets("10.0.0.0/24", 2), /\/16 to \/20/);
        assert.throws(() => planSubnets("10.0.0.0/16", 4), /azCount/);
    });
});

for (const stack of ["dev", "prod"] as const) {
    describe(`network (${stack})`, () => {
        const azs = stack === "dev" ? 2 : 3;

        it("spreads public, private and data subnets over the configured AZs with the discovery tags", async () => {
            const run = await planStack(stack);
            const subnets = ofType(run, "aws:ec2/subnet:Subnet").map(inputs);
            const tier = (t: string) => subnets.filter((s) => ((s["tags"] as Tags)["Name"] ?? "").includes(`-${t}-`));
            for (const t of ["public", "private", "data"]) {
                assert.equal(tier(t).length, azs, t);
                assert.equal(new Set(tier(t).map((s) => s["availabilityZone"])).size, azs, `${t} subnets share an AZ`);
                for (const s of tier(t)) assert.equal(s["mapPublicIpOnLaunch"], false);
            }
            for (const s of tier("public")) assert.equal((s["tags"] as Tags)["kubernetes.io/role/elb"], "1");
            for (const s of tier("private")) {
                assert.equal((s["tags"] as Tags)["kubernetes.io/role/internal-elb"], "1");
                assert.equal((s["tags"] as Tags)["karpenter.sh/discovery"], `platform-${stack}`);
            }
            for (const s of [...tier("public"), ...tier("data")]) assert.equal((s["tags"] as Tags)["karpenter.sh/discovery"], undefined);
        });

        it(`has ${stack === "dev" ? "one NAT gateway" : "one NAT gateway per AZ"} and routes each private subnet through one`, async () => {
            const run = await planStack(stack);
            const nats = ofType(run, "aws:ec2/natGateway:NatGateway");
            assert.equal(nats.length, stack === "dev" ? 1 : 3);
            const privateRoutes = ofType(run, "aws:ec2/routeTable:RouteTable").filter((r) => /-private-\d$/.test(r.name));
            assert.equal(privateRoutes.length, azs);
            const natTargets = new Set(privateRoutes.map((r) => (inputs(r)["routes"] as { natGatewayId: string }[])[0].natGatewayId));
            assert.equal(natTargets.size, nats.length);
        });

        it("gives the data subnets no route to the internet", async () => {
            const run = await planStack(stack);
            const dataRt = one(run, "aws:ec2/routeTable:RouteTable", "network-data");
            assert.deepEqual(inputs(dataRt)["routes"], []);
            const assocs = ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.name.startsWith("network-data-"));
            assert.equal(assocs.length, azs);
        });

        it("routes S3 through a gateway endpoint on the private route tables", async () => {
            const run = await planStack(stack);
            const ep = inputs(one(run, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3"));
            assert.equal(ep["serviceName"], "com.amazonaws.eu-west-1.s3");
            assert.equal(ep["vpcEndpointType"], "Gateway");
            assert.equal((ep["routeTableIds"] as string[]).length, azs);
        });

        it("ships flow logs to CloudWatch Logs with the stack's retention", async () => {
            const run = await planStack(stack);
            const fl = inputs(one(run, "aws:ec2/flowLog:FlowLog"));
            assert.equal(fl["trafficType"], "ALL");
            assert.equal(fl["logDestinationType"], "cloud-watch-logs");
            const group = inputs(one(run, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs"));
            assert.equal(group["retentionInDays"], stack === "dev" ? 14 : 90);
            const trust = JSON.parse(inputs(one(run, "aws:iam/role:Role", "network-flow-logs"))["assumeRolePolicy"] as string);
            assert.equal(trust.Statement[0].Principal.Service, "vpc-flow-logs.amazonaws.com");
            assert.equal(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"], "123456789012");
            assert.equal(trust.Statement[0].Condition.ArnLike["aws:SourceArn"], "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*");
        });

        it(stack === "dev" ? "has no interface endpoints (the AWS APIs are reached through NAT)" : "puts interface endpoints for the AWS APIs in the data subnets, private DNS on, HTTPS from the VPC only", async () => {
            const run = await planStack(stack);
            const interfaces = ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => inputs(e)["vpcEndpointType"] === "Interface");
            const sgs = ofType(run, "aws:ec2/securityGroup:SecurityGroup").filter((s) => s.name === "network-vpce");
            if (stack === "dev") {
                assert.deepEqual([interfaces.length, sgs.length], [0, 0]);
                return;
            }
            assert.deepEqual(
                interfaces.map((e) => inputs(e)["serviceName"]).sort(),
                ["ecr.api", "ecr.dkr", "kms", "logs", "secretsmanager", "sts"].map((s) => `com.amazonaws.eu-west-1.${s}`),
            );
            const dataSubnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => /^network-data-\d$/.test(s.name)).map((s) => s.urn);
            assert.equal(dataSubnets.length, azs);
            const [sg] = sgs;
            for (const e of interfaces) {
                assert.equal(inputs(e)["privateDnsEnabled"], true);
                assert.deepEqual([...e.propertyDependencies["subnetIds"]].sort(), [...dataSubnets].sort(), "in the data subnets");
                assert.equal((inputs(e)["subnetIds"] as string[]).length, azs);
                assert.deepEqual(e.propertyDependencies["securityGroupIds"], [sg.urn]);
                assert.equal((inputs(e)["tags"] as Tags)["platform:stack"], stack);
            }
            // The security group admits exactly TCP 443 from the VPC block, nothing inline.
            assert.equal(inputs(sg)["ingress"], undefined);
            const rules = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => (r.propertyDependencies["securityGroupId"] ?? []).includes(sg.urn));
            assert.deepEqual(
                rules.map((r) => { const i = inputs(r); return [i["ipProtocol"], i["fromPort"], i["toPort"], i["cidrIpv4"]]; }),
                [["tcp", 443, 443, "10.20.0.0/16"]],
            );
        });

        it("leaves the default security group with no rules", async () => {
            const run = await planStack(stack);
            const sg = inputs(one(run, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"));
            assert.deepEqual(sg["ingress"], []);
            assert.deepEqual(sg["egress"], []);
        });
    });
}

// flow-logs-iam-role.html: aws:SourceArn is arn:<partition>:ec2:<region>:<account>:vpc-flow-log/<id>; the partition
// must follow the provider's, or the condition never matches outside the aws partition.
describe("network: flow-logs trust policy", () => {
    it("builds aws:SourceArn with the provider's partition", () => {
        const doc = flowLogsTrustPolicy("aws-cn", "cn-north-1", "123456789012");
        const condition = doc.Statement[0].Condition;
        assert.deepEqual(condition, {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws-cn:ec2:cn-north-1:123456789012:vpc-flow-log/*" },
        });
    });
});

describe("network: interface endpoint arguments", () => {
    it("one endpoint per service, named after it, in the given subnets with private DNS", () => {
        const a = interfaceEndpointArgs("ecr.dkr", { clusterName: "platform-x", region: "us-east-2", vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], tags: { t: "1" } }, "sg-1");
        assert.deepEqual(a, {
            vpcId: "vpc-1",
            serviceName: "com.amazonaws.us-east-2.ecr.dkr",
            vpcEndpointType: "Interface",
            subnetIds: ["subnet-a", "subnet-b"],
            securityGroupIds: ["sg-1"],
            privateDnsEnabled: true,
            tags: { t: "1", Name: "platform-x-ecr.dkr" },
        });
        assert.deepEqual(INTERFACE_ENDPOINT_SERVICES.map((s) => endpointResourceName("network", s)), [
            "network-vpce-sts", "network-vpce-secretsmanager", "network-vpce-kms", "network-vpce-ecr-api", "network-vpce-ecr-dkr", "network-vpce-logs",
        ]);
    });
});

describe("network: interfaceEndpointSubnetCidrs (what services pass as aws.vpcEndpointCidrs)", () => {
    const account = { accountId: pulumi.output("123456789012"), partition: pulumi.output("aws"), dnsSuffix: pulumi.output("amazonaws.com"), region: "eu-west-1" };
    const args = { vpcCidr: "10.30.0.0/16", azCount: 2, natStrategy: "single" as const, clusterName: "platform-t", region: "eu-west-1", logRetentionDays: 14, account, tags: {} };
    it("is the data subnets when interface endpoints exist, empty otherwise", () => {
        assert.deepEqual(new Network("net-a", { ...args, interfaceEndpoints: ["sts", "kms"] }).interfaceEndpointSubnetCidrs, ["10.30.224.0/24", "10.30.225.0/24"]);
        assert.deepEqual(new Network("net-b", args).interfaceEndpointSubnetCidrs, []);
        assert.deepEqual(new Network("net-c", { ...args, interfaceEndpoints: [] }).interfaceEndpointSubnetCidrs, []);
    });
});
