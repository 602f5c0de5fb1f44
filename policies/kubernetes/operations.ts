// Operational hygiene for Kubernetes workloads: resources, probes, pinned images, read-only root
// filesystems, replica floors and service-account use. Same pod-bearing kinds as the PSS policies.
import type { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { at, judgesOnly, num, obj, str } from "../lib";
import { workloadPolicy } from "./common";
import { BATCH_KINDS, HPA_TYPES, PodView, SCALABLE_KINDS, WORKLOAD_TYPES, annotations, containersPhrase, objectName, objectNamespace } from "./workloads";

/** Pod-template (or workload) annotation that declares a workload really talks to the Kubernetes API. */
export const NEEDS_TOKEN_ANNOTATION = "platform.io/needs-service-account-token";

/** Ephemeral containers cannot declare resources or probes (API validation), so they are left out here. */
function regular(pod: PodView) {
    return pod.containers.filter((c) => c.kind !== "ephemeralContainer");
}

/** The tag of an image reference, "" when none, or undefined when the reference pins a digest. */
export function imageTag(image: string): string | undefined {
    if (image.includes("@")) return undefined;
    const slash = image.lastIndexOf("/");
    const colon = image.lastIndexOf(":");
    return colon > slash ? image.slice(colon + 1) : "";
}

/** Does an HPA's scaleTargetRef name this workload? Auto-named objects match on `<logical name>-<suffix>`. */
export function refersTo(refName: string, r: PolicyResource): boolean {
    const explicit = str(at(r.props, "metadata", "name"));
    if (explicit !== undefined) return refName === explicit;
    return refName === r.name || refName.startsWith(`${r.name}-`);
}

export interface HpaTarget {
    hpa: PolicyResource;
    minReplicas: number;
}

interface HpaRef {
    hpa: PolicyResource;
    ref: Record<string, unknown>;
}

/** HPAs of one target kind in one namespace; their `scaleTargetRef.name`s are read on first use. */
interface HpaGroup {
    refs: HpaRef[];
    names?: (string | undefined)[];
    byName?: Map<string, HpaRef[]>;
}

/**
 * Maps each scalable workload (by URN) to the HPA that scales it, if any (the last matching HPA when
 * several do). Indexed by target kind, namespace and name, so a set of thousands of workloads and HPAs
 * costs linear time, not one comparison per pair. Every value is read at most once and in the order a
 * pairwise scan (each workload against each HPA) would first read it, so a value unknown during preview
 * stops the policy at the same read (and the same advisory "can't run" diagnostic) as that scan.
 */
export function hpaTargets(resources: PolicyResource[]): Map<string, HpaTarget> {
    const out = new Map<string, HpaTarget>();
    const hpas = resources.filter((r) => HPA_TYPES.has(r.type));
    if (hpas.length === 0) return out;
    let refs: { hpa: PolicyResource; ref: Record<string, unknown> | undefined; kind: string | undefined }[] | undefined;
    const byKind = new Map<string, { all: HpaRef[]; byNamespace?: Map<string, HpaGroup> }>();
    for (const w of resources) {
        const t = WORKLOAD_TYPES[w.type];
        if (!t || !SCALABLE_KINDS.has(t.kind)) continue;
        refs ??= hpas.map((hpa) => {
            const ref = obj(at(hpa.props, "spec", "scaleTargetRef"));
            return { hpa, ref, kind: ref ? str(ref["kind"]) : undefined };
        });
        let kind = byKind.get(t.kind);
        if (!kind) {
            kind = { all: refs.filter((r) => r.ref !== undefined && r.kind === t.kind).map((r) => ({ hpa: r.hpa, ref: r.ref as Record<string, unknown> })) };
            byKind.set(t.kind, kind);
        }
        if (kind.all.length === 0) continue;
        let namespace: string | undefined;
        if (!kind.byNamespace) {
            // The first workload of this kind: the scan reads each HPA's namespace, then the workload's.
            const byNamespace = new Map<string, HpaGroup>();
            for (const h of kind.all) {
                const ns = objectNamespace(h.hpa.props);
                namespace ??= objectNamespace(w.props);
                const group = byNamespace.get(ns) ?? { refs: [] };
                group.refs.push(h);
                byNamespace.set(ns, group);
            }
            kind.byNamespace = byNamespace;
        }
        namespace ??= objectNamespace(w.props);
        const group = kind.byNamespace.get(namespace);
        if (!group) continue;
        // Each HPA's target name, then (after the first name) the workload's own metadata.name.
        const NOT_READ = Symbol("not read");
        let explicit: string | undefined | typeof NOT_READ = NOT_READ;
        const readExplicit = () => str(at(w.props, "metadata", "name"));
        if (!group.names) {
            group.names = [];
            group.byName = new Map();
            for (const h of group.refs) {
                const name = str(h.ref["name"]);
                group.names.push(name);
                if (name === undefined) continue;
                if (explicit === NOT_READ) explicit = readExplicit();
                const same = group.byName.get(name);
                if (same) same.push(h);
                else group.byName.set(name, [h]);
            }
        }
        if (group.names.every((n) => n === undefined)) continue;
        if (explicit === NOT_READ) explicit = readExplicit();
        let matches: HpaRef[];
        if (explicit !== undefined) matches = group.byName?.get(explicit) ?? [];
        else {
            const logical = w.name;
            matches = group.refs.filter((_, i) => {
                const n = group.names?.[i];
                return n !== undefined && (n === logical || n.startsWith(`${logical}-`));
            });
        }
        for (const h of matches) out.set(w.urn, { hpa: h.hpa, minReplicas: num(at(h.hpa.props, "spec", "minReplicas")) ?? 1 });
    }
    return out;
}

const minReplicas: StackValidationPolicy = judgesOnly<StackValidationPolicy>({
    name: "workload-min-replicas",
    description:
        "Scalable workloads (Deployment, StatefulSet, ReplicaSet, ReplicationController, Rollout) run at least `minReplicas` pods; a workload scaled by an HPA is judged by the HPA's minReplicas.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minReplicas: { type: "integer", minimum: 1, default: 2 } } },
    validateStack: (args, report) => {
        const { minReplicas: floor } = args.getConfig<{ minReplicas: number }>();
        const targets = hpaTargets(args.resources);
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
            const replicas = num(at(r.props, "spec", "replicas")) ?? 1; // Kubernetes defaults spec.replicas to 1
            if (replicas < floor) report(`${t.kind} "${name}": runs ${replicas} replica(s); at least ${floor} required (or an HPA with minReplicas >= ${floor})`, r.urn);
        }
    },
}, (type) => HPA_TYPES.has(type) || type in WORKLOAD_TYPES);

