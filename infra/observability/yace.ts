// AWS metrics in Prometheus: the yet-another-cloudwatch-exporter (YACE) v0.67.0 configuration, its metric names
// and its read-only IAM document, as pure functions.
//
// Sources (prometheus-community/yet-another-cloudwatch-exporter @ v0.67.0, 15fb369c):
//   docs/configuration.md            the YAML schema (discovery.jobs[].{type,regions,searchTags,dimensionNameRequirements,
//                                    period,length,delay,nilToZero,addCloudwatchTimestamp,metrics[]}, exportedTagsOnMetrics)
//   pkg/config/scrapeconf.go         the same fields as Go yaml tags
//   pkg/config/services.go           namespaces and aliases: AWS/RDS (rds:db), AWS/ElastiCache (elasticache:cluster),
//                                    AWS/ApplicationELB (loadbalancer/app and targetgroup), AWS/CertificateManager (acm:certificate)
//   pkg/promutil/migrate.go          BuildMetricName (transcribed below) and the labels: name, dimension_<Dim>, tag_<Key>
//   README.md "Authentication"       the minimum IAM actions for discovery jobs
// Only tagged resources are discovered (tag:GetResources): every platform resource carries `platform:stack`.
import { PolicyDocument, policyDocument } from "../lib/iamDocuments";

/** Statistics YACE accepts: Maximum, Minimum, Sum, SampleCount, Average, pXX (docs/configuration.md "metric_config"). */
export type YaceStatistic = "Maximum" | "Minimum" | "Sum" | "SampleCount" | "Average" | `p${number}`;

export interface YaceMetric {
    name: string;
    statistics: YaceStatistic[];
    period: number;
    length: number;
    nilToZero?: boolean;
}

export interface YaceDiscoveryJob {
    type: string;
    regions: string[];
    searchTags: { key: string; value: string }[];
    dimensionNameRequirements?: string[];
    delay?: number;
    metrics: YaceMetric[];
}

export interface YaceConfig {
    apiVersion: "v1alpha1";
    "sts-region": string;
    discovery: { exportedTagsOnMetrics: Record<string, string[]>; jobs: YaceDiscoveryJob[] };
}

/** PromStringToBuilder (pkg/promutil/prometheus.go @ v0.67.0): separators become "_", CamelCase is split, all lower-case. */
export function yacePromString(text: string): string {
    let out = "";
    let prev = "";
    for (const c of text) {
        if (" ,\t/\\.-:=@<>()“".includes(c)) out += "_";
        else if (c === "%") out += "_percent";
        else {
            const upper = c !== c.toLowerCase() && c === c.toUpperCase();
            const prevLowerOrDigit = prev !== "" && ((prev === prev.toLowerCase() && prev !== prev.toUpperCase()) || /[0-9]/.test(prev));
            if (upper && prevLowerOrDigit) out += "_";
            out += c.toLowerCase();
        }
        prev = c;
    }
    return out;
}

/** BuildMetricName (pkg/promutil/migrate.go @ v0.67.0): the Prometheus name YACE gives a CloudWatch metric and statistic. */
export function yaceMetricName(namespace: string, metricName: string, statistic: string): string {
    const promNs = yacePromString((namespace.startsWith("/") ? namespace.slice(1) : namespace).toLowerCase());
    let name = promNs.startsWith("aws") ? "" : "aws_";
    name += `${promNs}_`;
    let promMetric = yacePromString(metricName);
    let skip = 0;
    for (const part of promNs.split("_")) {
        if (promMetric.slice(skip).startsWith(part)) skip = part.length;
    }
    promMetric = promMetric.slice(skip).replace(/^_/, "");
    name += promMetric;
    if (statistic !== "") name += `_${yacePromString(statistic)}`;
    return name;
}

/** A tag key as a label name (sanitize() in pkg/promutil/prometheus.go, labelsSnakeCase false): `tag_` + key with separators as "_". */
export function yaceTagLabel(key: string): string {
    return `tag_${key.replace(/[ ,\t/\\.\-:=@<>()]/g, "_")}`;
}

export const NS = {
    rds: "AWS/RDS",
    elasticache: "AWS/ElastiCache",
    alb: "AWS/ApplicationELB",
    acm: "AWS/CertificateManager",
} as const;

