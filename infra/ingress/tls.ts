// TLS and DNS of the ingress layer (only with a platform domain): the Route53 zone lookup, a DNS-validated ACM
// certificate for <domain> and *.<domain>, and external-dns allowed to change only that one zone.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../cluster/contract";
import { charts } from "../lib/charts";
import { Tags, withTags } from "../lib/naming";
import { systemChart } from "../lib/systemChart";
import { ExternalDnsPolicy } from "./config";
import { externalDnsPolicy } from "./iam";
import { EXTERNAL_DNS_NAMESPACE, EXTERNAL_DNS_RELEASE, EXTERNAL_DNS_SERVICE_ACCOUNT, externalDnsValues } from "./values";

export interface DomainTlsArgs {
    cluster: ClusterContract;
    domain: string;
    stackName: string;
    externalDnsPolicy: ExternalDnsPolicy;
    tags: Tags;
}

export interface DomainTls {
    /** The certificate ARN, resolved only once ACM has validated it. */
    certificateArn: pulumi.Output<string>;
    hostedZoneId: pulumi.Output<string>;
}

export function domainTls(name: string, args: DomainTlsArgs, parent: pulumi.Resource): DomainTls {
    const opts = { parent };
    const domain = args.domain;
    const zone = aws.route53.getZoneOutput({ name: domain, privateZone: false }, opts);
    const certificate = new aws.acm.Certificate(
        `${name}-cert`,
        {
            domainName: domain,
            subjectAlternativeNames: [`*.${domain}`],
            validationMethod: "DNS",
            keyAlgorithm: "RSA_2048",
            tags: withTags(args.tags, { Name: `${args.stackName}-ingress` }),
        },
        opts,
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
        opts,
    );
    const validation = new aws.acm.CertificateValidation(
        `${name}-cert`,
        { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
        opts,
    );

    systemChart(
        `${name}-external-dns`,
        {
            cluster: args.cluster,
            placement: args.cluster.system,
            chart: charts.externalDns,
            namespace: EXTERNAL_DNS_NAMESPACE,
            releaseName: EXTERNAL_DNS_RELEASE,
            identity: { serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT, policy: zone.arn.apply((arn) => externalDnsPolicy(arn)) },
            values: externalDnsValues({
                region: args.cluster.account.region,
                domain,
                hostedZoneId: zone.zoneId,
                policy: args.externalDnsPolicy,
                txtOwnerId: args.stackName,
                placement: args.cluster.system,
            }),
            pods: [{ component: "external-dns", replicas: 1, cpu: "50m", memory: "64Mi", memoryLimit: "128Mi" }],
            tags: args.tags,
        },
        opts,
    );
    return { certificateArn: validation.certificateArn, hostedZoneId: zone.zoneId };
}