export const operationsPolicies: Policies = [
    workloadPolicy({
        name: "workload-resources",
        description: "Every container (and init container) requests cpu and memory and sets a memory limit (a CPU limit is not required).",
        enforcementLevel: "mandatory",
        check: (pod, report) => {
            const missing: string[] = [];
            for (const c of regular(pod)) {
                const res = obj(c.spec["resources"]);
                const gaps = [
                    at(res, "requests", "cpu") === undefined ? "requests.cpu" : undefined,
                    at(res, "requests", "memory") === undefined ? "requests.memory" : undefined,
                    at(res, "limits", "memory") === undefined ? "limits.memory" : undefined,
                ].filter((g): g is string => g !== undefined);
                if (gaps.length > 0) missing.push(`"${c.name}" (${gaps.join(", ")})`);
            }
            if (missing.length > 0) report(`containers without resources: ${missing.join(", ")}`);
        },
    }),
    workloadPolicy({
        name: "workload-probes",
        description: "Long-running workloads (not Jobs, CronJobs or run-to-completion Pods) have readiness and liveness probes on every app container; init containers are exempt.",
        enforcementLevel: "mandatory",
        check: (pod, report) => {
            if (BATCH_KINDS.has(pod.kind)) return;
            if (pod.kind === "Pod" && ["Never", "OnFailure"].includes(str(pod.podSpec["restartPolicy"]) ?? "Always")) return;
            const missing: string[] = [];
            for (const c of pod.containers.filter((x) => x.kind === "container")) {
                const gaps = ["readinessProbe", "livenessProbe"].filter((p) => c.spec[p] === undefined || c.spec[p] === null);
                if (gaps.length > 0) missing.push(`"${c.name}" (${gaps.join(", ")})`);
            }
            if (missing.length > 0) report(`containers without probes: ${missing.join(", ")}`);
        },
    }),
    workloadPolicy({
        name: "workload-image-pinned",
        description: "Every image names a tag other than `latest`, or a digest (no tag means latest).",
        enforcementLevel: "mandatory",
        check: (pod, report) => {
            const msgs: string[] = [];
            for (const c of pod.containers) {
                const image = str(c.spec["image"]);
                if (image === undefined) {
                    msgs.push(`"${c.name}" has no image`);
                    continue;
                }
                const tag = imageTag(image);
                if (tag === "") msgs.push(`"${c.name}" image "${image}" has no tag (means latest)`);
                else if (tag === "latest") msgs.push(`"${c.name}" image "${image}" uses the latest tag`);
            }
            if (msgs.length > 0) report(`unpinned images: ${msgs.join(", ")}`);
        },
    }),
    workloadPolicy({
        name: "workload-read-only-root-fs",
        description: "Every container sets securityContext.readOnlyRootFilesystem=true (write to emptyDir or volumes instead).",
        enforcementLevel: "mandatory",
        check: (pod, report) => {
            const names = pod.containers.filter((c) => c.securityContext?.["readOnlyRootFilesystem"] !== true).map((c) => c.name);
            if (names.length > 0) report(`${containersPhrase(names)} must set securityContext.readOnlyRootFilesystem=true`);
        },
    }),
    workloadPolicy({
        name: "workload-service-account",
        description: `Pods run under their own service account (not "default") and set automountServiceAccountToken=false unless annotated ${NEEDS_TOKEN_ANNOTATION}: "true".`,
        enforcementLevel: "mandatory",
        check: (pod, report) => {
            const sa = str(pod.podSpec["serviceAccountName"]) ?? str(pod.podSpec["serviceAccount"]);
            if (sa === undefined || sa === "" || sa === "default") report(`runs under the "default" service account; set spec.serviceAccountName to a dedicated one`);
            const needsToken = annotations(pod)[NEEDS_TOKEN_ANNOTATION] === "true";
            if (!needsToken && pod.podSpec["automountServiceAccountToken"] !== false) {
                report(`mounts a service-account token it does not declare a need for: set automountServiceAccountToken=false, or annotate the pod template ${NEEDS_TOKEN_ANNOTATION}: "true"`);
            }
        },
    }),
    minReplicas,
];