/** The metric names the rules and dashboards use, derived with YACE's own naming so they cannot drift apart. */
export const AWS_METRICS = {
    rdsCpu: yaceMetricName(NS.rds, "CPUUtilization", "Average"),
    rdsConnections: yaceMetricName(NS.rds, "DatabaseConnections", "Average"),
    rdsFreeStorage: yaceMetricName(NS.rds, "FreeStorageSpace", "Minimum"),
    rdsFreeableMemory: yaceMetricName(NS.rds, "FreeableMemory", "Minimum"),
    cacheCpu: yaceMetricName(NS.elasticache, "CPUUtilization", "Average"),
    cacheEngineCpu: yaceMetricName(NS.elasticache, "EngineCPUUtilization", "Average"),
    cacheMemory: yaceMetricName(NS.elasticache, "DatabaseMemoryUsagePercentage", "Average"),
    cacheEvictions: yaceMetricName(NS.elasticache, "Evictions", "Sum"),
    cacheConnections: yaceMetricName(NS.elasticache, "CurrConnections", "Average"),
    albActiveConnections: yaceMetricName(NS.alb, "ActiveConnectionCount", "Sum"),
    albRequests: yaceMetricName(NS.alb, "RequestCount", "Sum"),
    albElb3xx: yaceMetricName(NS.alb, "HTTPCode_ELB_3XX_Count", "Sum"),
    albElb4xx: yaceMetricName(NS.alb, "HTTPCode_ELB_4XX_Count", "Sum"),
    albElb5xx: yaceMetricName(NS.alb, "HTTPCode_ELB_5XX_Count", "Sum"),
    albElb500: yaceMetricName(NS.alb, "HTTPCode_ELB_500_Count", "Sum"),
    albElb502: yaceMetricName(NS.alb, "HTTPCode_ELB_502_Count", "Sum"),
    albElb503: yaceMetricName(NS.alb, "HTTPCode_ELB_503_Count", "Sum"),
    albElb504: yaceMetricName(NS.alb, "HTTPCode_ELB_504_Count", "Sum"),
    albTarget2xx: yaceMetricName(NS.alb, "HTTPCode_Target_2XX_Count", "Sum"),
    albTarget3xx: yaceMetricName(NS.alb, "HTTPCode_Target_3XX_Count", "Sum"),
    albTarget4xx: yaceMetricName(NS.alb, "HTTPCode_Target_4XX_Count", "Sum"),
    albTarget5xx: yaceMetricName(NS.alb, "HTTPCode_Target_5XX_Count", "Sum"),
    albTargetResponseTime: (p: 50 | 70 | 90 | 95 | 99) => yaceMetricName(NS.alb, "TargetResponseTime", `p${p}`),
    albHealthyHosts: yaceMetricName(NS.alb, "HealthyHostCount", "Minimum"),
    albUnhealthyHosts: yaceMetricName(NS.alb, "UnHealthyHostCount", "Maximum"),
    acmDaysToExpiry: yaceMetricName(NS.acm, "DaysToExpiry", "Minimum"),
} as const;

/** The tag every platform resource carries (infra/config.ts commonTags), used to discover and to label. */
export const STACK_TAG = "platform:stack";

export interface YaceConfigArgs {
    region: string;
    stack: string;
    /** CloudWatch period in seconds (60: ALB, RDS (basic monitoring publishes every 60 s) and ElastiCache publish per minute). */
    periodSeconds: number;
}

/**
 * The YACE configuration: one discovery job per service, resources found by the `platform:stack` tag, the metrics the
 * operators watch (issue 12). Counts that CloudWatch omits when zero (ALB HTTP codes, evictions) get nilToZero so that
 * ratios exist. `length` covers several periods because CloudWatch publishes late; `delay` skips the still-filling minute.
 */
