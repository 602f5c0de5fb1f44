// The Alertmanager configuration (alertmanager v0.34.0, the kube-prometheus-stack 88.5.3 default image): receivers
// from config whose every secret is a FILE mounted from the ExternalSecret-synced Secret, never a value:
//   slack_configs[].api_url_file, pagerduty_configs[].routing_key_file, email_configs[].auth_password_file,
//   webhook_configs[].url_file   (config/notifiers.go, notify/pagerduty/config.go, notify/webhook/config.go @ v0.34.0)
// The Secret is mounted through alertmanagerSpec.secrets at /etc/alertmanager/secrets/<secret>/<key> (Alertmanager CRD
// v0.93.1, spec.secrets). Routing: Watchdog to the dead-man's switch, critical to paging and chat, warning to chat;
// warnings are inhibited by their critical twin (same `twin` label).
import { ObservabilitySettings, RemoteRef } from "./config";

export const RECEIVER_SECRET = "alertmanager-receivers";
export const SECRET_MOUNT = `/etc/alertmanager/secrets/${RECEIVER_SECRET}`;

/** Keys of the receivers' Secret, each filled from the RemoteRef of the same receiver setting. */
export const RECEIVER_KEYS = {
    slackWebhookUrl: "slack-webhook-url",
    pagerdutyRoutingKey: "pagerduty-routing-key",
    emailPassword: "email-password",
    deadMansSwitchUrl: "deadmansswitch-url",
} as const;

export interface ReceiverSecretItem {
    secretKey: string;
    ref: RemoteRef;
}

/** What the receivers' ExternalSecret must sync: one item per secret a configured receiver reads. */
export function receiverSecretItems(r: ObservabilitySettings["receivers"]): ReceiverSecretItem[] {
    const items: ReceiverSecretItem[] = [];
    if (r.slack) items.push({ secretKey: RECEIVER_KEYS.slackWebhookUrl, ref: r.slack.webhookUrl });
    if (r.pagerduty) items.push({ secretKey: RECEIVER_KEYS.pagerdutyRoutingKey, ref: r.pagerduty.routingKey });
    if (r.email) items.push({ secretKey: RECEIVER_KEYS.emailPassword, ref: r.email.password });
    if (r.deadMansSwitch) items.push({ secretKey: RECEIVER_KEYS.deadMansSwitchUrl, ref: r.deadMansSwitch.url });
    return items;
}

const file = (key: string) => `${SECRET_MOUNT}/${key}`;

export interface Route {
    receiver: string;
    matchers?: string[];
    group_by?: string[];
    group_wait?: string;
    group_interval?: string;
    repeat_interval?: string;
    continue?: boolean;
    routes?: Route[];
}

export interface Receiver {
    name: string;
    slack_configs?: { api_url_file: string; channel: string; send_resolved: boolean; title: string; text: string }[];
    pagerduty_configs?: { routing_key_file: string; send_resolved: boolean; severity: string; description: string }[];
    email_configs?: { to: string; from: string; smarthost: string; auth_username: string; auth_password_file: string; require_tls: boolean; send_resolved: boolean }[];
    webhook_configs?: { url_file: string; send_resolved: boolean }[];
}

export interface InhibitRule {
    source_matchers: string[];
    target_matchers: string[];
    equal: string[];
}

export interface AlertmanagerConfig {
    global: { resolve_timeout: string };
    route: Route;
    receivers: Receiver[];
    inhibit_rules: InhibitRule[];
    templates: string[];
}

export const NULL_RECEIVER = "null";

/**
 * PagerDuty's description, which Alertmanager sends as the Events API v2 `payload.summary` (notify/pagerduty/pagerduty.go
 * @ v0.34.0), a field PagerDuty requires non-blank. `.CommonAnnotations` holds only the annotations every alert of the
 * group shares, so a group of alerts with different summaries (VaultSealed on two pods, two expiring certificates)
 * has none: fall back to Alertmanager's default subject (template "__subject" of template/default.tmpl, which is
 * the default pagerduty.default.description) rather than send a blank summary that PagerDuty rejects.
 */
export const PAGERDUTY_DESCRIPTION = '{{ if .CommonAnnotations.summary }}{{ .CommonAnnotations.summary }}{{ else }}{{ template "__subject" . }}{{ end }}';

/** The labels that tell two alerts apart when deciding whether a critical twin inhibits a warning. */
export const INHIBIT_EQUAL = ["twin", "namespace", "service", "dimension_LoadBalancer", "dimension_CertificateArn", "persistentvolumeclaim"];

