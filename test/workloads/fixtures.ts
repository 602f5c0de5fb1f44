// Argument sets the workloads specs render: the minimal call, everything switched on, and prod defaults.
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../../infra/lib/iamDocuments";
import { NamespaceBaselineArgs } from "../../infra/workloads/namespace";
import { ProductionServiceArgs } from "../../infra/workloads/service";
import { DATA_CIDRS, fakeIngress } from "./render";

export const IMAGE = "registry.example.com/team/api:1.4.2";
export const DIGEST_IMAGE = `registry.example.com/team/api@sha256:${"a".repeat(64)}`;

export function minimalArgs(): ProductionServiceArgs {
    return { namespace: "team", environment: "dev", image: IMAGE };
}

export function prodArgs(): ProductionServiceArgs {
    return { namespace: "team", environment: "prod", image: IMAGE, ingress: { contract: fakeIngress("prod") } };
}

/** Every option on (prod). */
export function allOptionsArgs(): ProductionServiceArgs {
    return {
        namespace: "team",
        environment: "prod",
        image: DIGEST_IMAGE,
        port: 9090,
        autoscaling: { minReplicas: 3, maxReplicas: 10, targetCpuUtilization: 60, targetMemoryUtilization: 80, scaleDownStabilizationSeconds: 600 },
        maxSurge: 1,
        revisionHistoryLimit: 3,
        probes: {
            startup: { type: "tcp", periodSeconds: 2, failureThreshold: 60 },
            readiness: { type: "http", path: "/readyz", periodSeconds: 3 },
            liveness: { type: "grpc", service: "liveness" },
        },
        resources: { cpu: "500m", memory: "512Mi", cpuLimit: "500m", memoryLimit: "512Mi" },
        qos: "Guaranteed",
        runAsUser: 20000,
        runAsGroup: 30000,
        env: { LOG_LEVEL: "info", DATABASE_HOST: pulumi.output("db.internal") },
        secretEnv: { DATABASE_PASSWORD: { secretName: "api-db", key: "password" } },
        configMounts: [{ name: "api-config", mountPath: "/etc/api" }],
        writablePaths: ["/var/cache/api"],
        automountServiceAccountToken: true,
        aws: {
            clusterName: pulumi.output("platform-prod"),
            policy: policyDocument([{ Sid: "ReadUploads", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::uploads/*" }]),
            tags: { "platform:stack": "prod" },
        },
        shutdown: { preStopSleepSeconds: 40, appShutdownSeconds: 20, terminationGracePeriodSeconds: 90 },
        zoneSpread: "ScheduleAnyway",
        disruptionBudget: { minAvailable: 2 },
        capacityType: "on-demand",
        ingress: { contract: fakeIngress("prod"), hostPrefix: "api", path: "/v1" },
        network: {
            allowFromNamespaces: ["monitoring", "web"],
            egress: [
                { description: "PostgreSQL", cidrs: DATA_CIDRS, ports: [{ port: 5432 }] },
                { description: "Valkey", cidrs: DATA_CIDRS, ports: [{ port: pulumi.output(6379), protocol: "TCP" }] },
            ],
        },
        labels: { "platform.io/team": "api" },
    };
}

export function namespaceArgs(): NamespaceBaselineArgs {
    return {
        name: "team",
        readinessGateLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
        quota: { "requests.cpu": "8", "requests.memory": "16Gi", "limits.memory": "32Gi", pods: "100" },
        limits: { defaultRequest: { cpu: "100m", memory: "128Mi" }, defaultMemoryLimit: "512Mi", maxMemory: "4Gi" },
    };
}
