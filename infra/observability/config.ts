// Config section of the observability layer: platform:observability = { runbookBaseUrl, prometheus, alertmanager,
// grafana, receivers, cloudwatch, mongodb?, thresholds }. Receivers name WHERE their secrets live (a Vault kv path or an
// AWS Secrets Manager name, plus the property), never a secret value: external-secrets syncs them into the cluster.
import { z } from "zod";
import { configSection, positiveQuantity } from "../lib/configSchema";

/** A secret's location in one of the platform's stores. `aws` keys are relative to the SecretsContract awsSecretPrefix. */
export const remoteRef = z.strictObject({
    store: z.enum(["vault", "aws"]),
    key: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,200}$/, { message: "expected a secret path like observability/alertmanager" }),
    property: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { message: "expected a property name like slack-webhook-url" }),
});
export type RemoteRef = z.infer<typeof remoteRef>;

/** Bytes of a binary-suffixed Kubernetes quantity (512Mi, 100Gi, 1Ti) or a plain number; undefined otherwise. */
export function quantityBytes(text: string): number | undefined {
    const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti)?$/.exec(text);
    if (!m) return undefined;
    return Number(m[1]) * 1024 ** (m[2] ? ["Ki", "Mi", "Gi", "Ti"].indexOf(m[2]) + 1 : 0);
}

const promDuration = z.string().regex(/^[0-9]+(ms|s|m|h|d|w|y)$/, { message: "expected a Prometheus duration like 30s, 15d or 2w" });
const resources = z.strictObject({ cpu: positiveQuantity, memory: positiveQuantity, memoryLimit: positiveQuantity });

