// NamespaceBaseline: what every application namespace gets before any workload lands in it.
// - Pod Security Admission enforces the `restricted` profile (audit and warn too, at `latest`, so
//   tightening of the profile in a newer Kubernetes shows up as warnings before it is enforced).
// - The ALB controller's readiness-gate label (from the ingress contract) so pods only count as Ready once
//   their ALB target is healthy. The webhook injects the gate only at pod creation, so the label must be
//   on the namespace before the first pod (kubernetes-sigs/aws-load-balancer-controller
//   docs/deploy/pod_readiness_gate.md @ v3.5.0).
// - ResourceQuota and LimitRange from args (LimitRange sets requests and a memory limit on containers that
//   forget them; no default CPU limit: CPU limits throttle, memory limits protect the node).
// - Default-deny NetworkPolicy for ingress and egress, plus DNS to kube-dns (every pod needs it).
// - The monitoring label the observability stack selects namespaces by.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MONITORING_LABEL, dnsEgressRule } from "./labels";
import { parseQuantity } from "./quantity";
import { ProblemsError } from "../lib/problems";

export const POD_SECURITY_LEVEL = "restricted";

export interface ContainerDefaults {
    /** Requests given to containers that set none, e.g. { cpu: "100m", memory: "128Mi" }. */
    defaultRequest: { cpu: string; memory: string };
    /** Memory limit given to containers that set none. No default CPU limit on purpose. */
    defaultMemoryLimit: string;
    /** Largest memory limit one container may ask for (optional). */
    maxMemory?: string;
}

export interface NamespaceBaselineArgs {
    /** Namespace name (DNS-1123 label). */
    name: string;
    /** From IngressContract.readinessGateNamespaceLabels. */
    readinessGateLabels: Record<string, string>;
    /**
     * Pin `pod-security.kubernetes.io/enforce-version` to the cluster's minor version (e.g. "1.35");
     * undefined → "latest". Pinning keeps an upgrade from tightening enforcement unannounced.
     */
    podSecurityVersion?: string;
    /** ResourceQuota `spec.hard`, e.g. { "requests.cpu": "4", "requests.memory": "8Gi", "limits.memory": "16Gi", pods: "50" }. */
    quota: Record<string, string>;
    limits: ContainerDefaults;
    /** Label the namespace for the monitoring stack (default true). */
    monitoring?: boolean;
    /** Extra namespace labels (team, cost centre). */
    labels?: Record<string, string>;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class NamespaceArgsError extends ProblemsError {
    constructor(name: string, problems: string[]) {
        super(`NamespaceBaseline "${name}": invalid arguments`, problems);
        this.name = "NamespaceArgsError";
    }
}

/** Every problem with the arguments, each naming the argument, what was expected and what was found. */
export function namespaceArgProblems(args: NamespaceBaselineArgs): string[] {
    const out: string[] = [];
    if (!DNS1123_LABEL.test(args.name) || args.name.length > 63) {
        out.push(`name: expected a DNS-1123 label (lower-case alphanumerics and "-", at most 63 characters), found ${JSON.stringify(args.name)}`);
    }
    if (args.podSecurityVersion !== undefined && !/^1\.\d+$/.test(args.podSecurityVersion)) {
        out.push(`podSecurityVersion: expected a Kubernetes minor version like "1.35", found ${JSON.stringify(args.podSecurityVersion)}`);
    }
    for (const [k, v] of Object.entries(args.quota)) {
        if (parseQuantity(v) === undefined) out.push(`quota.${k}: expected a Kubernetes quantity, found ${JSON.stringify(v)}`);
    }
    // A quota on limits.cpu rejects every pod without a CPU limit, and the LimitRange gives none.
    if ("limits.cpu" in args.quota) {
        out.push(`quota.limits.cpu: expected no CPU-limit quota (the LimitRange sets no default CPU limit, so every pod without one would be rejected), found ${JSON.stringify(args.quota["limits.cpu"])}`);
    }
    const l = args.limits;
    const q = (path: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const n = parseQuantity(v);
        if (n === undefined) out.push(`${path}: expected a Kubernetes quantity like 100m or 128Mi, found ${JSON.stringify(v)}`);
        return n;
    };
    q("limits.defaultRequest.cpu", l.defaultRequest.cpu);
    const reqMem = q("limits.defaultRequest.memory", l.defaultRequest.memory);
    const limMem = q("limits.defaultMemoryLimit", l.defaultMemoryLimit);
    const maxMem = q("limits.maxMemory", l.maxMemory);
    if (reqMem !== undefined && limMem !== undefined && limMem < reqMem) {
        out.push(`limits.defaultMemoryLimit: expected at least the default memory request (${l.defaultRequest.memory}), found ${l.defaultMemoryLimit}`);
    }
    if (maxMem !== undefined && limMem !== undefined && maxMem < limMem) {
        out.push(`limits.maxMemory: expected at least the default memory limit (${l.defaultMemoryLimit}), found ${l.maxMemory}`);
    }
    return out;
}

export class NamespaceBaseline extends pulumi.ComponentResource {
    readonly name: string;
    readonly namespace: k8s.core.v1.Namespace;
    readonly labels: Record<string, string>;

    constructor(name: string, args: NamespaceBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = namespaceArgProblems(args);
        if (problems.length > 0) throw new NamespaceArgsError(name, problems);
        super("platform:workloads:NamespaceBaseline", name, {}, opts);
        this.name = args.name;
        const version = args.podSecurityVersion === undefined ? "latest" : `v${args.podSecurityVersion}`;
        this.labels = {
            ...(args.labels ?? {}),
            "pod-security.kubernetes.io/enforce": POD_SECURITY_LEVEL,
            "pod-security.kubernetes.io/enforce-version": version,
            "pod-security.kubernetes.io/audit": POD_SECURITY_LEVEL,
            "pod-security.kubernetes.io/audit-version": "latest",
            "pod-security.kubernetes.io/warn": POD_SECURITY_LEVEL,
            "pod-security.kubernetes.io/warn-version": "latest",
            ...args.readinessGateLabels,
            ...(args.monitoring === false ? {} : MONITORING_LABEL),
        };
        this.namespace = new k8s.core.v1.Namespace(name, { metadata: { name: args.name, labels: this.labels } }, { parent: this });
        const child = { parent: this, dependsOn: [this.namespace] };
        const metadata = (n: string) => ({ name: n, namespace: args.name });

        new k8s.core.v1.ResourceQuota(`${name}-quota`, { metadata: metadata("baseline"), spec: { hard: args.quota } }, child);
        new k8s.core.v1.LimitRange(
            `${name}-limits`,
            {
                metadata: metadata("baseline"),
                spec: {
                    limits: [
                        {
                            type: "Container",
                            defaultRequest: { cpu: args.limits.defaultRequest.cpu, memory: args.limits.defaultRequest.memory },
                            // Only memory: a default CPU limit would throttle every container that forgot to ask.
                            default: { memory: args.limits.defaultMemoryLimit },
                            ...(args.limits.maxMemory ? { max: { memory: args.limits.maxMemory } } : {}),
                        },
                    ],
                },
            },
            child,
        );
        new k8s.networking.v1.NetworkPolicy(
            `${name}-default-deny`,
            { metadata: metadata("default-deny-all"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
            child,
        );
        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-dns`,
            { metadata: metadata("allow-dns"), spec: { podSelector: {}, policyTypes: ["Egress"], egress: [dnsEgressRule()] } },
            child,
        );
        this.registerOutputs({ namespace: args.name });
    }
}
