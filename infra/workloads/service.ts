// ProductionService: the golden path. An application team fills a handful of typed fields and gets a
// Deployment that survives rollouts, node drains, spot interruptions and zone loss without dropping
// requests, behind a ClusterIP Service and (optionally) the platform's shared ALB.
// Every argument is validated before any resource is declared; each problem names the argument, what
// was expected and what was found. docs/workloads.md explains every default.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IngressContract } from "../ingress/contract";
import { PolicyDocument } from "../lib/iamDocuments";
import { WorkloadIdentity } from "../lib/workloadIdentity";
import { NamespaceBaseline } from "./namespace";
import { CAPACITY_TYPE_LABEL, NAMESPACE_NAME_LABEL, dnsEgressRule } from "./labels";
import { parseQuantity } from "./quantity";

// ---------------------------------------------------------------------------------------------------
// Types

/** How a probe checks the container. Ports default to the container's `http` port. */
export type ProbeCheck =
    | { type: "http"; path: string; port?: number; scheme?: "HTTP" | "HTTPS" }
    | { type: "tcp"; port?: number }
    | { type: "grpc"; port?: number; service?: string }
    | { type: "exec"; command: string[] };

export interface ProbeTiming {
    initialDelaySeconds?: number;
    periodSeconds?: number;
    timeoutSeconds?: number;
    failureThreshold?: number;
}

export type ProbeSpec = ProbeCheck & ProbeTiming;

export interface ProbesArgs {
    /** Gates the other two until the app has started. Default HTTP GET /startup. */
    startup?: ProbeSpec;
    /** "Can I take traffic now?" May check dependencies. Default HTTP GET /ready (also the ALB health check). */
    readiness?: ProbeSpec;
    /**
     * "Is this process wedged?" MUST only check the process itself, never a database, cache or other
     * service: a dependency outage would otherwise restart every pod at once and turn an outage into a
     * crash loop. Default HTTP GET /health.
     */
    liveness?: ProbeSpec;
}

export interface AutoscalingArgs {
    minReplicas: number;
    maxReplicas: number;
    /** Average CPU utilisation (percent of the request) to hold. Default 70. */
    targetCpuUtilization?: number;
    /** Optional average memory utilisation target (percent of the request). */
    targetMemoryUtilization?: number;
    /** Seconds of sustained lower demand before scaling in. Default 300. */
    scaleDownStabilizationSeconds?: number;
}

export interface EgressRule {
    /** What this rule is for (documentation only). */
    description: string;
    cidrs: string[];
    ports: { port: pulumi.Input<number>; protocol?: "TCP" | "UDP" }[];
}

export interface SecretEnvRef {
    /** Kubernetes Secret (synced by an ExternalSecret from Secrets Manager) and its key. */
    secretName: string;
    key: string;
}

export interface IngressArgs {
    contract: IngressContract;
    /** Host name label under the contract's domain: `<hostPrefix>.<domain>`. Default: the service name. */
    hostPrefix?: string;
    /** Path prefix routed to the service. Default "/". */
    path?: string;
}

