// Helm values of Argo CD as plain functions of their inputs, so every key can be read next to the upstream file it comes
// from and tested against it (test/gitops/fixtures/upstream.ts). The argocd-cm / rbac / notifications entries are in
// argocdConfig.ts, Argo Rollouts' values in rollouts.ts.
//   - argo-cd 10.1.1 (app v3.4.4): argoproj/argo-helm charts/argo-cd/values.yaml @ af0a9310
//   - redis-ha 4.38.0 (its subchart, keys under "redis-ha"): DandyDeveloper/charts charts/redis-ha/values.yaml @ 2e2539a
import * as pulumi from "@pulumi/pulumi";
import { PodDemand, cpuMillis, memoryMiB } from "../lib/capacity";
import { Placement, zoneSpread } from "../lib/placement";
import { NotificationSettings, RbacSettings, SsoSettings, notificationsConfig, oidcConfig, rbacPolicy } from "./argocdConfig";

export const ARGOCD_NAMESPACE = "argocd";
/** Release name "argocd" with the chart's nameOverride "argocd": every object is named argocd-<component> (argo-cd.fullname). */
export const ARGOCD_RELEASE = "argocd";
export const ROLLOUTS_NAMESPACE = "argo-rollouts";
export const ROLLOUTS_RELEASE = "argo-rollouts";
/** Set explicitly: Pod Identity binds this (namespace, service account) pair; the chart would derive it from the release. */
export const ROLLOUTS_SERVICE_ACCOUNT = "argo-rollouts";
/** The in-cluster destination of every Application (Argo CD manages only the cluster it runs in). */
export const IN_CLUSTER = "https://kubernetes.default.svc";

export const REPOSITORY_SECRET = "argocd-repo-root";
/** Label Argo CD requires on a Secret that argocd-cm refers to as $<secret>:<key> (user-management/index.md @ v3.4.4). */
export const PART_OF_ARGOCD = { "app.kubernetes.io/part-of": "argocd" } as const;
/** Label that makes a Secret a repository definition (operator-manual/declarative-setup.md, "Repositories"). */
export const REPOSITORY_SECRET_LABEL = { "argocd.argoproj.io/secret-type": "repository" } as const;

/** Selector labels of an argo-cd component (templates/_helpers.tpl argo-cd.selectorLabels: <name>-<component>, instance = release). */
export function argocdSelector(component: "server" | "repo-server" | "application-controller"): Record<string, string> {
    return { "app.kubernetes.io/name": `argocd-${component}`, "app.kubernetes.io/instance": ARGOCD_RELEASE };
}

export interface Size {
    cpu: string;
    memory: string;
    memoryLimit: string;
}
export const resources = (s: Size) => ({ requests: { cpu: s.cpu, memory: s.memory }, limits: { memory: s.memoryLimit } });

