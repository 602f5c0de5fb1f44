// The ingress layer: one internet-facing ALB per stack, managed by the AWS Load Balancer Controller.
//   - controller (Pod Identity + chart 3.5.0) on the system nodes
//   - IngressClass `alb` + IngressClassParams: shared group, TLS policy, HTTP->HTTPS redirect, WAF, access logs
//   - with a domain: Route53 zone lookup, DNS-validated ACM certificate for <domain> and *.<domain>, external-dns
//     limited to that one zone (tls.ts)
//   - WAFv2 web ACL (waf.ts: AWS managed rule groups + per-IP rate limit) and the access-log bucket (accessLogs.ts)
// Services publish through the IngressContract (contract.ts); docs/ingress.md explains how.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../cluster/contract";
import { charts } from "../lib/charts";
import { Tags } from "../lib/naming";
import { systemChart } from "../lib/systemChart";
import { accessLogBucket } from "./accessLogs";
import { IngressSettings, TLS_DISABLED_REASON } from "./config";
import { IngressContract } from "./contract";
import { loadBalancerControllerPolicy } from "./iam";
import { domainTls } from "./tls";
import {
    CONTROLLER_NAMESPACE,
    CONTROLLER_RELEASE,
    CONTROLLER_SERVICE_ACCOUNT,
    INGRESS_CLASS,
    INGRESS_CONTROLLER,
    READINESS_GATE_LABELS,
    controllerValues,
    ingressClassParamsSpec,
    ingressGroupName,
} from "./values";
import { webAcl } from "./waf";

export type { IngressContract } from "./contract";

export interface IngressArgs {
    cluster: ClusterContract;
    vpcId: pulumi.Input<string>;
    /** Public subnets (one per AZ) the ALB is placed in. */
    publicSubnetIds: pulumi.Input<string>[];
    /** Their CIDRs (the network's subnet plan), for NetworkPolicies that admit traffic from the ALB. */
    publicSubnetCidrs: string[];
    settings: IngressSettings;
    /** prod: `protect` on the log bucket and ALB deletion protection. */
    protectStateful: boolean;
    tags: Tags;
}

/** The flat stack outputs this layer owns. */
export interface IngressOutputs {
    /** "enabled: ..." or "disabled: no platform:ingress.domain set" (dev without a domain). */
    ingressTls: string;
    ingressClassName: string;
    ingressGroupName: string;
    /** Present only when the stack has a platform domain. */
    ingressDomain?: string;
    ingressCertificateArn?: pulumi.Output<string>;
    wafAclArn: pulumi.Output<string>;
    albAccessLogBucket: pulumi.Output<string>;
}

export class Ingress extends pulumi.ComponentResource {
    readonly contract: IngressContract;
    readonly outputs: IngressOutputs;
    readonly notices: string[];
    readonly groupName: string;
    readonly webAcl: aws.wafv2.WebAcl;
    readonly accessLogBucket: aws.s3.Bucket;
    readonly controller: k8s.helm.v3.Release;
    readonly ingressClass: k8s.networking.v1.IngressClass;
    /** "enabled: ..." or why TLS is off (dev without a domain); exported as a stack output. */
    readonly tlsStatus: string;
    readonly certificateArn: pulumi.Output<string> | undefined;
    readonly hostedZoneId: pulumi.Output<string> | undefined;

    constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:ingress:Ingress", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.cluster.provider };
        const s = args.settings;
        const cluster = args.cluster;
        const stackName = cluster.name;
        this.groupName = ingressGroupName(stackName);

        const logs = accessLogBucket(
            `${name}-alb-logs`,
            { stackName, retentionDays: s.accessLogRetentionDays, protect: args.protectStateful, account: cluster.account, tags: args.tags },
            this,
        );
        this.accessLogBucket = logs.bucket;
        this.webAcl = webAcl(`${name}-waf`, { stackName, rateLimit: s.wafRateLimit, tags: args.tags }, this);

