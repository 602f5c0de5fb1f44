// The ingress layer: one internet-facing ALB per stack, managed by the AWS Load Balancer Controller.
//   - controller (Pod Identity + chart 3.5.0) on the system nodes
//   - IngressClass `alb` + IngressClassParams: shared group, TLS policy, HTTP->HTTPS redirect, WAF, access logs
//   - with a domain: Route53 zone lookup, DNS-validated ACM certificate for <domain> and *.<domain>, external-dns
//     limited to that one zone
//   - WAFv2 web ACL (AWS managed rule groups + per-IP rate limit) and the access-log bucket
// Services publish through the IngressContract (contract.ts); docs/ingress.md explains how.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { charts } from "../lib/charts";
import { chartRelease } from "../lib/helm";
import { Tags, withTags } from "../lib/naming";
import { WorkloadIdentity } from "../lib/workloadIdentity";
import { IngressSettings, TLS_DISABLED_REASON } from "./config";
import { IngressContract } from "./contract";
import { accessLogBucketPolicy, externalDnsPolicy, loadBalancerControllerPolicy } from "./iam";
import {
    ACCESS_LOG_PREFIX,
    CONTROLLER_NAMESPACE,
    CONTROLLER_RELEASE,
    CONTROLLER_SERVICE_ACCOUNT,
    EXTERNAL_DNS_NAMESPACE,
    EXTERNAL_DNS_RELEASE,
    EXTERNAL_DNS_SERVICE_ACCOUNT,
    INGRESS_CLASS,
    INGRESS_CONTROLLER,
    READINESS_GATE_LABELS,
    controllerValues,
    externalDnsValues,
    ingressClassParamsSpec,
    ingressGroupName,
} from "./values";

export type { IngressContract } from "./contract";

export interface IngressArgs {
    /** The cluster name as an Output that resolves once the cluster exists. */
    clusterName: pulumi.Output<string>;
    /** The same name as a plain string (cfg.clusterName): the prefix of physical names and the per-stack ids. */
    stackName: string;
    vpcId: pulumi.Input<string>;
    region: string;
    provider: k8s.Provider;
    systemNodeGroup: aws.eks.NodeGroup;
    /** The Pod Identity agent add-on: controllers using Pod Identity start after it, not before. */
    podIdentityAgent: pulumi.Resource;
    /** Public subnets (one per AZ) the ALB is placed in. */
    publicSubnetIds: pulumi.Input<string>[];
    /** Their CIDRs (planSubnets(...).public), for NetworkPolicies that admit traffic from the ALB. */
    publicSubnetCidrs: string[];
    settings: IngressSettings;
    /** prod: `protect` on the log bucket and ALB deletion protection. */
    protectStateful: boolean;
    tags: Tags;
}

export class Ingress extends pulumi.ComponentResource {
    readonly contract: IngressContract;
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
        const parent = { parent: this };
        const k8sOpts = { parent: this, provider: args.provider };
        const s = args.settings;
        this.groupName = ingressGroupName(args.stackName);

