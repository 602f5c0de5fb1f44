// The stack policies that match workloads with HPAs and PDBs index them (linear instead of one comparison per
// pair, issue 17 item 12). Their verdicts must not change: on random sets of workloads, HPAs and PDBs, with
// values unknown during preview sprinkled in, they give exactly the diagnostics of the pairwise versions they
// replaced (transcribed below from policies/kubernetes/hpa.ts and policies/stack.ts before the change),
// including which unknown value makes a policy advisory.
import { strict as assert } from "assert";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PACK_NAME, PACK_VERSION, policies } from "../../policies/pack";
import { at, num, obj, str, stringMap } from "../../policies/lib";
import { refersTo } from "../../policies/kubernetes/hpa";
import { HPA_TYPES, PDB_TYPES, SCALABLE_KINDS, WORKLOAD_TYPES, objectName, objectNamespace, podOf } from "../../policies/kubernetes/workloads";
import { selectorMatches } from "../../policies/stack";
import { AnalyzableResource, runPolicies } from "../../tools/offline/policyRunner";
import { UNKNOWN, resource } from "./helpers";

// ---- the pairwise originals -------------------------------------------------------------------------------

function pairwiseHpaTargets(resources: PolicyResource[]): Map<string, { hpa: PolicyResource; minReplicas: number }> {
    const out = new Map<string, { hpa: PolicyResource; minReplicas: number }>();
    const hpas = resources.filter((r) => HPA_TYPES.has(r.type));
    if (hpas.length === 0) return out;
    for (const w of resources) {
        const t = WORKLOAD_TYPES[w.type];
        if (!t || !SCALABLE_KINDS.has(t.kind)) continue;
        for (const h of hpas) {
            const ref = obj(at(h.props, "spec", "scaleTargetRef"));
            if (!ref || str(ref["kind"]) !== t.kind) continue;
            if (objectNamespace(h.props) !== objectNamespace(w.props)) continue;
            const name = str(ref["name"]);
            if (name === undefined || !refersTo(name, w)) continue;
            out.set(w.urn, { hpa: h, minReplicas: num(at(h.props, "spec", "minReplicas")) ?? 1 });
        }
    }
    return out;
}

const original = (name: string) => policies.find((p) => p.name === name) as StackValidationPolicy;

const reference: StackValidationPolicy[] = [
    {
        ...original("workload-min-replicas"),
        validateStack: (args, report) => {
            const { minReplicas: floor } = args.getConfig<{ minReplicas: number }>();
            const targets = pairwiseHpaTargets(args.resources);
            for (const r of args.resources) {
                const t = WORKLOAD_TYPES[r.type];
                if (!t || !SCALABLE_KINDS.has(t.kind)) continue;
                const name = objectName(r.props, r.name);
                const hpa = targets.get(r.urn);
                if (hpa) {
                    if (hpa.minReplicas < floor) {
                        report(`${t.kind} "${name}": its HorizontalPodAutoscaler "${objectName(hpa.hpa.props, hpa.hpa.name)}" allows ${hpa.minReplicas} replica(s); minReplicas must be at least ${floor}`, r.urn);
                    }
                    continue;
                }
                const replicas = num(at(r.props, "spec", "replicas")) ?? 1;
                if (replicas < floor) report(`${t.kind} "${name}": runs ${replicas} replica(s); at least ${floor} required (or an HPA with minReplicas >= ${floor})`, r.urn);
            }
        },
    },
    {
        ...original("pdb-required"),
        validateStack: (args, report) => {
            const pdbs = args.resources.filter((r) => PDB_TYPES.has(r.type));
            const targets = pairwiseHpaTargets(args.resources);
            for (const r of args.resources) {
                const t = WORKLOAD_TYPES[r.type];
                if (!t || !new Set(["Deployment", "Rollout"]).has(t.kind)) continue;
                const replicated = targets.has(r.urn) || (num(at(r.props, "spec", "replicas")) ?? 1) > 1;
                if (!replicated) continue;
                const labels = stringMap(at(r.props, "spec", "template", "metadata", "labels"));
                const ns = objectNamespace(r.props);
                const covered = pdbs.some((p) => objectNamespace(p.props) === ns && selectorMatches(at(p.props, "spec", "selector"), labels));
                if (!covered) report(`${t.kind} "${objectName(r.props, r.name)}" (namespace ${ns}) is replicated but no PodDisruptionBudget in ${ns} selects its pods`, r.urn);
            }
        },
    },
    {
        ...original("hpa-target-cpu-requests"),
        validateStack: (args, report) => {
            const targets = pairwiseHpaTargets(args.resources);
            const byUrn = new Map<string, PolicyResource>(args.resources.map((r) => [r.urn, r]));
            for (const [urn, { hpa }] of targets) {
                const w = byUrn.get(urn);
                if (!w) continue;
                const pod = podOf(w.type, w.props, w.name);
                if (!pod) continue;
                const running = pod.containers.filter((c) => c.kind === "container" || (c.kind === "initContainer" && c.spec["restartPolicy"] === "Always"));
                const missing = running.filter((c) => at(c.spec, "resources", "requests", "cpu") === undefined).map((c) => c.name);
                if (missing.length > 0) {
                    report(`${pod.kind} "${pod.name}" is scaled by HPA "${objectName(hpa.props, hpa.name)}" but containers ${missing.map((m) => `"${m}"`).join(", ")} have no cpu request`, urn);
                }
            }
        },
    },
];
const indexed = reference.map((r) => original(r.name));

