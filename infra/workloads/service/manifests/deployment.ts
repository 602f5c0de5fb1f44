// The Deployment spec: zero-unavailable rolling updates, restricted-profile security context, zone and
// host spread, the three probes, a preStop sleep covering the ALB deregistration, writable emptyDirs only
// where declared.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CAPACITY_TYPE_LABEL } from "../../labels";
import { ProductionServiceArgs } from "../args";
import { exporterContainer } from "../monitoring";
import { renderProbe } from "../render";
import { ResolvedService } from "../resolve";
import { SECRETS_CHECKSUM_ANNOTATION, secretEnvVars, secretVolumes, secretsChecksum } from "../secrets";
import { tracingEnv } from "../tracing";

function volumesAndMounts(args: ProductionServiceArgs): { volumes: k8s.types.input.core.v1.Volume[]; mounts: k8s.types.input.core.v1.VolumeMount[] } {
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
    const secret = secretVolumes(args.secrets);
    return { volumes: [...volumes, ...secret.volumes], mounts: [...mounts, ...secret.mounts] };
}

function containerEnv(name: string, args: ProductionServiceArgs, namespace: string): k8s.types.input.core.v1.EnvVar[] {
    return [
        ...(args.tracing ? tracingEnv(args.tracing, { name, namespace, environment: args.environment }) : []),
        ...Object.entries(args.env ?? {}).map(([n, value]) => ({ name: n, value })),
        ...Object.entries(args.secretEnv ?? {}).map(([n, ref]) => ({
            name: n,
            valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
        })),
        ...secretEnvVars(args.secrets),
    ];
}

function podMetadata(labels: Record<string, string>, automount: boolean, checksum: pulumi.Output<string> | undefined): k8s.types.input.meta.v1.ObjectMeta {
    const annotations: Record<string, pulumi.Input<string>> = {
        ...(automount ? { "platform.io/needs-service-account-token": "true" } : {}),
        ...(checksum ? { [SECRETS_CHECKSUM_ANNOTATION]: checksum } : {}),
    };
    return Object.keys(annotations).length > 0 ? { labels, annotations } : { labels };
}

export function deploymentSpec(
    name: string,
    args: ProductionServiceArgs,
    s: ResolvedService,
    selector: Record<string, string>,
    labels: Record<string, string>,
    /** Label that tells ReplicaSets apart (a Rollout's pods carry rollouts-pod-template-hash). */
    podTemplateHashLabel = "pod-template-hash",
): k8s.types.input.apps.v1.DeploymentSpec {
    const automount = args.automountServiceAccountToken ?? false;
    const { volumes, mounts } = volumesAndMounts(args);
    const seccompProfile = { type: "RuntimeDefault" };
    const spread = (topologyKey: string, whenUnsatisfiable: string): k8s.types.input.core.v1.TopologySpreadConstraint => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable,
        labelSelector: { matchLabels: selector },
        // Count only the pods of the same ReplicaSet, so a rollout's new pods spread on their own.
        matchLabelKeys: [podTemplateHashLabel],
        // Nodes whose taints the pod does not tolerate (system nodes) are not spread domains.
        nodeTaintsPolicy: "Honor",
    });
    return {
        // With an HPA the Deployment leaves spec.replicas unset: a fixed count would be reset on
        // every `pulumi up` and fight the autoscaler.
        ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
        revisionHistoryLimit: s.revisionHistoryLimit,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: s.maxSurge } },
        template: {
            // A mounted token is declared, so the workload-service-account policy can tell intent from oversight.
            // The secrets checksum rolls the pods when a secret declaration changes (or its `rotation` is bumped).
            metadata: podMetadata(labels, automount, secretsChecksum(args.secrets)),
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
                        ports: [
                            { name: "http", containerPort: s.port, protocol: "TCP" },
                            ...(s.monitoring?.appMetricsPort ? [{ name: s.monitoring.portName, containerPort: s.monitoring.containerPort, protocol: "TCP" }] : []),
                        ],
                        env: containerEnv(name, args, typeof args.namespace === "string" ? args.namespace : args.namespace.name),
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
                    // The metrics exporter sidecar (serviceMonitor.exporter), restricted like the app container.
                    ...(s.monitoring ? [exporterContainer(s.monitoring)].filter((c): c is k8s.types.input.core.v1.Container => c !== undefined) : []),
                ],
                volumes,
            },
        },
    };
}
