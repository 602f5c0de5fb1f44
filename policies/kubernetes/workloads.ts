// Where the pod template lives in every pod-bearing Kubernetes kind, and a uniform view of it.
// Type tokens are @pulumi/kubernetes's (`kubernetes:<group or core>/<version>:<Kind>`); a CustomResource
// such as an Argo Rollout gets `kubernetes:<apiVersion>:<Kind>` the same way.
import { Obj, arr, at, obj, str } from "../lib";

/** Path from the object root to the pod template (`[]` for a Pod, whose own metadata/spec are the pod's). */
const TEMPLATE = ["spec", "template"];
const CRONJOB_TEMPLATE = ["spec", "jobTemplate", "spec", "template"];

export const WORKLOAD_TYPES: Readonly<Record<string, { kind: string; template: readonly string[] }>> = {
    "kubernetes:core/v1:Pod": { kind: "Pod", template: [] },
    "kubernetes:core/v1:ReplicationController": { kind: "ReplicationController", template: TEMPLATE },
    "kubernetes:apps/v1:Deployment": { kind: "Deployment", template: TEMPLATE },
    "kubernetes:apps/v1:StatefulSet": { kind: "StatefulSet", template: TEMPLATE },
    "kubernetes:apps/v1:DaemonSet": { kind: "DaemonSet", template: TEMPLATE },
    "kubernetes:apps/v1:ReplicaSet": { kind: "ReplicaSet", template: TEMPLATE },
    "kubernetes:batch/v1:Job": { kind: "Job", template: TEMPLATE },
    "kubernetes:batch/v1:CronJob": { kind: "CronJob", template: CRONJOB_TEMPLATE },
    "kubernetes:argoproj.io/v1alpha1:Rollout": { kind: "Rollout", template: TEMPLATE },
    // Deprecated API versions still found in manifests (the YAML checker maps any apiVersion).
    "kubernetes:apps/v1beta1:Deployment": { kind: "Deployment", template: TEMPLATE },
    "kubernetes:apps/v1beta2:Deployment": { kind: "Deployment", template: TEMPLATE },
    "kubernetes:extensions/v1beta1:Deployment": { kind: "Deployment", template: TEMPLATE },
    "kubernetes:apps/v1beta1:StatefulSet": { kind: "StatefulSet", template: TEMPLATE },
    "kubernetes:apps/v1beta2:StatefulSet": { kind: "StatefulSet", template: TEMPLATE },
    "kubernetes:apps/v1beta2:DaemonSet": { kind: "DaemonSet", template: TEMPLATE },
    "kubernetes:extensions/v1beta1:DaemonSet": { kind: "DaemonSet", template: TEMPLATE },
    "kubernetes:apps/v1beta2:ReplicaSet": { kind: "ReplicaSet", template: TEMPLATE },
    "kubernetes:extensions/v1beta1:ReplicaSet": { kind: "ReplicaSet", template: TEMPLATE },
    "kubernetes:batch/v1beta1:CronJob": { kind: "CronJob", template: CRONJOB_TEMPLATE },
};

/** Kinds whose replica count is a `spec.replicas` (default 1) and that an HPA can scale. */
export const SCALABLE_KINDS = new Set(["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Rollout"]);
/** Kinds that run to completion: no probes expected. */
export const BATCH_KINDS = new Set(["Job", "CronJob"]);

export const HPA_TYPES = new Set([
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
]);
export const PDB_TYPES = new Set(["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:policy/v1beta1:PodDisruptionBudget"]);

export type ContainerKind = "container" | "initContainer" | "ephemeralContainer";

export interface ContainerView {
    name: string;
    kind: ContainerKind;
    spec: Obj;
    /** The container's own securityContext (not merged with the pod's). */
    securityContext: Obj | undefined;
}

export interface PodView {
    kind: string;
    /** metadata.name of the workload, or the logical name when the name is left to auto-naming. */
    name: string;
    namespace: string;
    metadata: Obj | undefined;
    /** The pod template's metadata (the Pod's own for a Pod). */
    podMetadata: Obj | undefined;
    podSpec: Obj;
    /** The pod-level securityContext. */
    podSecurityContext: Obj | undefined;
    /** containers, initContainers and ephemeralContainers, in that order. */
    containers: ContainerView[];
    /** True for `spec.os.name: windows` (PSS exempts these from Linux-only restricted controls). */
    windows: boolean;
}

export function isWorkloadType(type: string): boolean {
    return type in WORKLOAD_TYPES;
}

export function objectName(props: Obj, logicalName: string): string {
    return str(at(props, "metadata", "name")) ?? logicalName;
}

export function objectNamespace(props: Obj): string {
    return str(at(props, "metadata", "namespace")) ?? "default";
}

/**
 * The pod view of a workload, or undefined when the type is not pod-bearing or carries no inline
 * template (an Argo Rollout with `spec.workloadRef` borrows a Deployment's template).
 */
export function podOf(type: string, props: Obj, logicalName: string): PodView | undefined {
    const t = WORKLOAD_TYPES[type];
    if (!t) return undefined;
    const template = t.template.length === 0 ? props : obj(at(props, ...t.template));
    if (!template) return undefined;
    const podSpec = obj(template["spec"]);
    if (!podSpec) return undefined;
    const containers: ContainerView[] = [];
    const lists: [string, ContainerKind][] = [
        ["containers", "container"],
        ["initContainers", "initContainer"],
        ["ephemeralContainers", "ephemeralContainer"],
    ];
    for (const [field, kind] of lists) {
        for (const c of arr(podSpec[field])) {
            const spec = obj(c);
            if (!spec) continue;
            containers.push({ name: str(spec["name"]) ?? "(unnamed)", kind, spec, securityContext: obj(spec["securityContext"]) });
        }
    }
    return {
        kind: t.kind,
        name: objectName(props, logicalName),
        namespace: objectNamespace(props),
        metadata: obj(props["metadata"]),
        podMetadata: obj(template["metadata"]),
        podSpec,
        podSecurityContext: obj(podSpec["securityContext"]),
        containers,
        windows: str(at(podSpec, "os", "name")) === "windows",
    };
}

/** "containers "a", "b"" or "container "a"" — the wording the PSS admission messages use. */
export function containersPhrase(names: string[]): string {
    return `${names.length === 1 ? "container" : "containers"} ${names.map((n) => `"${n}"`).join(", ")}`;
}

/** Annotations of the workload and of its pod template, pod template winning. */
export function annotations(pod: PodView): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of [pod.metadata, pod.podMetadata]) {
        const a = obj(m?.["annotations"]);
        if (!a) continue;
        for (const k of Object.keys(a)) {
            const v = a[k];
            if (typeof v === "string") out[k] = v;
        }
    }
    return out;
}
