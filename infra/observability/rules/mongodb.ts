// MongoDB alerts for the optional exporter (percona/mongodb_exporter 0.53.0 through prometheus-mongodb-exporter 3.22.0,
// which runs it with --collect-all). Metric names follow the exporter's prometheusize() (exporter/metrics.go @ v0.53.0):
// "mongodb_" + the document path with the serverStatus → ss, systemMetrics → sys prefixes and [^a-zA-Z0-9_] → "_":
//   dbStats fsUsedSize / fsTotalSize        → mongodb_dbstats_fsUsedSize, mongodb_dbstats_fsTotalSize (per database)
//   serverStatus.metrics.cursor.open.total  → mongodb_ss_metrics_cursor_open{csr_type="total"}
//   serverStatus.mem.resident (MiB)         → mongodb_ss_mem_resident
//   getDiagnosticData systemMetrics (Linux) → mongodb_sys_cpu_{user,system}_ms, mongodb_sys_cpu_num_cpus, mongodb_sys_memory_MemTotal_kb
import { AlertRule, RuleGroup, Severity, num, runbookUrl } from "../../lib/promRules";

export interface MongoThresholds {
    diskUsageRatio: number;
    openCursors: number;
    cpuRatio: number;
    memoryRatio: number;
}

export const DEFAULT_MONGO_THRESHOLDS: MongoThresholds = { diskUsageRatio: 0.8, openCursors: 1000, cpuRatio: 0.8, memoryRatio: 0.8 };

function alert(base: string, a: { name: string; expr: string; for: string; severity: Severity; twin?: string; summary: string; description: string }): AlertRule {
    return { alert: a.name, expr: a.expr, for: a.for, labels: { severity: a.severity, ...(a.twin ? { twin: a.twin } : {}) }, annotations: { summary: a.summary, description: a.description, runbook_url: runbookUrl(base, a.name) } };
}

export function mongoRuleGroups(runbookBase: string, t: MongoThresholds): RuleGroup[] {
    const a = (x: Parameters<typeof alert>[1]) => alert(runbookBase, x);
    return [
        {
            name: "mongodb",
            rules: [
                a({
                    name: "MongodbDown",
                    expr: `max by (instance) (mongodb_up) == 0`,
                    for: "5m",
                    severity: "critical",
                    summary: "The MongoDB exporter cannot reach MongoDB",
                    description: "mongodb_up is 0 for 5 minutes: the server is down or the connection URI is wrong.",
                }),
                a({
                    name: "MongodbDiskUsageHigh",
                    expr: `max by (instance) (mongodb_dbstats_fsUsedSize / mongodb_dbstats_fsTotalSize) > ${num(t.diskUsageRatio)}`,
                    for: "15m",
                    severity: "warning",
                    summary: `MongoDB's data volume is more than ${num(t.diskUsageRatio * 100)} % full`,
                    description: "The filesystem holding the data files is {{ $value | humanizePercentage }} full.",
                }),
                a({
                    name: "MongodbOpenCursorsHigh",
                    expr: `max by (instance) (mongodb_ss_metrics_cursor_open{csr_type="total"}) > ${num(t.openCursors)}`,
                    for: "15m",
                    severity: "warning",
                    summary: `More than ${num(t.openCursors)} open cursors on MongoDB`,
                    description: "{{ $value }} cursors are open: clients leak cursors (no close, noCursorTimeout) and hold server memory.",
                }),
                a({
                    name: "MongodbCpuHigh",
                    expr: `(sum by (instance) (rate(mongodb_sys_cpu_user_ms[5m])) + sum by (instance) (rate(mongodb_sys_cpu_system_ms[5m]))) / 1000 / max by (instance) (mongodb_sys_cpu_num_cpus) > ${num(t.cpuRatio)}`,
                    for: "15m",
                    severity: "warning",
                    summary: `MongoDB host CPU above ${num(t.cpuRatio * 100)} %`,
                    description: "User and system CPU on the MongoDB host have been {{ $value | humanizePercentage }} for 15 minutes.",
                }),
                a({
                    name: "MongodbMemoryHigh",
                    expr: `max by (instance) (mongodb_ss_mem_resident) * 1024 * 1024 / (max by (instance) (mongodb_sys_memory_MemTotal_kb) * 1024) > ${num(t.memoryRatio)}`,
                    for: "15m",
                    severity: "warning",
                    summary: `MongoDB uses more than ${num(t.memoryRatio * 100)} % of the host's RAM`,
                    description: "The mongod resident set is {{ $value | humanizePercentage }} of the host memory.",
                }),
            ],
        },
    ];
}
