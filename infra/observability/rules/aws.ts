// Alerts on the AWS metrics YACE brings in (issue 12, item 4): ALB 5xx ratio and unhealthy targets, RDS storage,
// connections, CPU and memory, ElastiCache memory and evictions. Every CloudWatch datapoint is a per-minute
// statistic exported as a gauge, so ratios divide sums over the same window and levels use min/max_over_time.
import { AlertRule, RuleGroup, Severity, num, runbookUrl } from "../../lib/promRules";
import { ERROR_RATIO } from "../../lib/serviceRules";
import { AWS_METRICS as M } from "../yace";

export interface AwsThresholds {
    /** RDS FreeStorageSpace below which to warn (GiB). */
    rdsFreeStorageGiB: number;
    /** RDS DatabaseConnections above which to warn (size it to max_connections of the instance class). */
    rdsMaxConnections: number;
    /** RDS / ElastiCache CPU percent. */
    cpuPercent: number;
    /** RDS FreeableMemory below which to warn (MiB). */
    rdsFreeableMemoryMiB: number;
    /** ElastiCache DatabaseMemoryUsagePercentage. */
    cacheMemoryPercent: number;
    /** ElastiCache evictions per minute sustained for 15 minutes. */
    cacheEvictionsPerMinute: number;
}

function alert(base: string, a: { name: string; expr: string; for: string; severity: Severity; twin?: string; summary: string; description: string }): AlertRule {
    return { alert: a.name, expr: a.expr, for: a.for, labels: { severity: a.severity, ...(a.twin ? { twin: a.twin } : {}) }, annotations: { summary: a.summary, description: a.description, runbook_url: runbookUrl(base, a.name) } };
}

