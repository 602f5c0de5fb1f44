// Validation and defaults for ProductionService: every argument is checked before any resource is
// declared; each problem names the argument, what was expected and what was found.
import { isIpv4Cidr } from "../../lib/configSchema";
import { parseQuantity } from "../quantity";
import { AutoscalingArgs, ProbeCheck, ProbeSpec, ProbesArgs, ProductionServiceArgs } from "./args";
import { ResolvedDelivery, resolveDelivery } from "./delivery";
import { secretsProblems } from "./secrets";
import { ResolvedMonitoring, resolveMonitoring } from "./monitoring";
import { ProblemsError } from "../../lib/problems";
import { tracingProblems } from "./tracing";

export class ServiceArgsError extends ProblemsError {
    constructor(name: string, problems: string[]) {
        super(`ProductionService "${name}": invalid arguments`, problems);
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
    /** A Rollout (canary or blue/green) instead of a Deployment; undefined: a Deployment. */
    delivery: ResolvedDelivery | undefined;
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
    /** Metrics scraping and SLO (undefined without serviceMonitor). */
    monitoring: ResolvedMonitoring | undefined;
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
    const delivery = resolveDelivery(name, args.environment, args.ingress !== undefined, args.delivery, { serviceMonitor: args.serviceMonitor, slo: args.slo }, problems);
    for (const [i, e] of (args.network?.egress ?? []).entries()) {
        if (e.cidrs.length === 0) problems.push(`network.egress[${i}].cidrs: expected at least one CIDR (${e.description}), found []`);
        if (e.ports.length === 0) problems.push(`network.egress[${i}].ports: expected at least one port (${e.description}), found []`);
        for (const c of e.cidrs) if (c === "0.0.0.0/0") problems.push(`network.egress[${i}].cidrs: expected specific CIDRs (${e.description}), found "0.0.0.0/0"`);
    }
    for (const [i, c] of (args.aws?.vpcEndpointCidrs ?? []).entries()) {
        if (!isIpv4Cidr(c) || c === "0.0.0.0/0") {
            problems.push(`aws.vpcEndpointCidrs[${i}]: expected the CIDR of a subnet holding VPC interface endpoints (like 10.20.224.0/24), found ${JSON.stringify(c)}`);
        }
    }
    for (const p of args.writablePaths ?? []) {
        if (!p.startsWith("/") || p === "/") problems.push(`writablePaths: expected absolute directories other than /, found ${JSON.stringify(p)}`);
    }
    for (const [k, v] of Object.entries(args.secretEnv ?? {})) {
        if (args.env && k in args.env) problems.push(`secretEnv.${k}: expected a name not also in env, found it in both`);
        if (!v.secretName || !v.key) problems.push(`secretEnv.${k}: expected a secretName and key, found ${JSON.stringify(v)}`);
    }
    problems.push(...tracingProblems(args.tracing, args.env));

    problems.push(
        ...secretsProblems(args.secrets, {
            env: [...Object.keys(args.env ?? {}), ...Object.keys(args.secretEnv ?? {})],
            mountPaths: ["/tmp", ...(args.writablePaths ?? []), ...(args.configMounts ?? []).map((c) => c.mountPath)],
        }),
    );
    const monitoring = resolveMonitoring(port, args.serviceMonitor, args.slo, problems);
    const exporterImage = args.serviceMonitor?.exporter?.image;
    const exporterImageProblem = exporterImage !== undefined ? imageProblem(exporterImage) : undefined;
    if (exporterImageProblem) problems.push(`serviceMonitor.exporter.${exporterImageProblem}`);

    if (problems.length > 0) throw new ServiceArgsError(name, problems);
    return {
        port,
        replicas: autoscaling ? undefined : replicas,
        autoscaling,
        delivery,
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
        monitoring,
    };
}
