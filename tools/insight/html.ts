// `--html FILE`: one self-contained page (inline CSS and SVG, no script, no network) with the component tree,
// the deployment schedule as a dependency graph with the critical path highlighted, the cost breakdown as bar
// charts, the diff when given, and the policy results grouped by severity. Deterministic.
import type { PolicyViolation } from "../offline/policyRunner";
import { statefulAlarms } from "./diff";
import { Insight, shortName, signedUsd, usd } from "./index";
import { PlanResource, layerResolver } from "./model";

export interface HtmlInput {
    project: string;
    stack: string;
    region: string;
    resources: PlanResource[];
    violations: PolicyViolation[];
    insight: Insight;
}

function esc(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function fmt(n: number): string {
    return String(Math.round(n * 10) / 10);
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #d8dde5;padding-bottom:4px}
.sub{color:#5b6575;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.card{background:#fff;border:1px solid #d8dde5;border-radius:8px;padding:12px 14px}
.card .v{font-size:24px;font-weight:650}.card .k{color:#5b6575;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.alarm{background:#fdecea;border:1px solid #e5a39b;border-radius:8px;padding:10px 14px;margin:16px 0;color:#7a1c12}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border:1px solid #e1e5eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
ul.tree{list-style:none;padding-left:16px;margin:0}ul.tree li{margin:1px 0}
details>summary{cursor:pointer}
.pill{display:inline-block;border-radius:10px;padding:0 7px;font-size:12px;background:#e8ecf2;color:#34404f;margin-left:4px}
.mandatory{color:#a3190b;font-weight:600}.advisory{color:#8a5a00}
svg text{font:11px system-ui,sans-serif;fill:#1d2430}
.muted{color:#5b6575}
`;

/** Component tree: every component with the number of cloud resources below it. */
function tree(resources: PlanResource[]): string {
    const children = new Map<string | null, PlanResource[]>();
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const r of resources) {
        const p = r.parent && byUrn.has(r.parent) ? r.parent : null;
        children.set(p, [...(children.get(p) ?? []), r]);
    }
    const count = new Map<string, number>();
    const countOf = (urn: string): number => {
        const hit = count.get(urn);
        if (hit !== undefined) return hit;
        const n = (children.get(urn) ?? []).reduce((acc, c) => acc + (c.custom === false ? 0 : 1) + countOf(c.urn), 0);
        count.set(urn, n);
        return n;
    };
    const render = (parent: string | null, depth: number): string => {
        const kids = (children.get(parent) ?? []).filter((c) => c.custom === false).sort((a, b) => a.name.localeCompare(b.name));
        if (kids.length === 0) return "";
        const items = kids.map((c) => {
            const own = (children.get(c.urn) ?? []).filter((k) => k.custom !== false);
            const types = new Map<string, number>();
            for (const k of own) types.set(k.type, (types.get(k.type) ?? 0) + 1);
            const typeList = [...types.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `<li><code>${esc(t)}</code> × ${n}</li>`).join("");
            return `<li><details${depth < 2 ? " open" : ""}><summary><b>${esc(c.name)}</b> <code>${esc(c.type)}</code><span class="pill" data-component="${esc(c.name)}">${countOf(c.urn)}</span></summary>${render(c.urn, depth + 1)}${typeList ? `<ul class="tree muted">${typeList}</ul>` : ""}</details></li>`;
        });
        return `<ul class="tree">${items.join("")}</ul>`;
    };
    return render(null, 0);
}

const LAYER_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac", "#e15759", "#ff9da7"];

/** The deployment schedule: one bar per resource from its earliest start to its finish, edges between them. */
function graph(m: HtmlInput): string {
    const { deployTime } = m.insight;
    const layerOf = layerResolver(m.resources);
    const critical = new Set(deployTime.json.criticalPath);
    const nodes = m.resources.filter((r) => r.custom !== false || r.type === "eks:index:Cluster");
    const layers = [...new Set(nodes.map((r) => layerOf(r.urn)))].sort();
    const total = Math.max(1, deployTime.json.criticalPathMinutes);
    const left = 120;
    const width = 1100;
    const scale = (width - left - 20) / total;
    const rowH = 9;
    const rows: string[] = [];
    const pos = new Map<string, { x1: number; x2: number; y: number }>();
    let y = 24;
    const bands: string[] = [];
    layers.forEach((layer, li) => {
        const inLayer = nodes.filter((r) => layerOf(r.urn) === layer).sort((a, b) => (deployTime.start.get(a.urn) ?? 0) - (deployTime.start.get(b.urn) ?? 0) || a.urn.localeCompare(b.urn));
        const laneEnds: number[] = [];
        const top = y;
        for (const r of inLayer) {
            const s = deployTime.start.get(r.urn) ?? 0;
            const f = deployTime.finish.get(r.urn) ?? s;
            const x1 = left + s * scale;
            const x2 = Math.max(x1 + 3, left + f * scale);
            let lane = laneEnds.findIndex((end) => end + 2 <= x1);
            if (lane < 0) {
                lane = laneEnds.length;
                laneEnds.push(0);
            }
            laneEnds[lane] = x2;
            const ry = top + lane * rowH;
            pos.set(r.urn, { x1, x2, y: ry + rowH / 2 - 1 });
            const isCrit = critical.has(r.urn);
            rows.push(
                `<rect x="${fmt(x1)}" y="${ry}" width="${fmt(x2 - x1)}" height="${rowH - 2}" rx="2" fill="${isCrit ? "#d62728" : LAYER_COLORS[li % LAYER_COLORS.length]}"${isCrit ? ' data-critical="true"' : ""}><title>${esc(shortName(r.urn))}: ${fmt(deployTime.minutes.get(r.urn) ?? 0)} min, starts at ${fmt(s)} min</title></rect>`,
            );
        }
        const h = Math.max(1, laneEnds.length) * rowH;
        bands.push(`<rect x="0" y="${top - 2}" width="${width}" height="${h + 4}" fill="${li % 2 ? "#ffffff" : "#f1f3f6"}"/><text x="6" y="${top + 10}">${esc(layer)}</text>`);
        y = top + h + 8;
    });
    const edges: string[] = [];
    const critEdges: string[] = [];
    for (const r of nodes) {
        const to = pos.get(r.urn);
        if (!to) continue;
        for (const d of r.dependencies ?? []) {
            const from = pos.get(d);
            if (!from) continue;
            edges.push(`<line x1="${fmt(from.x2)}" y1="${fmt(from.y)}" x2="${fmt(to.x1)}" y2="${fmt(to.y)}" stroke="#9aa4b2" stroke-width="0.5" stroke-opacity="0.35"/>`);
        }
    }
    // The critical path: consecutive cloud resources on it (components in between register at once) joined in red,
    // the slow ones named.
    const cp = deployTime.json.criticalPath.filter((u) => pos.has(u));
    for (let i = 0; i < cp.length; i++) {
        const b = pos.get(cp[i]) as { x1: number; x2: number; y: number };
        if (i > 0) {
            const a = pos.get(cp[i - 1]) as { x1: number; x2: number; y: number };
            critEdges.push(`<line x1="${fmt(a.x2)}" y1="${fmt(a.y)}" x2="${fmt(b.x1)}" y2="${fmt(b.y)}" stroke="#d62728" stroke-width="2"/>`);
        }
        if ((deployTime.minutes.get(cp[i]) ?? 0) >= 1) {
            const label = shortName(cp[i]).split("::").pop() ?? "";
            const right = b.x2 + 4 + label.length * 6 < width;
            critEdges.push(`<text x="${fmt(right ? b.x2 + 4 : b.x1 - 4)}" y="${fmt(b.y - 3)}"${right ? "" : ' text-anchor="end"'} style="font-weight:600;fill:#a3190b">${esc(label)}</text>`);
        }
    }
    const ticks: string[] = [];
    const step = total > 60 ? 10 : 5;
    for (let t = 0; t <= total + 0.001; t += step) ticks.push(`<line x1="${fmt(left + t * scale)}" y1="14" x2="${fmt(left + t * scale)}" y2="${y}" stroke="#d8dde5"/><text x="${fmt(left + t * scale + 2)}" y="11">${t} min</text>`);
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 4}" viewBox="0 0 ${width} ${y + 4}" role="img" aria-label="deployment schedule">${bands.join("")}${ticks.join("")}${edges.join("")}${rows.join("")}${critEdges.join("")}</svg>`;
}

function bars(title: string, entries: [string, number][], id: string): string {
    const max = Math.max(1, ...entries.map(([, v]) => v));
    const w = 1100;
    const label = 360;
    const rowH = 20;
    const items = entries.map(([k, v], i) => {
        const bw = ((w - label - 110) * v) / max;
        return `<text x="${label - 6}" y="${i * rowH + 14}" text-anchor="end">${esc(k.length > 58 ? `${k.slice(0, 55)}...` : k)}</text><rect x="${label}" y="${i * rowH + 3}" width="${fmt(Math.max(1, bw))}" height="${rowH - 6}" rx="2" fill="#4e79a7"/><text x="${fmt(label + bw + 6)}" y="${i * rowH + 14}">${esc(usd(v))}</text>`;
    });
    return `<h3>${esc(title)}</h3><svg id="${id}" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${entries.length * rowH + 4}" role="img" aria-label="${esc(title)}">${items.join("")}</svg>`;
}

function violationsTable(vs: PolicyViolation[]): string {
    if (vs.length === 0) return `<p class="muted">none</p>`;
    return `<table><tr><th>policy</th><th>resource</th><th>message</th></tr>${vs
        .map((v) => `<tr><td><code>${esc(v.policy)}</code></td><td><code>${esc(v.urn ? shortName(v.urn) : "(stack)")}</code></td><td>${esc(v.message)}</td></tr>`)
        .join("")}</table>`;
}

export function renderHtml(m: HtmlInput): string {
    const { cost, deployTime, diff } = m.insight;
    const mandatory = m.violations.filter((v) => v.enforcement === "mandatory");
    const advisory = m.violations.filter((v) => v.enforcement === "advisory");
    const other = m.violations.filter((v) => v.enforcement !== "mandatory" && v.enforcement !== "advisory");
    const declared = m.resources.length;
    const parts: string[] = [];
    parts.push(`<h1>Plan insight: ${esc(m.project)}/${esc(m.stack)}</h1><p class="sub">${esc(m.region)} · offline plan against a mock cloud (<code>npm run plan</code>): nothing was deployed; figures are estimates.</p>`);
    if (diff) {
        const alarms = statefulAlarms(diff);
        if (alarms.length > 0) parts.push(`<div class="alarm" id="stateful-alarm"><b>Stateful replacement or deletion in ${esc(m.stack)}</b><ul>${alarms.map((a) => `<li><code>${esc(a)}</code></li>`).join("")}</ul></div>`);
    }
    parts.push(
        `<div class="cards"><div class="card"><div class="k">Resources</div><div class="v" id="resource-count">${declared}</div></div>` +
            `<div class="card"><div class="k">Monthly cost (estimate)</div><div class="v" id="monthly-usd">${esc(usd(cost.json.monthlyUsd))}</div>${diff ? `<div class="muted" id="cost-delta">${esc(signedUsd(diff.json.costDeltaUsd))} vs base</div>` : ""}</div>` +
            `<div class="card"><div class="k">Deploy from scratch</div><div class="v" id="deploy-minutes">~${deployTime.json.criticalPathMinutes} min</div><div class="muted">${deployTime.json.criticalPath.length} resources on the critical path</div></div>` +
            `<div class="card"><div class="k">Policy violations</div><div class="v"><span class="mandatory" id="mandatory-count">${mandatory.length}</span> / <span class="advisory" id="advisory-count">${advisory.length}</span></div><div class="muted">mandatory / advisory</div></div></div>`,
    );
    parts.push(`<h2>Deployment schedule and dependencies</h2><p class="muted">One bar per cloud resource from its earliest start to its typical finish; lines are dependencies; the critical path is red. Hover a bar for its name.</p>${graph(m)}`);
    parts.push(
        `<h2>Critical path</h2><table><tr><th>#</th><th>resource</th><th>minutes</th><th>finishes at</th></tr>${deployTime.json.criticalPath
            .map((u, i) => `<tr><td class="n">${i + 1}</td><td><code>${esc(shortName(u))}</code></td><td class="n">${fmt(deployTime.minutes.get(u) ?? 0)}</td><td class="n">${fmt(deployTime.finish.get(u) ?? 0)}</td></tr>`)
            .join("")}</table><ul class="muted">${deployTime.json.assumptions.map((a) => `<li>${esc(a)}</li>`).join("")}</ul>`,
    );
    parts.push(`<h2>Cost: ${esc(usd(cost.json.monthlyUsd))} a month</h2>`);
    parts.push(bars("By layer", Object.entries(cost.json.byLayer).sort(([, a], [, b]) => b - a), "cost-by-layer"));
    parts.push(bars("By kind (largest 14)", Object.entries(cost.json.byType).filter(([, v]) => v > 0).sort(([, a], [, b]) => b - a).slice(0, 14), "cost-by-kind"));
    parts.push(`<p>Not priced: ${cost.json.notPriced.length > 0 ? cost.json.notPriced.map((t) => `<code>${esc(t)}</code>`).join(", ") : "none"}. Prices: ${esc(cost.json.region)}, ${esc(cost.json.currency)}, as of ${esc(cost.json.pricesAsOf)}.</p>`);
    parts.push(`<details><summary>Assumptions (${cost.json.assumptions.length})</summary><ul>${cost.json.assumptions.map((a) => `<li>${esc(a)}</li>`).join("")}</ul></details>`);
    if (diff) {
        const j = diff.json;
        parts.push(`<h2>Diff against <code>${esc(j.base)}</code></h2><p id="diff-summary">${j.added.length} added, ${j.removed.length} removed, ${j.changed.length} changed (${j.changed.filter((c) => c.replace).length} replaced), ${diff.moved.length} moved through aliases; cost ${esc(signedUsd(j.costDeltaUsd))} a month.</p>`);
        if (j.changed.length > 0) {
            parts.push(`<table><tr><th>resource</th><th>changed inputs</th><th></th></tr>${j.changed.map((c) => `<tr><td><code>${esc(shortName(c.urn))}</code></td><td>${esc(c.paths.join(", "))}</td><td>${c.replace ? '<b class="mandatory">replace</b>' : "update"}</td></tr>`).join("")}</table>`);
        }
        if (j.added.length > 0) parts.push(`<h3>Added</h3><ul>${j.added.map((u) => `<li><code>${esc(shortName(u))}</code></li>`).join("")}</ul>`);
        if (j.removed.length > 0) parts.push(`<h3>Removed</h3><ul>${j.removed.map((u) => `<li><code>${esc(shortName(u))}</code></li>`).join("")}</ul>`);
        if (j.policy.appeared.length + j.policy.cleared.length > 0) {
            parts.push(`<h3>Policy verdicts that appeared</h3>${violationsTable(j.policy.appeared)}<h3>Policy verdicts that cleared</h3>${violationsTable(j.policy.cleared)}`);
        }
    }
    parts.push(`<h2>Policy results</h2><h3 class="mandatory">Mandatory (${mandatory.length})</h3>${violationsTable(mandatory)}<h3 class="advisory">Advisory (${advisory.length})</h3>${violationsTable(advisory)}`);
    if (other.length > 0) parts.push(`<h3>Other (${other.length})</h3>${violationsTable(other)}`);
    parts.push(`<h2>Components</h2>${tree(m.resources)}`);
    return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Plan insight: ${esc(m.project)}/${esc(m.stack)}</title><style>${CSS}</style></head><body><main>${parts.join("\n")}</main></body></html>\n`;
}
