// Five-field cron expressions as Velero's Schedule controller (robfig/cron/v3 `ParseStandard`) and the
// Kubernetes CronJob controller read them: minute hour day-of-month month day-of-week, in UTC here. Only the
// numeric subset is accepted (no month/day names, no @macros): it is enough for every schedule the platform
// declares and lets the config say exactly what is wrong with a value.

export interface CronField {
    name: string;
    min: number;
    max: number;
}

export const CRON_FIELDS: readonly CronField[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12 },
    { name: "day of week", min: 0, max: 6 },
];

export interface ParsedCron {
    /** The values each field matches, in field order. */
    fields: number[][];
    /** True where the field was `*` (so day-of-month/day-of-week do not restrict the day). */
    wildcard: boolean[];
}

const TERM = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;

/** Parses a five-field cron expression; returns the problem in words instead of throwing. */
export function parseCron(expr: string): ParsedCron | string {
    const parts = expr.trim().split(/\s+/);
    if (parts.length !== 5) return `expected five fields (minute hour day-of-month month day-of-week), found ${parts.length}`;
    const fields: number[][] = [];
    const wildcard: boolean[] = [];
    for (let i = 0; i < 5; i++) {
        const f = CRON_FIELDS[i];
        const values = new Set<number>();
        for (const term of parts[i].split(",")) {
            const m = TERM.exec(term);
            if (!m) return `${f.name}: expected a number, a range a-b, * or a step like */6, found "${term}"`;
            const step = m[4] === undefined ? 1 : Number(m[4]);
            if (step < 1) return `${f.name}: expected a step of at least 1, found "${term}"`;
            const lo = m[1] === "*" ? f.min : Number(m[2]);
            const hi = m[1] === "*" ? f.max : m[3] === undefined ? (m[4] === undefined ? lo : f.max) : Number(m[3]);
            if (lo < f.min || hi > f.max || lo > hi) return `${f.name}: expected values from ${f.min} to ${f.max}, found "${term}"`;
            for (let v = lo; v <= hi; v += step) values.add(v);
        }
        fields.push([...values].sort((a, b) => a - b));
        wildcard.push(parts[i] === "*");
    }
    return { fields, wildcard };
}

/** True when the expression fires at least once on every day (every RPO-bound schedule must). */
export function firesEveryDay(expr: string): boolean {
    const c = parseCron(expr);
    return typeof c !== "string" && c.wildcard[2] && c.wildcard[3] && c.wildcard[4];
}

/**
 * Longest gap between two consecutive firings in hours, for an expression that fires every day
 * (undefined otherwise). "0 1 * * *" → 24; "0 *\/6 * * *" → 6.
 */
export function longestGapHours(expr: string): number | undefined {
    const c = parseCron(expr);
    if (typeof c === "string" || !firesEveryDay(expr)) return undefined;
    const times = c.fields[1].flatMap((h) => c.fields[0].map((m) => h * 60 + m));
    let longest = times[0] + 24 * 60 - times[times.length - 1];
    for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
    return longest / 60;
}
