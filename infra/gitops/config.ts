// Config of the gitops layer: one object, `platform:gitops`, with per-environment defaults.
//
//   platform:gitops:
//     argocd:
//       ha: true                      # redis-ha (3 nodes), 2 x server, repo-server, ApplicationSet controller
//       exposure: internal            # internal (ClusterIP, port-forward) | public (argocd.<domain> on the shared ALB)
//       hostPrefix: argocd
//       adminEnabled: false           # the built-in admin account (off in prod: SSO only)
//       sso:                          # OIDC straight to the identity provider (no Dex)
//         issuer: https://login.example.com
//         clientId: argocd
//         clientSecret: { store: vault, key: platform/gitops/argocd-oidc, property: client-secret }
//       adminGroups: [platform-admins]  # SSO groups given role:admin; everyone else is role:readonly
//     repository:                     # the "app of apps" root: one Application pointing here
//       url: https://github.com/example-org/platform-apps.git
//       path: clusters/prod
//       revision: main
//       credentials: { kind: https, username: x-access-token, password: { store: vault, key: ..., property: token } }
//     teams:                          # one AppProject per team
//       - { name: quotes, namespaces: [quotes], sourceRepos: [https://github.com/example-org/quotes-deploy.git], groups: [quotes-devs] }
//     sync: { automated: false, windows: [{ kind: allow, schedule: "0 8 * * 1-5", duration: 10h, timeZone: UTC }] }
//     notifications: { slack: { channel: "#platform-alerts", webhookUrl: { store: vault, key: ..., property: slack-webhook-url } } }
//     rollouts: { dashboard: true, verifyTargetGroups: true }
//
// Secrets are never values here: each names WHERE it lives (a Vault kv path or a Secrets Manager name relative to the
// secrets layer's prefix, plus the property); external-secrets syncs them into the argocd namespace.
import { z } from "zod";
import { type Environment, type RegisteredSection, configSection } from "../lib/configSchema";

/** A secret's location in one of the platform's stores. `aws` keys are relative to the SecretsContract awsSecretPrefix. */
export const remoteRef = z.strictObject({
    store: z.enum(["vault", "aws"]),
    key: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,200}$/, { message: "expected a secret path like platform/gitops/argocd-oidc" }),
    property: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { message: "expected a property name like client-secret" }),
});
export type RemoteRef = z.infer<typeof remoteRef>;

/** RFC 1123 label: namespaces, AppProject names (also the team name in RBAC roles). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const label = (what: string) => z.string().regex(DNS_LABEL, { message: `expected ${what}: a DNS label (lower-case letters, digits and "-")` });
const httpsUrl = z.string().regex(/^https:\/\/[^\s/$.?#][^\s]*$/, { message: "expected an https:// URL" });
/** Git repository: https://host/org/repo(.git) or an SSH URL (git@host:org/repo.git, ssh://...). */
const repoUrl = z.string().regex(/^(https:\/\/[^\s]+|ssh:\/\/[^\s]+|[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+:[^\s]+)$/, {
    message: "expected a Git URL like https://github.com/org/repo.git or git@github.com:org/repo.git",
});
/** SSO group names as the identity provider puts them in the `groups` claim (no commas: they end an RBAC CSV field). */
const group = z.string().regex(/^[^,\s][^,\n]{0,199}$/, { message: "expected a group name (no commas or line breaks)" });
/** Go duration as Argo CD's sync windows read it (time.ParseDuration: "1h", "30m", "10h30m"). */
const windowDuration = z.string().regex(/^([0-9]+h)?([0-9]+m)?$/, { message: "expected a duration in hours and/or minutes like 10h, 90m or 1h30m" }).refine((d) => d.length > 0, { message: "expected a duration like 10h" });
/** Five-field cron (robfig/cron standard parser, which Argo CD's sync windows use). */
const cron = z.string().regex(/^(\S+\s+){4}\S+$/, { message: 'expected a five-field cron schedule like "0 8 * * 1-5"' });

const argocd = z.strictObject({
    /** Highly available Argo CD: redis-ha (3 replicas, hard anti-affinity), 2 API servers, 2 repo servers, 2 ApplicationSet controllers. */
    ha: z.boolean(),
    /** internal: no Ingress (kubectl port-forward / `argocd --port-forward`); public: argocd.<domain> on the shared ALB (HTTPS + WAF). */
    exposure: z.enum(["internal", "public"]),
    /** Host label under the platform domain when public. */
    hostPrefix: label("a host label like argocd"),
    /** The built-in `admin` account. Off in prod: people log in through SSO. */
    adminEnabled: z.boolean(),
    sso: z
        .strictObject({
            /** OIDC issuer (its /.well-known/openid-configuration must be reachable from the cluster). */
            issuer: httpsUrl,
            clientId: z.string().min(1, { message: "expected the OIDC client id" }),
            clientSecret: remoteRef,
            /** Display name on the login button. */
            name: z.string().min(1).max(60).optional(),
        })
        .optional(),
    /** SSO groups mapped to role:admin. Every authenticated user gets role:readonly. */
    adminGroups: z.array(group),
});

const credentials = z.discriminatedUnion("kind", [
    z.strictObject({
        kind: z.literal("https"),
        /** Not secret; for a token, whatever the Git host expects (e.g. x-access-token on GitHub). */
        username: z.string().regex(/^[^\s{}]{1,100}$/, { message: "expected a username without spaces or braces (for a token, whatever the Git host expects, e.g. x-access-token)" }),
        password: remoteRef,
    }),
    z.strictObject({ kind: z.literal("ssh"), privateKey: remoteRef }),
]);

const repository = z.strictObject({
    url: repoUrl,
    /** Directory of this stack's Application manifests (the app of apps renders every manifest under it). */
    path: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, { message: "expected a relative directory like clusters/prod" }),
    /** Branch, tag or commit the root application tracks. */
    revision: z.string().regex(/^[A-Za-z0-9_./-]{1,200}$/, { message: "expected a branch, tag or commit like main" }),
    /** Omit for a public repository. */
    credentials: credentials.optional(),
});