export function yaceConfig(args: YaceConfigArgs): YaceConfig {
    const p = args.periodSeconds;
    const m = (name: string, statistics: YaceStatistic[], nilToZero = false): YaceMetric => ({
        name,
        statistics,
        period: p,
        length: p * 5,
        ...(nilToZero ? { nilToZero: true } : {}),
    });
    const searchTags = [{ key: STACK_TAG, value: `^${args.stack.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$` }];
    const regions = [args.region];
    const elbCodes = ["HTTPCode_ELB_3XX_Count", "HTTPCode_ELB_4XX_Count", "HTTPCode_ELB_5XX_Count", "HTTPCode_ELB_500_Count", "HTTPCode_ELB_502_Count", "HTTPCode_ELB_503_Count", "HTTPCode_ELB_504_Count"];
    const targetCodes = ["HTTPCode_Target_2XX_Count", "HTTPCode_Target_3XX_Count", "HTTPCode_Target_4XX_Count", "HTTPCode_Target_5XX_Count"];
    return {
        apiVersion: "v1alpha1",
        "sts-region": args.region,
        discovery: {
            exportedTagsOnMetrics: { [NS.rds]: [STACK_TAG], [NS.elasticache]: [STACK_TAG], [NS.alb]: [STACK_TAG], [NS.acm]: [STACK_TAG] },
            jobs: [
                {
                    type: NS.rds,
                    regions,
                    searchTags,
                    dimensionNameRequirements: ["DBInstanceIdentifier"],
                    delay: p,
                    metrics: [
                        m("CPUUtilization", ["Average", "Maximum"]),
                        m("DatabaseConnections", ["Average", "Maximum"]),
                        m("FreeStorageSpace", ["Minimum"]),
                        m("FreeableMemory", ["Minimum"]),
                    ],
                },
                {
                    // Member clusters (<group>-001, ...) carry the replication group's tags. Metrics are published per
                    // CacheClusterId and per CacheClusterId+CacheNodeId: keep the cluster-level series only.
                    type: NS.elasticache,
                    regions,
                    searchTags,
                    dimensionNameRequirements: ["CacheClusterId"],
                    delay: p,
                    metrics: [
                        m("CPUUtilization", ["Average"]),
                        m("EngineCPUUtilization", ["Average", "Maximum"]),
                        m("DatabaseMemoryUsagePercentage", ["Average", "Maximum"]),
                        m("Evictions", ["Sum"], true),
                        m("CurrConnections", ["Average", "Maximum"]),
                    ],
                },
                {
                    // Load-balancer level: connections and the codes the ALB itself returns.
                    type: NS.alb,
                    regions,
                    searchTags,
                    dimensionNameRequirements: ["LoadBalancer"],
                    delay: p,
                    metrics: [
                        m("ActiveConnectionCount", ["Sum"]),
                        m("RequestCount", ["Sum"], true),
                        ...elbCodes.map((c) => m(c, ["Sum"], true)),
                        m("HTTPCode_Target_5XX_Count", ["Sum"], true),
                    ],
                },
                {
                    // Target-group level: per service behind the shared ALB (the controller tags its target groups with
                    // the IngressClassParams tags, so discovery finds them by the same stack tag).
                    type: NS.alb,
                    regions,
                    searchTags,
                    dimensionNameRequirements: ["LoadBalancer", "TargetGroup"],
                    delay: p,
                    metrics: [
                        m("RequestCount", ["Sum"], true),
                        ...targetCodes.map((c) => m(c, ["Sum"], true)),
                        m("TargetResponseTime", ["p50", "p70", "p90", "p95", "p99"]),
                        m("HealthyHostCount", ["Minimum"]),
                        m("UnHealthyHostCount", ["Maximum"]),
                    ],
                },
                {
                    // ACM publishes DaysToExpiry once a day: a day-long period, read over two days.
                    type: NS.acm,
                    regions,
                    searchTags,
                    metrics: [{ name: "DaysToExpiry", statistics: ["Minimum"], period: 86400, length: 172800 }],
                },
            ],
        },
    };
}

/**
 * Read-only IAM for discovery jobs on RDS, ElastiCache, ALB and ACM: exactly the four actions the README @ v0.67.0 lists
 * as "the bare minimum permissions required to run Static and Discovery Jobs". None of the per-namespace extras
 * (apigateway:GET, autoscaling:Describe..., ...) applies to these namespaces, and iam:ListAccountAliases (the optional
 * account_alias label) is left out. The read APIs take no resource-level permissions, hence "*".
 */
export function yacePolicy(): PolicyDocument {
    return policyDocument([
        {
            Sid: "ReadCloudWatchMetricsAndTags",
            Effect: "Allow",
            Action: ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "tag:GetResources"],
            Resource: "*",
        },
    ]);
}
