// Security groups: nothing open to the world except HTTP/HTTPS on load balancers.
// A security group is a load balancer's when it carries the tag `<loadBalancerTagKey>=true`.
// Checks inline ingress blocks, aws.ec2.SecurityGroupRule and aws.vpc.SecurityGroupIngressRule; standalone
// rules inherit the load-balancer status of the group they attach to (matched by dependency).
import type { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { arr, judgesOnly, num, obj, str, stringMap } from "../lib";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const WORLD = new Set(["0.0.0.0/0", "::/0"]);
const WEB_PORTS = new Set([80, 443]);

interface Ingress {
    from: number | undefined;
    to: number | undefined;
    protocol: string;
    cidrs: string[];
}

function describe(i: Ingress): string {
    const ports = i.protocol === "-1" || i.protocol === "all" ? "all ports" : i.from === i.to ? `port ${i.from}` : `ports ${i.from}-${i.to}`;
    return `${ports} from ${i.cidrs.filter((c) => WORLD.has(c)).join(", ")}`;
}

/** Null when allowed, else what is wrong. */
function judge(i: Ingress, loadBalancer: boolean): string | null {
    if (!i.cidrs.some((c) => WORLD.has(c))) return null;
    const webOnly = i.protocol !== "-1" && i.protocol !== "all" && i.from !== undefined && i.from === i.to && WEB_PORTS.has(i.from);
    if (webOnly && loadBalancer) return null;
    return webOnly ? `${describe(i)} is only allowed on load-balancer security groups` : `${describe(i)} is open to the internet`;
}

export const securityGroupIngress: StackValidationPolicy = judgesOnly<StackValidationPolicy>({
    name: "security-group-no-public-ingress",
    description: "No security group ingress from 0.0.0.0/0 or ::/0, except ports 80 and 443 on load-balancer security groups (tagged `<loadBalancerTagKey>=true`).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { loadBalancerTagKey: { type: "string", default: "platform:load-balancer" } } },
    validateStack: (args, report) => {
        const { loadBalancerTagKey } = args.getConfig<{ loadBalancerTagKey: string }>();
        const isLb = (r: PolicyResource | undefined) => r !== undefined && stringMap(r.props["tags"])[loadBalancerTagKey] === "true";
        const groupOf = (rule: PolicyResource) => rule.dependencies.find((d) => d.type === SG);
        for (const r of args.resources) {
            if (r.type === SG) {
                for (const raw of arr(r.props["ingress"])) {
                    const b = obj(raw) ?? {};
                    const cidrs = [...arr(b["cidrBlocks"]), ...arr(b["ipv6CidrBlocks"])].map((c) => String(c));
                    const bad = judge({ from: num(b["fromPort"]), to: num(b["toPort"]), protocol: String(b["protocol"] ?? ""), cidrs }, isLb(r));
                    if (bad) report(`security group "${r.name}": ${bad}`, r.urn);
                }
            } else if (r.type === SG_RULE) {
                if (str(r.props["type"]) !== "ingress") continue;
                const cidrs = [...arr(r.props["cidrBlocks"]), ...arr(r.props["ipv6CidrBlocks"])].map((c) => String(c));
                const bad = judge({ from: num(r.props["fromPort"]), to: num(r.props["toPort"]), protocol: String(r.props["protocol"] ?? ""), cidrs }, isLb(groupOf(r)));
                if (bad) report(`security group rule "${r.name}": ${bad}`, r.urn);
            } else if (r.type === SG_INGRESS_RULE) {
                const cidrs = [str(r.props["cidrIpv4"]), str(r.props["cidrIpv6"])].filter((c): c is string => c !== undefined);
                const lb = isLb(groupOf(r)) || isLb(r);
                const bad = judge({ from: num(r.props["fromPort"]), to: num(r.props["toPort"]), protocol: String(r.props["ipProtocol"] ?? ""), cidrs }, lb);
                if (bad) report(`security group ingress rule "${r.name}": ${bad}`, r.urn);
            }
        }
    },
}, (type) => type === SG || type === SG_RULE || type === SG_INGRESS_RULE);

export const networkPolicies: Policies = [securityGroupIngress];
