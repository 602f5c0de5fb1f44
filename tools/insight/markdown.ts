// `--markdown FILE`: a compact pull-request comment (the pipelines post it). A stateful replacement or deletion
// is called out at the top; details fold away.
import type { PolicyViolation } from "../offline/policyRunner";
import { Insight, shortName, signedUsd, usd } from "./index";
import { statefulAlarms } from "./diff";

export interface MarkdownInput {
    project: string;
    stack: string;
    region: string;
    resources: number;
    violations: PolicyViolation[];
    insight: Insight;
}

function code(s: string): string {
    return `\`${s.replace(/`/g, "'")}\``;
}

function cell(s: string): string {
    return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderMarkdown(m: MarkdownInput): string {
    const out: string[] = [];
    const { cost, deployTime, diff } = m.insight;
    out.push(`### Plan insight: ${m.project}/${m.stack} (${m.region})`);
    out.push("");
    const alarms = diff ? statefulAlarms(diff) : [];
    if (alarms.length > 0) {
        out.push(`> [!CAUTION]`);
        out.push(`> **Stateful ${alarms.some((a) => a.includes("DELETED")) ? "deletion/replacement" : "replacement"} in ${m.stack}** — data would be lost or \`protect\` will stop \`pulumi up\`:`);
        for (const a of alarms) out.push(`> - ${code(a)}`);
        out.push("");
    }
    if (diff && diff.notes.length > 0) {
        for (const n of diff.notes) out.push(`- :warning: ${code(shortName(n.urn))} ${n.note}`);
        out.push("");
    }
    const mandatory = m.violations.filter((v) => v.enforcement === "mandatory");
    const advisory = m.violations.filter((v) => v.enforcement !== "mandatory");
    out.push("| | |");
    out.push("|---|---|");
    const counts = diff ? ` (+${diff.json.added.length} −${diff.json.removed.length} ~${diff.json.changed.length}, ${diff.json.changed.filter((c) => c.replace).length} replaced)` : "";
    out.push(`| Resources | ${m.resources}${counts} |`);
    out.push(`| Monthly cost (estimate) | **${usd(cost.json.monthlyUsd)}**${diff ? ` (${signedUsd(diff.json.costDeltaUsd)} vs base)` : ""} |`);
    out.push(`| Deploy from scratch | ~${deployTime.json.criticalPathMinutes} min along ${deployTime.json.criticalPath.length} resources |`);
    const policyDelta = diff ? ` (${diff.json.policy.appeared.length} appeared, ${diff.json.policy.cleared.length} cleared)` : "";
    out.push(`| Policies | ${mandatory.length} mandatory, ${advisory.length} advisory${policyDelta} |`);
    out.push("");
    if (diff) {
        const j = diff.json;
        if (j.changed.length > 0) {
            out.push(`<details><summary>Changed (${j.changed.length})</summary>`);
            out.push("");
            out.push("| resource | inputs | |");
            out.push("|---|---|---|");
            for (const c of j.changed) out.push(`| ${code(shortName(c.urn))} | ${cell(c.paths.slice(0, 8).join(", "))}${c.paths.length > 8 ? ", …" : ""} | ${c.replace ? "**replace**" : "update"} |`);
            out.push("");
            out.push("</details>");
        }
        for (const [title, list] of [
            ["Added", j.added],
            ["Removed", j.removed],
        ] as const) {
            if (list.length === 0) continue;
            out.push(`<details><summary>${title} (${list.length})</summary>`);
            out.push("");
            for (const u of list) out.push(`- ${code(shortName(u))}`);
            out.push("");
            out.push("</details>");
        }
        if (diff.moved.length > 0) {
            out.push(`<details><summary>Moved through aliases (${diff.moved.length}, no replacement)</summary>`);
            out.push("");
            for (const mv of diff.moved) out.push(`- ${code(shortName(mv.from))} → ${code(mv.to)}`);
            out.push("");
            out.push("</details>");
        }
        const pol = [...j.policy.appeared.map((v) => ["appeared", v] as const), ...j.policy.cleared.map((v) => ["cleared", v] as const)];
        if (pol.length > 0) {
            out.push(`<details><summary>Policy verdicts that changed (${pol.length})</summary>`);
            out.push("");
            for (const [what, v] of pol) out.push(`- ${what}: [${v.enforcement}] ${code(v.policy)} ${v.urn ? code(shortName(v.urn)) : ""} ${cell(v.message.split("\n")[0])}`);
            out.push("");
            out.push("</details>");
        }
    }
    out.push(`<details><summary>Cost by layer</summary>`);
    out.push("");
    out.push("| layer | USD / month |");
    out.push("|---|---:|");
    for (const [layer, v] of Object.entries(cost.json.byLayer).sort(([, a], [, b]) => b - a)) out.push(`| ${layer} | ${usd(v)} |`);
    if (cost.json.notPriced.length > 0) out.push(`\nNot priced: ${cost.json.notPriced.map(code).join(", ")}`);
    out.push("");
    out.push(`Prices: ${cost.json.region}, ${cost.json.currency}, as of ${cost.json.pricesAsOf}. Assumptions are in the plan JSON (\`cost.assumptions\`).`);
    out.push("");
    out.push("</details>");
    out.push(`<details><summary>Critical path (~${deployTime.json.criticalPathMinutes} min)</summary>`);
    out.push("");
    for (const u of deployTime.json.criticalPath) out.push(`1. ${code(shortName(u))} — ${deployTime.minutes.get(u) ?? 0} min`);
    out.push("");
    out.push("</details>");
    out.push("");
    out.push("<sub>Offline plan against a mock cloud (`npm run plan`): nothing was deployed; figures are estimates.</sub>");
    return `${out.join("\n")}\n`;
}
