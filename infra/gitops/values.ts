// Helm values of the gitops layer (Argo CD, Argo Rollouts) as plain functions of their inputs, so every key can be read
// next to the upstream file it comes from and tested against it (test/gitops/fixtures/upstream.ts).
//   - argo-cd 10.1.1 (app v3.4.4): argoproj/argo-helm charts/argo-cd/values.yaml @ af0a9310
//   - redis-ha 4.38.0 (its subchart, keys under "redis-ha"): DandyDeveloper/charts charts/redis-ha/values.yaml @ 2e2539a
//   - argo-rollouts 2.41.0 (app v1.9.0): argoproj/argo-helm charts/argo-rollouts/values.yaml @ 8796aeaa
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { PodDemand, cpuMillis, memoryMiB } from "../lib/capacity";
import { Placement, zoneSpread } from "../lib/placement";

export const ARGOCD_NAMESPACE = "argocd";
/** Release name "argocd" with the chart's nameOverride "argocd": every object is named argocd-<component> (argo-cd.fullname). */
export const ARGOCD_RELEASE = "argocd";
export const ROLLOUTS_NAMESPACE = "argo-rollouts";
export const ROLLOUTS_RELEASE = "argo-rollouts";
/** Set explicitly: Pod Identity binds this (namespace, service account) pair; the chart would derive it from the release. */
export const ROLLOUTS_SERVICE_ACCOUNT = "argo-rollouts";
/** The in-cluster destination of every Application (Argo CD manages only the cluster it runs in). */
export const IN_CLUSTER = "https://kubernetes.default.svc";

/** Secrets external-secrets writes into the argocd namespace (names the Argo CD config refers to). */
export const OIDC_SECRET = { name: "argocd-oidc", key: "clientSecret" } as const;
/** The notifications controller reads this Secret by name (chart notifications.secret.name default). */
export const NOTIFICATIONS_SECRET = { name: "argocd-notifications-secret", key: "slack-webhook-url" } as const;
export const REPOSITORY_SECRET = "argocd-repo-root";
/** Label Argo CD requires on a Secret that argocd-cm refers to as $<secret>:<key> (user-management/index.md @ v3.4.4). */
export const PART_OF_ARGOCD = { "app.kubernetes.io/part-of": "argocd" } as const;
/** Label that makes a Secret a repository definition (operator-manual/declarative-setup.md, "Repositories"). */
export const REPOSITORY_SECRET_LABEL = { "argocd.argoproj.io/secret-type": "repository" } as const;

/** Selector labels of an argo-cd component (templates/_helpers.tpl argo-cd.selectorLabels: <name>-<component>, instance = release). */
export function argocdSelector(component: "server" | "repo-server" | "application-controller"): Record<string, string> {
    return { "app.kubernetes.io/name": `argocd-${component}`, "app.kubernetes.io/instance": ARGOCD_RELEASE };
}

interface Size {
    cpu: string;
    memory: string;
    memoryLimit: string;
}
const resources = (s: Size) => ({ requests: { cpu: s.cpu, memory: s.memory }, limits: { memory: s.memoryLimit } });

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

export interface SsoSettings {
    issuer: string;
    clientId: string;
    name: string;
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
    rbac: { adminGroups: string[]; teams: { name: string; groups: string[] }[] };
    /** Chat notifications (argocd-notifications-cm entries); undefined: the notifications controller is off. */
    notifications: NotificationSettings | undefined;
    clusterName: string;
}

export interface NotificationSettings {
    channel: string;
}

/** argocd-cm `oidc.config` (user-management/index.md @ v3.4.4, "Existing OIDC Provider"); the secret is a $<secret>:<key> reference. */
export function oidcConfig(sso: SsoSettings): string {
    return YAML.stringify({
        name: sso.name,
        issuer: sso.issuer,
        clientID: sso.clientId,
        clientSecret: `$${OIDC_SECRET.name}:${OIDC_SECRET.key}`,
        requestedScopes: ["openid", "profile", "email", "groups"],
        requestedIDTokenClaims: { groups: { essential: true } },
    });
}

