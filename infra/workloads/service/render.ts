// Rendering helpers shared by the manifests: probes, the Pod Identity agent egress peer, ALB annotation keys.
import * as k8s from "@pulumi/kubernetes";
import { ProbeSpec } from "./args";

export function renderProbe(p: ProbeSpec, containerPort: number): k8s.types.input.core.v1.Probe {
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