export interface ProductionServiceArgs {
    /**
     * The namespace: a NamespaceBaseline (preferred: every object then waits for the labelled namespace,
     * so pods are admitted under the restricted profile and get the readiness gate) or an existing name.
     */
    namespace: string | NamespaceBaseline;
    environment: "dev" | "prod";
    /** Image pinned by tag (not `latest`) or by digest (`@sha256:...`). */
    image: string;
    /** Container port (>= 1024: the container runs as non-root with no capabilities). Default 8080. */
    port?: number;
    /** Fixed replica count when autoscaling is off. Default 3 in prod, 2 in dev; prod needs >= 2. */
    replicas?: number;
    /** HPA (autoscaling/v2). When set, the Deployment does NOT set spec.replicas: the HPA owns it. */
    autoscaling?: AutoscalingArgs;
    /** RollingUpdate maxSurge (maxUnavailable is always 0). Default "25%". */
    maxSurge?: number | string;
    /** Old ReplicaSets kept for rollback. Default 5. */
    revisionHistoryLimit?: number;
    probes?: ProbesArgs;
    resources?: {
        /** CPU request. Default "100m". */
        cpu?: string;
        /** Memory request. Default "128Mi". */
        memory?: string;
        /** Memory limit. Default = memory request. */
        memoryLimit?: string;
        /** CPU limit. Default none (throttling hurts latency; the request guarantees the share). */
        cpuLimit?: string;
    };
    /** "Guaranteed": limits = requests for CPU and memory. Default "Burstable". */
    qos?: "Burstable" | "Guaranteed";
    /** Non-zero uid/gid the container runs as. Default 10001/10001. */
    runAsUser?: number;
    runAsGroup?: number;
    /** Plain environment variables. */
    env?: Record<string, pulumi.Input<string>>;
    /** Environment variables from Kubernetes Secrets that ExternalSecrets keep in sync (the secrets seam). */
    secretEnv?: Record<string, SecretEnvRef>;
    /** ConfigMaps mounted read-only (e.g. server configuration). */
    configMounts?: { name: pulumi.Input<string>; mountPath: string; /** Mount one key as a file at mountPath. */ subPath?: string }[];
    /** Extra writable directories (emptyDir); /tmp is always writable. */
    writablePaths?: string[];
    /** Mount the API token in the pod (default false: most apps never call the Kubernetes API). */
    automountServiceAccountToken?: boolean;
    /** AWS permissions through EKS Pod Identity (role + association for this service's account). */
    aws?: { clusterName: pulumi.Input<string>; policy: pulumi.Input<PolicyDocument>; tags: Record<string, string> };
    shutdown?: {
        /** preStop sleep. Default: the ingress deregistration delay + 5 s (or 5 s without ingress). */
        preStopSleepSeconds?: number;
        /** Time the app needs after SIGTERM to finish in-flight work. Default 15. */
        appShutdownSeconds?: number;
        /** Default preStop + appShutdown. */
        terminationGracePeriodSeconds?: number;
    };
    /** Zone spread when unsatisfiable. Default "DoNotSchedule" (see docs/workloads.md). */
    zoneSpread?: "DoNotSchedule" | "ScheduleAnyway";
    /** PDB. Default { maxUnavailable: 1 }. */
    disruptionBudget?: { maxUnavailable: number } | { minAvailable: number };
    /** "any" (default: spot or on-demand, whatever the NodePool offers) or "on-demand" (pins with a nodeSelector). */
    capacityType?: "any" | "on-demand";
    /** Public exposure through the shared ALB. Omit for internal services. */
    ingress?: IngressArgs;
    network?: {
        /** Namespaces whose pods may call the service port. */
        allowFromNamespaces?: string[];
        /** Allowed egress besides DNS. */
        egress?: EgressRule[];
    };
    labels?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------
// Validation and defaults

export class ServiceArgsError extends Error {
    constructor(name: string, readonly problems: string[]) {
        super(`ProductionService "${name}": invalid arguments (${problems.length}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ServiceArgsError";
    }
}

export const DEFAULT_PROBES: Required<ProbesArgs> = {
    startup: { type: "http", path: "/startup", periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 30 },
    readiness: { type: "http", path: "/ready", periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
    liveness: { type: "http", path: "/health", periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
};

/** Every setting after defaults; what the resources are built from. */
export interface ResolvedService {
    port: number;
    replicas: number | undefined;
    autoscaling: Required<Omit<AutoscalingArgs, "targetMemoryUtilization">> & { targetMemoryUtilization?: number } | undefined;
    maxSurge: number | string;
    revisionHistoryLimit: number;
    probes: Required<ProbesArgs>;
    requests: { cpu: string; memory: string };
    limits: { memory: string; cpu?: string };
    runAsUser: number;
    runAsGroup: number;
    preStopSleepSeconds: number;
    appShutdownSeconds: number;
    terminationGracePeriodSeconds: number;
    zoneSpread: "DoNotSchedule" | "ScheduleAnyway";
    disruptionBudget: { maxUnavailable: number } | { minAvailable: number };
    host: string | undefined;
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** Image reference check: a digest, or a tag that is not `latest`. */
export function imageProblem(image: string): string | undefined {
    if (DIGEST.test(image)) return undefined;
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const colon = lastSegment.lastIndexOf(":");
    if (image.includes("@")) return `image: expected a digest like repo@sha256:<64 hex>, found ${JSON.stringify(image)}`;
    if (colon < 0) return `image: expected a pinned tag (repo:1.2.3) or digest (repo@sha256:...), found ${JSON.stringify(image)} (no tag means latest)`;
    const tag = lastSegment.slice(colon + 1);
    if (tag === "latest") return `image: expected a pinned tag or digest, found the tag "latest" in ${JSON.stringify(image)}`;
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return `image: expected a valid tag, found ${JSON.stringify(tag)} in ${JSON.stringify(image)}`;
    return undefined;
}

function probeProblems(which: string, p: ProbeSpec): string[] {
    const out: string[] = [];
    if (p.type === "http" && !p.path.startsWith("/")) out.push(`probes.${which}.path: expected an absolute path like /ready, found ${JSON.stringify(p.path)}`);
    if (p.type === "exec" && p.command.length === 0) out.push(`probes.${which}.command: expected a non-empty command, found []`);
    if ((p.type === "http" || p.type === "tcp" || p.type === "grpc") && p.port !== undefined && !(Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535)) {
        out.push(`probes.${which}.port: expected a port 1-65535, found ${p.port}`);
    }
    for (const k of ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold"] as const) {
        const v = p[k];
        if (v !== undefined && !(Number.isInteger(v) && v >= (k === "initialDelaySeconds" ? 0 : 1))) {
            out.push(`probes.${which}.${k}: expected a ${k === "initialDelaySeconds" ? "non-negative" : "positive"} integer, found ${v}`);
        }
    }
    return out;
}

function sameEndpoint(a: ProbeCheck, b: ProbeCheck): boolean {
    return a.type === "http" && b.type === "http" && a.path === b.path && (a.port ?? 0) === (b.port ?? 0);
}

/** Validates and applies the defaults; throws ServiceArgsError listing every problem. */
export function resolveServiceArgs(name: string, args: ProductionServiceArgs): ResolvedService {
    const problems: string[] = [];
    const prod = args.environment === "prod";
    if (!DNS1035_LABEL.test(name) || name.length > 63) {
        problems.push(`name: expected a DNS-1035 label (starts with a letter; lower-case alphanumerics and "-"; at most 63 characters), found ${JSON.stringify(name)}`);
    }
    const img = imageProblem(args.image);
    if (img) problems.push(img);

    const port = args.port ?? 8080;
    if (!(Number.isInteger(port) && port >= 1024 && port <= 65535)) {
        problems.push(`port: expected 1024-65535 (non-root with no capabilities cannot bind lower ports), found ${port}`);
    }

    const minReplicas = prod ? 2 : 1;
    const replicas = args.replicas ?? (prod ? 3 : 2);
    if (!(Number.isInteger(replicas) && replicas >= minReplicas)) {
        problems.push(`replicas: expected an integer >= ${minReplicas}${prod ? " in prod (3 recommended: one per zone)" : ""}, found ${replicas}`);
    }
    let autoscaling: ResolvedService["autoscaling"];
    if (args.autoscaling) {
        const a = args.autoscaling;
        if (args.replicas !== undefined) problems.push(`replicas: expected no fixed replica count when autoscaling is set (the HPA owns spec.replicas), found ${args.replicas}`);
        if (!(Number.isInteger(a.minReplicas) && a.minReplicas >= minReplicas)) {
            problems.push(`autoscaling.minReplicas: expected an integer >= ${minReplicas}${prod ? " in prod" : ""}, found ${a.minReplicas}`);
        }
        if (!(Number.isInteger(a.maxReplicas) && a.maxReplicas >= a.minReplicas)) {
            problems.push(`autoscaling.maxReplicas: expected an integer >= minReplicas (${a.minReplicas}), found ${a.maxReplicas}`);
        }
        for (const k of ["targetCpuUtilization", "targetMemoryUtilization"] as const) {
            const v = a[k];
            if (v !== undefined && !(Number.isInteger(v) && v >= 10 && v <= 100)) problems.push(`autoscaling.${k}: expected a percentage 10-100, found ${v}`);
        }
        const window = a.scaleDownStabilizationSeconds ?? 300;
        if (!(Number.isInteger(window) && window >= 0 && window <= 3600)) {
            problems.push(`autoscaling.scaleDownStabilizationSeconds: expected 0-3600 (the API's bounds), found ${window}`);
        }
        autoscaling = {
            minReplicas: a.minReplicas,
            maxReplicas: a.maxReplicas,
            targetCpuUtilization: a.targetCpuUtilization ?? 70,
            scaleDownStabilizationSeconds: window,
            ...(a.targetMemoryUtilization !== undefined ? { targetMemoryUtilization: a.targetMemoryUtilization } : {}),
        };
    }
    const effectiveMin = autoscaling ? autoscaling.minReplicas : replicas;

    const maxSurge = args.maxSurge ?? "25%";
    if (typeof maxSurge === "number" ? !(Number.isInteger(maxSurge) && maxSurge >= 1) : !/^([1-9][0-9]?|100)%$/.test(maxSurge)) {
        problems.push(`maxSurge: expected a positive integer or a percentage 1%-100% (maxUnavailable is 0, so surge must be > 0 or a rollout cannot progress), found ${JSON.stringify(maxSurge)}`);
    }
    const revisionHistoryLimit = args.revisionHistoryLimit ?? 5;
    if (!(Number.isInteger(revisionHistoryLimit) && revisionHistoryLimit >= 1 && revisionHistoryLimit <= 50)) {
        problems.push(`revisionHistoryLimit: expected 1-50 (keep some ReplicaSets for rollback), found ${revisionHistoryLimit}`);
    }

    const probes: Required<ProbesArgs> = {
        startup: args.probes?.startup ?? DEFAULT_PROBES.startup,
        readiness: args.probes?.readiness ?? DEFAULT_PROBES.readiness,
        liveness: args.probes?.liveness ?? DEFAULT_PROBES.liveness,
    };
    for (const k of ["startup", "readiness", "liveness"] as const) problems.push(...probeProblems(k, probes[k]));
    if (sameEndpoint(probes.liveness, probes.readiness)) {
        const p = probes.liveness as { path: string };
        problems.push(`probes.liveness.path: expected an endpoint distinct from readiness (liveness checks the process only, readiness may check dependencies), found both on ${JSON.stringify(p.path)}`);
    }
    if (args.ingress && probes.readiness.type !== "http") {
        problems.push(`probes.readiness.type: expected "http" when ingress is set (its path is the ALB health check), found ${JSON.stringify(probes.readiness.type)}`);
    }

    const qos = args.qos ?? "Burstable";
    const r = args.resources ?? {};
    const cpu = r.cpu ?? "100m";
    const memory = r.memory ?? "128Mi";
    const memoryLimit = r.memoryLimit ?? memory;
    const cpuLimit = r.cpuLimit ?? (qos === "Guaranteed" ? cpu : undefined);
    const quantity = (path: string, v: string | undefined): number | undefined => {
        if (v === undefined) return undefined;
        const n = parseQuantity(v);
        if (n === undefined || n <= 0) problems.push(`${path}: expected a positive Kubernetes quantity like 250m or 256Mi, found ${JSON.stringify(v)}`);
        return n;
    };
    const cpuN = quantity("resources.cpu", cpu);
    const memN = quantity("resources.memory", memory);
    const memLimN = quantity("resources.memoryLimit", memoryLimit);
    const cpuLimN = quantity("resources.cpuLimit", cpuLimit);
    if (memN !== undefined && memLimN !== undefined && memLimN < memN) {
        problems.push(`resources.memoryLimit: expected at least the memory request (${memory}), found ${memoryLimit}`);
    }
    if (cpuN !== undefined && cpuLimN !== undefined && cpuLimN < cpuN) {
        problems.push(`resources.cpuLimit: expected at least the CPU request (${cpu}), found ${cpuLimit}`);
    }
    if (qos === "Guaranteed") {
        if (memLimN !== memN) problems.push(`resources.memoryLimit: expected ${memory} (qos "Guaranteed" needs limits = requests), found ${memoryLimit}`);
        if (cpuLimN !== cpuN) problems.push(`resources.cpuLimit: expected ${cpu} (qos "Guaranteed" needs limits = requests), found ${cpuLimit}`);
    }

    const runAsUser = args.runAsUser ?? 10001;
    const runAsGroup = args.runAsGroup ?? runAsUser;
    for (const [k, v] of [["runAsUser", runAsUser], ["runAsGroup", runAsGroup]] as const) {
        if (!(Number.isInteger(v) && v > 0)) problems.push(`${k}: expected a non-zero uid/gid (the restricted profile forbids root), found ${v}`);
    }

    const dereg = args.ingress?.contract.deregistrationDelaySeconds;
    const s = args.shutdown ?? {};
    const preStop = s.preStopSleepSeconds ?? (dereg !== undefined ? dereg + 5 : 5);
    const appShutdown = s.appShutdownSeconds ?? 15;
    const grace = s.terminationGracePeriodSeconds ?? preStop + appShutdown;
    if (!(Number.isInteger(preStop) && preStop >= 1)) problems.push(`shutdown.preStopSleepSeconds: expected a positive integer, found ${preStop}`);
    if (dereg !== undefined && !(preStop > dereg)) {
        problems.push(`shutdown.preStopSleepSeconds: expected more than the ingress deregistration delay (${dereg}s) so the ALB stops sending before the app stops, found ${preStop}`);
    }
    if (!(Number.isInteger(appShutdown) && appShutdown >= 0)) problems.push(`shutdown.appShutdownSeconds: expected a non-negative integer, found ${appShutdown}`);
    if (!(Number.isInteger(grace) && grace >= preStop + appShutdown)) {
        problems.push(`shutdown.terminationGracePeriodSeconds: expected at least preStop + app shutdown (${preStop} + ${appShutdown} = ${preStop + appShutdown}s; the grace period includes the preStop hook), found ${grace}`);
    }

    const disruptionBudget = args.disruptionBudget ?? { maxUnavailable: 1 };
    if ("maxUnavailable" in disruptionBudget) {
        if (!(Number.isInteger(disruptionBudget.maxUnavailable) && disruptionBudget.maxUnavailable >= 1)) {
            problems.push(`disruptionBudget.maxUnavailable: expected an integer >= 1 (0 blocks every node drain), found ${disruptionBudget.maxUnavailable}`);
        }
    } else if (!(Number.isInteger(disruptionBudget.minAvailable) && disruptionBudget.minAvailable >= 1 && disruptionBudget.minAvailable < effectiveMin)) {
        problems.push(`disruptionBudget.minAvailable: expected 1 to ${effectiveMin - 1} (below the minimum replica count ${effectiveMin}, or node drains block), found ${disruptionBudget.minAvailable}`);
    }

    let host: string | undefined;
    if (args.ingress) {
        const prefix = args.ingress.hostPrefix ?? name;
        if (!DNS1035_LABEL.test(prefix)) problems.push(`ingress.hostPrefix: expected a DNS label, found ${JSON.stringify(prefix)}`);
        const path = args.ingress.path ?? "/";
        if (!path.startsWith("/")) problems.push(`ingress.path: expected an absolute path, found ${JSON.stringify(path)}`);
        if (args.ingress.contract.domain !== undefined) host = `${prefix}.${args.ingress.contract.domain}`;
        if (prod && (args.ingress.contract.domain === undefined || args.ingress.contract.certificateArn === undefined)) {
            problems.push(`ingress.contract: expected a domain and certificate in prod (public services are HTTPS-only there), found ${args.ingress.contract.domain === undefined ? "no domain" : "no certificate"}`);
        }
    }
    for (const [i, e] of (args.network?.egress ?? []).entries()) {
        if (e.cidrs.length === 0) problems.push(`network.egress[${i}].cidrs: expected at least one CIDR (${e.description}), found []`);
        if (e.ports.length === 0) problems.push(`network.egress[${i}].ports: expected at least one port (${e.description}), found []`);
        for (const c of e.cidrs) if (c === "0.0.0.0/0") problems.push(`network.egress[${i}].cidrs: expected specific CIDRs (${e.description}), found "0.0.0.0/0"`);
    }
    for (const p of args.writablePaths ?? []) {
        if (!p.startsWith("/") || p === "/") problems.push(`writablePaths: expected absolute directories other than /, found ${JSON.stringify(p)}`);
    }
    for (const [k, v] of Object.entries(args.secretEnv ?? {})) {
        if (args.env && k in args.env) problems.push(`secretEnv.${k}: expected a name not also in env, found it in both`);
        if (!v.secretName || !v.key) problems.push(`secretEnv.${k}: expected a secretName and key, found ${JSON.stringify(v)}`);
    }

    if (problems.length > 0) throw new ServiceArgsError(name, problems);
    return {
        port,
        replicas: autoscaling ? undefined : replicas,
        autoscaling,
        maxSurge,
        revisionHistoryLimit,
        probes,
        requests: { cpu, memory },
        limits: { memory: memoryLimit, ...(cpuLimit !== undefined ? { cpu: cpuLimit } : {}) },
        runAsUser,
        runAsGroup,
        preStopSleepSeconds: preStop,
        appShutdownSeconds: appShutdown,
        terminationGracePeriodSeconds: grace,
        zoneSpread: args.zoneSpread ?? "DoNotSchedule",
        disruptionBudget,
        host,
    };
}

// ---------------------------------------------------------------------------------------------------
// Rendering helpers

function renderProbe(p: ProbeSpec, containerPort: number): k8s.types.input.core.v1.Probe {
    const timing = {
        ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
        periodSeconds: p.periodSeconds ?? 10,
        timeoutSeconds: p.timeoutSeconds ?? 2,
        failureThreshold: p.failureThreshold ?? 3,
    };
    switch (p.type) {
        case "http":
            return { ...timing, httpGet: { path: p.path, port: p.port ?? "http", scheme: p.scheme ?? "HTTP" } };
        case "tcp":
            return { ...timing, tcpSocket: { port: p.port ?? "http" } };
        case "grpc":
            // grpc.port must be a number (the API has no named port here).
            return { ...timing, grpc: { port: p.port ?? containerPort, ...(p.service ? { service: p.service } : {}) } };
        case "exec":
            return { ...timing, exec: { command: p.command } };
    }
}

/**
 * The EKS Pod Identity Agent: a hostNetwork DaemonSet answering on the link-local 169.254.170.23, port 80
 * (the AWS_CONTAINER_CREDENTIALS_FULL_URI the webhook injects is http://169.254.170.23/v1/credentials;
 * EKS user guide pod-id-agent-setup, "Considerations"). It is neither a pod nor the node IP, so under the
 * namespace's default-deny egress a pod with `aws` set could not fetch credentials without this rule
 * (the same link-local case as IMDS in aws/aws-network-policy-agent#120).
 */
export const POD_IDENTITY_AGENT_EGRESS = {
    to: [{ ipBlock: { cidr: "169.254.170.23/32" } }],
    ports: [{ protocol: "TCP", port: 80 }],
} as const;

export const ALB = {
    targetType: "alb.ingress.kubernetes.io/target-type",
    healthcheckPath: "alb.ingress.kubernetes.io/healthcheck-path",
    listenPorts: "alb.ingress.kubernetes.io/listen-ports",
    certificateArn: "alb.ingress.kubernetes.io/certificate-arn",
    wafAclArn: "alb.ingress.kubernetes.io/wafv2-acl-arn",
    groupName: "alb.ingress.kubernetes.io/group.name",
    sslRedirect: "alb.ingress.kubernetes.io/ssl-redirect",
    targetGroupAttributes: "alb.ingress.kubernetes.io/target-group-attributes",
} as const;

// ---------------------------------------------------------------------------------------------------
// Component

export class ProductionService extends pulumi.ComponentResource {
    readonly settings: ResolvedService;
    readonly serviceAccount: k8s.core.v1.ServiceAccount;
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service: k8s.core.v1.Service;
    readonly ingress: k8s.networking.v1.Ingress | undefined;
    readonly identity: WorkloadIdentity | undefined;
    /** https://<host> with a domain, undefined otherwise (dev: use the ALB's DNS name). */
    readonly url: string | undefined;

