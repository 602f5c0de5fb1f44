// Config of the backup layer: one `platform:backup` object with per-environment defaults.
//
//   platform:backup:
//     schedules:                        # Velero Schedules (cron in UTC, TTL in hours)
//       appsDaily:    { cron: "0 1 * * *", ttl: 168h }
//       appsWeekly:   { cron: "0 2 * * 0", ttl: 672h }
//       appsMonthly:  { cron: "0 3 1 * *", ttl: 8760h }
//       clusterDaily: { cron: "30 0 * * *", ttl: 168h }
//     platformNamespaces: [kube-system, velero, vault, ...]   # excluded from the app schedules, in clusterDaily
//     vaultSnapshot: { cron: "15 */6 * * *", retentionDays: 90 }
//     bucket: { transitionToInfrequentAccessDays: 30, transitionToGlacierInstantRetrievalDays: 90,
//               noncurrentVersionExpirationDays: 30, objectLock: { days: 7 } }   # objectLock optional
//     server:    { cpu: 200m, memory: 256Mi, memoryLimit: 1Gi }
//     nodeAgent: { cpu: 100m, memory: 256Mi, memoryLimit: 1Gi }
//     objectives: { rpoHours: 24, rtoMinutes: 60 }
import { z } from "zod";
import { type Environment, configSection, quantity } from "../lib/configSchema";
import { firesEveryDay, longestGapHours, parseCron } from "./cron";

const cron = z.string().superRefine((value, ctx) => {
    const parsed = parseCron(value);
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: `expected a five-field cron expression in UTC like "0 1 * * *" (${parsed})` });
});

/** Velero reads TTLs as Go durations; whole hours keep the config readable ("168h" = 7 days). */
const ttl = z.string().regex(/^[1-9]\d*h$/, { message: "expected a whole number of hours like 168h (7 days)" });

const schedule = z.strictObject({ cron, ttl });

const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: "expected a namespace name (a DNS-1123 label)" });

const resources = z.strictObject({ cpu: quantity, memory: quantity, memoryLimit: quantity });

const backup = z.strictObject({
    /** The Velero Schedules; the app ones back up every namespace except `platformNamespaces`, volumes included. */
    schedules: z.strictObject({ appsDaily: schedule, appsWeekly: schedule, appsMonthly: schedule, clusterDaily: schedule }),
    /**
     * Namespaces the platform owns. The app schedules exclude them (the program recreates what runs there);
     * the clusterDaily schedule exports them with every cluster-scoped resource (CRDs, NodePools, stores).
     */
    platformNamespaces: z.array(dnsLabel).min(1, { message: "expected at least one namespace" }),
    /** Vault Raft snapshots to the backup bucket (when the secrets layer runs Vault). */
    vaultSnapshot: z.strictObject({
        cron,
        retentionDays: z.number().int().min(1, { message: "expected 1 to 3650 days" }).max(3650, { message: "expected 1 to 3650 days" }),
    }),
    bucket: z.strictObject({
        // S3 lifecycle: STANDARD_IA needs objects at least 30 days old (lifecycle-transition-general-considerations.html).
        transitionToInfrequentAccessDays: z.number().int().min(30, { message: "expected at least 30 days (the S3 minimum before STANDARD_IA)" }),
        transitionToGlacierInstantRetrievalDays: z.number().int().min(30, { message: "expected at least 30 days" }),
        /** How long an overwritten or deleted object version stays recoverable. */
        noncurrentVersionExpirationDays: z.number().int().min(1, { message: "expected at least 1 day" }).max(3650, { message: "expected at most 3650 days" }),
        /** Optional S3 Object Lock default retention in governance mode (off by default, see docs/backup.md). */
        objectLock: z
            .strictObject({ days: z.number().int().min(1, { message: "expected at least 1 day" }).max(365, { message: "expected at most 365 days" }) })
            .optional(),
    }),
    server: resources,
    nodeAgent: resources,
    /** The operators' recovery objectives: the drill and the alert thresholds are measured against them. */
    objectives: z.strictObject({
        rpoHours: z.number().int().min(1, { message: "expected 1 to 168 hours" }).max(168, { message: "expected 1 to 168 hours" }),
        rtoMinutes: z.number().int().min(5, { message: "expected 5 to 1440 minutes" }).max(1440, { message: "expected 5 to 1440 minutes" }),
    }),
});

export type BackupSettings = z.infer<typeof backup>;
export type ScheduleSettings = z.infer<typeof schedule>;
export type ResourceSettings = z.infer<typeof resources>;

/** Namespaces of the platform's own components (the names the layers install into). */
export const DEFAULT_PLATFORM_NAMESPACES = [
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "velero",
    "vault",
    "external-secrets",
    "monitoring",
    "logging",
    "tracing",
    "argocd",
    "argo-rollouts",
] as const;

