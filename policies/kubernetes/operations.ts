// Operational hygiene for Kubernetes workloads: resources, probes, pinned images, read-only root
// filesystems, replica floors and service-account use. Same pod-bearing kinds as the PSS policies.
import type { Policies, StackValidationPolicy } from "@pulumi/policy";
import { at, judgesOnly, num, obj, str } from "../lib";
import { workloadPolicy } from "./common";
import { hpaTargets } from "./hpa";
import { BATCH_KINDS, HPA_TYPES, PodView, SCALABLE_KINDS, WORKLOAD_TYPES, annotations, containersPhrase, objectName } from "./workloads";

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