const team = z.strictObject({
    /** AppProject name (and the RBAC role `role:team-<name>`). */
    name: label("a team name like quotes"),
    /** Namespaces the team's applications may deploy to (created by Pulumi, e.g. with NamespaceBaseline). */
    namespaces: z.array(label("a namespace")).min(1, { message: "expected at least one namespace" }),
    /** Git repositories the team's applications may use. */
    sourceRepos: z.array(repoUrl).min(1, { message: "expected at least one repository" }),
    /** SSO groups that may sync and run resource actions (promote/abort a Rollout) on the team's applications. */
    groups: z.array(group),
});

const syncWindow = z.strictObject({
    kind: z.enum(["allow", "deny"]),
    schedule: cron,
    duration: windowDuration,
    timeZone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/, { message: "expected an IANA time zone like UTC or Europe/Berlin" }).optional(),
    /** Allow manual syncs while a deny window is active. */
    manualSync: z.boolean().optional(),
});

const gitops = z.strictObject({
    argocd,
    repository: repository.optional(),
    teams: z.array(team),
    sync: z.strictObject({
        /** Automated sync with prune and self-heal of the root application (dev); manual in prod. */
        automated: z.boolean(),
        /** Sync windows of every AppProject the platform declares. */
        windows: z.array(syncWindow),
    }),
    notifications: z.strictObject({
        /** Sync failures, degraded health and deletions to the chat channel (a Slack incoming webhook, the one Alertmanager's chat receiver uses). */
        slack: z
            .strictObject({ channel: z.string().regex(/^#[\w.-]{1,80}$/, { message: "expected a channel like #platform-alerts" }), webhookUrl: remoteRef })
            .nullable()
            .optional(),
    }),
    rollouts: z.strictObject({
        /** The Argo Rollouts dashboard (read-only, ClusterIP; reach it with kubectl port-forward). */
        dashboard: z.boolean(),
        /** The controller checks the ALB target groups through the AWS API before shifting weight or scaling down (Pod Identity). */
        verifyTargetGroups: z.boolean(),
    }),
});

export type GitopsSettings = z.infer<typeof gitops>;

/** Conventional Vault kv paths (relative to the kvMount; the Vault store reads only platform/*): see docs/gitops.md. */
export const ALERTMANAGER_SECRET = "platform/observability/alertmanager";

const common = {
    teams: [],
    rollouts: { dashboard: true, verifyTargetGroups: true },
};

const gitopsSectionDef = configSection({
    shape: { gitops },
    defaults: {
        dev: {
            gitops: {
                ...common,
                argocd: { ha: false, exposure: "internal", hostPrefix: "argocd", adminEnabled: true, adminGroups: [] },
                sync: { automated: true, windows: [] },
                // No chat notifications by default in dev (as Alertmanager's receivers).
                notifications: {},
            },
        },
        prod: {
            gitops: {
                ...common,
                argocd: { ha: true, exposure: "internal", hostPrefix: "argocd", adminEnabled: false, adminGroups: [] },
                // Manual sync of the root application, and syncs only on weekday working hours (UTC).
                sync: { automated: false, windows: [{ kind: "allow", schedule: "0 8 * * 1-5", duration: "10h", timeZone: "UTC" }] },
                notifications: {
                    slack: { channel: "#platform-alerts", webhookUrl: { store: "vault", key: ALERTMANAGER_SECRET, property: "slack-webhook-url" } },
                },
            },
        },
    },
    checks: (v, environment) => gitopsChecks(v.gitops, environment),
});

/** Problems of the section on its own (key names relative to the platform namespace). */
export function gitopsChecks(g: GitopsSettings, environment: Environment): { key: string; message: string }[] {
    const out: { key: string; message: string }[] = [];
    const a = g.argocd;
    if (environment === "prod" && a.adminEnabled) {
        out.push({ key: "gitops.argocd.adminEnabled", message: "expected false in prod (people log in through SSO; the admin account is a shared password), found true" });
    }
    if (environment === "prod" && !a.ha) {
        out.push({ key: "gitops.argocd.ha", message: "expected true in prod (redis-ha and replicated API and repo servers), found false" });
    }
    if (environment === "prod" && g.sync.automated) {
        out.push({ key: "gitops.sync.automated", message: "expected false in prod (changes are synced by a person, inside the sync windows), found true" });
    }
    const names = g.teams.map((t) => t.name);
    for (const [i, n] of names.entries()) {
        if (names.indexOf(n) !== i) out.push({ key: `gitops.teams[${i}].name`, message: `expected a unique team name, found ${JSON.stringify(n)} twice` });
        if (n === "default" || n === ROOT_PROJECT) out.push({ key: `gitops.teams[${i}].name`, message: `expected a name other than "default" and "${ROOT_PROJECT}" (projects the platform declares itself), found ${JSON.stringify(n)}` });
    }
    const owner = new Map<string, string>();
    for (const [i, t] of g.teams.entries()) {
        for (const ns of t.namespaces) {
            if (RESERVED_NAMESPACES.includes(ns)) {
                out.push({ key: `gitops.teams[${i}].namespaces`, message: `expected application namespaces, found the platform namespace ${JSON.stringify(ns)} (Pulumi owns it)` });
            }
            const other = owner.get(ns);
            if (other !== undefined && other !== t.name) {
                out.push({ key: `gitops.teams[${i}].namespaces`, message: `expected each namespace in one team, found ${JSON.stringify(ns)} in ${other} and ${t.name}` });
            }
            owner.set(ns, t.name);
        }
    }
    // The secrets layer's Vault store reads only platform/* (infra/secrets/contract.ts, vaultStore).
    const refs: [string, RemoteRef | undefined][] = [
        ["gitops.argocd.sso.clientSecret", a.sso?.clientSecret],
        ["gitops.notifications.slack.webhookUrl", g.notifications.slack?.webhookUrl ?? undefined],
        ["gitops.repository.credentials.password", g.repository?.credentials?.kind === "https" ? g.repository.credentials.password : undefined],
        ["gitops.repository.credentials.privateKey", g.repository?.credentials?.kind === "ssh" ? g.repository.credentials.privateKey : undefined],
    ];
    for (const [key, ref] of refs) {
        if (ref?.store === "vault" && !ref.key.startsWith("platform/")) {
            out.push({ key: `${key}.key`, message: `expected a Vault path under platform/ (the Vault store reads only platform/*), found ${JSON.stringify(ref.key)}` });
        }
    }
    for (const [i, w] of g.sync.windows.entries()) {
        if (w.manualSync !== undefined && w.kind === "allow") {
            out.push({ key: `gitops.sync.windows[${i}].manualSync`, message: "expected manualSync only on deny windows (it lets manual syncs through an active deny window), found it on an allow window" });
        }
    }
    return out;
}

/** The root application's AppProject: it may create only Applications in the argocd namespace. */
export const ROOT_PROJECT = "platform-root";

/**
 * Namespaces the platform itself owns, never a team's deployment target: Kubernetes' own, this layer's and the other
 * layers' (observability "monitoring", logs "logging"/"tracing", secrets "vault"/"external-secrets", backup "velero").
 */
export const RESERVED_NAMESPACES = ["argocd", "argo-rollouts", "kube-system", "kube-public", "kube-node-lease", "default", "monitoring", "logging", "tracing", "vault", "external-secrets", "velero"];

/** Part of the whole platform value this section's cross-section check reads (the ingress layer's domain). */
const withDomain = z.object({ gitops, ingress: z.object({ domain: z.string().optional() }) });

/**
 * The section as infra/config.ts composes it. Its check also reads the ingress layer's domain: a public Argo CD needs
 * HTTPS on the shared ALB (gRPC target groups work only behind an HTTPS listener), and so a platform domain.
 */
export const gitopsSection: RegisteredSection<typeof gitopsSectionDef.shape> & typeof gitopsSectionDef = {
    ...gitopsSectionDef,
    check(value, environment) {
        const own = gitopsSectionDef.check(value, environment);
        const parsed = withDomain.safeParse(value);
        if (parsed.success && parsed.data.gitops.argocd.exposure === "public" && parsed.data.ingress.domain === undefined) {
            own.push({
                key: "gitops.argocd.exposure",
                message: 'expected "internal" when the stack has no platform:ingress.domain (a public Argo CD needs HTTPS on the shared ALB: its gRPC API works only behind an HTTPS listener), found "public"',
            });
        }
        return own;
    },
};
