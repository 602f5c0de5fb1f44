// platform:gitops: defaults per environment and every error path through the real loader, each naming the key, what was
// expected and what was found; secrets are references (never values).
import { strict as assert } from "assert";
import { parsePlatformConfig } from "../../infra/config";
import { ALERTMANAGER_SECRET } from "../../infra/gitops/config";
import { fakeSource as source, withRequired } from "../configSource";

function parse(values: Record<string, unknown>) {
    return parsePlatformConfig({ source: source(withRequired(values)), project: "platform", stack: "t", region: "eu-west-1" });
}

function problems(values: Record<string, unknown>): string {
    try {
        parse(values);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected the config to be rejected");
}

const TEAM = { name: "quotes", namespaces: ["quotes"], sourceRepos: ["https://github.com/example-org/quotes-deploy.git"], groups: ["quotes-developers"] };

describe("gitops config", () => {
    it("defaults: dev single-replica, admin on, automated sync; prod HA, admin off, manual sync in weekday windows, chat notifications", () => {
        const dev = parse({ environment: "dev" }).gitops;
        const prod = parse({ environment: "prod" }).gitops;
        assert.deepEqual(dev.argocd, { ha: false, exposure: "internal", hostPrefix: "argocd", adminEnabled: true, adminGroups: [] });
        assert.deepEqual(dev.sync, { automated: true, windows: [] });
        assert.deepEqual(dev.notifications, {});
        assert.deepEqual(prod.argocd, { ha: true, exposure: "internal", hostPrefix: "argocd", adminEnabled: false, adminGroups: [] });
        assert.deepEqual(prod.sync, { automated: false, windows: [{ kind: "allow", schedule: "0 8 * * 1-5", duration: "10h", timeZone: "UTC" }] });
        // The same Vault secret Alertmanager's chat receiver reads (infra/observability/config.ts prod default).
        assert.deepEqual(prod.notifications.slack, { channel: "#platform-alerts", webhookUrl: { store: "vault", key: ALERTMANAGER_SECRET, property: "slack-webhook-url" } });
        const obs = parse({ environment: "prod" }).observability.receivers.slack;
        assert.deepEqual(prod.notifications.slack?.webhookUrl, obs?.webhookUrl);
        assert.equal(prod.notifications.slack?.channel, obs?.channel);
        for (const g of [dev, prod]) assert.deepEqual(g.rollouts, { dashboard: true, verifyTargetGroups: true });
    });

    it("objects merge key by key: SSO, a repository and a team", () => {
        const g = parse({
            environment: "prod",
            gitops: {
                argocd: { sso: { issuer: "https://login.example.com", clientId: "argocd", clientSecret: { store: "aws", key: "gitops/argocd-oidc", property: "client-secret" } }, adminGroups: ["platform-admins"] },
                repository: { url: "git@github.com:example-org/platform-apps.git", path: "clusters/prod", revision: "main", credentials: { kind: "ssh", privateKey: { store: "vault", key: "platform/gitops/deploy-key", property: "key" } } },
                teams: [TEAM],
            },
        }).gitops;
        assert.equal(g.argocd.ha, true);
        assert.equal(g.argocd.sso?.clientId, "argocd");
        assert.equal(g.repository?.credentials?.kind, "ssh");
        assert.deepEqual(g.teams, [TEAM]);
    });

    it("prod refuses the admin account, a single-replica Argo CD and automated sync", () => {
        const msg = problems({ environment: "prod", gitops: { argocd: { adminEnabled: true, ha: false }, sync: { automated: true } } });
        assert.match(msg, /platform:gitops.argocd.adminEnabled: expected false in prod \(people log in through SSO; the admin account is a shared password\), found true/);
        assert.match(msg, /platform:gitops.argocd.ha: expected true in prod \(redis-ha and replicated API and repo servers\), found false/);
        assert.match(msg, /platform:gitops.sync.automated: expected false in prod \(changes are synced by a person, inside the sync windows\), found true/);
    });

    it("a public Argo CD needs the platform domain (HTTPS for the gRPC API); with one it is accepted", () => {
        assert.match(problems({ environment: "dev", gitops: { argocd: { exposure: "public" } } }), /platform:gitops.argocd.exposure: expected "internal" when the stack has no platform:ingress.domain .*found "public"/);
        assert.equal(parse({ environment: "prod", gitops: { argocd: { exposure: "public" } } }).gitops.argocd.exposure, "public");
    });

    it("teams: unique names, not the platform's own projects, application namespaces only, each in one team", () => {
        const msg = problems({
            environment: "dev",
            gitops: { teams: [TEAM, { ...TEAM, namespaces: ["monitoring"] }, { ...TEAM, name: "payments" }, { ...TEAM, name: "default" }] },
        });
        assert.match(msg, /platform:gitops.teams\[1\].name: expected a unique team name, found "quotes" twice/);
        assert.match(msg, /platform:gitops.teams\[1\].namespaces: expected application namespaces, found the platform namespace "monitoring" \(Pulumi owns it\)/);
        assert.match(msg, /platform:gitops.teams\[2\].namespaces: expected each namespace in one team, found "quotes" in quotes and payments/);
        assert.match(msg, /platform:gitops.teams\[3\].name: expected a name other than "default" and "platform-root"/);
    });

    it("secret references: Vault paths under platform/ only (the store's reach); never a value", () => {
        const msg = problems({
            environment: "dev",
            gitops: {
                argocd: { sso: { issuer: "https://login.example.com", clientId: "argocd", clientSecret: { store: "vault", key: "teams/argocd", property: "secret" } } },
                notifications: { slack: { channel: "#alerts", webhookUrl: { store: "vault", key: "alerts", property: "url" } } },
            },
        });
        assert.match(msg, /platform:gitops.argocd.sso.clientSecret.key: expected a Vault path under platform\/ \(the Vault store reads only platform\/\*\), found "teams\/argocd"/);
        assert.match(msg, /platform:gitops.notifications.slack.webhookUrl.key: expected a Vault path under platform\//);
        assert.match(problems({ environment: "dev", gitops: { argocd: { sso: { issuer: "https://x", clientId: "c", clientSecret: "hunter2" } } } }), /platform:gitops.argocd.sso.clientSecret: .*expected object/i);
    });

    it("shapes: repository URL, path, sync windows, unknown keys", () => {
        const msg = problems({
            environment: "dev",
            gitops: {
                repository: { url: "github.com/org/repo", path: "/abs", revision: "main" },
                sync: { windows: [{ kind: "allow", schedule: "daily", duration: "1d", manualSync: true }] },
                argocd: { exposed: true },
            },
        });
        assert.match(msg, /platform:gitops.repository.url: expected a Git URL like https:\/\/github.com\/org\/repo.git or git@github.com:org\/repo.git, found "github.com\/org\/repo"/);
        assert.match(msg, /platform:gitops.repository.path: expected a relative directory like clusters\/prod, found "\/abs"/);
        assert.match(msg, /platform:gitops.sync.windows\[0\].schedule: expected a five-field cron schedule like "0 8 \* \* 1-5", found "daily"/);
        assert.match(msg, /platform:gitops.sync.windows\[0\].duration: expected a duration in hours and\/or minutes like 10h, 90m or 1h30m, found "1d"/);
        assert.match(msg, /platform:gitops.argocd.exposed: not a known setting/);
        // Cross-field checks run once every key is valid: manualSync belongs to deny windows.
        assert.match(
            problems({ environment: "dev", gitops: { sync: { windows: [{ kind: "allow", schedule: "0 8 * * 1-5", duration: "10h", manualSync: true }] } } }),
            /platform:gitops.sync.windows\[0\].manualSync: expected manualSync only on deny windows/,
        );
    });
});
