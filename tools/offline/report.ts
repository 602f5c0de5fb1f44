// Turns a program run into the plan report: the JSON document pipelines read (shape fixed by the
// foundation issue) and the readable summary people read.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { PACK_NAME, PACK_VERSION, policies } from "../../policies/pack";
import { Insight, computeInsight, renderInsight } from "../insight";
import type { CostJson } from "../insight/cost";
import type { DeployTimeJson } from "../insight/deployTime";
import { type DiffJson, statefulAlarms } from "../insight/diff";
import { PolicyPackConfigFile, PolicyViolation, runPolicies } from "./policyRunner";
import { RecordedResource, plainValue } from "./recorder";
import { ProgramRun } from "./run";

export interface PlanJson {
    project: string;
    stack: string;
    resources: {
        urn: string;
        type: string;
        name: string;
        parent: string | null;
        custom: boolean;
        protect: boolean;
        /** URNs this resource waits for: `dependsOn`, Output dependencies and its explicit provider. */
        dependencies: string[];
        /** URNs the engine could find it under in an earlier state (its aliases, and those inherited from its parent's). */
        aliases: string[];
        inputs: Record<string, unknown>;
    }[];
    outputs: Record<string, unknown>;
    policies: { packs: string[]; violations: PolicyViolation[] };
    summary: { resources: number; byType: Record<string, number> };
    /** Pod demand per node pool and the system-node check (infra/lib/capacity.ts), as the Platform reported it. */
    capacity?: CapacityJson;
    /** Monthly estimate (tools/insight/cost.ts). */
    cost: CostJson;
    /** From-scratch deployment time and the chain that bounds it (tools/insight/deployTime.ts). */
    deployTime: DeployTimeJson;
    /** With --diff BASE.json: what changes against the base plan (tools/insight/diff.ts). */
    diff?: DiffJson;
}

export interface CapacityJson {
    pools: { pool: string; pods: number; cpuMillis: number; memoryMiB: number; perNodeCpuMillis: number; perNodeMemoryMiB: number; components: string[] }[];
    system: { instanceType: string; nodes: number; allocatableCpuMillis: number; allocatableMemoryMiB: number; requestedCpuMillis: number; requestedMemoryMiB: number; notice?: string };
    platformPoolLimits: { cpu: string; memory: string };
}

