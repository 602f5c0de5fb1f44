// The service's NetworkPolicy: ingress from the ALB subnets and named namespaces on the service port;
// egress to DNS, the Pod Identity agent and the AWS APIs over HTTPS (when `aws` is set) and the declared peers
// only (default deny).
import * as k8s from "@pulumi/kubernetes";
import { NAMESPACE_NAME_LABEL, dnsEgressRule } from "../../labels";
import { ProductionServiceArgs } from "../args";
import { AWS_API_EGRESS, POD_IDENTITY_AGENT_EGRESS } from "../render";
import { ResolvedService } from "../resolve";
import { tracingEgressRule } from "../tracing";

export function networkPolicySpec(
    args: ProductionServiceArgs,
    s: ResolvedService,
    selector: Record<string, string>,
): k8s.types.input.networking.v1.NetworkPolicySpec {
    return {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
            {
                from: [
                    // ALB nodes (target-type ip sends traffic and health checks straight to the pod).
                    ...(args.ingress?.contract.loadBalancerSubnetCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
                    ...(args.network?.allowFromNamespaces ?? []).map((n) => ({
                        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: n } },
                    })),
                ],
                ports: [{ protocol: "TCP", port: s.port }],
            },
            // Prometheus (the observability layer's namespace) scrapes the metrics port.
            ...(s.monitoring
                ? [
                      {
                          from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: s.monitoring.contract.namespace } } }],
                          ports: [{ protocol: "TCP", port: s.monitoring.containerPort }],
                      },
                  ]
                : []),
        ].filter((rule) => rule.from.length > 0),
        egress: [
            dnsEgressRule(),
            // Credentials for the Pod Identity role (the agent on the node, not an AWS endpoint).
            ...(args.aws ? [{ to: [...POD_IDENTITY_AGENT_EGRESS.to], ports: [...POD_IDENTITY_AGENT_EGRESS.ports] }] : []),
            // The role is useless without the AWS APIs: public endpoints over HTTPS, and the VPC interface
            // endpoints when the stack has them.
            ...(args.aws
                ? [{ to: AWS_API_EGRESS.to.map((t) => ({ ipBlock: { cidr: t.ipBlock.cidr, except: [...t.ipBlock.except] } })), ports: [...AWS_API_EGRESS.ports] }]
                : []),
            ...(args.aws?.vpcEndpointCidrs?.length
                ? [{ to: args.aws.vpcEndpointCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [...AWS_API_EGRESS.ports] }]
                : []),
            // Traces (opt-in): the collector gateway's pods, on the one OTLP port in use.
            ...(args.tracing ? [tracingEgressRule(args.tracing)] : []),
            ...(args.network?.egress ?? []).map((e) => ({
                to: e.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
                ports: e.ports.map((p) => ({ protocol: p.protocol ?? "TCP", port: p.port })),
            })),
        ],
    };
}
