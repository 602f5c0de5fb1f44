// Config section of the data tier: `platform:database`, `platform:cache`, `platform:alarms`.
// Every key is validated here, before any resource is declared; dev is small and single-AZ, prod Multi-AZ.
import { z } from "zod";
import { type Environment, configSection } from "../lib/configSchema";

/** PostgreSQL majors this program is written and tested for; the minor is pinned too (no silent drift). */
export const POSTGRES_MAJORS = [15, 16, 17] as const;

/** ElastiCache for Valkey versions (engine-versions page of the ElastiCache guide; family valkey7 / valkey8). */
export const VALKEY_VERSIONS = ["7.2", "8.0", "8.1", "8.2"] as const;

/** RDS enhanced-monitoring intervals the API accepts (MonitoringInterval). */
export const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60] as const;

/** `ddd:hh24:mi-ddd:hh24:mi` in UTC, as RDS and ElastiCache take the maintenance window. */
const maintenanceWindow = z
    .string()
    .regex(/^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/, {
        message: "expected a weekly UTC window like sun:04:30-sun:05:30",
    });

/** `hh24:mi-hh24:mi` in UTC (RDS backup window, ElastiCache snapshot window). */
const dailyWindow = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, {
    message: "expected a daily UTC window like 03:00-04:00",
});

const identifier = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, {
    message: "expected a lower-case PostgreSQL identifier (letter first, then letters, digits or _; at most 63)",
});

// RDS accepts 0-35 days (0 disables automated backups); the platform requires at least a week.
const backupRetentionDays = z
    .number()
    .int({ message: "expected a whole number of days" })
    .superRefine((days, ctx) => {
        if (days < 0 || days > 35) {
            ctx.addIssue({ code: "custom", message: "expected 0 to 35 days (the range RDS accepts)" });
        } else if (days < 7) {
            ctx.addIssue({ code: "custom", message: "expected at least 7 days (the platform keeps a week of point-in-time recovery)" });
        }
    });

const database = z.strictObject({
    engineVersion: z.string().refine((v) => /^(\d+)\.(\d+)$/.test(v) && (POSTGRES_MAJORS as readonly number[]).includes(Number(v.split(".")[0])), {
        message: `expected a pinned PostgreSQL version major.minor with major ${POSTGRES_MAJORS.join(", ")}, like "17.6"`,
    }),
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, {
        message: "expected an RDS instance class db.<family>.<size>, like db.t4g.medium",
    }),
    /** GiB; gp3 needs at least 20. */
    allocatedStorageGiB: z.number().int().min(20, { message: "expected at least 20 GiB (gp3 minimum)" }).max(65536),
    /** Storage autoscaling ceiling, GiB. */
    maxAllocatedStorageGiB: z.number().int().min(21).max(65536),
    multiAz: z.boolean(),
    backupRetentionDays,
    backupWindow: dailyWindow,
    maintenanceWindow,
    monitoringIntervalSeconds: z
        .number()
        .int()
        .refine((s) => (MONITORING_INTERVALS as readonly number[]).includes(s), {
            message: `expected one of ${MONITORING_INTERVALS.join(", ")} seconds`,
        }),
    /** Set explicitly in the parameter group so the connections alarm knows the limit. */
    maxConnections: z.number().int().min(20).max(5000),
    /** log_min_duration_statement, milliseconds. */
    slowStatementMs: z.number().int().min(0).max(3_600_000),
    databaseName: identifier,
    masterUsername: identifier.refine((u) => !["postgres", "rdsadmin", "admin"].includes(u), {
        message: "expected a name other than the reserved postgres, rdsadmin or admin",
    }),
    /** Apply modifications now (dev) or in the maintenance window (prod). */
    applyImmediately: z.boolean(),
});

const cache = z.strictObject({
    engineVersion: z.enum(VALKEY_VERSIONS),
    nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, {
        message: "expected an ElastiCache node type cache.<family>.<size>, like cache.t4g.small",
    }),
    /** Read replicas next to the primary (0 in dev; prod needs at least 1 for automatic failover). */
    replicas: z.number().int().min(0).max(5),
    snapshotRetentionDays: z.number().int().min(1).max(35),
    snapshotWindow: dailyWindow,
    maintenanceWindow,
    maxmemoryPolicy: z.enum(["volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu", "volatile-ttl", "noeviction"]),
    /** slowlog-log-slower-than, microseconds. */
    slowlogSlowerThanMicros: z.number().int().min(0).max(10_000_000),
    applyImmediately: z.boolean(),
});