export interface PlanReport {
    json: PlanJson;
    region: string;
    policyConfigFile: string | undefined;
    policyCount: number;
    /** Resources per platform layer (the Platform component's direct children). */
    byComponent: { component: string; count: number; types: Record<string, number> }[];
    policies: { violations: PolicyViolation[] };
    /** Cost lines, per-resource creation times and the diff detail, for the text, Markdown and HTML reports. */
    insight: Insight;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const PLATFORM_TYPE = "platform:index:Platform";

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function layerOf(r: RecordedResource, byUrn: Map<string, RecordedResource>): string {
    let cur: RecordedResource | undefined = r;
    while (cur) {
        const parent: RecordedResource | undefined = cur.parent ? byUrn.get(cur.parent) : undefined;
        if (!parent || parent.type === STACK_TYPE) return cur.type === PLATFORM_TYPE ? "(platform)" : "(stack)";
        if (parent.type === PLATFORM_TYPE) return cur.name;
        cur = parent;
    }
    return "(stack)";
}

/** A provider reference is `<provider urn>::<provider id>`; the URN is everything before the last `::`. */
export function providerUrn(ref: string | null): string | null {
    if (!ref) return null;
    const cut = ref.lastIndexOf("::");
    return cut > 0 ? ref.slice(0, cut) : null;
}

/** dependsOn and Output dependencies (the request's list already holds every property dependency) plus the explicit provider. */
export function dependenciesOf(r: RecordedResource): string[] {
    const out = new Set(r.dependencies);
    for (const urns of Object.values(r.propertyDependencies)) for (const u of urns) out.add(u);
    const provider = providerUrn(r.provider);
    if (provider) out.add(provider);
    out.delete(r.urn);
    return [...out].sort();
}

export async function buildReport(run: ProgramRun, policyConfigPath: string): Promise<PlanReport> {
    const sorted = [...run.resources].sort((a, b) => a.urn.localeCompare(b.urn));
    const byUrn = new Map(sorted.map((r) => [r.urn, r]));
    const declared = sorted.filter((r) => r.type !== STACK_TYPE);

    const hasConfig = fs.existsSync(policyConfigPath);
    const configFile: PolicyPackConfigFile = hasConfig ? (JSON.parse(fs.readFileSync(policyConfigPath, "utf8")) as PolicyPackConfigFile) : {};
    // The CLI hands a policy pack the stack's config (PULUMI_CONFIG); cost-budget reads platform:costBudgetUsd from it.
    // Install this run's, whatever ran since.
    pulumi.runtime.setAllConfig(run.stackConfig.config, run.stackConfig.secretKeys);
    const analyzed = sorted.map((r) => (r.custom ? r : { ...r, stackProperties: run.componentOutputs.get(r.urn) }));
    const violations = await runPolicies({ name: PACK_NAME, version: PACK_VERSION, policies }, analyzed, configFile);

    const layers = new Map<string, RecordedResource[]>();
    for (const r of declared) {
        if (r.type === PLATFORM_TYPE) continue;
        const layer = layerOf(r, byUrn);
        layers.set(layer, [...(layers.get(layer) ?? []), r]);
    }

    const platform = sorted.find((r) => r.type === PLATFORM_TYPE);
    const capacity = platform ? (plainValue(run.componentOutputs.get(platform.urn)?.["capacity"]) as CapacityJson | undefined) : undefined;
    const resources: PlanJson["resources"] = declared.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        custom: r.custom,
        protect: r.protect,
        dependencies: dependenciesOf(r),
        aliases: [...r.aliases].sort(),
        inputs: plainValue(r.inputs) as Record<string, unknown>,
    }));
    const insight = computeInsight(resources, { region: run.stackConfig.region, capacity });
    const json: PlanJson = {
        project: run.stackConfig.project,
        stack: run.stackConfig.stack,
        resources,
        outputs: plainValue(run.outputs) as Record<string, unknown>,
        policies: { packs: policies.length > 0 ? [`${PACK_NAME}@${PACK_VERSION}`] : [], violations },
        summary: { resources: declared.length, byType: countBy(declared, (r) => r.type) },
        ...(capacity ? { capacity } : {}),
        cost: insight.cost.json,
        deployTime: insight.deployTime.json,
    };
    return {
        json,
        region: run.stackConfig.region,
        policyConfigFile: hasConfig ? policyConfigPath : undefined,
        policyCount: policies.length,
        byComponent: [...layers.entries()].map(([component, rs]) => ({ component, count: rs.length, types: countBy(rs, (r) => r.type) })),
        policies: { violations },
        insight,
    };
}

/** What a mock-cloud plan cannot know; printed with every plan so nobody mistakes it for a preview. */
export const BLIND_SPOTS = [
    "real AWS state: ids, ARNs, endpoints and account numbers are the mock cloud's (account 123456789012)",
    "whether AWS accepts the inputs (quotas, instance availability in the region, IAM permission of the deployer)",
    "the children of the remote @pulumi/eks components (eks.Cluster's own IAM role, security group rules, add-ons): only their inputs",
    "what Helm charts render: releases are planned as releases; their pods, RBAC and CRDs are not analyzed",
    "provider-side defaults such as aws:defaultTags, and diffs against an existing stack (there is no state here; --diff compares with a base plan)",
];

function shortUrn(urn: string | null): string {
    if (!urn) return "(stack)";
    const parts = urn.split("::");
    return `${parts[2]?.split("$").pop() ?? ""}::${parts[3] ?? ""}`;
}

