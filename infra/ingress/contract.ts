// What the ingress layer hands to the layers that publish services (the golden-path service component).
import * as pulumi from "@pulumi/pulumi";

export interface IngressContract {
    /** IngressClass every public service uses. */
    ingressClassName: string;
    /** alb.ingress.kubernetes.io/group.name: services sharing one ALB per stack. */
    groupName: string;
    /** Platform domain (e.g. apps.example.com); undefined when the stack has no domain (dev only). */
    domain: string | undefined;
    /** Wildcard certificate for *.<domain>; undefined without a domain. */
    certificateArn: pulumi.Output<string> | undefined;
    /** Regional WAFv2 web ACL to attach (alb.ingress.kubernetes.io/wafv2-acl-arn). */
    wafAclArn: pulumi.Output<string>;
    /** Namespace labels that make the controller inject pod readiness gates. */
    readinessGateNamespaceLabels: Record<string, string>;
    /** Target-group deregistration delay the platform sets; a service's preStop sleep must exceed it. */
    deregistrationDelaySeconds: number;
    /** CIDRs of the public subnets the ALB lives in (NetworkPolicy ingress from the load balancer). */
    loadBalancerSubnetCidrs: string[];
}
