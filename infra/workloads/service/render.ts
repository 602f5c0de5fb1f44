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

/**
 * HTTPS to the regional AWS API endpoints (STS, Secrets Manager, KMS, S3, ...) for a service with a Pod Identity
 * role: TCP 443 to every address except the private ranges (RFC 1918: the VPC, peered networks, other pods and
 * nodes, which a service must name explicitly in network.egress) and link-local 169.254.0.0/16 (the instance
 * metadata service; the Pod Identity agent at 169.254.170.23 has its own rule on port 80). The public endpoints
 * publish no fixed address list a NetworkPolicy could name (ip-ranges.json covers whole services and changes), so
 * "any public address, HTTPS only" is the narrowest rule that works without VPC endpoints. With the stack's VPC
 * interface endpoints (private DNS), the names resolve inside the VPC instead: see vpcEndpointCidrs.
 * ipBlock.except is honoured by the VPC CNI's network policy agent since aws/aws-network-policy-agent#58
 * (the fix for issues #72/#78, 2023).
 */
export const AWS_API_EGRESS = {
    to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"] } }],
    ports: [{ protocol: "TCP", port: 443 }],
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
