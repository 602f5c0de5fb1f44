// Plan insight: cost, deploy time and (with a base plan) the diff, computed from the plan's resources, and their
// text section of `npm run plan`. The Markdown and HTML reports live in markdown.ts and html.ts.
import { CostEstimate, estimateCost } from "./cost";
import { DeployTimeEstimate, estimateDeployTime } from "./deployTime";
import { DiffDetail, PlanLike, diffPlans, statefulAlarms } from "./diff";
import { PlanResource, round2 } from "./model";

export interface Insight {
    cost: CostEstimate;
    deployTime: DeployTimeEstimate;
    diff?: DiffDetail;
    /** Milliseconds spent per part (for `npm run bench`; never in the JSON, which stays deterministic). */
    timings: { costMs: number; deployTimeMs: number; diffMs?: number };
}

function ms(start: bigint): number {
    return Number(process.hrtime.bigint() - start) / 1e6;
}

export function computeInsight(resources: PlanResource[], opts: { region: string; capacity?: unknown }): Insight {
    let t = process.hrtime.bigint();
    const cost = estimateCost(resources, opts);
    const costMs = ms(t);
    t = process.hrtime.bigint();
    const deployTime = estimateDeployTime(resources);
    return { cost, deployTime, timings: { costMs, deployTimeMs: ms(t) } };
}

/** Adds the diff against a base plan to an insight and to the plan JSON. */
export function addDiff(insight: Insight, current: PlanLike & { diff?: unknown }, base: PlanLike, baseLabel: string, region: string): DiffDetail {
    const t = process.hrtime.bigint();
    const diff = diffPlans(base, current, { baseLabel, region, currentCost: insight.cost.json });
    insight.diff = diff;
    insight.timings.diffMs = ms(t);
    current.diff = diff.json;
    return diff;
}

export function usd(n: number): string {
    const sign = n < 0 ? "-" : "";
    return `${sign}$${Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function signedUsd(n: number): string {
    return n > 0 ? `+${usd(n)}` : n < 0 ? usd(n) : "$0.00";
}

/** The last two segments of a URN: `type::name`, enough for people. */
export function shortName(urn: string): string {
    const parts = urn.split("::");
    return `${parts[2]?.split("$").pop() ?? ""}::${parts.slice(3).join("::")}`;
}

/** The text section of `npm run plan`. */
export function renderInsight(insight: Insight, plan: { resources: PlanResource[] }): string[] {
    const lines: string[] = [];
    const c = insight.cost.json;
    lines.push(`Cost estimate: ${usd(c.monthlyUsd)} a month (${c.region}, ${c.currency}, list prices as of ${c.pricesAsOf}; an estimate, see assumptions in the JSON)`);
    const layers = Object.entries(c.byLayer).sort(([, a], [, b]) => b - a);
    for (const [layer, v] of layers) lines.push(`  ${layer.padEnd(16)} ${usd(v).padStart(12)}`);
    lines.push("  largest kinds:");
    for (const [kind, v] of Object.entries(c.byType).sort(([, a], [, b]) => b - a).slice(0, 8)) lines.push(`    ${usd(v).padStart(12)}  ${kind}`);
    if (c.notPriced.length > 0) lines.push(`  not priced: ${c.notPriced.join("; ")}`);
    lines.push("");
    const d = insight.deployTime.json;
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    lines.push(`Deploy time from scratch: ~${d.criticalPathMinutes} min along the critical path (typical creation times, unlimited parallelism):`);
    for (const urn of d.criticalPath) {
        const m = insight.deployTime.minutes.get(urn) ?? 0;
        lines.push(`  ${String(round2(m)).padStart(5)} min  ${shortName(urn)}${byUrn.get(urn) ? "" : " (?)"}`);
    }
    lines.push("");
    const diff = insight.diff;
    if (diff) {
        const j = diff.json;
        const replace = j.changed.filter((x) => x.replace).length;
        lines.push(
            `Diff against ${j.base}: ${j.added.length} added, ${j.removed.length} removed, ${j.changed.length} changed (${replace} replaced), ${diff.moved.length} moved through aliases; cost ${signedUsd(j.costDeltaUsd)} a month; policies ${j.policy.appeared.length} appeared, ${j.policy.cleared.length} cleared`,
        );
        for (const a of statefulAlarms(diff)) lines.push(`  !! STATEFUL: ${a}`);
        for (const n of diff.notes) lines.push(`  note: ${shortName(n.urn)} ${n.note}`);
        for (const x of j.changed.slice(0, 40)) lines.push(`  ${x.replace ? "REPLACE" : "update "} ${shortName(x.urn)}: ${x.paths.slice(0, 6).join(", ")}${x.paths.length > 6 ? ", ..." : ""}`);
        for (const u of j.added.slice(0, 40)) lines.push(`  add     ${shortName(u)}`);
        for (const u of j.removed.slice(0, 40)) lines.push(`  delete  ${shortName(u)}`);
        lines.push("");
    }
    return lines;
}
