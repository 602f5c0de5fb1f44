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

/**
 * The keys every stack must set beyond platform:environment, for tests about other keys: a cost-center tag
 * (required by the aws-required-tags policy, so by config) unless the test sets `tags`, and in prod a platform
 * domain (ingress layer) unless it sets `ingress`.
 */
export function withRequired(values: Record<string, unknown>): Record<string, unknown> {
    const out = "tags" in values ? { ...values } : { ...values, tags: { "cost-center": "platform" } };
    return values["environment"] === "prod" && !("ingress" in values) ? { ...out, ingress: { domain: "apps.example.com" } } : out;
}