const observability = z.strictObject({
    /** Where docs/runbooks.md is browsable; alerts link to `<runbookBaseUrl>#<alertname lower-case>`. */
    runbookBaseUrl: z.string().regex(/^(https:\/\/\S+|docs\/runbooks\.md)$/, { message: "expected an https:// URL of docs/runbooks.md (or the repository path docs/runbooks.md)" }),
    prometheus: z.strictObject({
        replicas: z.number().int().min(1).max(4),
        retention: promDuration,
        /** Prometheus size units (base 2): 45GB. Kept below storageSize so the TSDB deletes before the disk fills. */
        retentionSize: z.string().regex(/^[0-9]+(MB|GB|TB)$/, { message: "expected a size like 45GB" }),
        storageSize: positiveQuantity,
        scrapeInterval: promDuration,
        resources,
    }),
    alertmanager: z.strictObject({ replicas: z.number().int().min(1).max(5), storageSize: positiveQuantity, resources }),
    grafana: z.strictObject({
        resources,
        /** admin-user and admin-password properties of this secret become Grafana's admin credentials. */
        adminSecret: z.strictObject({ store: z.enum(["vault", "aws"]), key: remoteRef.shape.key }),
    }),
    /** Each receiver is off when absent or null (null switches off a default of the environment). */
    receivers: z.strictObject({
        slack: z.strictObject({ channel: z.string().regex(/^#[\w.-]{1,80}$/, { message: "expected a channel like #platform-alerts" }), webhookUrl: remoteRef }).nullable().optional(),
        pagerduty: z.strictObject({ routingKey: remoteRef }).nullable().optional(),
        email: z
            .strictObject({
                to: z.email({ message: "expected an e-mail address" }),
                from: z.email({ message: "expected an e-mail address" }),
                smarthost: z.string().regex(/^[a-z0-9.-]+:[0-9]{1,5}$/, { message: "expected host:port like email-smtp.eu-west-1.amazonaws.com:587" }),
                username: z.string().min(1),
                password: remoteRef,
            })
            .nullable()
            .optional(),
        /** The Watchdog's heartbeat target (a dead-man's-switch service URL, kept secret because it accepts pings). */
        deadMansSwitch: z.strictObject({ url: remoteRef }).nullable().optional(),
    }),
    cloudwatch: z.strictObject({
        enabled: z.boolean(),
        /** CloudWatch period; ALB, RDS and ElastiCache publish per minute. */
        periodSeconds: z.union([z.literal(60), z.literal(300)]),
        /** How often YACE calls CloudWatch (each call is billed per metric requested). */
        scrapingIntervalSeconds: z.number().int().min(60).max(900),
    }),
    /** Off unless set: the MongoDB connection URI (with credentials) lives in this secret. */
    mongodb: z.strictObject({ uri: remoteRef }).optional(),
    thresholds: z.strictObject({
        rdsFreeStorageGiB: z.number().positive(),
        rdsMaxConnections: z.number().int().positive(),
        rdsFreeableMemoryMiB: z.number().positive(),
        cpuPercent: z.number().min(1).max(100),
        cacheMemoryPercent: z.number().min(1).max(100),
        cacheEvictionsPerMinute: z.number().min(0),
        mongoOpenCursors: z.number().int().positive(),
    }),
});

const shape = { observability };
export type ObservabilitySettings = z.infer<typeof observability>;

const common = {
    runbookBaseUrl: "docs/runbooks.md",
    cloudwatch: { enabled: true, periodSeconds: 60, scrapingIntervalSeconds: 120 },
    thresholds: { rdsFreeStorageGiB: 5, rdsMaxConnections: 150, rdsFreeableMemoryMiB: 256, cpuPercent: 80, cacheMemoryPercent: 80, cacheEvictionsPerMinute: 10, mongoOpenCursors: 1000 },
} as const;

/** Conventional Vault kv paths (relative to the kvMount; the Vault store reads only platform/*): see docs/observability.md. */
const ALERTMANAGER_SECRET = "platform/observability/alertmanager";

export const observabilitySection = configSection({
    shape,
    defaults: {
        dev: {
            observability: {
                ...common,
                prometheus: { replicas: 1, retention: "7d", retentionSize: "18GB", storageSize: "20Gi", scrapeInterval: "30s", resources: { cpu: "250m", memory: "1Gi", memoryLimit: "2Gi" } },
                alertmanager: { replicas: 1, storageSize: "1Gi", resources: { cpu: "20m", memory: "64Mi", memoryLimit: "128Mi" } },
                grafana: { resources: { cpu: "50m", memory: "192Mi", memoryLimit: "384Mi" }, adminSecret: { store: "vault", key: "platform/observability/grafana" } },
                // No receivers in dev by default: alerts stay visible in Alertmanager and Grafana but notify no one.
                receivers: {},
            },
        },
        prod: {
            observability: {
                ...common,
                prometheus: { replicas: 2, retention: "30d", retentionSize: "90GB", storageSize: "100Gi", scrapeInterval: "30s", resources: { cpu: "1", memory: "4Gi", memoryLimit: "6Gi" } },
                alertmanager: { replicas: 3, storageSize: "2Gi", resources: { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" } },
                grafana: { resources: { cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" }, adminSecret: { store: "vault", key: "platform/observability/grafana" } },
                receivers: {
                    slack: { channel: "#platform-alerts", webhookUrl: { store: "vault", key: ALERTMANAGER_SECRET, property: "slack-webhook-url" } },
                    pagerduty: { routingKey: { store: "vault", key: ALERTMANAGER_SECRET, property: "pagerduty-routing-key" } },
                    deadMansSwitch: { url: { store: "vault", key: ALERTMANAGER_SECRET, property: "deadmansswitch-url" } },
                },
            },
        },
    },
    checks: (v, environment) => {
        const out: { key: string; message: string }[] = [];
        const o = v.observability;
        const r = o.receivers;
        // One Secret is mounted into Alertmanager and one ExternalSecret reads one store.
        const stores = new Set([r.slack?.webhookUrl, r.pagerduty?.routingKey, r.email?.password, r.deadMansSwitch?.url].flatMap((ref) => (ref ? [ref.store] : [])));
        if (stores.size > 1) out.push({ key: "observability.receivers", message: "expected every receiver secret in one store (vault or aws), found both" });
        if (environment === "prod") {
            if (!r.pagerduty && !r.email) out.push({ key: "observability.receivers", message: "expected a paging receiver (pagerduty or email) in prod, found none: critical alerts would page no one" });
            if (!r.deadMansSwitch) out.push({ key: "observability.receivers.deadMansSwitch", message: "expected a dead-man's-switch receiver in prod (without it a dead Alertmanager goes unnoticed), found none" });
            if (o.prometheus.replicas < 2) out.push({ key: "observability.prometheus.replicas", message: `expected at least 2 in prod (in different zones), found ${o.prometheus.replicas}` });
            if (o.alertmanager.replicas < 3) out.push({ key: "observability.alertmanager.replicas", message: `expected at least 3 in prod (a gossip cluster that survives a zone), found ${o.alertmanager.replicas}` });
        }
        const gb = Number(/^([0-9]+)/.exec(o.prometheus.retentionSize)?.[1]) * (o.prometheus.retentionSize.endsWith("TB") ? 1024 : o.prometheus.retentionSize.endsWith("MB") ? 1 / 1024 : 1);
        const disk = quantityBytes(o.prometheus.storageSize);
        if (disk !== undefined && gb * 2 ** 30 > disk * 0.95) {
            out.push({ key: "observability.prometheus.retentionSize", message: `expected at most 95 % of storageSize (${o.prometheus.storageSize}) so the TSDB deletes blocks before the volume fills, found ${o.prometheus.retentionSize}` });
        }
        for (const [k, c] of [["prometheus", o.prometheus.resources], ["alertmanager", o.alertmanager.resources], ["grafana", o.grafana.resources]] as const) {
            const mem = quantityBytes(c.memory);
            const lim = quantityBytes(c.memoryLimit);
            if (mem !== undefined && lim !== undefined && lim < mem) out.push({ key: `observability.${k}.resources.memoryLimit`, message: `expected at least the memory request (${c.memory}), found ${c.memoryLimit}` });
        }
        return out;
    },
});
