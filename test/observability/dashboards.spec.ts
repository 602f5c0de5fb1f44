// Dashboards as code: every JSON file parses as a Grafana dashboard (uid, title, panels with typed targets) with a
// unique uid, and every query parses as PromQL.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { groupingLabelProblems, isMap, promqlProblems } from "./check";
import { CONTROLLER_METRIC_LABELS } from "./fixtures/upstream";

const dir = path.join(__dirname, "../../infra/observability/dashboards");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));

interface Panel {
    id: number;
    type: string;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
    targets: { refId: string; expr: string }[];
}

function dashboardProblems(name: string, d: unknown): string[] {
    if (!isMap(d)) return [`${name}: not an object`];
    const out: string[] = [];
    if (typeof d["uid"] !== "string" || !/^[a-zA-Z0-9_-]{1,40}$/.test(d["uid"])) out.push(`${name}: uid must be 1-40 of [a-zA-Z0-9_-]`);
    if (typeof d["title"] !== "string" || d["title"].length === 0) out.push(`${name}: title`);
    if (typeof d["schemaVersion"] !== "number") out.push(`${name}: schemaVersion`);
    if (d["id"] !== undefined && d["id"] !== null) out.push(`${name}: a provisioned dashboard must not carry a database id`);
    const panels = d["panels"] as Panel[];
    if (!Array.isArray(panels) || panels.length === 0) return [...out, `${name}: no panels`];
    const ids = new Set<number>();
    for (const p of panels) {
        if (ids.has(p.id)) out.push(`${name}: duplicate panel id ${p.id}`);
        ids.add(p.id);
        if (!p.type || !p.title || !p.gridPos) out.push(`${name}/${p.title}: type, title and gridPos`);
        if (!Array.isArray(p.targets) || p.targets.length === 0) out.push(`${name}/${p.title}: no targets`);
        for (const t of p.targets ?? []) {
            // Template variables ($namespace, ${datasource}) are substituted by Grafana before the query runs.
            const expr = t.expr.replace(/\$\{?\w+\}?/g, "x");
            for (const problem of promqlProblems(expr)) out.push(`${name}/${p.title}/${t.refId}: ${problem}`);
            for (const problem of groupingLabelProblems(expr, CONTROLLER_METRIC_LABELS)) out.push(`${name}/${p.title}/${t.refId}: ${problem}`);
        }
    }
    return out;
}

describe("observability: dashboards as JSON", () => {
    it("there is a dashboard per concern: services, ALB, RDS, ElastiCache, MongoDB, controllers", () => {
        assert.deepStrictEqual(files.sort(), ["platform-aws-alb.json", "platform-aws-elasticache.json", "platform-aws-rds.json", "platform-controllers.json", "platform-mongodb.json", "platform-services.json"]);
    });

    it("every file parses as a Grafana dashboard, uids are unique, queries parse", () => {
        const uids: string[] = [];
        for (const f of files) {
            const d: unknown = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
            assert.deepStrictEqual(dashboardProblems(f, d), []);
            uids.push((d as { uid: string }).uid);
        }
        assert.deepStrictEqual(uids.filter((u, i) => uids.indexOf(u) !== i), []);
    });

    it("the check fails for a broken dashboard", () => {
        assert.deepStrictEqual(dashboardProblems("x.json", { uid: "has space", title: "T", schemaVersion: 39, panels: [{ id: 1, type: "timeseries", title: "p", gridPos: { x: 0, y: 0, w: 1, h: 1 }, targets: [{ refId: "A", expr: "rate(x)" }] }] }), [
            "x.json: uid must be 1-40 of [a-zA-Z0-9_-]",
            "x.json/p/A: rate() needs a range vector as its first argument",
        ]);
        const panel = (expr: string) => ({ uid: "u", title: "T", schemaVersion: 39, panels: [{ id: 1, type: "timeseries", title: "p", gridPos: { x: 0, y: 0, w: 1, h: 1 }, targets: [{ refId: "A", expr }] }] });
        assert.deepStrictEqual(dashboardProblems("y.json", panel("sum by (nodepool) (increase(karpenter_cloudprovider_instance_launch_failures_total[15m]))")), [
            "y.json/p/A: by (nodepool): not a label of karpenter_cloudprovider_instance_launch_failures_total",
        ]);
    });
});
