// Shared pieces for the config schema: reusable validators whose messages say what was expected,
// and the loader that turns Pulumi config into a typed, validated object with every error listed.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProblemsError } from "./problems";

export const NAMESPACE = "platform";

export const ENVIRONMENTS = ["dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface ConfigProblem {
    /** The key below the namespace, e.g. `database.backupWindow`. */
    key: string;
    message: string;
}

/**
 * A layer's config section: its keys (schema), its per-environment defaults and its cross-field checks, which
 * receive the section's own parsed keys, typed, and the environment. Layers declare theirs in
 * infra/<layer>/config.ts with `configSection`; infra/config.ts lists them once.
 */
export interface ConfigSection<S extends z.ZodRawShape> {
    shape: S;
    defaults: Record<Environment, Partial<Record<keyof S, unknown>>>;
    checks?: (section: z.infer<z.ZodObject<S>>, environment: Environment) => ConfigProblem[];
}

/** A section as the loader composes it: its checks take the whole parsed value and pick out their own keys. */
export interface RegisteredSection<S extends z.ZodRawShape = z.ZodRawShape> {
    shape: S;
    defaults: Record<Environment, Partial<Record<keyof S, unknown>>>;
    check(value: Record<string, unknown>, environment: Environment): ConfigProblem[];
}

export function configSection<S extends z.ZodRawShape>(section: ConfigSection<S>): RegisteredSection<S> & ConfigSection<S> {
    const schema = z.object(section.shape);
    return {
        ...section,
        check(value, environment) {
            if (!section.checks) return [];
            // The loader has already validated the whole value; re-reading this section's keys gives them their types.
            const parsed = schema.safeParse(value);
            return parsed.success ? section.checks(parsed.data, environment) : [];
        },
    };
}

/** IPv4 CIDR block such as 10.0.0.0/16. */
export function isIpv4Cidr(value: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return false;
    // The address must be the network address of the block (no host bits set).
    const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    return addr % size === 0;
}

export const cidr = z
    .string()
    .refine(isIpv4Cidr, { message: "expected an IPv4 CIDR block with no host bits set, like 10.0.0.0/16", abort: true });

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_MESSAGE = "expected a Kubernetes quantity like 500m, 2, 512Mi or 1Ti";

/** A Kubernetes quantity (cpu "500m", memory "512Mi", "1000"). */
export const quantity = z.string().regex(QUANTITY, { message: QUANTITY_MESSAGE });

/** True when a quantity's number is above zero ("250m", "1Gi"; not "0", "-1", "0.0Mi"). */
export function isPositiveQuantity(value: string): boolean {
    const m = /^([+-]?)([0-9]*\.?[0-9]*)/.exec(value);
    return m !== null && m[1] !== "-" && Number(m[2]) > 0;
}

/** A Kubernetes quantity above zero: requests, limits and sizes (a zero or negative one is refused later by Kubernetes or Karpenter). */
export const positiveQuantity = z
    .string()
    .regex(QUANTITY, { message: QUANTITY_MESSAGE, abort: true })
    .refine(isPositiveQuantity, { message: "expected a quantity above zero" });

/** A Go-style duration as Karpenter and Kubernetes read it ("30s", "5m", "720h", "1h30m"). */
export const duration = z
    .string()
    .regex(/^([0-9]+(s|m|h))+$/, { message: "expected a duration like 30s, 5m or 720h" });

export const awsArn = z.string().regex(/^arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/, {
    message: "expected an AWS ARN like arn:aws:iam::123456789012:role/Admin",
});

/** CloudWatch Logs accepts only these retention values (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export const logRetentionDays = z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `expected one of the CloudWatch Logs retention values ${LOG_RETENTION_DAYS.join(", ")}`,
    });

/** Every problem of the stack configuration, reported together (the offline plan exits 2 with it). */
export class ConfigError extends ProblemsError {
    constructor(problems: string[]) {
        super("Invalid stack configuration", problems);
        this.name = "ConfigError";
    }
}

