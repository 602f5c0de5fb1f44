// IAM documents of the ingress layer, as pure data.
import { PolicyDocument, Statement, policyDocument } from "../lib/iamDocuments";
import { denyInsecureTransport } from "../lib/secureBucket";

/**
 * AWS Load Balancer Controller v3.5.0 permissions: the 16 statements of
 * kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json @ v3.5.0
 * (commit 11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4), in the same order and otherwise identical; upstream has no
 * Sids, so each statement got one that says what it allows. The ARNs use the `aws` partition as upstream does
 * (China/GovCloud have their own iam_policy_cn.json / iam_policy_us-gov.json).
 * test/ingress/iam.spec.ts compares every statement, Sid aside, with UPSTREAM_LBC_POLICY: upstream's statements
 * transcribed as typed test data in test/ingress/fixtures/upstream.ts, source cited there. No copy of the upstream
 * file is kept and no test checks a checksum; the transcription was compared with the file at that commit (equal as
 * parsed JSON, order included) when it was last reviewed. Re-read the file when bumping the controller.
 *
 * Not added: wafv2:ListWebACLs (only the wafv2-acl-name annotation needs it; the platform pins the ACL by ARN
 * in IngressClassParams.spec.wafv2AclArn).
 */
export function loadBalancerControllerPolicy(): PolicyDocument {
    return policyDocument([
        {
            Sid: "CreateElbServiceLinkedRole",
            Effect: "Allow",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: "*",
            Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
        },
        {
            Sid: "DescribeEc2AndLoadBalancers",
            Effect: "Allow",
            Action: [
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:GetCoipPoolUsage",
                "ec2:DescribeCoipPools",
                "ec2:GetSecurityGroupsForVpc",
                "ec2:DescribeIpamPools",
                "ec2:DescribeRouteTables",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeCapacityReservation",
            ],
            Resource: "*",
        },
        {
            Sid: "ReadCertificatesManageWafAndShield",
            Effect: "Allow",
            Action: [
                "cognito-idp:DescribeUserPoolClient",
                "acm:ListCertificates",
                "acm:DescribeCertificate",
                "iam:ListServerCertificates",
                "iam:GetServerCertificate",
                "waf-regional:GetWebACL",
                "waf-regional:GetWebACLForResource",
                "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL",
                "wafv2:GetWebACL",
                "wafv2:GetWebACLForResource",
                "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL",
                "shield:GetSubscriptionState",
                "shield:DescribeProtection",
                "shield:CreateProtection",
                "shield:DeleteProtection",
            ],
            Resource: "*",
        },
        {
            Sid: "ManageSecurityGroupIngress",
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            Resource: "*",
        },
        {
            Sid: "CreateSecurityGroup",
            Effect: "Allow",
            Action: ["ec2:CreateSecurityGroup"],
            Resource: "*",
        },
        {
            Sid: "TagSecurityGroupOnCreate",
            Effect: "Allow",
            Action: ["ec2:CreateTags"],
            Resource: "arn:aws:ec2:*:*:security-group/*",
            Condition: {
                StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" },
                Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
            },
        },
        {
            Sid: "TagClusterSecurityGroups",
            Effect: "Allow",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: "arn:aws:ec2:*:*:security-group/*",
            Condition: {
                Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" },
            },
        },
        {
            Sid: "ManageClusterSecurityGroups",
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
            Resource: "*",
            Condition: { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } },
        },
        {
            Sid: "CreateTaggedLoadBalancersAndTargetGroups",
            Effect: "Allow",
            Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            Resource: "*",
            Condition: { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } },
        },
        {
            Sid: "ManageListenersAndRules",
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            Resource: "*",
        },
        {
            Sid: "TagClusterLoadBalancersAndTargetGroups",
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: [
                "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
            ],
            Condition: {
                Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" },
            },
        },
        {
            Sid: "TagListenersAndRules",
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: [
                "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
            ],
        },
        {
            Sid: "ModifyClusterLoadBalancersAndTargetGroups",
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyCapacityReservation",
                "elasticloadbalancing:ModifyIpPools",
            ],
            Resource: "*",
            Condition: { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } },
        },
        {
            Sid: "TagLoadBalancersAndTargetGroupsOnCreate",
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags"],
            Resource: [
                "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
            ],
            Condition: {
                StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
                Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
            },
        },
        {
            Sid: "RegisterAndDeregisterTargets",
            Effect: "Allow",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
        },
        {
            Sid: "ModifyListenersRulesAndWebAcl",
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:SetWebAcl",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ],
            Resource: "*",
        },
    ]);
}

/**
 * external-dns, scoped to the platform's one hosted zone. Upstream (kubernetes-sigs/external-dns
 * docs/tutorials/aws.md @ v0.21.0, policy "AllowExternalDNSUpdates") grants ChangeResourceRecordSets,
 * ListResourceRecordSets and ListTagsForResources on `arn:aws:route53:::hostedzone/*` and ListHostedZones on `*`.
 * Here the zone actions name this zone's ARN only: with `--zone-id-filter` the provider lists records of, and
 * reads tags for, the filtered zones only (provider/aws/aws.go @ v0.21.0: zones() filters by zone id before
 * tagsForZone, records() walks the filtered zones). ListHostedZones has no resource-level permission.
 */
export function externalDnsPolicy(hostedZoneArn: string): PolicyDocument {
    return policyDocument([
        {
            Sid: "ChangeRecordsInPlatformZone",
            Effect: "Allow",
            Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
            Resource: [hostedZoneArn],
        },
        {
            Sid: "ListHostedZones",
            Effect: "Allow",
            Action: ["route53:ListHostedZones"],
            Resource: ["*"],
        },
    ]);
}

export interface AccessLogBucketPolicyArgs {
    partition: string;
    bucketName: string;
    /** Key prefix the ALBs write under (access_logs.s3.prefix). */
    prefix: string;
    /** The account that owns the load balancers. */
    accountId: string;
}

/**
 * Bucket policy for ALB access logs. The log-delivery service principal is the form the ALB user guide now
 * recommends for every Region ("Previously, for Regions available before August 2022, we required a policy that
 * granted permissions to an Elastic Load Balancing account that was specific to the Region. This legacy policy is
 * still supported, but we recommend that you replace it with the newer policy above."). The resource names the
 * prefix and the owning account, as the guide asks ("Always include the account ID of the account with the load
 * balancer in the resource path"), so only this account's load balancers can write. The second statement
 * refuses every request that does not use TLS.
 */
export function accessLogBucketPolicy(args: AccessLogBucketPolicyArgs): PolicyDocument {
    const bucketArn = `arn:${args.partition}:s3:::${args.bucketName}`;
    return policyDocument([elbLogDeliveryStatement(bucketArn, args.prefix, args.accountId), denyInsecureTransport(bucketArn)]);
}

/** The first statement of accessLogBucketPolicy: the ALB log-delivery service may write under the prefix and account. */
export function elbLogDeliveryStatement(bucketArn: string, prefix: string, accountId: string): Statement {
    return {
        Sid: "AllowElbLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/${prefix}/AWSLogs/${accountId}/*`,
    };
}