        const tls = s.domain !== undefined ? domainTls(name, { cluster, domain: s.domain, stackName, externalDnsPolicy: s.externalDnsPolicy, tags: args.tags }, this) : undefined;
        const validatedCertificateArn = tls?.certificateArn;
        this.certificateArn = validatedCertificateArn;
        this.hostedZoneId = tls?.hostedZoneId;
        this.tlsStatus =
            s.domain === undefined ? TLS_DISABLED_REASON : `enabled: ACM certificate for ${s.domain} and *.${s.domain}, external-dns (${s.externalDnsPolicy})`;
        this.notices = s.domain === undefined ? [`ingress TLS, ACM certificate and external-dns are off: ${TLS_DISABLED_REASON.replace(/^disabled: /, "")} (allowed in dev only)`] : [];

        // ---- AWS Load Balancer Controller ------------------------------------------------------------------------------
        this.controller = systemChart(
            `${name}-lbc`,
            {
                cluster,
                placement: cluster.system,
                chart: charts.awsLoadBalancerController,
                namespace: CONTROLLER_NAMESPACE,
                releaseName: CONTROLLER_RELEASE,
                identity: { serviceAccount: CONTROLLER_SERVICE_ACCOUNT, policy: loadBalancerControllerPolicy() },
                values: controllerValues({ clusterName: cluster.nameOutput, region: cluster.account.region, vpcId: args.vpcId, sslPolicy: s.sslPolicy, placement: cluster.system }),
                pods: [{ component: "aws-load-balancer-controller", replicas: 2, cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" }],
                tags: args.tags,
            },
            { parent: this },
        ).release;
        const bucketPolicy = logs.policy;

        // ---- IngressClass + IngressClassParams -----------------------------------------------------------------------
        // After the release: the CRD and the validating webhook (vingressclassparams, failurePolicy Fail) must exist.
        const params = new k8s.apiextensions.CustomResource(
            `${name}-alb-params`,
            {
                apiVersion: "elbv2.k8s.aws/v1beta1",
                kind: "IngressClassParams",
                metadata: { name: INGRESS_CLASS },
                spec: ingressClassParamsSpec({
                    groupName: this.groupName,
                    publicSubnetIds: args.publicSubnetIds,
                    certificateArn: validatedCertificateArn,
                    sslPolicy: s.sslPolicy,
                    wafAclArn: this.webAcl.arn,
                    accessLogBucket: this.accessLogBucket.bucket,
                    idleTimeoutSeconds: s.idleTimeoutSeconds,
                    deletionProtection: args.protectStateful,
                    tags: args.tags,
                }),
            },
            // The ALB checks that it may write to the log bucket when access logs are switched on.
            { ...k8sOpts, dependsOn: [this.controller, bucketPolicy] },
        );
        this.ingressClass = new k8s.networking.v1.IngressClass(
            `${name}-alb`,
            {
                metadata: { name: INGRESS_CLASS },
                spec: {
                    controller: INGRESS_CONTROLLER,
                    parameters: { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: INGRESS_CLASS },
                },
            },
            { ...k8sOpts, dependsOn: [params] },
        );

        this.contract = {
            ingressClassName: INGRESS_CLASS,
            groupName: this.groupName,
            domain: s.domain,
            certificateArn: validatedCertificateArn,
            wafAclArn: this.webAcl.arn,
            readinessGateNamespaceLabels: { ...READINESS_GATE_LABELS },
            deregistrationDelaySeconds: s.deregistrationDelaySeconds,
            loadBalancerSubnetCidrs: [...args.publicSubnetCidrs],
        };

        this.outputs = {
            ingressTls: this.tlsStatus,
            ingressClassName: INGRESS_CLASS,
            ingressGroupName: this.groupName,
            ...(s.domain ? { ingressDomain: s.domain } : {}),
            ...(validatedCertificateArn ? { ingressCertificateArn: validatedCertificateArn } : {}),
            wafAclArn: this.webAcl.arn,
            albAccessLogBucket: this.accessLogBucket.bucket,
        };
        this.registerOutputs({
            ingressClassName: INGRESS_CLASS,
            groupName: this.groupName,
            tls: this.tlsStatus,
            wafAclArn: this.webAcl.arn,
            accessLogBucket: this.accessLogBucket.bucket,
            ...(validatedCertificateArn ? { certificateArn: validatedCertificateArn } : {}),
        });
    }
}
