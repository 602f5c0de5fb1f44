// The WAFv2 web ACL of the stack's ALB: a per-IP rate limit and the AWS baseline managed rule groups.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "../lib/naming";

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

const managed = (priority: number, ruleGroup: string) => ({
    name: ruleGroup,
    priority,
    // none = the rule group's own actions apply (count would only observe).
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name: ruleGroup } },
    visibilityConfig: visibility(ruleGroup),
});

export function webAcl(name: string, args: { stackName: string; rateLimit: number; tags: Tags }, parent: pulumi.Resource): aws.wafv2.WebAcl {
    return new aws.wafv2.WebAcl(
        name,
        {
            name: `${args.stackName}-ingress`,
            description: `Web ACL of the ${args.stackName} ALB`,
            // ALBs take regional web ACLs only ("Only Regional WAFv2 is supported", LBC ingress_class.md).
            scope: "REGIONAL",
            defaultAction: { allow: {} },
            rules: [
                {
                    name: "rate-limit-per-ip",
                    priority: 0,
                    action: { block: {} },
                    statement: { rateBasedStatement: { limit: args.rateLimit, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
                    visibilityConfig: visibility("rate-limit-per-ip"),
                },
                // AWS baseline rule groups (aws-managed-rule-groups-baseline.html): CRS 700 WCU, known bad inputs 200 WCU.
                managed(1, "AWSManagedRulesCommonRuleSet"),
                managed(2, "AWSManagedRulesKnownBadInputsRuleSet"),
            ],
            visibilityConfig: visibility(`${args.stackName}-ingress`),
            tags: args.tags,
        },
        { parent },
    );
}
