// Alloy chart values (grafana alloy 1.11.1, Alloy v1.18.1): the pods DaemonSet and the events Deployment.
// Keys checked against operations/helm/charts/alloy/values.yaml @ 233907cf in test/logging/fixtures/upstream.ts.
import * as fs from "fs";
import * as path from "path";
import type { Resources } from "../config";
import { ALLOY_EVENTS_RELEASE, ALLOY_RELEASE, loggingContract } from "../contract";
import { PodDemand, PodPlacement, Values, placementValues, resourcesOf, sumResources } from "./common";

/** Pods annotated with this (value "false") are not collected; the relabel rule is in alloy/pods.alloy. */
export const LOG_OPT_OUT_ANNOTATION = "platform.io/logs";

export const ALLOY_CONFIG_DIR = path.join(__dirname, "..", "alloy");

export function alloyConfig(file: "pods" | "events"): string {
    return fs.readFileSync(path.join(ALLOY_CONFIG_DIR, `${file}.alloy`), "utf8");
}

/**
 * A DaemonSet must reach every node: one toleration with operator Exists and no key tolerates every taint
 * (Kubernetes API: "If the key is empty, operator must be Exists; this combination means to match all values and
 * all keys"). That covers the system nodes' CriticalAddonsOnly, the platform pool's platform.io/pool, taints of
 * workload NodePools added later, and Karpenter's karpenter.sh/disrupted while a node drains (its pods' last lines).
 */
export const TOLERATE_EVERYTHING = [{ operator: "Exists" }] as const;

/** The config reloader sidecar (configReloader.resources; the chart sets requests only). */
export const ALLOY_RELOADER_RESOURCES: Resources = { cpu: "10m", memory: "32Mi", memoryLimit: "64Mi" };
export const ALLOY_EVENTS_RESOURCES: Resources = { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" };

/** hostPath under which each node's Alloy keeps its read positions (survives pod restarts: no re-shipping). */
export const ALLOY_STATE_HOST_PATH = "/var/lib/alloy-platform";

export interface AlloyInputs {
    kind: "pods" | "events";
    resources: Resources;
    tenant: string;
    /** Only the events Deployment: it is a small controller on the system nodes. */
    placement?: PodPlacement;
}

export function lokiPushUrl(): string {
    return `${loggingContract("").lokiUrl}/loki/api/v1/push`;
}

export function alloyValues(i: AlloyInputs): Values {
    const pods = i.kind === "pods";
    // The root filesystem is read-only: positions go to "state", anything else Alloy writes to /tmp.
    const writable = [
        { name: "state", mountPath: "/var/lib/alloy" },
        { name: "tmp", mountPath: "/tmp" },
    ];
    const tmp = { name: "tmp", emptyDir: { sizeLimit: "64Mi" } };
    const readOnly = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
    return {
        // The PodLogs CRD is unused; two releases installing it would also fight over its ownership.
        crds: { create: false },
        fullnameOverride: pods ? ALLOY_RELEASE : ALLOY_EVENTS_RELEASE,
        alloy: {
            configMap: { create: true, content: alloyConfig(i.kind) },
            extraEnv: [
                { name: "LOKI_PUSH_URL", value: lokiPushUrl() },
                { name: "LOKI_TENANT", value: i.tenant },
            ],
            enableReporting: false,
            resources: resourcesOf(i.resources),
            ...(pods
                ? {
                      // Reads /var/log/pods (root-owned 0640 files): root, but no capability, no privilege escalation,
                      // read-only root filesystem; the host's /var/log is mounted read-only by the chart.
                      securityContext: { ...readOnly, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false },
                      mounts: { varlog: true, extra: [...writable] },
                      storagePath: "/var/lib/alloy/data",
                  }
                : {
                      securityContext: { ...readOnly, runAsNonRoot: true, runAsUser: 473, runAsGroup: 473 },
                      mounts: { extra: [...writable] },
                      storagePath: "/var/lib/alloy/data",
                  }),
        },
        configReloader: { resources: resourcesOf(ALLOY_RELOADER_RESOURCES) },
        controller: {
            type: pods ? "daemonset" : "deployment",
            ...(pods
                ? {
                      tolerations: TOLERATE_EVERYTHING.map((t) => ({ ...t })),
                      // Log shipping keeps running while a node is under pressure (system-node-critical is one of the
                      // two built-in priority classes, allowed in any namespace since Kubernetes 1.17).
                      priorityClassName: "system-node-critical",
                      volumes: { extra: [{ name: "state", hostPath: { path: ALLOY_STATE_HOST_PATH, type: "DirectoryOrCreate" } }, tmp] },
                  }
                : {
                      replicas: 1,
                      ...placementValues(i.placement ?? { nodeSelector: {}, tolerations: [] }),
                      volumes: { extra: [{ name: "state", emptyDir: { sizeLimit: "64Mi" } }, tmp] },
                  }),
        },
        // Least privilege instead of the chart's default rules (which include reading every Secret): the pods
        // config lists pods on its node; the events config watches events. Neither reads anything else.
        rbac: {
            create: true,
            rules: pods
                ? [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }]
                : [{ apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] }],
            clusterRules: [],
        },
        serviceAccount: { create: true, name: pods ? ALLOY_RELEASE : ALLOY_EVENTS_RELEASE },
    };
}

export function alloyPods(kind: "pods" | "events", r: Resources): PodDemand {
    const total = sumResources([r, ALLOY_RELOADER_RESOURCES]);
    return kind === "pods"
        ? { component: "alloy/daemonset", replicas: 1, ...total, perNode: true }
        : { component: "alloy-events/deployment", replicas: 1, ...total };
}

