// The Ingress on the platform's shared ALB (IngressGroup): target-type ip, the readiness path as the
// health check, the WAF ACL, the deregistration delay; HTTPS with redirect when the stack has a certificate.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IngressArgs } from "../args";
import { ALB } from "../render";
import { ResolvedService } from "../resolve";

export interface ServiceMetadata {
    name: string;
    namespace: string;
    labels: Record<string, string>;
}

/**
 * `canaryAction`: a canary Rollout splits traffic through this Ingress. The backend then names the stable Service with
 * port `use-annotation` and the forward action (stable and canary target groups, weighted) is in the annotation
 * `alb.ingress.kubernetes.io/actions.<name>`, which Argo Rollouts rewrites during a release
 * (docs/features/traffic-management/alb.md @ v1.9.0).
 */
export function ingressArgs(name: string, ing: IngressArgs, metadata: ServiceMetadata, s: ResolvedService, canaryAction?: string): k8s.networking.v1.IngressArgs {
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
        // No domain or certificate (dev only; prod is rejected in resolve.ts): plain HTTP on the ALB's own DNS name.
        annotations[ALB.listenPorts] = JSON.stringify([{ HTTP: 80 }]);
        annotations["platform.io/tls"] = "disabled: this stack has no domain/certificate; HTTP only";
    }
    if (canaryAction !== undefined) annotations[`alb.ingress.kubernetes.io/actions.${name}`] = canaryAction;
    const path = ing.path ?? "/";
    return {
        metadata: { ...metadata, annotations },
        spec: {
            ingressClassName: c.ingressClassName,
            rules: [
                {
                    ...(s.host !== undefined ? { host: s.host } : {}),
                    http: { paths: [{ path, pathType: "Prefix", backend: { service: { name, port: { name: canaryAction !== undefined ? "use-annotation" : "http" } } } }] },
                },
            ],
        },
    };
}