// ---- random stacks ---------------------------------------------------------------------------------------

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
    let a = seed;
    return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function stack(seed: number): AnalyzableResource[] {
    const rnd = random(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const maybeUnknown = <T>(v: T): T | string => (rnd() < 0.04 ? UNKNOWN : v);
    const namespaces = ["a", "b", "c"];
    const apps = ["web", "api", "jobs", "web-2"];
    const kinds = [
        { type: "kubernetes:apps/v1:Deployment", kind: "Deployment", apiVersion: "apps/v1" },
        { type: "kubernetes:apps/v1:StatefulSet", kind: "StatefulSet", apiVersion: "apps/v1" },
        { type: "kubernetes:argoproj.io/v1alpha1:Rollout", kind: "Rollout", apiVersion: "argoproj.io/v1alpha1" },
    ];
    const out: AnalyzableResource[] = [];
    const n = 1 + Math.floor(rnd() * 12);
    for (let i = 0; i < n; i++) {
        const roll = rnd();
        const ns = maybeUnknown(pick(namespaces));
        if (roll < 0.45) {
            const k = pick(kinds);
            const app = pick(apps);
            const explicit = rnd() < 0.7;
            const container: Record<string, unknown> = { name: "app", image: "x:1" };
            if (rnd() < 0.7) container["resources"] = { requests: { cpu: maybeUnknown("100m") } };
            out.push(
                resource(k.type, `${app}-${i}`, {
                    apiVersion: k.apiVersion,
                    kind: k.kind,
                    metadata: { ...(explicit ? { name: maybeUnknown(app) } : {}), namespace: ns },
                    spec: { replicas: maybeUnknown(pick([1, 2, 3])), template: { metadata: { labels: maybeUnknown({ app: pick(apps), tier: pick(["web", "db"]) }) }, spec: { containers: [container] } } },
                }),
            );
        } else if (roll < 0.75) {
            const target = rnd() < 0.5 ? pick(apps) : `${pick(apps)}-${Math.floor(rnd() * 12)}`;
            out.push(
                resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `hpa-${i}`, {
                    metadata: { name: `hpa-${i}`, namespace: ns },
                    spec: { scaleTargetRef: maybeUnknown({ kind: maybeUnknown(pick(kinds).kind), name: maybeUnknown(target) }), ...(rnd() < 0.8 ? { minReplicas: maybeUnknown(pick([1, 2, 3])) } : {}) },
                }),
            );
        } else {
            const selector =
                rnd() < 0.1
                    ? undefined
                    : {
                          ...(rnd() < 0.7 ? { matchLabels: maybeUnknown({ app: pick(apps) }) } : {}),
                          ...(rnd() < 0.4 ? { matchExpressions: [{ key: pick(["tier", "app"]), operator: pick(["In", "NotIn", "Exists", "DoesNotExist"]), values: maybeUnknown([pick(["web", "db", "api"])]) }] } : {}),
                      };
            out.push(resource("kubernetes:policy/v1:PodDisruptionBudget", `pdb-${i}`, { metadata: { name: `pdb-${i}`, namespace: ns }, spec: { ...(selector ? { selector } : {}) } }));
        }
    }
    return out;
}

describe("indexed HPA and PDB matching gives the pairwise verdicts", () => {
    it("on 400 random stacks, with unknown values, in pack order and with the same messages", async () => {
        let diagnostics = 0;
        let advisoryUnknown = 0;
        for (let seed = 1; seed <= 400; seed++) {
            const resources = stack(seed);
            const want = await runPolicies({ name: PACK_NAME, version: PACK_VERSION, policies: reference }, resources, { all: "mandatory" });
            const got = await runPolicies({ name: PACK_NAME, version: PACK_VERSION, policies: indexed }, resources, { all: "mandatory" });
            assert.deepEqual(got, want, `seed ${seed}`);
            diagnostics += want.length;
            advisoryUnknown += want.filter((v) => v.message.includes("during preview")).length;
        }
        // The generator exercises both kinds of outcome.
        assert.ok(diagnostics > 200 && advisoryUnknown > 20, `${diagnostics} diagnostics, ${advisoryUnknown} can't-run`);
    });
});
