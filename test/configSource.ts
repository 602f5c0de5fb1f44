// A fake config source for parsePlatformConfig: plain values in, text out (objects and numbers as JSON, the
// way the engine passes config), plus the keys every stack of an environment must set.
import { ConfigSource } from "../infra/lib/configSchema";

export function fakeSource(values: Record<string, unknown>, secret: string[] = []): ConfigSource {
    return {
        get: (k) => (k in values ? (typeof values[k] === "string" ? (values[k] as string) : JSON.stringify(values[k])) : undefined),
        isSecret: (k) => secret.includes(k),
        keys: () => Object.keys(values),
    };
}

/** Prod requires a platform domain (ingress layer); tests about other keys get one unless they set `ingress`. */
export function withRequired(values: Record<string, unknown>): Record<string, unknown> {
    return values["environment"] === "prod" && !("ingress" in values) ? { ...values, ingress: { domain: "apps.example.com" } } : values;
}
