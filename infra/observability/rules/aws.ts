// Alerts on the AWS metrics YACE brings in (issue 12, item 4): ALB 5xx ratio and unhealthy targets, RDS storage,
// connections, CPU and memory, ElastiCache memory and evictions. Every CloudWatch datapoint is a per-minute
// statistic exported as a gauge, so ratios divide sums over the same window and levels use min/max_over_time.
import { AlertRule, RecordingRule, RuleGroup, Severity, num, runbookUrl } from "../../lib/promRules";
import { ERROR_RATIO } from "../../lib/serviceRules";
import { AWS_METRICS as M } from "../yace";

/** Recorded 5xx ratio of each ALB over 5 minutes (ELB- and target-generated 5xx over all requests). */
export const ALB_5XX_RATIO = "loadbalancer:aws_applicationelb_5xx:ratio_sum5m";

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
    // ALB 5xx ratio = (ELB 5xx + target 5xx) / (requests + ELB 5xx), per load balancer over 5 minutes.
    //  - The HTTPCode_* counts are published only when non-zero (ALB user guide, "CloudWatch metrics for your Application
    //    Load Balancer": "Reporting criteria: There is a nonzero value"), and YACE exports only the metrics ListMetrics
    //    lists: a load balancer that has not answered a 5xx recently has no such series, and vector arithmetic with a
    //    missing side is empty. Every term therefore falls back to 0 for each load balancer any of them knows.
    //  - RequestCount counts only requests for which a target was chosen, so ELB-generated 5xx (503 with no healthy
    //    target) are added to the denominator: with every target down the ratio is 1, not a division by nothing.
    //    (A target 5xx implies a request a target was chosen for, so requests or ELB 5xx name every load balancer.)
    //  - Recorded once; both alerts read the recorded ratio.
    const lbSum = (metric: string) => `sum by (${lb}) (sum_over_time(${metric}${lbLevel}[5m]))`;
    const zero = `0 * (${lbSum(M.albRequests)} or ${lbSum(M.albElb5xx)})`;
    const term = (metric: string) => `(${lbSum(metric)} or ${zero})`;
    const ratio: RecordingRule = {
        record: ALB_5XX_RATIO,
        expr: `(${term(M.albElb5xx)} + ${term(M.albTarget5xx)}) / (${term(M.albRequests)} + ${term(M.albElb5xx)})`,
    };
    const albRatio = `${ALB_5XX_RATIO} `;
    return [
        {
            name: "aws.alb",
            rules: [
                ratio,
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