    constructor(name: string, args: ProductionServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate first: nothing is declared when an argument is wrong.
        const s = resolveServiceArgs(name, args);
        super("platform:workloads:ProductionService", name, {}, opts);
        this.settings = s;
        const ns = typeof args.namespace === "string" ? args.namespace : args.namespace.name;
        // Every namespaced child waits for the labelled Namespace (a component's own dependsOn does not reach its children).
        const nsDeps: pulumi.Resource[] = typeof args.namespace === "string" ? [] : [args.namespace.namespace];
        const child = { parent: this, dependsOn: nsDeps };
        const selector = { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name };
        const labels = { ...(args.labels ?? {}), ...selector, "app.kubernetes.io/managed-by": "pulumi", "platform.io/environment": args.environment };
        const metadata = { name, namespace: ns, labels };
        const automount = args.automountServiceAccountToken ?? false;

        this.serviceAccount = new k8s.core.v1.ServiceAccount(
            name,
            { metadata, automountServiceAccountToken: automount },
            child,
        );
        // Pod Identity does not need the automounted API token: its webhook adds its own projected token
        // volume (audience pods.eks.amazonaws.com) and AWS_CONTAINER_* env vars at pod creation
        // (aws/amazon-eks-pod-identity-webhook pkg/handler/testdata/containercredentials/rawPodWithoutVolumes.pod.yaml).
        this.identity = args.aws
            ? new WorkloadIdentity(
                  `${name}-identity`,
                  { clusterName: args.aws.clusterName, namespace: ns, serviceAccount: name, policy: args.aws.policy, tags: args.aws.tags },
                  { parent: this },
              )
            : undefined;

        this.service = new k8s.core.v1.Service(
            name,
            {
                metadata,
                spec: {
                    type: "ClusterIP",
                    selector,
                    ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
                },
            },
            child,
        );

        this.ingress = args.ingress ? this.renderIngress(name, nsDeps, args.ingress, metadata, s) : undefined;
        this.url = s.host ? `https://${s.host}` : undefined;

        new k8s.networking.v1.NetworkPolicy(
            name,
            {
                metadata,
                spec: {
                    podSelector: { matchLabels: selector },
                    policyTypes: ["Ingress", "Egress"],
                    ingress: [
                        {
                            from: [
                                // ALB nodes (target-type ip sends traffic and health checks straight to the pod).
                                ...(args.ingress?.contract.loadBalancerSubnetCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
                                ...(args.network?.allowFromNamespaces ?? []).map((n) => ({
                                    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: n } },
                                })),
                            ],
                            ports: [{ protocol: "TCP", port: s.port }],
                        },
                    ].filter((rule) => rule.from.length > 0),
                    egress: [
                        dnsEgressRule(),
                        // Credentials for the Pod Identity role (the agent on the node, not an AWS endpoint).
                        ...(args.aws ? [{ to: [...POD_IDENTITY_AGENT_EGRESS.to], ports: [...POD_IDENTITY_AGENT_EGRESS.ports] }] : []),
                        ...(args.network?.egress ?? []).map((e) => ({
                            to: e.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
                            ports: e.ports.map((p) => ({ protocol: p.protocol ?? "TCP", port: p.port })),
                        })),
                    ],
                },
            },
            child,
        );

