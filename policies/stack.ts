// Whole-stack rules: protection of stateful resources, disruption budgets for replicated workloads, CPU
// requests on everything an HPA scales.
import type { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { Obj, arr, at, bool, judgesOnly, num, obj, str, stringMap } from "./lib";
import { hpaTargets } from "./kubernetes/hpa";
import { HPA_TYPES, PDB_TYPES, WORKLOAD_TYPES, objectName, objectNamespace, podOf } from "./kubernetes/workloads";

export const STATEFUL_TYPES = [
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:backup/vault:Vault",
];

/** Inputs that protect a resource from deletion by themselves, per type. */
const DELETION_PROTECTION_INPUT: Record<string, string> = {
    "aws:rds/instance:Instance": "deletionProtection",
};

export const statefulProtected: StackValidationPolicy = judgesOnly<StackValidationPolicy>({
    name: "stateful-resources-protected",
    description: "Stateful resources (databases, caches, buckets, keys, backup vaults) are protected: a deletion-protection input, or the `protect` resource option.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { types: { type: "array", items: { type: "string" }, default: STATEFUL_TYPES } } },
    validateStack: (args, report) => {
        const { types } = args.getConfig<{ types: string[] }>();
        const set = new Set(types);
        for (const r of args.resources) {
            if (!set.has(r.type) || r.opts.protect) continue;
            const input = DELETION_PROTECTION_INPUT[r.type];
            if (input && bool(r.props[input]) === true) continue;
            report(`${r.type} "${r.name}" is not protected: set ${input ? `${input}: true or ` : ""}the protect resource option`, r.urn);
        }
    },
}, (type, config) => Array.isArray(config["types"]) && (config["types"] as unknown[]).includes(type));

/** Does a label selector (matchLabels + matchExpressions) select these labels? An empty selector selects all. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
    const sel = obj(selector);
    if (!sel) return false; // a PDB without a selector selects nothing (policy/v1)
    for (const [k, v] of Object.entries(stringMap(sel["matchLabels"]))) if (labels[k] !== v) return false;
    for (const e of arr(sel["matchExpressions"])) {
        const key = str(at(e, "key")) ?? "";
        const op = str(at(e, "operator"));
        const values = arr(at(e, "values")).map((v) => String(v));
        const has = key in labels;
        if (op === "In" && !(has && values.includes(labels[key]))) return false;
        if (op === "NotIn" && has && values.includes(labels[key])) return false;
        if (op === "Exists" && !has) return false;
        if (op === "DoesNotExist" && has) return false;
    }
    return true;
}

/**
 * A PodDisruptionBudget's selector, read once and lazily, in the order selectorMatches reads it (matchLabels,
 * then each matchExpression only when the earlier ones matched), so a value unknown during preview stops the
 * policy at the same read as selectorMatches over the proxied object would.
 */
class SelectorReader {
    private selector: Obj | null | undefined = undefined;
    private matchLabels: [string, string][] = [];
    private expressionSources: unknown[] | undefined;
    private readonly expressions: { key: string; op: string | undefined; values: string[] }[] = [];

    constructor(private readonly read: () => unknown) {}

    matches(labels: Record<string, string>): boolean {
        if (this.selector === undefined) {
            this.selector = obj(this.read()) ?? null;
            if (this.selector) this.matchLabels = Object.entries(stringMap(this.selector["matchLabels"]));
        }
        const sel = this.selector;
        if (!sel) return false; // a PDB without a selector selects nothing (policy/v1)
        for (const [k, v] of this.matchLabels) if (labels[k] !== v) return false;
        this.expressionSources ??= arr(sel["matchExpressions"]);
        for (let i = 0; i < this.expressionSources.length; i++) {
            let e = this.expressions[i];
            if (!e) {
                const source = this.expressionSources[i];
                e = { key: str(at(source, "key")) ?? "", op: str(at(source, "operator")), values: arr(at(source, "values")).map((v) => String(v)) };
                this.expressions[i] = e;
            }
            const has = e.key in labels;
            if (e.op === "In" && !(has && e.values.includes(labels[e.key]))) return false;
            if (e.op === "NotIn" && has && e.values.includes(labels[e.key])) return false;
            if (e.op === "Exists" && !has) return false;
            if (e.op === "DoesNotExist" && has) return false;
        }
        return true;
    }
}

const PDB_KINDS = new Set(["Deployment", "Rollout"]);

export const pdbRequired: StackValidationPolicy = judgesOnly<StackValidationPolicy>({
    name: "pdb-required",
    description: "Every Deployment or Rollout with more than one replica (or scaled by an HPA) has a PodDisruptionBudget in its namespace whose selector matches its pod template labels.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const pdbs = args.resources.filter((r) => PDB_TYPES.has(r.type));
        const targets = hpaTargets(args.resources);
        // PDBs by namespace, filled as far as a scan in resource order has read them: a workload looks at
        // the PDBs of its namespace read so far, then reads further PDBs until one covers it. Linear in the
        // number of namespaces' PDBs instead of one comparison per (workload, PDB) pair.
        const byNamespace = new Map<string, SelectorReader[]>();
        let scanned = 0;
        for (const r of args.resources) {
            const t = WORKLOAD_TYPES[r.type];
            if (!t || !PDB_KINDS.has(t.kind)) continue;
            const replicated = targets.has(r.urn) || (num(at(r.props, "spec", "replicas")) ?? 1) > 1;
            if (!replicated) continue;
            const labels = stringMap(at(r.props, "spec", "template", "metadata", "labels"));
            const ns = objectNamespace(r.props);
            let covered = (byNamespace.get(ns) ?? []).some((s) => s.matches(labels));
            while (!covered && scanned < pdbs.length) {
                const p = pdbs[scanned++];
                const pns = objectNamespace(p.props);
                const selector = new SelectorReader(() => at(p.props, "spec", "selector"));
                const group = byNamespace.get(pns);
                if (group) group.push(selector);
                else byNamespace.set(pns, [selector]);
                covered = pns === ns && selector.matches(labels);
            }
            if (!covered) report(`${t.kind} "${objectName(r.props, r.name)}" (namespace ${ns}) is replicated but no PodDisruptionBudget in ${ns} selects its pods`, r.urn);
        }
    },
}, (type) => PDB_TYPES.has(type) || HPA_TYPES.has(type) || type in WORKLOAD_TYPES);

