// A stand-in for the platform pack's pss-*/workload-* policies while policies/pack.ts is empty on this
// branch: the Pod Security Standards "restricted" rules (kubernetes.io/docs/concepts/security/pod-security-standards)
// and the workload rules the platform asks for, applied to Deployment pod templates. The real pack
// replaces it after the merge; this keeps the zero-violation grid meaningful until then.
import type { ResourceValidationPolicy } from "@pulumi/policy";

interface SecurityContext {
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { add?: string[]; drop?: string[] };
    seccompProfile?: { type?: string };
    procMount?: string;
}
interface Container {
    name: string;
    image?: string;
    securityContext?: SecurityContext;
    ports?: { hostPort?: number }[];
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    readinessProbe?: unknown;
    livenessProbe?: unknown;
}
interface PodSpec {
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    securityContext?: SecurityContext & { sysctls?: unknown[] };
    containers?: Container[];
    initContainers?: Container[];
    volumes?: Record<string, unknown>[];
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
}

const ALLOWED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

export function podProblems(pod: PodSpec, replicas: number | undefined): string[] {
    const out: string[] = [];
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push("host namespaces");
    if ((pod.securityContext?.sysctls ?? []).length > 0) out.push("sysctls");
    for (const v of pod.volumes ?? []) {
        const kind = Object.keys(v).find((k) => k !== "name");
        if (!kind || !ALLOWED_VOLUMES.includes(kind)) out.push(`volume type ${kind}`);
    }
    if (!pod.serviceAccountName || pod.serviceAccountName === "default") out.push("dedicated service account");
    if (pod.automountServiceAccountToken === undefined) out.push("automountServiceAccountToken unset");
    if (replicas !== undefined && replicas < 2) out.push(`replicas ${replicas}`);
    const podSc = pod.securityContext ?? {};
    for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
        const sc = c.securityContext ?? {};
        const p = (m: string) => out.push(`${c.name}: ${m}`);
        if (sc.privileged) p("privileged");
        if (sc.allowPrivilegeEscalation !== false) p("allowPrivilegeEscalation not false");
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) p("capabilities not dropping ALL");
        if ((sc.capabilities?.add ?? []).some((a) => a !== "NET_BIND_SERVICE")) p("capabilities added");
        if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) p("runAsNonRoot not true");
        if ((sc.runAsUser ?? podSc.runAsUser) === 0) p("runAsUser 0");
        const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
        if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") p(`seccomp ${seccomp}`);
        if (sc.procMount !== undefined && sc.procMount !== "Default") p("procMount");
        if ((c.ports ?? []).some((x) => x.hostPort)) p("hostPort");
        if (sc.readOnlyRootFilesystem !== true) p("root filesystem writable");
        if (!c.resources?.requests?.["cpu"] || !c.resources?.requests?.["memory"] || !c.resources?.limits?.["memory"]) p("resources");
        if (!c.readinessProbe || !c.livenessProbe) p("probes");
        const image = c.image ?? "";
        if (!/@sha256:[0-9a-f]{64}$/.test(image) && (!/:[\w][\w.-]*$/.test(image.slice(image.lastIndexOf("/") + 1)) || image.endsWith(":latest"))) p(`image ${image}`);
    }
    return out;
}

export const restrictedStandIn: ResourceValidationPolicy = {
    name: "stand-in-restricted-workload",
    description: "PSS restricted + platform workload rules (test stand-in for the pss-*/workload-* policies)",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== "kubernetes:apps/v1:Deployment") return;
        const spec = (args.props as { spec?: { replicas?: number; template?: { spec?: PodSpec } } }).spec;
        for (const problem of podProblems(spec?.template?.spec ?? {}, spec?.replicas)) report(problem);
    },
};
