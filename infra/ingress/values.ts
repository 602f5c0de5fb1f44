// Helm values and the IngressClassParams spec of the ingress layer, as plain functions of their inputs so that
// the keys can be read (and tested) next to the upstream files they come from.
import * as pulumi from "@pulumi/pulumi";
import { Placement, zoneSpread } from "../lib/placement";
import { ExternalDnsPolicy } from "./config";

export const CONTROLLER_NAMESPACE = "kube-system";
export const CONTROLLER_RELEASE = "aws-load-balancer-controller";
/** Set explicitly: the chart would otherwise derive it from the release name, and Pod Identity binds this name. */
export const CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
export const EXTERNAL_DNS_NAMESPACE = "kube-system";
export const EXTERNAL_DNS_RELEASE = "external-dns";
export const EXTERNAL_DNS_SERVICE_ACCOUNT = "external-dns";

export const INGRESS_CLASS = "alb";
/** IngressClass.spec.controller of the AWS Load Balancer Controller (chart templates/ingressclass.yaml). */
export const INGRESS_CONTROLLER = "ingress.k8s.aws/alb";
/** Namespace label that makes the controller's pod webhook inject readiness gates (docs/deploy/pod_readiness_gate.md). */
export const READINESS_GATE_LABELS: Record<string, string> = { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" };
/** Key prefix the ALBs write access logs under (access_logs.s3.prefix). */
export const ACCESS_LOG_PREFIX = "alb";


export interface ControllerValuesArgs {
    clusterName: pulumi.Input<string>;
    region: string;
    vpcId: pulumi.Input<string>;
    sslPolicy: string;
    placement: Pick<Placement, "nodeSelector" | "tolerations">;
}

/**
 * Values of aws-load-balancer-controller 3.5.0; every key is in aws/eks-charts
 * stable/aws-load-balancer-controller/values.yaml @ 5239609242f3430be50fb0b714a24d3ef2b47983.
 */
export function controllerValues(args: ControllerValuesArgs): Record<string, unknown> {
    return {
        clusterName: args.clusterName,
        // Explicit region and VPC: the controller would otherwise ask IMDS, which pods cannot reach (hop limit 1).
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: 2,
        // templates/pdb.yaml renders `podDisruptionBudget` as the PDB spec, and only when replicaCount > 1.
        podDisruptionBudget: { maxUnavailable: 1 },
        serviceAccount: { create: true, name: CONTROLLER_SERVICE_ACCOUNT },
        ingressClass: INGRESS_CLASS,
        // The platform declares IngressClass and IngressClassParams itself, after the release is ready: the chart's
        // own IngressClassParams would be created while the validating webhook has no endpoints yet, and values.yaml
        // recommends "creating ingressClassParams resources separately after installing this chart".
        createIngressClassResource: false,
        ingressClassParams: { create: false },
        // Readiness gates only work with IP targets (pod_readiness_gate.md); IngressClassParams pins it too.
        defaultTargetType: "ip",
        // Also the default of NLB TLS listeners created for Services (controller default ELBSecurityPolicy-2016-08).
        defaultSSLPolicy: args.sslPolicy,
        // helm.v3.Release renders in the cluster, so the chart's `lookup` finds the webhook secret and keeps it
        // instead of minting a new CA on every upgrade (templates/_helpers.tpl webhookCerts).
        keepTLSSecret: true,
        // The service mutator is a cluster-wide webhook with failurePolicy Fail on every Service CREATE: while the
        // controller is unavailable no Service could be created anywhere. The platform publishes through ALB
        // Ingresses; a Service that wants an NLB sets spec.loadBalancerClass: service.k8s.aws/nlb itself.
        enableServiceMutatorWebhook: false,
        // Pods in opted-in namespaces must not start without their readiness gate (the 502s during rolling updates);
        // the webhook only selects namespaces labelled elbv2.k8s.aws/pod-readiness-gate-inject=enabled and excludes
        // the controller's own pods (templates/webhook.yaml), as the readiness-gate doc recommends for Fail.
        podMutatorWebhookConfig: { failurePolicy: "Fail" },
        // WAF Classic (waf-regional) is not used; WAFv2 stays on (enableWafv2 default true) for the web ACL.
        enableWaf: false,
        tolerations: args.placement.tolerations,
        nodeSelector: { ...args.placement.nodeSelector },
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
        // The chart's default affinity already spreads the replicas over nodes (configureDefaultAffinity: true).
        topologySpreadConstraints: zoneSpread({ "app.kubernetes.io/name": "aws-load-balancer-controller", "app.kubernetes.io/instance": CONTROLLER_RELEASE }),
    };
}

export interface ExternalDnsValuesArgs {
    region: string;
    domain: string;
    hostedZoneId: pulumi.Input<string>;
    policy: ExternalDnsPolicy;
    txtOwnerId: string;
    placement: Pick<Placement, "nodeSelector" | "tolerations">;
}

/**
 * Values of external-dns 1.21.1; every key is in kubernetes-sigs/external-dns charts/external-dns/values.yaml @
 * external-dns-helm-chart-1.21.1. The chart has no zone-id values key: the README passes it through extraArgs.
 */
export function externalDnsValues(args: ExternalDnsValuesArgs): Record<string, unknown> {
    return {
        provider: { name: "aws" },
        // Set explicitly: the next chart drops the default (CHANGELOG "[UNRELEASED]": policy "is now required").
        policy: args.policy,
        registry: "txt",
        txtOwnerId: args.txtOwnerId,
        domainFilters: [args.domain],
        sources: ["ingress", "service"],
        extraArgs: [pulumi.interpolate`--zone-id-filter=/hostedzone/${args.hostedZoneId}`, "--aws-zone-type=public"],
        serviceAccount: { create: true, name: EXTERNAL_DNS_SERVICE_ACCOUNT },
        // The AWS SDK needs a region even for Route53 (docs/tutorials/aws.md sets AWS_DEFAULT_REGION the same way).
        env: [{ name: "AWS_DEFAULT_REGION", value: args.region }],
        interval: "1m",
        logFormat: "json",
        priorityClassName: "system-cluster-critical",
        tolerations: args.placement.tolerations,
        nodeSelector: { ...args.placement.nodeSelector },
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    };
}

export interface KeyValue {
    key: string;
    value: pulumi.Input<string>;
}

/** IngressClassParams.spec (elbv2.k8s.aws/v1beta1), fields as in config/crd/bases/elbv2.k8s.aws_ingressclassparams.yaml @ v3.5.0. */
export interface IngressClassParamsSpec {
    group: { name: string };
    scheme: "internet-facing" | "internal";
    ipAddressType?: "ipv4" | "dualstack" | "dualstack-without-public-ipv4";
    targetType?: "ip" | "instance";
    subnets?: { ids: pulumi.Input<string>[] };
    certificateArn?: pulumi.Input<string>[];
    sslPolicy?: string;
    /** A string in the CRD schema, not an integer. */
    sslRedirectPort?: string;
    wafv2AclArn?: pulumi.Input<string>;
    loadBalancerAttributes: KeyValue[];
    tags: KeyValue[];
}

export interface IngressClassParamsArgs {
    groupName: string;
    publicSubnetIds: pulumi.Input<string>[];
    /** Validated certificate; undefined when the stack has no domain (then no HTTPS listener, no redirect). */
    certificateArn: pulumi.Input<string> | undefined;
    sslPolicy: string;
    wafAclArn: pulumi.Input<string>;
    accessLogBucket: pulumi.Input<string>;
    idleTimeoutSeconds: number;
    deletionProtection: boolean;
    tags: Record<string, string>;
}

export function ingressClassParamsSpec(args: IngressClassParamsArgs): IngressClassParamsSpec {
    const tls = args.certificateArn !== undefined;
    return {
        // One ALB per stack: every Ingress of the class joins this group (the group.name annotation is ignored).
        group: { name: args.groupName },
        scheme: "internet-facing",
        ipAddressType: "ipv4",
        targetType: "ip",
        subnets: { ids: args.publicSubnetIds },
        ...(tls
            ? {
                  certificateArn: [args.certificateArn as pulumi.Input<string>],
                  sslPolicy: args.sslPolicy,
                  // Every HTTP listener answers with a redirect to 443 (the ssl-redirect annotation is ignored).
                  sslRedirectPort: "443",
              }
            : {}),
        // Pinned here so that no Ingress can swap or drop the web ACL by annotation (annotations.md, wafv2-acl-arn).
        wafv2AclArn: args.wafAclArn,
        loadBalancerAttributes: [
            { key: "access_logs.s3.enabled", value: "true" },
            { key: "access_logs.s3.bucket", value: args.accessLogBucket },
            { key: "access_logs.s3.prefix", value: ACCESS_LOG_PREFIX },
            { key: "idle_timeout.timeout_seconds", value: String(args.idleTimeoutSeconds) },
            // Set both ways: the controller only writes attributes it is given (annotations.md, load-balancer-attributes).
            { key: "deletion_protection.enabled", value: String(args.deletionProtection) },
            { key: "routing.http.drop_invalid_header_fields.enabled", value: "true" },
        ],
        tags: Object.entries(args.tags)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, value]) => ({ key, value })),
    };
}

/** group.name rules (annotations.md): lower-case alphanumerics, '-' or '.', alphanumeric at both ends, at most 63. */
export function ingressGroupName(clusterName: string): string {
    const name = clusterName
        .toLowerCase()
        .replace(/[^a-z0-9.-]+/g, "-")
        .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
    if (name.length === 0 || name.length > 63) {
        throw new Error(`cannot derive an ALB group name (1-63 characters) from the cluster name "${clusterName}"`);
    }
    return name;
}