export function alertmanagerConfig(r: ObservabilitySettings["receivers"]): AlertmanagerConfig {
    const receivers: Receiver[] = [{ name: NULL_RECEIVER }];
    const slackText =
        '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}';
    let chat: string | undefined;
    let paging: string | undefined;
    if (r.slack || r.email) {
        chat = "chat";
        receivers.push({
            name: chat,
            ...(r.slack
                ? {
                      slack_configs: [
                          {
                              api_url_file: file(RECEIVER_KEYS.slackWebhookUrl),
                              channel: r.slack.channel,
                              send_resolved: true,
                              title: '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}',
                              text: slackText,
                          },
                      ],
                  }
                : {}),
            ...(!r.slack && r.email ? { email_configs: [emailConfig(r.email)] } : {}),
        });
    }
    if (r.pagerduty || r.email) {
        paging = "paging";
        receivers.push({
            name: paging,
            ...(r.pagerduty
                ? {
                      pagerduty_configs: [
                          { routing_key_file: file(RECEIVER_KEYS.pagerdutyRoutingKey), send_resolved: true, severity: "critical", description: PAGERDUTY_DESCRIPTION },
                      ],
                  }
                : { email_configs: [emailConfig(r.email as NonNullable<typeof r.email>)] }),
        });
    }
    let deadMansSwitch: string | undefined;
    if (r.deadMansSwitch) {
        deadMansSwitch = "deadmansswitch";
        receivers.push({ name: deadMansSwitch, webhook_configs: [{ url_file: file(RECEIVER_KEYS.deadMansSwitchUrl), send_resolved: false }] });
    }

    const routes: Route[] = [
        // The Watchdog always fires; the switch service alarms when the pings stop (Prometheus or Alertmanager down).
        { receiver: deadMansSwitch ?? NULL_RECEIVER, matchers: ['alertname = "Watchdog"'], group_wait: "0s", group_interval: "1m", repeat_interval: "1m" },
        { receiver: NULL_RECEIVER, matchers: ['alertname = "InfoInhibitor"'] },
        // Info alerts (the chart's KubeQuotaAlmostFull, ...) notify no one: they stay visible in Alertmanager and
        // Grafana. Without this route they would fall through to the root receiver (chat) whenever the InfoInhibitor
        // lets them through, i.e. next to any warning in the same namespace.
        { receiver: NULL_RECEIVER, matchers: ['severity = "info"'] },
    ];
    // Critical also reaches chat, unless paging and chat are the same e-mail receiver (no Slack, no PagerDuty). A receiver
    // set to null in a stack file (switching off an environment default) counts as absent, like an unset one.
    const pagingIsChat = !r.slack && !r.pagerduty;
    if (paging) routes.push({ receiver: paging, matchers: ['severity = "critical"'], repeat_interval: "1h", continue: chat !== undefined && !pagingIsChat });
    if (chat) routes.push({ receiver: chat, matchers: ['severity =~ "critical|warning"'] });
    return {
        global: { resolve_timeout: "5m" },
        route: {
            receiver: chat ?? NULL_RECEIVER,
            group_by: ["alertname", "namespace", "service"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
            routes,
        },
        receivers,
        inhibit_rules: [
            // A warning and its critical twin (HttpErrorRatioHigh/Critical, burn rates, certificate expiry, ALB 5xx).
            {
                source_matchers: ['severity = "critical"', 'twin =~ ".+"'],
                target_matchers: ['severity = "warning"', 'twin =~ ".+"'],
                equal: INHIBIT_EQUAL,
            },
            // The chart's defaults: the same alert at a lower severity, and the InfoInhibitor.
            { source_matchers: ['severity = "critical"'], target_matchers: ['severity =~ "warning|info"'], equal: ["namespace", "alertname"] },
            { source_matchers: ['severity = "warning"'], target_matchers: ['severity = "info"'], equal: ["namespace", "alertname"] },
            { source_matchers: ['alertname = "InfoInhibitor"'], target_matchers: ['severity = "info"'], equal: ["namespace"] },
        ],
        templates: ["/etc/alertmanager/config/*.tmpl"],
    };
}

function emailConfig(e: NonNullable<ObservabilitySettings["receivers"]["email"]>) {
    return {
        to: e.to,
        from: e.from,
        smarthost: e.smarthost,
        auth_username: e.username,
        auth_password_file: file(RECEIVER_KEYS.emailPassword),
        require_tls: true,
        send_resolved: true,
    };
}