        const volumes: k8s.types.input.core.v1.Volume[] = [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }];
        const mounts: k8s.types.input.core.v1.VolumeMount[] = [{ name: "tmp", mountPath: "/tmp" }];
        for (const [i, p] of (args.writablePaths ?? []).entries()) {
            volumes.push({ name: `writable-${i}`, emptyDir: { sizeLimit: "256Mi" } });
            mounts.push({ name: `writable-${i}`, mountPath: p });
        }
        for (const [i, c] of (args.configMounts ?? []).entries()) {
            volumes.push({ name: `config-${i}`, configMap: { name: c.name } });
            mounts.push({ name: `config-${i}`, mountPath: c.mountPath, readOnly: true, ...(c.subPath ? { subPath: c.subPath } : {}) });
        }

        const env: k8s.types.input.core.v1.EnvVar[] = [
            ...Object.entries(args.env ?? {}).map(([n, value]) => ({ name: n, value })),
            ...Object.entries(args.secretEnv ?? {}).map(([n, ref]) => ({
                name: n,
                valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
            })),
        ];

        const seccompProfile = { type: "RuntimeDefault" };
        const spread = (topologyKey: string, whenUnsatisfiable: string): k8s.types.input.core.v1.TopologySpreadConstraint => ({
            maxSkew: 1,
            topologyKey,
            whenUnsatisfiable,
            labelSelector: { matchLabels: selector },
            // Count only the pods of the same ReplicaSet, so a rollout's new pods spread on their own.
            matchLabelKeys: ["pod-template-hash"],
            // Nodes whose taints the pod does not tolerate (system nodes) are not spread domains.
            nodeTaintsPolicy: "Honor",
        });

