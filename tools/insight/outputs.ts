// Reading the base plan for --diff and writing the --markdown and --html reports of `npm run plan`.
import * as fs from "fs";
import type { PlanReport } from "../offline/report";
import type { PlanLike } from "./diff";
import { renderHtml } from "./html";
import { renderMarkdown } from "./markdown";

/** The base plan given to --diff cannot be used; the message says why (exit 2, no stack trace). */
export class BaseFileError extends Error {}

export function readBasePlan(file: string): PlanLike {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new BaseFileError(`--diff: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new BaseFileError(`--diff: ${file} is not JSON: ${(e as Error).message}`);
    }
    const d = doc as Partial<PlanLike> | null;
    if (!d || typeof d !== "object" || !Array.isArray(d.resources) || typeof d.stack !== "string") {
        throw new BaseFileError(`--diff: ${file} is not a plan JSON of \`npm run plan -- --json\` (expected "stack" and "resources")`);
    }
    return d as PlanLike;
}

export function writeReports(report: PlanReport, files: { markdown?: string; html?: string }): void {
    const input = {
        project: report.json.project,
        stack: report.json.stack,
        region: report.region,
        resources: report.json.resources,
        violations: report.policies.violations,
        insight: report.insight,
    };
    if (files.markdown) fs.writeFileSync(files.markdown, renderMarkdown({ ...input, resources: report.json.resources.length }));
    if (files.html) fs.writeFileSync(files.html, renderHtml(input));
}
