// ProductionService arguments: what an application team fills in. Validation and defaults are in
// resolve.ts; docs/workloads.md explains every default.
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSecrets } from "./secrets";
import { IngressContract } from "../../ingress/contract";
import { PolicyDocument } from "../../lib/iamDocuments";
import { ServiceSlo } from "../../lib/serviceRules";
import type { ServiceMonitorArgs } from "./monitoring";
import { NamespaceBaseline } from "../namespace";
import type { DeliveryArgs } from "./delivery";
import type { TracingArgs } from "./tracing";

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
    /**
     * Credentials the service receives (secrets.ts): one ExternalSecret per item, from a ClusterSecretStore of the
     * secrets layer (SecretsContract.awsStore, or vaultAccessFor(namespace, serviceAccount).store), exposed as env
     * variables (secretKeyRef) and/or read-only files. The pod template carries a checksum of these declarations.
     */
    secrets?: ServiceSecrets;
    /** ConfigMaps mounted read-only (e.g. server configuration). */
    configMounts?: { name: pulumi.Input<string>; mountPath: string; /** Mount one key as a file at mountPath. */ subPath?: string }[];
    /** Extra writable directories (emptyDir); /tmp is always writable. */
    writablePaths?: string[];
    /** Mount the API token in the pod (default false: most apps never call the Kubernetes API). */
    automountServiceAccountToken?: boolean;
    /**
     * AWS permissions through EKS Pod Identity (role + association for this service's account). Egress then also
     * opens the Pod Identity agent (169.254.170.23:80) and HTTPS (TCP 443) to non-private addresses, where the
     * regional AWS API endpoints answer (see docs/workloads.md, "Reaching AWS APIs").
     */
    aws?: {
        clusterName: pulumi.Input<string>;
        policy: pulumi.Input<PolicyDocument>;
        tags: Record<string, string>;
        /**
         * CIDRs of the subnets holding the stack's VPC interface endpoints (Network `interfaceEndpointSubnetCidrs`),
         * when it has them: their private DNS makes the AWS API names resolve to addresses there, which the
         * public-address rule excludes. Egress on TCP 443 to these CIDRs is added.
         */
        vpcEndpointCidrs?: string[];
    };
    /** Opt-in traces to the platform's OpenTelemetry gateway: OTEL_* variables and egress to the gateway (tracing.ts). */
    tracing?: TracingArgs;
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
    /**
     * Progressive delivery: Argo Rollouts releases the service (a Rollout instead of the Deployment), as a "canary" on
     * the ALB or "blueGreen", and an AnalysisTemplate on its success rate and p99 latency rolls a bad release back.
     * Omit for a Deployment (rolling update). See docs/gitops.md.
     */
    delivery?: DeliveryArgs;
    network?: {
        /** Namespaces whose pods may call the service port. */
        allowFromNamespaces?: string[];
        /** Allowed egress besides DNS. */
        egress?: EgressRule[];
    };
    labels?: Record<string, string>;
    /**
     * Prometheus scrapes the service: a ServiceMonitor on its `metrics` port (the app's own port, another app port, or
     * an exporter sidecar's), and the NetworkPolicy lets the monitoring namespace reach that port.
     */
    serviceMonitor?: ServiceMonitorArgs;
    /** Availability objective, latency thresholds and Apdex T: RED/SLO/Apdex recording rules and alerts. Needs serviceMonitor. */
    slo?: ServiceSlo;
}