/**
 * argocd-rbac-cm `policy.csv` (rbac.md @ v3.4.4): admin groups get the built-in role:admin; each team's groups get
 * role:team-<name>, which may sync its project's applications and run resource actions on them (Rollout promote,
 * abort, retry). Everyone authenticated falls back to policy.default, role:readonly.
 */
export function rbacPolicy(rbac: ArgoCdValuesArgs["rbac"]): string {
    const lines: string[] = [];
    for (const t of rbac.teams) {
        const role = `role:team-${t.name}`;
        lines.push(`p, ${role}, applications, get, ${t.name}/*, allow`);
        lines.push(`p, ${role}, applications, sync, ${t.name}/*, allow`);
        lines.push(`p, ${role}, applications, action/*, ${t.name}/*, allow`);
        lines.push(`p, ${role}, logs, get, ${t.name}/*, allow`);
        for (const g of t.groups) lines.push(`g, ${g}, ${role}`);
    }
    for (const g of rbac.adminGroups) lines.push(`g, ${g}, role:admin`);
    return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** The chat webhook's name in argocd-notifications-cm (`service.webhook.<name>`, services/webhook.md @ v3.4.4). */
export const CHAT_WEBHOOK = "chat";
/** Triggers of the notifications catalog (notifications_catalog/triggers/*.yaml @ v3.4.4) sent to the chat channel. */
export const CHAT_TRIGGERS = ["on-sync-failed", "on-health-degraded"] as const;

/** argocd-notifications-cm entries: the chat webhook, the catalog's two triggers, templates posting Slack messages. */
export function notificationsConfig(n: NotificationSettings): { notifiers: Record<string, string>; templates: Record<string, string>; triggers: Record<string, string>; subscriptions: unknown[] } {
    // A Slack incoming-webhook payload. toJson (Sprig, which notification templates may use: templates.md "Functions")
    // escapes the quotes and line breaks an error message may hold.
    const slackBody = (emoji: string, what: string, detail: string) =>
        `{"channel": ${JSON.stringify(n.channel)}, "username": "Argo CD", "text": ` +
        `{{ printf "${emoji} [%s] %s: ${what}: %s <%s/applications/%s|details>" .context.cluster .app.metadata.name ${detail} .context.argocdUrl .app.metadata.name | toJson }}}`;
    const template = (body: string) => YAML.stringify({ webhook: { [CHAT_WEBHOOK]: { method: "POST", body } } });
    return {
        notifiers: {
            [`service.webhook.${CHAT_WEBHOOK}`]: YAML.stringify({
                url: `$${NOTIFICATIONS_SECRET.key}`,
                headers: [{ name: "Content-Type", value: "application/json" }],
            }),
        },
        templates: {
            "template.app-sync-failed": template(slackBody(":x:", "sync failed", ".app.status.operationState.message")),
            "template.app-health-degraded": template(slackBody(":warning:", "health degraded", ".app.status.health.message")),
        },
        triggers: {
            // Verbatim from notifications_catalog/triggers/on-sync-failed.yaml and on-health-degraded.yaml @ v3.4.4.
            "trigger.on-sync-failed": YAML.stringify([
                {
                    when: "app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']",
                    description: "Application syncing has failed",
                    send: ["app-sync-failed"],
                    oncePer: "app.status.operationState?.syncResult?.revision",
                },
            ]),
            "trigger.on-health-degraded": YAML.stringify([
                { when: "app.status.health.status == 'Degraded'", description: "Application has degraded", send: ["app-health-degraded"], oncePer: "app.status.operationState?.syncResult?.revision" },
            ]),
        },
        // Default subscriptions apply to every application (subscriptions.md, "Default Subscriptions"); a webhook is
        // named by itself in `recipients`.
        subscriptions: [{ recipients: [CHAT_WEBHOOK], triggers: [...CHAT_TRIGGERS] }],
    };
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

export interface RolloutsValuesArgs {
    placement: Pick<Placement, "nodeSelector" | "tolerations">;
    region: string;
    dashboard: boolean;
    verifyTargetGroups: boolean;
}

export const ROLLOUTS_CONTROLLER_SIZE: Size = { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" };
export const ROLLOUTS_DASHBOARD_SIZE: Size = { cpu: "20m", memory: "64Mi", memoryLimit: "128Mi" };
export const ROLLOUTS_CONTROLLER_REPLICAS = 2;

export function rolloutsPods(dashboard: boolean): PodDemand[] {
    const s = ROLLOUTS_CONTROLLER_SIZE;
    const d = ROLLOUTS_DASHBOARD_SIZE;
    return [
        { component: "argo-rollouts/controller", replicas: ROLLOUTS_CONTROLLER_REPLICAS, cpu: s.cpu, memory: s.memory, memoryLimit: s.memoryLimit },
        ...(dashboard ? [{ component: "argo-rollouts/dashboard", replicas: 1, cpu: d.cpu, memory: d.memory, memoryLimit: d.memoryLimit }] : []),
    ];
}

/** Values of argo-rollouts 2.41.0 (every key checked in test/gitops/upstream.spec.ts). */
export function rolloutsValues(a: RolloutsValuesArgs): Record<string, unknown> {
    const placement = { nodeSelector: { ...a.placement.nodeSelector }, tolerations: a.placement.tolerations };
    return {
        installCRDs: true,
        keepCRDs: true,
        serviceAccount: { create: true, name: ROLLOUTS_SERVICE_ACCOUNT },
        controller: {
            // Two leader-elected replicas (the chart adds --leader-elect when replicas > 1).
            replicas: ROLLOUTS_CONTROLLER_REPLICAS,
            resources: resources(ROLLOUTS_CONTROLLER_SIZE),
            ...placement,
            topologySpreadConstraints: zoneSpread({ "app.kubernetes.io/name": "argo-rollouts", "app.kubernetes.io/instance": ROLLOUTS_RELEASE, "app.kubernetes.io/component": "rollouts-controller" }),
            pdb: { enabled: true, minAvailable: 1 },
            metrics: { enabled: true },
            // --aws-verify-target-group: before scaling down the old pods (or moving on after a setWeight) the controller
            // checks through the ELB API that the target groups hold the new pod IPs and weights (docs/features/
            // traffic-management/alb.md @ v1.9.0). The docs mention an --aws-region flag, but the v1.9.0 controller has
            // none (cmd/rollouts-controller/main.go); its SDK (config.LoadDefaultConfig, utils/aws/aws.go) reads AWS_REGION.
            awsVerifyTargetGroup: a.verifyTargetGroups,
            extraEnv: a.verifyTargetGroups ? [{ name: "AWS_REGION", value: a.region }] : [],
        },
        // Only the RBAC of the traffic provider the platform uses (TargetGroupBindings of the AWS Load Balancer Controller).
        providerRBAC: {
            enabled: true,
            providers: {
                istio: false,
                smi: false,
                ambassador: false,
                awsLoadBalancerController: true,
                awsAppMesh: false,
                traefik: false,
                apisix: false,
                contour: false,
                glooPlatform: false,
                gatewayAPI: false,
            },
        },
        dashboard: {
            enabled: a.dashboard,
            // The dashboard has no login of its own: read-only, ClusterIP, reached with kubectl port-forward. Promote and
            // abort go through `kubectl argo rollouts` (the caller's own RBAC) or Argo CD's resource actions.
            readonly: true,
            replicas: 1,
            resources: resources(ROLLOUTS_DASHBOARD_SIZE),
            ...placement,
            service: { type: "ClusterIP" },
            ingress: { enabled: false },
        },
    };
}