const percent = z.number().min(1).max(100);

const alarms = z.strictObject({
    /** Email subscriptions of the alarm topic (each must be confirmed by its recipient). */
    emails: z.array(z.email({ message: "expected an email address" })),
    databaseCpuPercent: percent,
    databaseFreeStorageGiB: z.number().min(1),
    databaseFreeableMemoryMiB: z.number().min(16),
    /** Share of maxConnections that raises the alarm. */
    databaseConnectionsPercent: percent,
    /** OldestReplicationSlotLag: a stuck logical slot keeps WAL and fills the disk. */
    databaseReplicationSlotLagGiB: z.number().min(1),
    cacheCpuPercent: percent,
    cacheEngineCpuPercent: percent,
    cacheMemoryPercent: percent,
    /** Evictions per 5-minute period. */
    cacheEvictions: z.number().int().min(0),
    cacheReplicationLagSeconds: z.number().min(1),
});

const dataShape = { database, cache, alarms };
type DataValues = z.infer<z.ZodObject<typeof dataShape>> & { environment: Environment };

const dataSectionDef = {
    shape: dataShape,
    defaults: {
        dev: {
            database: {
                // 17.7: the minor AWS auto-upgraded 17.1-17.4 to when those left standard support (2026-05-31,
                // RDS notice); check `aws rds describe-db-engine-versions --engine postgres` before bumping.
                engineVersion: "17.7",
                instanceClass: "db.t4g.medium",
                allocatedStorageGiB: 20,
                maxAllocatedStorageGiB: 100,
                multiAz: false,
                backupRetentionDays: 7,
                backupWindow: "03:00-04:00",
                maintenanceWindow: "sun:04:30-sun:05:30",
                monitoringIntervalSeconds: 60,
                maxConnections: 200,
                slowStatementMs: 500,
                databaseName: "app",
                masterUsername: "platform_admin",
                applyImmediately: true,
            },
            cache: {
                engineVersion: "8.2",
                nodeType: "cache.t4g.small",
                replicas: 0,
                snapshotRetentionDays: 7,
                snapshotWindow: "02:00-03:00",
                maintenanceWindow: "sun:05:30-sun:06:30",
                maxmemoryPolicy: "volatile-lru",
                slowlogSlowerThanMicros: 10000,
                applyImmediately: true,
            },
            alarms: {
                emails: [],
                databaseCpuPercent: 80,
                databaseFreeStorageGiB: 5,
                databaseFreeableMemoryMiB: 256,
                databaseConnectionsPercent: 80,
                databaseReplicationSlotLagGiB: 5,
                cacheCpuPercent: 80,
                cacheEngineCpuPercent: 80,
                cacheMemoryPercent: 80,
                cacheEvictions: 1000,
                cacheReplicationLagSeconds: 30,
            },
        },
        prod: {
            database: {
                engineVersion: "17.7",
                instanceClass: "db.m7g.large",
                allocatedStorageGiB: 100,
                maxAllocatedStorageGiB: 1000,
                multiAz: true,
                backupRetentionDays: 30,
                backupWindow: "03:00-04:00",
                maintenanceWindow: "sun:04:30-sun:05:30",
                monitoringIntervalSeconds: 15,
                maxConnections: 500,
                slowStatementMs: 1000,
                databaseName: "app",
                masterUsername: "platform_admin",
                applyImmediately: false,
            },
            cache: {
                engineVersion: "8.2",
                nodeType: "cache.m7g.large",
                replicas: 1,
                snapshotRetentionDays: 7,
                snapshotWindow: "02:00-03:00",
                maintenanceWindow: "sun:05:30-sun:06:30",
                maxmemoryPolicy: "volatile-lru",
                slowlogSlowerThanMicros: 10000,
                applyImmediately: false,
            },
            alarms: {
                emails: [],
                databaseCpuPercent: 80,
                databaseFreeStorageGiB: 20,
                databaseFreeableMemoryMiB: 512,
                databaseConnectionsPercent: 80,
                databaseReplicationSlotLagGiB: 20,
                cacheCpuPercent: 80,
                cacheEngineCpuPercent: 80,
                cacheMemoryPercent: 80,
                cacheEvictions: 100,
                cacheReplicationLagSeconds: 10,
            },
        },
    },
};

