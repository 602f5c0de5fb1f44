// Alertmanager routing: every route names a receiver that exists, receivers read their secrets only from files of the
// ExternalSecret-synced Secret (Alertmanager v0.34.0 *_file fields), critical pages, warnings go to chat, the Watchdog
// reaches the dead-man's switch, and a critical twin inhibits its warning.
import * as assert from "assert";
import { AlertmanagerConfig, INHIBIT_EQUAL, NULL_RECEIVER, RECEIVER_KEYS, Route, SECRET_MOUNT, alertmanagerConfig, receiverSecretItems } from "../../infra/observability/alertmanager";
import { ObservabilitySettings, observabilitySection } from "../../infra/observability/config";
import { isMap } from "./check";
import { ALERTMANAGER_INLINE_SECRET_FIELDS, ALERTMANAGER_RECEIVER_FIELDS } from "./fixtures/upstream";

const prod = (observabilitySection.defaults.prod as { observability: ObservabilitySettings }).observability;
const ref = (property: string) => ({ store: "vault" as const, key: "observability/alertmanager", property });
const everything: ObservabilitySettings["receivers"] = {
    slack: { channel: "#alerts", webhookUrl: ref("slack-webhook-url") },
    pagerduty: { routingKey: ref("pagerduty-routing-key") },
    email: { to: "oncall@example.com", from: "am@example.com", smarthost: "smtp.example.com:587", username: "am", password: ref("email-password") },
    deadMansSwitch: { url: ref("deadmansswitch-url") },
};

function routes(r: Route): Route[] {
    return [r, ...(r.routes ?? []).flatMap(routes)];
}

/** Which receivers an alert with these labels reaches (Alertmanager's first-match-then-continue walk, equality matchers). */
function deliver(cfg: AlertmanagerConfig, labels: Record<string, string>): string[] {
    const matches = (m: string) => {
        const [, name, op, value] = /^(\w+) (=~|=) "(.*)"$/.exec(m) ?? [];
        const v = labels[name] ?? "";
        return op === "=" ? v === value : new RegExp(`^(?:${value})$`).test(v);
    };
    const out: string[] = [];
    for (const r of cfg.route.routes ?? []) {
        if ((r.matchers ?? []).every(matches)) {
            out.push(r.receiver);
            if (!r.continue) return out;
        }
    }
    return out.length > 0 ? out : [cfg.route.receiver];
}

/**
 * Renders the small subset of Go's text/template the layer's receiver fields use ({{ .A.b }}, {{ if .A.b }}x{{ else }}y{{ end }},
 * {{ template "name" . }}), against Alertmanager's notification data; anything else throws, so a new construct needs
 * this helper extended rather than passing unchecked.
 */
function renderTemplate(text: string, data: Record<string, Record<string, string>>, templates: Record<string, string>): string {
    const value = (path: string) => {
        const [, group, key] = /^\.(\w+)\.(\w+)$/.exec(path) ?? [];
        if (!group) throw new Error(`unsupported template field ${path}`);
        return data[group]?.[key] ?? "";
    };
    const tokens = text.split(/(\{\{.*?\}\})/).filter((t) => t !== "");
    const out: string[] = [];
    const stack: { active: boolean; taken: boolean }[] = [];
    const active = () => stack.every((f) => f.active);
    for (const t of tokens) {
        const action = /^\{\{-? *(.*?) *-?\}\}$/.exec(t)?.[1];
        if (action === undefined) {
            if (active()) out.push(t);
        } else if (action.startsWith("if ")) {
            const cond = value(action.slice(3).trim()) !== "";
            stack.push({ active: cond, taken: cond });
        } else if (action === "else") {
            const top = stack[stack.length - 1];
            top.active = !top.taken;
        } else if (action === "end") {
            stack.pop();
        } else if (/^template "[^"]+" \.$/.test(action)) {
            const name = /"([^"]+)"/.exec(action)?.[1] ?? "";
            if (!(name in templates)) throw new Error(`unknown template ${name}`);
            if (active()) out.push(templates[name]);
        } else if (action.startsWith(".")) {
            if (active()) out.push(value(action));
        } else {
            throw new Error(`unsupported template action {{ ${action} }}`);
        }
    }
    return out.join("");
}