/** The parts of `pulumi.Config` the loader needs, so tests can feed plain objects. */
export interface ConfigSource {
    get(key: string): string | undefined;
    isSecret(key: string): boolean;
    /** Every key set in this namespace (without the namespace prefix), to catch misspelt keys. */
    keys(): string[];
    /** Every key set in any namespace (`aws:region`, `platfrom:azCount`), to catch misspelt namespaces. */
    allKeys?(): string[];
}

export function pulumiConfigSource(namespace = NAMESPACE): ConfigSource {
    const cfg = new pulumi.Config(namespace);
    const secretKeys = new Set<string>();
    try {
        const raw = process.env["PULUMI_CONFIG_SECRET_KEYS"];
        for (const k of raw ? (JSON.parse(raw) as string[]) : []) secretKeys.add(k);
    } catch {
        // The engine always sends valid JSON; a malformed value only means we know of no secret keys.
    }
    return {
        get: (key) => cfg.get(key),
        isSecret: (key) => secretKeys.has(`${namespace}:${key}`),
        keys: () =>
            Object.keys(pulumi.runtime.allConfig())
                .filter((k) => k.startsWith(`${namespace}:`))
                .map((k) => k.slice(namespace.length + 1)),
        allKeys: () => Object.keys(pulumi.runtime.allConfig()),
    };
}

