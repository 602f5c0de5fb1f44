// Builders for hand-made analyzable resources and a runner over the real pack.
import { PACK_NAME, PACK_VERSION, policies } from "../../policies/pack";
import { AnalyzableResource, PolicyPackConfigFile, PolicyViolation, runPolicies } from "../../tools/offline/policyRunner";
import { UNKNOWN } from "../../tools/offline/recorder";

export { UNKNOWN };
export type Json = Record<string, unknown>;

export function resource(type: string, name: string, inputs: Json, opts: Partial<AnalyzableResource> = {}): AnalyzableResource {
    return {
        urn: `urn:pulumi:test::platform::${type}::${name}`,
        type,
        name,
        parent: null,
        protect: false,
        retainOnDelete: false,
        dependencies: [],
        // Wire form has no `undefined` (the engine drops unset inputs): a JSON round trip does the same.
        inputs: JSON.parse(JSON.stringify(inputs)) as Json,
        ...opts,
    };
}

export function check(resources: AnalyzableResource[], config: PolicyPackConfigFile = {}): Promise<PolicyViolation[]> {
    return runPolicies({ name: PACK_NAME, version: PACK_VERSION, policies }, resources, config);
}

/** The violations of one policy. */
export function of(vs: PolicyViolation[], policy: string): PolicyViolation[] {
    return vs.filter((v) => v.policy === policy);
}

/** Policy names with at least one violation (sorted, unique). */
export function names(vs: PolicyViolation[]): string[] {
    return [...new Set(vs.map((v) => v.policy))].sort();
}

export interface WorkloadKind {
    type: string;
    apiVersion: string;
    kind: string;
}

export const WORKLOAD_KINDS: WorkloadKind[] = [
    { type: "kubernetes:core/v1:Pod", apiVersion: "v1", kind: "Pod" },
    { type: "kubernetes:apps/v1:Deployment", apiVersion: "apps/v1", kind: "Deployment" },
    { type: "kubernetes:apps/v1:StatefulSet", apiVersion: "apps/v1", kind: "StatefulSet" },
    { type: "kubernetes:apps/v1:DaemonSet", apiVersion: "apps/v1", kind: "DaemonSet" },
    { type: "kubernetes:apps/v1:ReplicaSet", apiVersion: "apps/v1", kind: "ReplicaSet" },
    { type: "kubernetes:core/v1:ReplicationController", apiVersion: "v1", kind: "ReplicationController" },
    { type: "kubernetes:batch/v1:Job", apiVersion: "batch/v1", kind: "Job" },
    { type: "kubernetes:batch/v1:CronJob", apiVersion: "batch/v1", kind: "CronJob" },
    { type: "kubernetes:argoproj.io/v1alpha1:Rollout", apiVersion: "argoproj.io/v1alpha1", kind: "Rollout" },
];

export const DEPLOYMENT = WORKLOAD_KINDS[1];

/** A container that passes every container-level policy. */
export function goodContainer(name = "app", extra: Json = {}): Json {
    return {
        name,
        image: "ghcr.io/example/app:1.2.3",
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
        livenessProbe: { httpGet: { path: "/live", port: 8080 } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        ...extra,
    };
}

/** A pod spec that passes every pod-level policy. */
export function goodPodSpec(extra: Json = {}): Json {
    return {
        serviceAccountName: "app",
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [goodContainer()],
        ...extra,
    };
}

/** Wraps a pod spec in the given kind (template at spec.template, or spec.jobTemplate.spec.template for CronJob). */
export function workload(k: WorkloadKind, podSpec: Json, opts: { name?: string; namespace?: string; podMeta?: Json; replicas?: number; meta?: Json } = {}): Json {
    const metadata = { name: opts.name ?? "app", namespace: opts.namespace ?? "apps", ...(opts.meta ?? {}) };
    const podMeta = { labels: { app: opts.name ?? "app" }, ...(opts.podMeta ?? {}) };
    const template = { metadata: podMeta, spec: podSpec };
    const base = { apiVersion: k.apiVersion, kind: k.kind, metadata };
    switch (k.kind) {
        case "Pod":
            return { ...base, metadata: { ...metadata, ...podMeta, labels: podMeta.labels }, spec: podSpec };
        case "CronJob":
            return { ...base, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template } } } };
        case "Job":
        case "DaemonSet":
            return { ...base, spec: { selector: { matchLabels: podMeta.labels }, template } };
        default:
            return { ...base, spec: { replicas: opts.replicas ?? 2, selector: { matchLabels: podMeta.labels }, template } };
    }
}

export function workloadResource(k: WorkloadKind, podSpec: Json, opts: Parameters<typeof workload>[2] = {}) {
    return resource(k.type, opts.name ?? "app", workload(k, podSpec, opts));
}

/** A PDB selecting `app: <name>` in the namespace. */
export function pdb(name: string, namespace = "apps", selector: Json = { matchLabels: { app: name } }) {
    return resource("kubernetes:policy/v1:PodDisruptionBudget", `${name}-pdb`, {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name, namespace },
        spec: { maxUnavailable: 1, selector },
    });
}

export function hpa(name: string, target: { kind: string; name: string }, minReplicas: number | undefined, namespace = "apps") {
    return resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `${name}-hpa`, {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name, namespace },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", ...target }, ...(minReplicas === undefined ? {} : { minReplicas }), maxReplicas: 5 },
    });
}