export const hpaCpuRequests: StackValidationPolicy = judgesOnly<StackValidationPolicy>({
    name: "hpa-target-cpu-requests",
    description: "Every workload scaled by a HorizontalPodAutoscaler sets cpu requests on all its containers (utilisation is computed against requests).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const targets = hpaTargets(args.resources);
        const byUrn = new Map<string, PolicyResource>(args.resources.map((r) => [r.urn, r]));
        for (const [urn, { hpa }] of targets) {
            const w = byUrn.get(urn);
            if (!w) continue;
            const pod = podOf(w.type, w.props, w.name);
            if (!pod) continue;
            // The HPA sums the requests of the pod's running containers: app containers and sidecars
            // (init containers with restartPolicy Always); plain init containers have finished by then.
            const running = pod.containers.filter((c) => c.kind === "container" || (c.kind === "initContainer" && c.spec["restartPolicy"] === "Always"));
            const missing = running.filter((c) => at(c.spec, "resources", "requests", "cpu") === undefined).map((c) => c.name);
            if (missing.length > 0) {
                report(`${pod.kind} "${pod.name}" is scaled by HPA "${objectName(hpa.props, hpa.name)}" but containers ${missing.map((m) => `"${m}"`).join(", ")} have no cpu request`, urn);
            }
        }
    },
}, (type) => HPA_TYPES.has(type) || type in WORKLOAD_TYPES);

export const stackPolicies: Policies = [statefulProtected, pdbRequired, hpaCpuRequests];
