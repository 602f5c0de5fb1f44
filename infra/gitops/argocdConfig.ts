// The ConfigMap entries Argo CD reads, as the argo-cd chart passes them through (configs.cm -> argocd-cm,
// configs.rbac -> argocd-rbac-cm, notifications.* -> argocd-notifications-cm), per the argo-cd v3.4.4 docs named below.
import * as YAML from "yaml";

/** Secrets external-secrets writes into the argocd namespace (names the Argo CD config refers to). */
export const OIDC_SECRET = { name: "argocd-oidc", key: "clientSecret" } as const;
/** The notifications controller reads this Secret by name (chart notifications.secret.name default). */
export const NOTIFICATIONS_SECRET = { name: "argocd-notifications-secret", key: "slack-webhook-url" } as const;

export interface SsoSettings {
    issuer: string;
    clientId: string;
    name: string;
}

export interface NotificationSettings {
    channel: string;
}

export interface RbacSettings {
    adminGroups: string[];
    teams: { name: string; groups: string[] }[];
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
export function rbacPolicy(rbac: RbacSettings): string {
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