        // Pods are created after the Service and Ingress (the ALB controller injects readiness gates only
        // when a TargetGroupBinding exists at pod creation: docs/deploy/pod_readiness_gate.md @ v3.5.0)
        // and after the Pod Identity association (credentials are injected at pod creation too).
        // No deadlock: Pulumi's Ingress await needs only the backend's Endpoints object and the ALB hostname
        // in status, not ready pods (pulumi/pulumi-kubernetes provider/pkg/await/ingress.go).
        const dependsOn: pulumi.Resource[] = [...nsDeps, this.serviceAccount, this.service];
        if (this.ingress) dependsOn.push(this.ingress);
        if (this.identity) dependsOn.push(this.identity);

        this.deployment = new k8s.apps.v1.Deployment(
            name,
            {
                metadata,
                spec: {
                    // With an HPA the Deployment leaves spec.replicas unset: a fixed count would be reset on
                    // every `pulumi up` and fight the autoscaler.
                    ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
                    revisionHistoryLimit: s.revisionHistoryLimit,
                    selector: { matchLabels: selector },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: s.maxSurge } },
                    template: {
                        // A mounted token is declared, so the workload-service-account policy can tell intent from oversight.
                        metadata: automount ? { labels, annotations: { "platform.io/needs-service-account-token": "true" } } : { labels },
                        spec: {
                            serviceAccountName: name,
                            automountServiceAccountToken: automount,
                            enableServiceLinks: false,
                            terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: s.runAsUser,
                                runAsGroup: s.runAsGroup,
                                fsGroup: s.runAsGroup,
                                seccompProfile,
                            },
                            ...(args.capacityType === "on-demand" ? { nodeSelector: { [CAPACITY_TYPE_LABEL]: "on-demand" } } : {}),
                            topologySpreadConstraints: [
                                spread("topology.kubernetes.io/zone", s.zoneSpread),
                                spread("kubernetes.io/hostname", "ScheduleAnyway"),
                            ],
                            containers: [
                                {
                                    name: "app",
                                    image: args.image,
                                    imagePullPolicy: "IfNotPresent",
                                    ports: [{ name: "http", containerPort: s.port, protocol: "TCP" }],
                                    env,
                                    resources: { requests: s.requests, limits: s.limits },
                                    startupProbe: renderProbe(s.probes.startup, s.port),
                                    readinessProbe: renderProbe(s.probes.readiness, s.port),
                                    livenessProbe: renderProbe(s.probes.liveness, s.port),
                                    lifecycle: {
                                        // Native sleep action (KEP-3960: alpha 1.29, beta and on by default 1.30,
                                        // GA 1.34; every supported EKS version here is >= 1.32). Unlike
                                        // exec ["sleep", "N"] it needs no sleep binary (distroless images work).
                                        preStop: { sleep: { seconds: s.preStopSleepSeconds } },
                                    },
                                    securityContext: {
                                        runAsNonRoot: true,
                                        runAsUser: s.runAsUser,
                                        runAsGroup: s.runAsGroup,
                                        allowPrivilegeEscalation: false,
                                        privileged: false,
                                        readOnlyRootFilesystem: true,
                                        capabilities: { drop: ["ALL"] },
                                        seccompProfile,
                                    },
                                    volumeMounts: mounts,
                                },
                            ],
                            volumes,
                        },
                    },
                },
            },
            { parent: this, dependsOn },
        );

        new k8s.policy.v1.PodDisruptionBudget(
            name,
            { metadata, spec: { selector: { matchLabels: selector }, ...s.disruptionBudget } },
            child,
        );

        if (s.autoscaling) {
            const a = s.autoscaling;
            const metrics: k8s.types.input.autoscaling.v2.MetricSpec[] = [
                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuUtilization } } },
            ];
            if (a.targetMemoryUtilization !== undefined) {
                metrics.push({ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: a.targetMemoryUtilization } } });
            }
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                name,
                {
                    metadata,
                    spec: {
                        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
                        minReplicas: a.minReplicas,
                        maxReplicas: a.maxReplicas,
                        metrics,
                        behavior: {
                            // Scale in slowly: wait out a noisy dip, then drop at most 25% (or 2 pods) a minute.
                            scaleDown: {
                                stabilizationWindowSeconds: a.scaleDownStabilizationSeconds,
                                selectPolicy: "Min",
                                policies: [
                                    { type: "Percent", value: 25, periodSeconds: 60 },
                                    { type: "Pods", value: 2, periodSeconds: 60 },
                                ],
                            },
                            // Scale out fast but bounded: double or add 4 pods per 30 s, whichever is more.
                            scaleUp: {
                                stabilizationWindowSeconds: 0,
                                selectPolicy: "Max",
                                policies: [
                                    { type: "Percent", value: 100, periodSeconds: 30 },
                                    { type: "Pods", value: 4, periodSeconds: 30 },
                                ],
                            },
                        },
                    },
                },
                { parent: this, dependsOn: [...nsDeps, this.deployment] },
            );
        }
        this.registerOutputs({ url: this.url });
    }

    private renderIngress(
        name: string,
        nsDeps: pulumi.Resource[],
        ing: IngressArgs,
        metadata: { name: string; namespace: string; labels: Record<string, string> },
        s: ResolvedService,
    ): k8s.networking.v1.Ingress {
        const c = ing.contract;
        const readiness = s.probes.readiness as { path: string };
        const tls = s.host !== undefined && c.certificateArn !== undefined;
        const annotations: Record<string, pulumi.Input<string>> = {
            [ALB.targetType]: "ip",
            [ALB.groupName]: c.groupName,
            [ALB.healthcheckPath]: readiness.path,
            [ALB.wafAclArn]: c.wafAclArn,
            [ALB.targetGroupAttributes]: `deregistration_delay.timeout_seconds=${c.deregistrationDelaySeconds}`,
        };
        if (tls) {
            annotations[ALB.listenPorts] = JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]);
            annotations[ALB.sslRedirect] = "443";
            annotations[ALB.certificateArn] = c.certificateArn as pulumi.Output<string>;
        } else {
            // No domain or certificate (dev only; prod is rejected above): plain HTTP on the ALB's own DNS name.
            annotations[ALB.listenPorts] = JSON.stringify([{ HTTP: 80 }]);
            annotations["platform.io/tls"] = "disabled: this stack has no domain/certificate; HTTP only";
        }
        const path = ing.path ?? "/";
        return new k8s.networking.v1.Ingress(
            name,
            {
                metadata: { ...metadata, annotations },
                spec: {
                    ingressClassName: c.ingressClassName,
                    rules: [
                        {
                            ...(s.host !== undefined ? { host: s.host } : {}),
                            http: { paths: [{ path, pathType: "Prefix", backend: { service: { name, port: { name: "http" } } } }] },
                        },
                    ],
                },
            },
            { parent: this, dependsOn: [...nsDeps, this.service] },
        );
    }
}
