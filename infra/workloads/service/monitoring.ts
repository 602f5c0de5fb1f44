// Service metrics in the golden path: an optional ServiceMonitor (with an optional exporter sidecar for apps that do
// not serve Prometheus metrics themselves) and an optional SLO, rendered into a PrometheusRule by infra/lib/serviceRules.
// Custom resources are monitoring.coreos.com/v1 (prometheus-operator v0.93.1), created after the observability layer's
// CRD and operator releases (ObservabilityContract.ready).
import * as k8s from "@pulumi/kubernetes";
import { ObservabilityContract } from "../../observability/contract";
import { ServiceSlo, sloProblems } from "../../lib/serviceRules";

export interface MetricsExporterArgs {
    /** Pinned image of an exporter that reads the app locally (e.g. nginx/nginx-prometheus-exporter:1.5.3). */
    image: string;
    args: string[];
    /** Port the exporter serves /metrics on (>= 1024). */
    port: number;
    /** The image's non-root user (the exporter runs with its own uid, never root). */
    runAsUser: number;
    resources?: { cpu?: string; memory?: string; memoryLimit?: string };
}

export interface ServiceMonitorArgs {
    contract: ObservabilityContract;
    /** Container port serving metrics. Default: the exporter's port, else the app's port. */
    port?: number;
    /** Default "/metrics". */
    path?: string;
    /** Default "30s". */
    interval?: string;
    exporter?: MetricsExporterArgs;
}

export interface ResolvedMonitoring {
    contract: ObservabilityContract;
    /** The named port the Service exposes and the ServiceMonitor scrapes. */
    portName: string;
    containerPort: number;
    /** True when the app container itself needs the extra named port (metrics on a port other than http). */
    appMetricsPort: boolean;
    path: string;
    interval: string;
    exporter?: Required<Omit<MetricsExporterArgs, "resources">> & { resources: { cpu: string; memory: string; memoryLimit: string } };
    slo?: ServiceSlo;
}

export const METRICS_PORT_NAME = "metrics";
const DURATION = /^[0-9]+(ms|s|m|h)$/;

/** Validates and applies the defaults (the exporter image is checked by resolve.ts with the app image's rule). */
export function resolveMonitoring(appPort: number, monitor: ServiceMonitorArgs | undefined, slo: ServiceSlo | undefined, problems: string[]): ResolvedMonitoring | undefined {
    if (slo && !monitor) problems.push("slo: expected serviceMonitor as well (it carries the observability contract the SLO rules need), found none");
    if (slo) problems.push(...sloProblems(slo));
    if (!monitor) return undefined;
    const e = monitor.exporter;
    if (e) {
        if (!(Number.isInteger(e.port) && e.port >= 1024 && e.port <= 65535) || e.port === appPort) {
            problems.push(`serviceMonitor.exporter.port: expected 1024-65535 and not the app port ${appPort}, found ${e.port}`);
        }
        if (!(Number.isInteger(e.runAsUser) && e.runAsUser > 0)) problems.push(`serviceMonitor.exporter.runAsUser: expected a non-zero uid, found ${e.runAsUser}`);
    }
    const port = monitor.port ?? e?.port ?? appPort;
    if (e && monitor.port !== undefined && monitor.port !== e.port) problems.push(`serviceMonitor.port: expected the exporter's port ${e.port} (or nothing), found ${monitor.port}`);
    if (!(Number.isInteger(port) && port >= 1024 && port <= 65535)) problems.push(`serviceMonitor.port: expected 1024-65535, found ${port}`);
    const path = monitor.path ?? "/metrics";
    if (!path.startsWith("/")) problems.push(`serviceMonitor.path: expected an absolute path like /metrics, found ${JSON.stringify(path)}`);
    const interval = monitor.interval ?? "30s";
    if (!DURATION.test(interval)) problems.push(`serviceMonitor.interval: expected a duration like 30s, found ${JSON.stringify(interval)}`);
    return {
        contract: monitor.contract,
        portName: port === appPort && !e ? "http" : METRICS_PORT_NAME,
        containerPort: port,
        appMetricsPort: !e && port !== appPort,
        path,
        interval,
        ...(e
            ? {
                  exporter: {
                      image: e.image,
                      args: e.args,
                      port: e.port,
                      runAsUser: e.runAsUser,
                      resources: { cpu: e.resources?.cpu ?? "10m", memory: e.resources?.memory ?? "32Mi", memoryLimit: e.resources?.memoryLimit ?? "64Mi" },
                  },
              }
            : {}),
        ...(slo ? { slo } : {}),
    };
}

/** The exporter sidecar: the restricted profile (non-root, no privilege escalation, read-only root, no capabilities). */
export function exporterContainer(m: ResolvedMonitoring): k8s.types.input.core.v1.Container | undefined {
    const e = m.exporter;
    if (!e) return undefined;
    const probe = { tcpSocket: { port: METRICS_PORT_NAME }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 };
    return {
        name: "metrics-exporter",
        image: e.image,
        imagePullPolicy: "IfNotPresent",
        args: e.args,
        ports: [{ name: METRICS_PORT_NAME, containerPort: e.port, protocol: "TCP" }],
        resources: { requests: { cpu: e.resources.cpu, memory: e.resources.memory }, limits: { memory: e.resources.memoryLimit } },
        readinessProbe: probe,
        livenessProbe: probe,
        securityContext: {
            runAsNonRoot: true,
            runAsUser: e.runAsUser,
            runAsGroup: e.runAsUser,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
    };
}

/** ServiceMonitor spec (crd-servicemonitors.yaml v0.93.1: selector and endpoints required). */
export function serviceMonitorSpec(namespace: string, selector: Record<string, string>, m: ResolvedMonitoring): Record<string, unknown> {
    return {
        selector: { matchLabels: { ...selector } },
        namespaceSelector: { matchNames: [namespace] },
        endpoints: [{ port: m.portName, path: m.path, interval: m.interval }],
    };
}