function receiverProblems(cfg: AlertmanagerConfig): string[] {
    const problems: string[] = [];
    for (const rec of cfg.receivers) {
        for (const [kind, configs] of Object.entries(rec)) {
            if (kind === "name") continue;
            const allowed = (ALERTMANAGER_RECEIVER_FIELDS as Record<string, readonly string[]>)[kind];
            if (!allowed) {
                problems.push(`${rec.name}: ${kind} is not a receiver type the layer knows`);
                continue;
            }
            for (const c of configs as Record<string, unknown>[]) {
                for (const [field, value] of Object.entries(c)) {
                    if (!allowed.includes(field)) problems.push(`${rec.name}.${kind}.${field}: not a v0.34.0 field`);
                    if ((ALERTMANAGER_INLINE_SECRET_FIELDS as readonly string[]).includes(field)) problems.push(`${rec.name}.${kind}.${field}: a secret inline; use ${field}_file`);
                    if (field.endsWith("_file") && !(typeof value === "string" && value.startsWith(`${SECRET_MOUNT}/`))) problems.push(`${rec.name}.${kind}.${field}: not a file of the receivers' Secret`);
                }
            }
        }
    }
    return problems;
}

describe("observability: Alertmanager routes and receivers", () => {
    for (const [name, receivers] of [["prod defaults", prod.receivers], ["every receiver", everything], ["email only", { email: everything.email }], ["none (dev)", {}]] as const) {
        it(`${name}: routes name existing receivers, receivers read secrets only from mounted files`, () => {
            const cfg = alertmanagerConfig(receivers);
            const names = new Set(cfg.receivers.map((r) => r.name));
            assert.strictEqual(names.size, cfg.receivers.length, "receiver names are unique");
            for (const r of routes(cfg.route)) assert.ok(names.has(r.receiver), `route to unknown receiver ${r.receiver}`);
            assert.deepStrictEqual(receiverProblems(cfg), []);
            // Every file a receiver reads is a key the ExternalSecret syncs.
            const synced = new Set(receiverSecretItems(receivers).map((i) => `${SECRET_MOUNT}/${i.secretKey}`));
            const files = JSON.stringify(cfg).match(new RegExp(`${SECRET_MOUNT}/[a-z-]+`, "g")) ?? [];
            for (const f of files) assert.ok(synced.has(f), `${f} is not synced by the ExternalSecret`);
        });
    }

    it("the checks catch an inline secret, an unknown field and a route to a missing receiver", () => {
        const cfg = alertmanagerConfig(everything);
        const broken: AlertmanagerConfig = JSON.parse(JSON.stringify(cfg));
        (broken.receivers[1] as unknown as Record<string, Record<string, unknown>[]>)["slack_configs"][0]["api_url"] = "https://hooks.slack.com/x";
        (broken.receivers[1] as unknown as Record<string, Record<string, unknown>[]>)["slack_configs"][0]["chanel"] = "#x";
        assert.deepStrictEqual(receiverProblems(broken).sort(), ["chat.slack_configs.api_url: a secret inline; use api_url_file", "chat.slack_configs.chanel: not a v0.34.0 field"]);
        const names = new Set(cfg.receivers.map((r) => r.name));
        assert.ok(!names.has("pager"));
    });

    it("critical pages (and reaches chat), warning goes to chat, Watchdog to the dead-man's switch, info nowhere", () => {
        const cfg = alertmanagerConfig(prod.receivers);
        assert.deepStrictEqual(deliver(cfg, { alertname: "HttpErrorRatioCritical", severity: "critical" }), ["paging", "chat"]);
        assert.deepStrictEqual(deliver(cfg, { alertname: "HttpErrorRatioHigh", severity: "warning" }), ["chat"]);
        assert.deepStrictEqual(deliver(cfg, { alertname: "Watchdog", severity: "none" }), ["deadmansswitch"]);
        assert.deepStrictEqual(deliver(cfg, { alertname: "InfoInhibitor", severity: "none" }), [NULL_RECEIVER]);
        assert.deepStrictEqual(deliver(cfg, { alertname: "KubeQuotaAlmostFull", severity: "info" }), [NULL_RECEIVER]);
        const paging = cfg.receivers.find((r) => r.name === "paging");
        assert.deepStrictEqual(paging?.pagerduty_configs?.[0].routing_key_file, `${SECRET_MOUNT}/${RECEIVER_KEYS.pagerdutyRoutingKey}`);
        const watchdog = cfg.route.routes?.find((r) => r.receiver === "deadmansswitch");
        assert.strictEqual(watchdog?.repeat_interval, "1m");
        // Email-only: one e-mail per critical, not two; also when the stack file switches prod's Slack and PagerDuty
        // defaults off with null (the config's documented way).
        assert.deepStrictEqual(deliver(alertmanagerConfig({ email: everything.email }), { alertname: "X", severity: "critical" }), ["paging"]);
        assert.deepStrictEqual(deliver(alertmanagerConfig({ slack: null, pagerduty: null, email: everything.email }), { alertname: "X", severity: "critical" }), ["paging"]);
        assert.deepStrictEqual(deliver(alertmanagerConfig({ slack: null, pagerduty: everything.pagerduty, email: everything.email }), { alertname: "X", severity: "critical" }), ["paging", "chat"]);
        // Dev without receivers: everything to the null receiver.
        assert.deepStrictEqual(deliver(alertmanagerConfig({}), { alertname: "X", severity: "critical" }), [NULL_RECEIVER]);
    });

    it("PagerDuty's summary is never blank, also for a group whose alerts have different summaries", () => {
        // Alertmanager sends the description as the Events API v2 payload.summary, which PagerDuty requires.
        const description = alertmanagerConfig(prod.receivers).receivers.find((r) => r.name === "paging")?.pagerduty_configs?.[0].description ?? "";
        const defaults = { __subject: "[FIRING:2] VaultSealed vault" };
        const oneSummary = { CommonAnnotations: { summary: "Vault pod vault/vault-0 is sealed" }, CommonLabels: { alertname: "VaultSealed" } };
        const twoSummaries = { CommonAnnotations: {}, CommonLabels: { alertname: "VaultSealed" } };
        assert.strictEqual(renderTemplate(description, oneSummary, defaults), "Vault pod vault/vault-0 is sealed");
        assert.strictEqual(renderTemplate(description, twoSummaries, defaults), "[FIRING:2] VaultSealed vault");
        // The helper is not lenient: the former description rendered blank for the second group.
        assert.strictEqual(renderTemplate("{{ .CommonAnnotations.summary }}", twoSummaries, defaults), "");
        assert.throws(() => renderTemplate("{{ range .Alerts }}x{{ end }}", twoSummaries, defaults), /unsupported/);
    });

    it("warnings are inhibited by their critical twin on the same service", () => {
        const cfg = alertmanagerConfig(prod.receivers);
        const twin = cfg.inhibit_rules[0];
        assert.deepStrictEqual(twin.source_matchers, ['severity = "critical"', 'twin =~ ".+"']);
        assert.deepStrictEqual(twin.target_matchers, ['severity = "warning"', 'twin =~ ".+"']);
        assert.deepStrictEqual(twin.equal, INHIBIT_EQUAL);
        assert.ok(INHIBIT_EQUAL.includes("twin") && INHIBIT_EQUAL.includes("service") && INHIBIT_EQUAL.includes("namespace"));
        assert.ok(isMap(cfg.route) && cfg.route.group_by?.includes("alertname"));
    });

    it("the receivers' ExternalSecret items carry each receiver's RemoteRef", () => {
        assert.deepStrictEqual(receiverSecretItems(prod.receivers), [
            { secretKey: "slack-webhook-url", ref: { store: "vault", key: "platform/observability/alertmanager", property: "slack-webhook-url" } },
            { secretKey: "pagerduty-routing-key", ref: { store: "vault", key: "platform/observability/alertmanager", property: "pagerduty-routing-key" } },
            { secretKey: "deadmansswitch-url", ref: { store: "vault", key: "platform/observability/alertmanager", property: "deadmansswitch-url" } },
        ]);
        assert.deepStrictEqual(receiverSecretItems({}), []);
    });
});