function dataChecks(v: DataValues): { key: string; message: string }[] {
    const out: { key: string; message: string }[] = [];
    const db = v.database;
    const minCeiling = minMaxAllocatedStorageGiB(db.allocatedStorageGiB);
    if (db.maxAllocatedStorageGiB < minCeiling) {
        out.push({
            key: "database.maxAllocatedStorageGiB",
            message:
                `expected at least ${minCeiling} (10% more than allocatedStorageGiB ${db.allocatedStorageGiB}; RDS rejects a smaller ` +
                `threshold with "Invalid max storage size") so storage can autoscale, found ${db.maxAllocatedStorageGiB}`,
        });
    }
    if (v.environment === "prod" && !db.multiAz) {
        out.push({ key: "database.multiAz", message: "expected true in prod (a standby in a second AZ), found false" });
    }
    if (v.environment === "prod" && v.cache.replicas < 1) {
        out.push({ key: "cache.replicas", message: `expected at least 1 in prod (automatic failover needs a replica), found ${v.cache.replicas}` });
    }
    if (windowsOverlap(db.backupWindow, db.maintenanceWindow)) {
        out.push({
            key: "database.backupWindow",
            message: `expected a window that does not overlap database.maintenanceWindow (${db.maintenanceWindow}), found ${db.backupWindow}`,
        });
    }
    return out;
}

/**
 * The section as infra/config.ts composes it. `checks` takes the whole parsed platform value (typed loosely
 * there, since LAYER_SECTIONS mixes sections); the loader runs it only after platformShape, which contains
 * this section's shape, parsed successfully, so the value has our keys.
 */
export const dataSection = configSection({
    ...dataSectionDef,
    checks: (v, environment) => dataChecks({ ...v, environment }),
});

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEK = 7 * 24 * 60;

function minutesOfDay(hhmm: string): number {
    const [h, m] = hhmm.split(":").map(Number);
    return h * 60 + m;
}

/** Intervals [start, end) in minutes of the week; a window that wraps the week is split in two. */
function weekly(start: number, end: number): [number, number][] {
    return end > start ? [[start, end]] : [[start, WEEK], [0, end]];
}

/** Whether a daily `hh:mm-hh:mm` window meets a weekly `ddd:hh:mm-ddd:hh:mm` window on any day (RDS rejects that). */
export function windowsOverlap(daily: string, maintenance: string): boolean {
    const [ds, de] = daily.split("-").map(minutesOfDay);
    const [ms, me] = maintenance.split("-").map((part) => DAYS.indexOf(part.slice(0, 3)) * 1440 + minutesOfDay(part.slice(4)));
    const m = weekly(ms, me);
    for (let day = 0; day < 7; day++) {
        const start = day * 1440 + ds;
        const end = day * 1440 + (de > ds ? de : de + 1440);
        for (const [a, b] of weekly(start % WEEK, end % WEEK || WEEK)) {
            if (m.some(([x, y]) => a < y && x < b)) return true;
        }
    }
    return false;
}

export type DatabaseSettings = z.infer<typeof database>;
export type CacheSettings = z.infer<typeof cache>;
export type AlarmSettings = z.infer<typeof alarms>;

/**
 * Smallest storage-autoscaling ceiling RDS accepts: "You must set the maximum storage threshold to at least 10% more
 * than the current allocated storage ... If you don't, you get an error such as Invalid max storage size for
 * engine_name" (RDS User Guide, "Managing capacity automatically with Amazon RDS storage autoscaling",
 * USER_PIOPS.Autoscaling). Whole GiB, rounded up.
 */
export function minMaxAllocatedStorageGiB(allocatedStorageGiB: number): number {
    return Math.ceil((allocatedStorageGiB * 11) / 10);
}

/** "17.6" -> "postgres17" (the DB parameter group family). */
export function postgresFamily(engineVersion: string): string {
    return `postgres${engineVersion.split(".")[0]}`;
}

/** "8.2" -> "valkey8", "7.2" -> "valkey7" (the cache parameter group family). */
export function valkeyFamily(engineVersion: string): string {
    return `valkey${engineVersion.split(".")[0]}`;
}