const common = {
    // The operators' plan: daily kept 7 days, weekly 4 weeks, monthly 12 months; configuration exported daily.
    // Start times are staggered so two Velero backups never start together.
    schedules: {
        appsDaily: { cron: "0 1 * * *", ttl: "168h" },
        appsWeekly: { cron: "0 2 * * 0", ttl: "672h" },
        appsMonthly: { cron: "0 3 1 * *", ttl: "8760h" },
        clusterDaily: { cron: "30 0 * * *", ttl: "168h" },
    },
    platformNamespaces: [...DEFAULT_PLATFORM_NAMESPACES],
    server: { cpu: "200m", memory: "256Mi", memoryLimit: "1Gi" },
    nodeAgent: { cpu: "100m", memory: "256Mi", memoryLimit: "1Gi" },
    objectives: { rpoHours: 24, rtoMinutes: 60 },
};

const sectionDef = {
    shape: { backup },
    defaults: {
        dev: {
            backup: {
                ...common,
                vaultSnapshot: { cron: "15 */6 * * *", retentionDays: 14 },
                bucket: { transitionToInfrequentAccessDays: 30, transitionToGlacierInstantRetrievalDays: 90, noncurrentVersionExpirationDays: 7 },
            },
        },
        prod: {
            backup: {
                ...common,
                vaultSnapshot: { cron: "15 */6 * * *", retentionDays: 90 },
                bucket: { transitionToInfrequentAccessDays: 30, transitionToGlacierInstantRetrievalDays: 90, noncurrentVersionExpirationDays: 30 },
            },
        },
    },
};

function hours(ttl: string): number {
    return Number(ttl.slice(0, -1));
}

export function backupChecks(v: { environment: Environment; backup: BackupSettings }): { key: string; message: string }[] {
    const out: { key: string; message: string }[] = [];
    const b = v.backup;
    const rpo = b.objectives.rpoHours;
    for (const name of ["appsDaily", "clusterDaily"] as const) {
        const s = b.schedules[name];
        const gap = longestGapHours(s.cron);
        if (!firesEveryDay(s.cron) || gap === undefined || gap > rpo) {
            out.push({
                key: `backup.schedules.${name}.cron`,
                message: `expected a schedule that runs at least every ${rpo} hours (objectives.rpoHours), found "${s.cron}"`,
            });
        }
    }
    const vaultGap = longestGapHours(b.vaultSnapshot.cron);
    if (vaultGap === undefined || vaultGap > rpo) {
        out.push({ key: "backup.vaultSnapshot.cron", message: `expected a schedule that runs at least every ${rpo} hours (objectives.rpoHours), found "${b.vaultSnapshot.cron}"` });
    }
    // A backup must outlive the interval to the next one of its kind, or there are gaps with no restore point.
    const minimum: Record<keyof BackupSettings["schedules"], number> = { appsDaily: 24, appsWeekly: 168, appsMonthly: 744, clusterDaily: 24 };
    for (const [name, min] of Object.entries(minimum) as [keyof BackupSettings["schedules"], number][]) {
        const ttlHours = hours(b.schedules[name].ttl);
        if (ttlHours < min) {
            out.push({ key: `backup.schedules.${name}.ttl`, message: `expected at least ${min}h so a restore point always exists until the next run, found "${b.schedules[name].ttl}"` });
        }
    }
    if (!b.platformNamespaces.includes("velero")) {
        out.push({ key: "backup.platformNamespaces", message: `expected the list to contain "velero" (Velero's own namespace is not an application namespace), found ${JSON.stringify(b.platformNamespaces)}` });
    }
    if (new Set(b.platformNamespaces).size !== b.platformNamespaces.length) {
        out.push({ key: "backup.platformNamespaces", message: `expected each namespace once, found ${JSON.stringify(b.platformNamespaces)}` });
    }
    // Conservative: objects stay 30 days in STANDARD_IA before the next transition (the S3 rule for the
    // Glacier classes; applied to GLACIER_IR too so a rule set is never rejected by the API).
    const ia = b.bucket.transitionToInfrequentAccessDays;
    const gir = b.bucket.transitionToGlacierInstantRetrievalDays;
    if (gir < ia + 30) {
        out.push({
            key: "backup.bucket.transitionToGlacierInstantRetrievalDays",
            message: `expected at least 30 days after transitionToInfrequentAccessDays (${ia}), i.e. at least ${ia + 30}, found ${gir}`,
        });
    }
    return out;
}

/** The section as infra/config.ts registers it. */
export const backupSection = configSection({
    ...sectionDef,
    checks: (v, environment) => backupChecks({ ...v, environment }),
});