/** What was found, for a message; a secret's value is never shown. */
function describe(value: unknown, secret = false): string {
    if (value === undefined) return "nothing (the key is not set)";
    if (secret) return "(secret value hidden)";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The message for a number or boolean where text is expected. Nested values reach the program as JSON of
 * what YAML read, so an unquoted `engineVersion: 17.10` arrives as the number 17.1: say to quote it, rather
 * than "expected 17.10, found 17.1".
 */
function unquotedMessage(issue: z.core.$ZodIssue, found: unknown): string | undefined {
    if (typeof found !== "number" && typeof found !== "boolean") return undefined;
    const unquoted = `unquoted, YAML reads it as a ${typeof found}${typeof found === "number" ? " (and 17.10 as 17.1)" : ""}`;
    if (issue.code === "invalid_type" && issue.expected === "string") return `expected text: put the value in quotes (${unquoted})`;
    if (issue.code === "invalid_value" && issue.values.length > 0 && issue.values.every((v) => typeof v === "string")) {
        return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(" | ")} in quotes (${unquoted})`;
    }
    return undefined;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const here = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = here;
        }
    }
    return row[b.length];
}

function unwrap(schema: z.ZodType): z.ZodType {
    let s: z.ZodType = schema;
    for (;;) {
        if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) {
            s = s.unwrap() as z.ZodType;
        } else {
            return s;
        }
    }
}

/** Strings stay strings (so "1.30" is not read as 1.3); everything else is read as JSON (YAML scalars arrive as text). */
function readRaw(schema: z.ZodType, raw: string): unknown {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodString || inner instanceof z.ZodEnum || inner instanceof z.ZodLiteral) return raw;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

function keyOf(path: PropertyKey[], namespace: string): string {
    const [top, ...rest] = path;
    let key = `${namespace}:${String(top)}`;
    for (const p of rest) key += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
    return key;
}

function valueAt(input: Record<string, unknown>, path: PropertyKey[]): unknown {
    let v: unknown = input;
    for (const p of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[p];
    }
    return v;
}

function deepMerge(base: unknown, over: unknown): unknown {
    if (
        base !== null &&
        over !== null &&
        typeof base === "object" &&
        typeof over === "object" &&
        !Array.isArray(base) &&
        !Array.isArray(over)
    ) {
        const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
        for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
            out[k] = k in out ? deepMerge(out[k], v) : v;
        }
        return out;
    }
    return over === undefined ? base : over;
}

export interface LoadOptions<S extends z.ZodRawShape, E extends string> {
    shape: S;
    /** Config key whose value selects the per-environment defaults. */
    environmentKey: string;
    environments: readonly E[];
    /** Defaults per environment; explicit stack values win (objects are merged key by key). */
    defaults: Record<E, Partial<Record<keyof S, unknown>>>;
    /**
     * Cross-field checks. They run even when some fields are invalid, on the keys that are valid by themselves
     * (the invalid ones are left out), so one report lists every problem; a check skips what it cannot judge.
     */
    refine?: (value: Partial<z.infer<z.ZodObject<S>>>) => { key: string; message: string }[];
    namespace?: string;
    /** Other namespaces the program reads (providers' `aws:`...); a key in any other namespace is reported. */
    otherNamespaces?: readonly string[];
}

/**
 * Reads every declared key, applies the environment's defaults, validates, and throws one
 * ConfigError that lists every problem as `platform:key: expected ..., found ...`.
 * Returns the typed value and the set of keys whose values are secret.
 */
export function loadConfig<S extends z.ZodRawShape, E extends string>(
    source: ConfigSource,
    opts: LoadOptions<S, E>,
): { value: z.infer<z.ZodObject<S>>; secretKeys: Set<string> } {
    const namespace = opts.namespace ?? NAMESPACE;
    const problems: string[] = [];
    const secretKeys = new Set<string>();
    const raw: Record<string, unknown> = {};
    for (const key of source.keys()) {
        if (!(key in opts.shape)) problems.push(`${namespace}:${key}: not a known setting (check the spelling)`);
    }
    if (opts.otherNamespaces && source.allKeys) {
        const known = [namespace, ...opts.otherNamespaces];
        for (const full of source.allKeys()) {
            const colon = full.indexOf(":");
            const ns = colon < 0 ? "" : full.slice(0, colon);
            if (known.includes(ns)) continue;
            const guess = known.find((k) => editDistance(k, ns) <= 2);
            problems.push(
                `${full}: not a setting this program reads: the namespace "${ns}" is not one of ${known.join(", ")}` +
                    (guess ? ` (did you mean ${guess}:${full.slice(colon + 1)}?)` : ""),
            );
        }
    }
    for (const [key, schema] of Object.entries(opts.shape)) {
        const text = source.get(key);
        if (text === undefined) continue;
        if (source.isSecret(key)) secretKeys.add(key);
        raw[key] = readRaw(schema as z.ZodType, text);
    }

    const envRaw = raw[opts.environmentKey];
    if (typeof envRaw !== "string" || !(opts.environments as readonly string[]).includes(envRaw)) {
        problems.push(
            `${namespace}:${opts.environmentKey}: expected one of ${opts.environments.join(" | ")}, found ${describe(envRaw, secretKeys.has(opts.environmentKey))}`,
        );
        throw new ConfigError(problems);
    }
    const env = envRaw as E;
    // Unknown keys are reported together with the value errors below.
    const merged = deepMerge(opts.defaults[env], raw) as Record<string, unknown>;

    const schema = z.object(opts.shape).strict();
    const result = schema.safeParse(merged, { reportInput: true });
    for (const issue of result.success ? [] : result.error.issues) {
        if (issue.code === "unrecognized_keys") {
            // Nested objects are strict too: name the unknown field.
            for (const k of issue.keys) {
                problems.push(`${keyOf([...issue.path, k], namespace)}: not a known setting (check the spelling)`);
            }
            continue;
        }
        const found = "input" in issue ? issue.input : valueAt(merged, issue.path);
        const secret = secretKeys.has(String(issue.path[0]));
        // A record key's own problem (a tag key) is nested in zod's "Invalid key in record".
        const own = issue.code === "invalid_key" && issue.issues.length > 0 ? issue.issues[0].message : issue.message;
        const message = (secret ? undefined : unquotedMessage(issue, found)) ?? own.replace(/^Invalid (input|option): /, "");
        problems.push(`${keyOf(issue.path, namespace)}: ${message}, found ${describe(found, secret)}`);
    }
    // Cross-field checks over every key that is valid by itself, so field and cross-field problems come together.
    const valid: Record<string, unknown> = {};
    if (result.success) Object.assign(valid, result.data);
    else {
        for (const [key, s] of Object.entries(opts.shape)) {
            const parsed = (s as z.ZodType).safeParse(merged[key]);
            if (parsed.success) valid[key] = parsed.data;
        }
    }
    for (const p of opts.refine?.(valid as Partial<z.infer<z.ZodObject<S>>>) ?? []) problems.push(`${namespace}:${p.key}: ${p.message}`);
    if (!result.success || problems.length > 0) throw new ConfigError(problems);
    return { value: result.data, secretKeys };
}