/** Replicas and requests of every Argo CD pod, by mode: what the values ask for and what the capacity ledger is told. */
export function argocdSizing(ha: boolean) {
    return {
        // One controller in both modes: replicas shard *clusters* (high_availability.md @ v3.4.4, "argocd-application-controller"),
        // and this Argo CD manages one cluster, so a second replica would hold no shard. The StatefulSet restarts it.
        controller: { replicas: 1, size: ha ? { cpu: "250m", memory: "1Gi", memoryLimit: "2Gi" } : { cpu: "100m", memory: "512Mi", memoryLimit: "1Gi" } },
        server: { replicas: ha ? 2 : 1, size: { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" } },
        repoServer: { replicas: ha ? 2 : 1, size: ha ? { cpu: "100m", memory: "256Mi", memoryLimit: "1Gi" } : { cpu: "50m", memory: "256Mi", memoryLimit: "1Gi" } },
        applicationSet: { replicas: ha ? 2 : 1, size: { cpu: "20m", memory: "64Mi", memoryLimit: "128Mi" } },
        notifications: { replicas: 1, size: { cpu: "20m", memory: "64Mi", memoryLimit: "128Mi" } },
        redis: { replicas: 1, size: { cpu: "50m", memory: "64Mi", memoryLimit: "128Mi" } },
        // redis-ha: one StatefulSet pod = redis + sentinel + split-brain-fix containers; haproxy in front (3 each).
        redisHa: {
            replicas: 3,
            redis: { cpu: "100m", memory: "128Mi", memoryLimit: "256Mi" },
            sentinel: { cpu: "20m", memory: "32Mi", memoryLimit: "64Mi" },
            splitBrain: { cpu: "10m", memory: "32Mi", memoryLimit: "64Mi" },
        },
        haproxy: { replicas: 3, size: { cpu: "50m", memory: "64Mi", memoryLimit: "128Mi" } },
        /** Init containers and hook Jobs: short-lived, but every container states its needs. */
        init: { cpu: "10m", memory: "32Mi", memoryLimit: "64Mi" },
    };
}

/** The requests and limits of one pod from those of its containers. */
function sum(...sizes: Size[]): Size {
    return {
        cpu: `${sizes.reduce((n, s) => n + cpuMillis(s.cpu), 0)}m`,
        memory: `${sizes.reduce((n, s) => n + memoryMiB(s.memory), 0)}Mi`,
        memoryLimit: `${sizes.reduce((n, s) => n + memoryMiB(s.memoryLimit), 0)}Mi`,
    };
}

/** What the Argo CD values ask for, per pod kind, for the capacity ledger. */
export function argocdPods(ha: boolean, notifications: boolean): PodDemand[] {
    const z = argocdSizing(ha);
    const pod = (component: string, replicas: number, s: Size): PodDemand => ({ component: `argocd/${component}`, replicas, cpu: s.cpu, memory: s.memory, memoryLimit: s.memoryLimit });
    return [
        pod("application-controller", z.controller.replicas, z.controller.size),
        pod("server", z.server.replicas, z.server.size),
        pod("repo-server", z.repoServer.replicas, z.repoServer.size),
        pod("applicationset-controller", z.applicationSet.replicas, z.applicationSet.size),
        ...(notifications ? [pod("notifications-controller", z.notifications.replicas, z.notifications.size)] : []),
        ...(ha
            ? [pod("redis-ha-server", z.redisHa.replicas, sum(z.redisHa.redis, z.redisHa.sentinel, z.redisHa.splitBrain)), pod("redis-ha-haproxy", z.haproxy.replicas, z.haproxy.size)]
            : [pod("redis", z.redis.replicas, z.redis.size)]),
    ];
}

export interface PublicIngress {
    host: string;
    ingressClassName: string;
    groupName: string;
    certificateArn: pulumi.Input<string>;
    wafAclArn: pulumi.Input<string>;
    deregistrationDelaySeconds: number;
}


export interface ArgoCdValuesArgs {
    ha: boolean;
    placement: Pick<Placement, "nodeSelector" | "tolerations">;
    /** Where people reach the UI: https://argocd.<domain>, or http://localhost:8080 through kubectl port-forward. */
    url: string;
    /** The server on the shared ALB; undefined: internal only (no Ingress). */
    ingress: PublicIngress | undefined;
    adminEnabled: boolean;
    sso: SsoSettings | undefined;
    rbac: RbacSettings;
    /** Chat notifications (argocd-notifications-cm entries); undefined: the notifications controller is off. */
    notifications: NotificationSettings | undefined;
    clusterName: string;
}


/** Values of argo-cd 10.1.1 (every key checked in test/gitops/upstream.spec.ts). */
export function argoCdValues(a: ArgoCdValuesArgs): Record<string, unknown> {
    const z = argocdSizing(a.ha);
    const pdb = (enabled: boolean) => (enabled ? { enabled: true, minAvailable: 1 } : { enabled: false });
    const notifications = a.notifications ? notificationsConfig(a.notifications) : undefined;
    const ing = a.ingress;
    return {
        global: {
            // Feeds the ingress host and the url preset (templates/_helpers.tpl); the url is set explicitly below.
            domain: ing ? ing.host : "localhost:8080",
            logging: { format: "json", level: "info" },
            // Component values override these (`.Values.<component>.nodeSelector | default .Values.global.nodeSelector`).
            nodeSelector: { "kubernetes.io/os": "linux", ...a.placement.nodeSelector },
            tolerations: a.placement.tolerations,
            // "If labelSelector is left out, it will default to the labelSelector of the component" (values.yaml).
            topologySpreadConstraints: zoneSpread(undefined, "ScheduleAnyway"),
            // On by default since 10.0.0: the server admits everyone, repo-server/redis only Argo CD's own components.
            networkPolicy: { create: true },
        },
        // CRDs are chart templates (upgraded with the chart) and kept on uninstall; the ApplicationSet CRD (1.39 MB)
        // is created by Helm, never client-side applied (no last-applied annotation), so its size is no problem here.
        crds: { install: true, keep: true },
        configs: {
            params: {
                // TLS ends at the ALB (or in the kubectl port-forward tunnel); the ingress template then targets port 80.
                "server.insecure": true,
            },
            cm: {
                url: a.url,
                "admin.enabled": a.adminEnabled,
                "users.anonymous.enabled": false,
                "exec.enabled": false,
                // Annotation tracking (the v3 default, set explicitly): Argo CD considers only objects carrying its
                // tracking annotation as its own, so what Pulumi creates in a team namespace is never pruned by it.
                "application.resourceTrackingMethod": "annotation",
                ...(a.sso ? { "oidc.config": oidcConfig(a.sso) } : {}),
            },
            rbac: {
                "policy.default": "role:readonly",
                "policy.csv": rbacPolicy(a.rbac),
                scopes: "[groups]",
                "policy.matchMode": "glob",
            },
        },
        // SSO goes straight to the identity provider (oidc.config); Dex is not needed.
        dex: { enabled: false },
        controller: {
            replicas: z.controller.replicas,
            resources: resources(z.controller.size),
            metrics: { enabled: true },
        },
        server: {
            replicas: z.server.replicas,
            pdb: pdb(a.ha),
            resources: resources(z.server.size),
            metrics: { enabled: true },
            // Service-level annotations win over the Ingress's for the HTTP target group (LBC annotations.md); the gRPC
            // target group keeps the ALB gRPC defaults (/AWS.ALB/healthcheck, success code 12: the UNIMPLEMENTED Argo CD
            // answers by design, argoproj/argo-cd#24117).
            service: { annotations: ing ? { "alb.ingress.kubernetes.io/healthcheck-path": "/healthz" } : {} },
            ingress: ing
                ? {
                      enabled: true,
                      // `aws` adds the <server>-grpc Service (backend-protocol-version GRPC) and the rule routing
                      // Content-Type application/grpc to it (templates/argocd-server/aws/{ingress,service}.yaml).
                      controller: "aws",
                      ingressClassName: ing.ingressClassName,
                      hostname: ing.host,
                      annotations: {
                          "alb.ingress.kubernetes.io/target-type": "ip",
                          "alb.ingress.kubernetes.io/backend-protocol": "HTTP",
                          "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
                          "alb.ingress.kubernetes.io/ssl-redirect": "443",
                          "alb.ingress.kubernetes.io/group.name": ing.groupName,
                          "alb.ingress.kubernetes.io/certificate-arn": ing.certificateArn,
                          "alb.ingress.kubernetes.io/wafv2-acl-arn": ing.wafAclArn,
                          "alb.ingress.kubernetes.io/target-group-attributes": `deregistration_delay.timeout_seconds=${ing.deregistrationDelaySeconds}`,
                      },
                      // ClusterIP with target-type ip (the chart's default NodePort is for instance targets); GRPC, not
                      // HTTP2, or the gRPC target group stays unhealthy (argoproj/argo-helm#2552).
                      aws: { serviceType: "ClusterIP", backendProtocolVersion: "GRPC" },
                  }
                : { enabled: false },
        },
        repoServer: {
            replicas: z.repoServer.replicas,
            pdb: pdb(a.ha),
            resources: resources(z.repoServer.size),
            copyutil: { resources: resources(z.init) },
            metrics: { enabled: true },
        },
        applicationSet: {
            replicas: z.applicationSet.replicas,
            pdb: pdb(a.ha),
            resources: resources(z.applicationSet.size),
            metrics: { enabled: true },
        },
        notifications: notifications
            ? {
                  enabled: true,
                  argocdUrl: a.url,
                  context: { cluster: a.clusterName },
                  // external-secrets writes argocd-notifications-secret (the webhook URL never passes through Pulumi).
                  secret: { create: false },
                  resources: resources(z.notifications.size),
                  metrics: { enabled: true },
                  notifiers: notifications.notifiers,
                  templates: notifications.templates,
                  triggers: notifications.triggers,
                  subscriptions: notifications.subscriptions,
              }
            : { enabled: false },
        redis: { resources: resources(z.redis.size) },
        redisSecretInit: { resources: resources(z.init) },
        "redis-ha": a.ha ? redisHaValues(a.placement) : { enabled: false },
    };
}

/**
 * The redis-ha subchart (keys of DandyDeveloper/charts charts/redis-ha/values.yaml @ 2e2539a, 4.38.0, plus the defaults
 * argo-cd's values.yaml sets under "redis-ha"). Three redis+sentinel pods and three haproxy pods, each set with hard
 * anti-affinity on kubernetes.io/hostname: six pods on three nodes, which the platform pool provides.
 */
export function redisHaValues(placement: Pick<Placement, "nodeSelector" | "tolerations">): Record<string, unknown> {
    const z = argocdSizing(true);
    const argocdClients = (["server", "repo-server", "application-controller"] as const).map((c) => ({ podSelector: { matchLabels: argocdSelector(c) } }));
    return {
        enabled: true,
        replicas: z.redisHa.replicas,
        hardAntiAffinity: true,
        // Both the StatefulSet and the haproxy Deployment read the top-level nodeSelector/tolerations
        // (templates/redis-ha-statefulset.yaml, redis-haproxy-deployment.yaml).
        nodeSelector: { ...placement.nodeSelector },
        tolerations: placement.tolerations,
        topologySpreadConstraints: { enabled: true, maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" },
        // Quorum is 2 of 3: one pod at a time may go.
        podDisruptionBudget: { maxUnavailable: 1 },
        redis: { resources: resources(z.redisHa.redis) },
        sentinel: { resources: resources(z.redisHa.sentinel) },
        splitBrainDetection: { resources: resources(z.redisHa.splitBrain) },
        init: { resources: resources(z.init) },
        // Redis pods admit only each other and haproxy (templates/redis-ha-network-policy.yaml).
        networkPolicy: { enabled: true },
        haproxy: {
            replicas: z.haproxy.replicas,
            hardAntiAffinity: true,
            resources: resources(z.haproxy.size),
            init: { resources: resources(z.init) },
            podDisruptionBudget: { maxUnavailable: 1 },
            // HAProxy admits the Argo CD components that use Redis (the same three the chart's own redis policy names).
            networkPolicy: { enabled: true, ingressRules: [{ selectors: argocdClients }] },
        },
    };
}