        const identity = aws.getCallerIdentityOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent);

        // ---- ALB access logs ------------------------------------------------------------------------------------
        // ALB access logs support SSE-S3 only ("The only server-side encryption option that's supported is Amazon
        // S3-managed keys (SSE-S3)", enable-access-logging.html). No versioning: the objects are written once under
        // unique keys and never overwritten, and the only deletions are the lifecycle expiry, which versioning would
        // turn into noncurrent versions kept (and paid for) until another rule removed them.
        const bucketName = identity.accountId.apply((account) => {
            const n = `${args.stackName}-alb-logs-${account}-${args.region}`.toLowerCase();
            if (n.length > 63) throw new Error(`ALB access-log bucket name "${n}" is longer than 63 characters`);
            return n;
        });
        this.accessLogBucket = new aws.s3.Bucket(
            `${name}-alb-logs`,
            { bucket: bucketName, forceDestroy: false, tags: withTags(args.tags, { Name: `${args.stackName}-alb-logs` }) },
            { parent: this, protect: args.protectStateful },
        );
        const bucketRef = { bucket: this.accessLogBucket.id };
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-alb-logs`,
            { ...bucketRef, rule: { objectOwnership: "BucketOwnerEnforced" } },
            parent,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-alb-logs`,
            { ...bucketRef, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            parent,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-alb-logs`,
            { ...bucketRef, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            parent,
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-alb-logs`,
            {
                ...bucketRef,
                rules: [
                    {
                        id: "expire-access-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: s.accessLogRetentionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            parent,
        );
        const bucketPolicy = new aws.s3.BucketPolicy(
            `${name}-alb-logs`,
            {
                ...bucketRef,
                policy: pulumi
                    .all([partition.partition, this.accessLogBucket.bucket, identity.accountId])
                    .apply(([p, bucket, accountId]) =>
                        JSON.stringify(accessLogBucketPolicy({ partition: p, bucketName: bucket, prefix: ACCESS_LOG_PREFIX, accountId })),
                    ),
            },
            // The public-access block first: with BlockPublicPolicy on, S3 judges the policy as not public.
            { parent: this, dependsOn: [publicAccess, ownership] },
        );

        // ---- WAFv2 -------------------------------------------------------------------------------------------------
        const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
        const managed = (priority: number, ruleGroup: string) => ({
            name: ruleGroup,
            priority,
            // none = the rule group's own actions apply (count would only observe).
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: ruleGroup } },
            visibilityConfig: visibility(ruleGroup),
        });
        this.webAcl = new aws.wafv2.WebAcl(
            `${name}-waf`,
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
                        statement: {
                            rateBasedStatement: { limit: s.wafRateLimit, aggregateKeyType: "IP", evaluationWindowSec: 300 },
                        },
                        visibilityConfig: visibility("rate-limit-per-ip"),
                    },
                    // AWS baseline rule groups (aws-managed-rule-groups-baseline.html): CRS 700 WCU, known bad inputs 200 WCU.
                    managed(1, "AWSManagedRulesCommonRuleSet"),
                    managed(2, "AWSManagedRulesKnownBadInputsRuleSet"),
                ],
                visibilityConfig: visibility(`${args.stackName}-ingress`),
                tags: args.tags,
            },
            parent,
        );

        // ---- TLS and DNS (only with a domain) ------------------------------------------------------------------------
        let validatedCertificateArn: pulumi.Output<string> | undefined;
        let zone: pulumi.Output<aws.route53.GetZoneResult> | undefined;
        if (s.domain !== undefined) {
            const domain = s.domain;
            zone = aws.route53.getZoneOutput({ name: domain, privateZone: false }, parent);
            const certificate = new aws.acm.Certificate(
                `${name}-cert`,
                {
                    domainName: domain,
                    subjectAlternativeNames: [`*.${domain}`],
                    validationMethod: "DNS",
                    keyAlgorithm: "RSA_2048",
                    tags: withTags(args.tags, { Name: `${args.stackName}-ingress` }),
                },
                parent,
            );
            // ACM asks for the same CNAME for <domain> and *.<domain> (the wildcard is validated through its base
            // name), so one record validates both; two records would collide on the same name.
            const option = certificate.domainValidationOptions.apply((options) => {
                const apex = options.find((o) => o.domainName === domain);
                const wildcard = options.find((o) => o.domainName === `*.${domain}`);
                if (!apex || !wildcard) throw new Error(`ACM returned no validation option for ${domain} and *.${domain}`);
                if (apex.resourceRecordName !== wildcard.resourceRecordName) {
                    throw new Error(
                        `ACM asked for different validation records for ${domain} (${apex.resourceRecordName}) and ` +
                            `*.${domain} (${wildcard.resourceRecordName}); one record per name is needed`,
                    );
                }
                return apex;
            });
            const validationRecord = new aws.route53.Record(
                `${name}-cert-validation`,
                {
                    zoneId: zone.zoneId,
                    name: option.resourceRecordName,
                    type: option.resourceRecordType,
                    records: [option.resourceRecordValue],
                    ttl: 60,
                    // The CNAME is per account and name: a re-created certificate (or stack) asks for the same record.
                    allowOverwrite: true,
                },
                parent,
            );
            const validation = new aws.acm.CertificateValidation(
                `${name}-cert`,
                { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
                parent,
            );
            validatedCertificateArn = validation.certificateArn;

            const dnsIdentity = new WorkloadIdentity(
                `${name}-external-dns`,
                {
                    clusterName: args.clusterName,
                    namespace: EXTERNAL_DNS_NAMESPACE,
                    serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT,
                    policy: zone.arn.apply((arn) => externalDnsPolicy(arn)),
                    tags: args.tags,
                },
                parent,
            );
            chartRelease(
                `${name}-external-dns`,
                {
                    chart: charts.externalDns,
                    namespace: EXTERNAL_DNS_NAMESPACE,
                    releaseName: EXTERNAL_DNS_RELEASE,
                    values: externalDnsValues({
                        region: args.region,
                        domain,
                        hostedZoneId: zone.zoneId,
                        policy: s.externalDnsPolicy,
                        txtOwnerId: args.stackName,
                    }),
                },
                { ...k8sOpts, dependsOn: [args.systemNodeGroup, args.podIdentityAgent, dnsIdentity.association] },
            );
        }
        this.certificateArn = validatedCertificateArn;
        this.hostedZoneId = zone?.zoneId;
        this.tlsStatus =
            s.domain === undefined ? TLS_DISABLED_REASON : `enabled: ACM certificate for ${s.domain} and *.${s.domain}, external-dns (${s.externalDnsPolicy})`;

        // ---- AWS Load Balancer Controller ------------------------------------------------------------------------------
        const controllerIdentity = new WorkloadIdentity(
            `${name}-lbc`,
            {
                clusterName: args.clusterName,
                namespace: CONTROLLER_NAMESPACE,
                serviceAccount: CONTROLLER_SERVICE_ACCOUNT,
                policy: loadBalancerControllerPolicy(),
                tags: args.tags,
            },
            parent,
        );
        this.controller = chartRelease(
            `${name}-lbc`,
            {
                chart: charts.awsLoadBalancerController,
                namespace: CONTROLLER_NAMESPACE,
                releaseName: CONTROLLER_RELEASE,
                values: controllerValues({ clusterName: args.clusterName, region: args.region, vpcId: args.vpcId, sslPolicy: s.sslPolicy }),
            },
            { ...k8sOpts, dependsOn: [args.systemNodeGroup, args.podIdentityAgent, controllerIdentity.association] },
        );

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
