// YACE: metric names built the way YACE v0.67.0 builds them, a config made only of the fields its scrape config reads,
// discovery by the platform's stack tag, and a read-only policy of exactly the documented minimum actions.
import * as assert from "assert";
import { parse } from "yaml";
import { yaceValues } from "../../infra/observability/values";
import { AWS_METRICS, YaceConfig, yaceConfig, yaceMetricName, yacePolicy, yaceTagLabel } from "../../infra/observability/yace";
import { isMap } from "./check";
import { YACE_CONFIG_FIELDS, YACE_METRIC_NAME_CASES, YACE_MINIMUM_ACTIONS, YACE_NAMESPACES } from "./fixtures/upstream";

function fieldProblems(cfg: YaceConfig): string[] {
    const out: string[] = [];
    const check = (o: object, allowed: readonly string[], at: string) => {
        for (const k of Object.keys(o)) if (!allowed.includes(k)) out.push(`${at}.${k}: not a YACE v0.67.0 field`);
    };
    check(cfg, YACE_CONFIG_FIELDS.top, "config");
    check(cfg.discovery, YACE_CONFIG_FIELDS.discovery, "discovery");
    cfg.discovery.jobs.forEach((j, i) => {
        check(j, YACE_CONFIG_FIELDS.job, `jobs[${i}]`);
        j.searchTags.forEach((t, k) => check(t, YACE_CONFIG_FIELDS.tag, `jobs[${i}].searchTags[${k}]`));
        j.metrics.forEach((m, k) => check(m, YACE_CONFIG_FIELDS.metric, `jobs[${i}].metrics[${k}]`));
        if (!(YACE_NAMESPACES as readonly string[]).includes(j.type)) out.push(`jobs[${i}].type: ${j.type} is not a namespace the layer checked`);
    });
    return out;
}

describe("observability: YACE (CloudWatch metrics)", () => {
    it("metric names follow YACE's BuildMetricName (its own test cases and the names the rules use)", () => {
        for (const c of YACE_METRIC_NAME_CASES) assert.strictEqual(yaceMetricName(c.namespace, c.metric, c.statistic), c.expected);
        assert.strictEqual(AWS_METRICS.albElb5xx, "aws_applicationelb_httpcode_elb_5_xx_count_sum");
        assert.strictEqual(AWS_METRICS.albTarget5xx, "aws_applicationelb_httpcode_target_5_xx_count_sum");
        assert.strictEqual(AWS_METRICS.albTargetResponseTime(99), "aws_applicationelb_target_response_time_p99");
        assert.strictEqual(AWS_METRICS.rdsFreeStorage, "aws_rds_free_storage_space_minimum");
        assert.strictEqual(AWS_METRICS.cacheEngineCpu, "aws_elasticache_engine_cpuutilization_average");
        assert.strictEqual(AWS_METRICS.acmDaysToExpiry, "aws_certificatemanager_days_to_expiry_minimum");
        assert.strictEqual(yaceTagLabel("platform:stack"), "tag_platform_stack");
    });

    it("the config uses only YACE v0.67.0 fields and discovers by the stack tag in the stack's region", () => {
        const cfg = yaceConfig({ region: "eu-west-1", stack: "prod", periodSeconds: 60 });
        assert.deepStrictEqual(fieldProblems(cfg), []);
        assert.deepStrictEqual(fieldProblems({ ...cfg, discovery: { ...cfg.discovery, jobs: [{ ...cfg.discovery.jobs[0], searchTag: [] } as never] } }), ["jobs[0].searchTag: not a YACE v0.67.0 field"]);
        for (const j of cfg.discovery.jobs) {
            assert.deepStrictEqual(j.regions, ["eu-west-1"]);
            assert.deepStrictEqual(j.searchTags, [{ key: "platform:stack", value: "^prod$" }]);
        }
        assert.strictEqual(cfg["sts-region"], "eu-west-1");
    });

    it("collects the metrics the operators watch", () => {
        const cfg = yaceConfig({ region: "eu-west-1", stack: "dev", periodSeconds: 60 });
        const names = (type: string, dims?: string[]) =>
            cfg.discovery.jobs
                .filter((j) => j.type === type && (dims === undefined || JSON.stringify(j.dimensionNameRequirements) === JSON.stringify(dims)))
                .flatMap((j) => j.metrics.map((m) => `${m.name}:${m.statistics.join("/")}`));
        assert.deepStrictEqual(names("AWS/RDS"), ["CPUUtilization:Average/Maximum", "DatabaseConnections:Average/Maximum", "FreeStorageSpace:Minimum", "FreeableMemory:Minimum"]);
        assert.deepStrictEqual(names("AWS/ElastiCache"), ["CPUUtilization:Average", "EngineCPUUtilization:Average/Maximum", "DatabaseMemoryUsagePercentage:Average/Maximum", "Evictions:Sum", "CurrConnections:Average/Maximum"]);
        const lb = names("AWS/ApplicationELB", ["LoadBalancer"]);
        for (const m of ["ActiveConnectionCount:Sum", "HTTPCode_ELB_3XX_Count:Sum", "HTTPCode_ELB_4XX_Count:Sum", "HTTPCode_ELB_5XX_Count:Sum", "HTTPCode_ELB_500_Count:Sum", "HTTPCode_ELB_502_Count:Sum", "HTTPCode_ELB_503_Count:Sum", "HTTPCode_ELB_504_Count:Sum"]) assert.ok(lb.includes(m), m);
        const tg = names("AWS/ApplicationELB", ["LoadBalancer", "TargetGroup"]);
        for (const m of ["HTTPCode_Target_2XX_Count:Sum", "HTTPCode_Target_5XX_Count:Sum", "TargetResponseTime:p50/p70/p90/p95/p99", "HealthyHostCount:Minimum", "UnHealthyHostCount:Maximum"]) assert.ok(tg.includes(m), m);
        // Counts CloudWatch leaves out when zero get nilToZero, so ratios exist.
        const evictions = cfg.discovery.jobs.find((j) => j.type === "AWS/ElastiCache")?.metrics.find((m) => m.name === "Evictions");
        assert.strictEqual(evictions?.nilToZero, true);
    });

    it("IAM is read-only: exactly the four documented minimum actions", () => {
        const doc = yacePolicy();
        assert.strictEqual(doc.Statement.length, 1);
        const s = doc.Statement[0];
        assert.strictEqual(s.Effect, "Allow");
        assert.deepStrictEqual([...(s.Action as string[])].sort(), [...YACE_MINIMUM_ACTIONS].sort());
        assert.strictEqual(s.Resource, "*");
    });

    it("chart values: Pod Identity (no aws.* keys, pinned service account), the config as YAML without template braces", () => {
        const v = yaceValues({ config: yaceConfig({ region: "eu-west-1", stack: "dev", periodSeconds: 60 }), scrapingIntervalSeconds: 120, system: { nodeSelector: {}, tolerations: [] } });
        assert.strictEqual(v["aws"], undefined);
        assert.deepStrictEqual(v["serviceAccount"], { create: true, name: "yace" });
        assert.deepStrictEqual(v["extraArgs"], { "scraping-interval": "120" });
        const text = v["config"] as string;
        assert.ok(!text.includes("{{"));
        const parsed: unknown = parse(text);
        assert.ok(isMap(parsed) && parsed["apiVersion"] === "v1alpha1");
    });
});
