// Every alert and recording rule group of the observability layer, from the settings; the per-service rules are built
// by the golden path from infra/lib/serviceRules.ts.
import { AlbMetricNames } from "../../lib/serviceRules";
import { RuleGroup } from "../../lib/promRules";
import { ObservabilitySettings } from "../config";
import { AWS_METRICS } from "../yace";
import { awsRuleGroups } from "./aws";
import { DEFAULT_MONGO_THRESHOLDS, mongoRuleGroups } from "./mongodb";
import { DEFAULT_PLATFORM_THRESHOLDS, platformRuleGroups } from "./platform";

export { awsRuleGroups, mongoRuleGroups, platformRuleGroups, DEFAULT_PLATFORM_THRESHOLDS, DEFAULT_MONGO_THRESHOLDS };

export function layerRuleGroups(s: ObservabilitySettings): { platform: RuleGroup[]; aws: RuleGroup[]; mongodb: RuleGroup[] } {
    const t = s.thresholds;
    return {
        platform: platformRuleGroups(s.runbookBaseUrl, DEFAULT_PLATFORM_THRESHOLDS),
        aws: s.cloudwatch.enabled
            ? awsRuleGroups(s.runbookBaseUrl, {
                  rdsFreeStorageGiB: t.rdsFreeStorageGiB,
                  rdsMaxConnections: t.rdsMaxConnections,
                  rdsFreeableMemoryMiB: t.rdsFreeableMemoryMiB,
                  cpuPercent: t.cpuPercent,
                  cacheMemoryPercent: t.cacheMemoryPercent,
                  cacheEvictionsPerMinute: t.cacheEvictionsPerMinute,
              })
            : [],
        mongodb: s.mongodb ? mongoRuleGroups(s.runbookBaseUrl, { ...DEFAULT_MONGO_THRESHOLDS, openCursors: t.mongoOpenCursors }) : [],
    };
}

/** The YACE names an "alb" service indicator reads (target-group level). */
export const ALB_SERVICE_METRICS: AlbMetricNames = {
    requests: AWS_METRICS.albRequests,
    target5xx: AWS_METRICS.albTarget5xx,
    targetCodes: [
        ["2xx", AWS_METRICS.albTarget2xx],
        ["3xx", AWS_METRICS.albTarget3xx],
        ["4xx", AWS_METRICS.albTarget4xx],
        ["5xx", AWS_METRICS.albTarget5xx],
    ],
    responseTime: (q) => AWS_METRICS.albTargetResponseTime(Math.round(q * 100) as 90 | 95 | 99),
};