export function renderReport(report: PlanReport, opts: { elapsedMs?: number; jsonFile?: string } = {}): string {
    const { json } = report;
    const lines: string[] = [];
    lines.push(`Offline plan of ${json.project}/${json.stack} (${report.region}) against the mock cloud: nothing was deployed.`);
    for (const a of report.insight.diff ? statefulAlarms(report.insight.diff) : []) lines.push(`!! STATEFUL (${json.stack}): ${a}`);
    lines.push("");
    lines.push(`Resources: ${json.summary.resources}`);
    for (const c of report.byComponent) {
        lines.push(`  ${c.component.padEnd(16)} ${String(c.count).padStart(4)}`);
    }
    lines.push("");
    lines.push("By type:");
    for (const [type, n] of Object.entries(json.summary.byType)) lines.push(`  ${String(n).padStart(4)}  ${type}`);
    lines.push("");
    if (json.capacity) {
        const c = json.capacity;
        lines.push("Capacity (requests the platform pins to each pool):");
        for (const p of c.pools) {
            const perNode = p.perNodeCpuMillis > 0 ? ` + ${p.perNodeCpuMillis}m / ${p.perNodeMemoryMiB}Mi per node (DaemonSets)` : "";
            lines.push(`  ${p.pool.padEnd(9)} ${String(p.pods).padStart(3)} pods  ${String(p.cpuMillis).padStart(6)}m CPU  ${String(p.memoryMiB).padStart(6)}Mi${perNode}`);
        }
        const s = c.system;
        lines.push(
            s.notice
                ? `  system nodes: ${s.notice}`
                : `  system nodes at minSize: ${s.nodes} x ${s.instanceType} offer ${s.allocatableCpuMillis}m / ${s.allocatableMemoryMiB}Mi after DaemonSets; pinned ${s.requestedCpuMillis}m / ${s.requestedMemoryMiB}Mi (${Math.round((100 * s.requestedCpuMillis) / Math.max(1, s.allocatableCpuMillis))}% CPU, ${Math.round((100 * s.requestedMemoryMiB) / Math.max(1, s.allocatableMemoryMiB))}% memory)`,
        );
        lines.push(`  platform pool limits: ${c.platformPoolLimits.cpu} CPU / ${c.platformPoolLimits.memory} (Karpenter NodePool "platform")`);
        lines.push("");
    }
    const notices = json.outputs["notices"];
    if (Array.isArray(notices) && notices.length > 0) {
        lines.push("Notices:");
        for (const n of notices) lines.push(`  ! ${String(n)}`);
        lines.push("");
    }
    lines.push("Outputs:");
    for (const [k, v] of Object.entries(json.outputs).sort(([a], [b]) => a.localeCompare(b))) {
        const text = typeof v === "string" ? v : JSON.stringify(v);
        lines.push(`  ${k} = ${text.length > 120 ? `${text.slice(0, 117)}...` : text}`);
    }
    lines.push("");
    if (report.policyCount === 0) {
        lines.push("Policies: none loaded (policies/pack.ts declares no policies).");
    } else {
        const mandatory = report.policies.violations.filter((v) => v.enforcement === "mandatory");
        const advisory = report.policies.violations.filter((v) => v.enforcement !== "mandatory");
        lines.push(
            `Policies: ${json.policies.packs.join(", ")} (${report.policyCount} policies, config ${report.policyConfigFile ? report.policyConfigFile.replace(/^.*\/policies\//, "policies/") : "none: pack defaults"})`,
        );
        lines.push(`  ${mandatory.length} mandatory, ${advisory.length} advisory violation(s)`);
        for (const v of [...mandatory, ...advisory]) {
            lines.push(`  [${v.enforcement}] ${v.policy} ${shortUrn(v.urn)}: ${v.message.split("\n").join(" ")}`);
        }
    }
    lines.push("");
    lines.push(...renderInsight(report.insight, json));
    lines.push("Not visible offline:");
    for (const b of BLIND_SPOTS) lines.push(`  - ${b}`);
    if (opts.jsonFile) lines.push("", `JSON written to ${opts.jsonFile}`);
    if (opts.elapsedMs !== undefined) lines.push("", `Planned in ${(opts.elapsedMs / 1000).toFixed(2)} s.`);
    return `${lines.join("\n")}\n`;
}