export function awsRuleGroups(runbookBase: string, t: AwsThresholds): RuleGroup[] {
    const a = (x: Parameters<typeof alert>[1]) => alert(runbookBase, x);
    const lb = "dimension_LoadBalancer";
    // Load-balancer-level series (the job with dimensionNameRequirements [LoadBalancer]) carry no TargetGroup label.
    const lbLevel = `{dimension_TargetGroup=""}`;
    const albRatio =
        `(sum by (${lb}) (sum_over_time(${M.albElb5xx}${lbLevel}[5m])) + sum by (${lb}) (sum_over_time(${M.albTarget5xx}${lbLevel}[5m])))` +
        ` / sum by (${lb}) (sum_over_time(${M.albRequests}${lbLevel}[5m])) `;
    return [
        {
            name: "aws.alb",
            rules: [
                a({
                    name: "AlbHttp5xxRatioCritical",
                    expr: `${albRatio}> ${num(ERROR_RATIO.critical)}`,
                    for: "5m",
                    severity: "critical",
                    twin: "alb-5xx-ratio",
                    summary: "ALB {{ $labels.dimension_LoadBalancer }} answers more than 5 % of requests with 5xx",
                    description: "ELB- and target-generated 5xx are {{ $value | humanizePercentage }} of all requests over 5 minutes (critical above 5 %).",
                }),
                a({
                    name: "AlbHttp5xxRatioHigh",
                    expr: `${albRatio}> ${num(ERROR_RATIO.warning)}`,
                    for: "10m",
                    severity: "warning",
                    twin: "alb-5xx-ratio",
                    summary: "ALB {{ $labels.dimension_LoadBalancer }} answers more than 1 % of requests with 5xx",
                    description: "ELB- and target-generated 5xx are {{ $value | humanizePercentage }} of all requests over 5 minutes (warning above 1 %).",
                }),
                a({
                    name: "AlbUnhealthyTargets",
                    expr: `max by (dimension_TargetGroup) (max_over_time(${M.albUnhealthyHosts}[5m])) > 0`,
                    for: "10m",
                    severity: "warning",
                    summary: "Target group {{ $labels.dimension_TargetGroup }} has unhealthy targets",
                    description: "{{ $value }} targets have failed the ALB health check for 10 minutes.",
                }),
            ],
        },
        {
            name: "aws.rds",
            rules: [
                a({
                    name: "RdsFreeStorageLow",
                    expr: `min by (dimension_DBInstanceIdentifier) (min_over_time(${M.rdsFreeStorage}[15m])) < ${num(t.rdsFreeStorageGiB)} * 1024 * 1024 * 1024`,
                    for: "15m",
                    severity: "critical",
                    summary: "RDS {{ $labels.dimension_DBInstanceIdentifier }} has less than " + `${num(t.rdsFreeStorageGiB)} GiB free storage`,
                    description: "Free storage is {{ $value | humanize1024 }}B; at zero the instance goes into storage-full and stops accepting writes.",
                }),
                a({
                    name: "RdsConnectionsHigh",
                    expr: `max by (dimension_DBInstanceIdentifier) (max_over_time(${M.rdsConnections}[10m])) > ${num(t.rdsMaxConnections)}`,
                    for: "10m",
                    severity: "warning",
                    summary: "RDS {{ $labels.dimension_DBInstanceIdentifier }} has more than " + `${num(t.rdsMaxConnections)} connections`,
                    description: "{{ $value }} connections: close to max_connections new clients are refused. Look for connection leaks or add a pooler.",
                }),
                a({
                    name: "RdsCpuHigh",
                    expr: `max by (dimension_DBInstanceIdentifier) (avg_over_time(${M.rdsCpu}[15m])) > ${num(t.cpuPercent)}`,
                    for: "15m",
                    severity: "warning",
                    summary: "RDS {{ $labels.dimension_DBInstanceIdentifier }} CPU above " + `${num(t.cpuPercent)} %`,
                    description: "CPU has averaged {{ $value | printf \"%.0f\" }} % for 15 minutes.",
                }),
                a({
                    name: "RdsFreeableMemoryLow",
                    expr: `min by (dimension_DBInstanceIdentifier) (min_over_time(${M.rdsFreeableMemory}[15m])) < ${num(t.rdsFreeableMemoryMiB)} * 1024 * 1024`,
                    for: "15m",
                    severity: "warning",
                    summary: "RDS {{ $labels.dimension_DBInstanceIdentifier }} is short of memory",
                    description: "Freeable memory is {{ $value | humanize1024 }}B; the instance will swap and slow down.",
                }),
            ],
        },
        {
            name: "aws.elasticache",
            rules: [
                a({
                    name: "CacheMemoryHigh",
                    expr: `max by (dimension_CacheClusterId) (avg_over_time(${M.cacheMemory}[10m])) > ${num(t.cacheMemoryPercent)}`,
                    for: "15m",
                    severity: "warning",
                    summary: "Cache {{ $labels.dimension_CacheClusterId }} uses more than " + `${num(t.cacheMemoryPercent)} % of its memory`,
                    description: "DatabaseMemoryUsagePercentage is {{ $value | printf \"%.0f\" }} %; at maxmemory the engine evicts keys.",
                }),
                a({
                    name: "CacheEvictions",
                    expr: `sum by (dimension_CacheClusterId) (avg_over_time(${M.cacheEvictions}[15m])) > ${num(t.cacheEvictionsPerMinute)}`,
                    for: "15m",
                    severity: "warning",
                    summary: "Cache {{ $labels.dimension_CacheClusterId }} is evicting keys",
                    description: "About {{ $value | printf \"%.0f\" }} keys a minute are evicted for 15 minutes: the cache is too small for its working set.",
                }),
                a({
                    name: "CacheEngineCpuHigh",
                    expr: `max by (dimension_CacheClusterId) (avg_over_time(${M.cacheEngineCpu}[15m])) > ${num(t.cpuPercent)}`,
                    for: "15m",
                    severity: "warning",
                    summary: "Cache {{ $labels.dimension_CacheClusterId }} engine CPU above " + `${num(t.cpuPercent)} %`,
                    description: "The engine thread has been {{ $value | printf \"%.0f\" }} % busy for 15 minutes; latency rises as it saturates.",
                }),
            ],
        },
    ];
}
