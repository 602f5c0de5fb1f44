// Checks every layer's upstream tests share: chart values key paths against the keys a chart's values.yaml declares
// (transcribed per layer into its fixtures/upstream.ts).

export function isMap(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Key paths we set that upstream does not declare. A declared path without declared children (an upstream `{}`) or
 * listed in `freeForm` holds the user's keys and ends the descent; `passthrough` keys are valid though values.yaml
 * does not list them (a template reads them).
 */
export function unknownKeys(
    ours: Record<string, unknown>,
    declared: readonly string[],
    opts: { freeForm?: readonly string[]; passthrough?: readonly string[] } = {},
    prefix = "",
): string[] {
    const out: string[] = [];
    for (const [k, v] of Object.entries(ours)) {
        const key = `${prefix}${k}`;
        if (opts.passthrough?.includes(key)) continue;
        if (!declared.includes(key)) {
            out.push(key);
            continue;
        }
        const free = opts.freeForm?.includes(key) || !declared.some((d) => d.startsWith(`${key}.`));
        if (isMap(v) && !free) out.push(...unknownKeys(v, declared, opts, `${key}.`));
    }
    return out;
}
