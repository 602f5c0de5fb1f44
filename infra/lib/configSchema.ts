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

/** A Kubernetes quantity (cpu "500m", memory "512Mi", "1000"). */
export const quantity = z
    .string()
    .regex(/^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/, {
        message: "expected a Kubernetes quantity like 500m, 2, 512Mi or 1Ti",
    });

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
    };
}

function describe(value: unknown): string {
    if (value === undefined) return "nothing (the key is not set)";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
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
    /** Cross-field checks, run only when every field is individually valid. */
    refine?: (value: z.infer<z.ZodObject<S>>) => { key: string; message: string }[];
    namespace?: string;
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
    for (const [key, schema] of Object.entries(opts.shape)) {
        const text = source.get(key);
        if (text === undefined) continue;
        if (source.isSecret(key)) secretKeys.add(key);
        raw[key] = readRaw(schema as z.ZodType, text);
    }

    const envRaw = raw[opts.environmentKey];
    if (typeof envRaw !== "string" || !(opts.environments as readonly string[]).includes(envRaw)) {
        problems.push(
            `${namespace}:${opts.environmentKey}: expected one of ${opts.environments.join(" | ")}, found ${describe(envRaw)}`,
        );
        throw new ConfigError(problems);
    }
    const env = envRaw as E;
    // Unknown keys are reported together with the value errors below.
    const merged = deepMerge(opts.defaults[env], raw) as Record<string, unknown>;

    const schema = z.object(opts.shape).strict();
    const result = schema.safeParse(merged, { reportInput: true });
    if (!result.success || problems.length > 0) {
        for (const issue of result.success ? [] : result.error.issues) {
            if (issue.code === "unrecognized_keys") {
                // Nested objects are strict too: name the unknown field.
                for (const k of issue.keys) {
                    problems.push(`${keyOf([...issue.path, k], namespace)}: not a known setting (check the spelling)`);
                }
                continue;
            }
            const found = "input" in issue ? issue.input : valueAt(merged, issue.path);
            const message = issue.message.replace(/^Invalid (input|option): /, "");
            problems.push(`${keyOf(issue.path, namespace)}: ${message}, found ${describe(found)}`);
        }
        throw new ConfigError(problems);
    }
    const crossProblems = opts.refine?.(result.data) ?? [];
    if (crossProblems.length > 0) {
        throw new ConfigError(crossProblems.map((p) => `${namespace}:${p.key}: ${p.message}`));
    }
    return { value: result.data, secretKeys };
}
