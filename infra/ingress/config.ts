// Config of the ingress layer: one `platform:ingress` object.
//
//   platform:ingress:
//     domain: apps.example.com        # public Route53 zone; required in prod, optional in dev
//     wafRateLimit: 2000              # requests per IP per 5 minutes before WAF blocks
//     deregistrationDelaySeconds: 30  # target-group deregistration delay (preStop sleep must exceed it)
//     sslPolicy: ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09
//     idleTimeoutSeconds: 60
//     accessLogRetentionDays: 30
//     externalDnsPolicy: upsert-only  # sync | upsert-only | create-only
import { z } from "zod";
import { type Environment, configSection } from "../lib/configSchema";

/** Lower-case DNS name of two or more labels, no trailing dot (the hosted zone and certificate name). */
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Default TLS policy of the HTTPS listeners. The ALB user guide ("Security policies for your Application Load
 * Balancer", describe-ssl-policies.html) names ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 the console default:
 * TLS 1.3 + 1.2 with hybrid post-quantum (ML-KEM) key exchange, still negotiating classical TLS 1.2/1.3 with
 * clients that lack ML-KEM. Fallback if a region lacks it: ELBSecurityPolicy-TLS13-1-2-2021-06 (the guide's
 * earlier recommendation). The controller's own default is the legacy ELBSecurityPolicy-2016-08
 * (aws-load-balancer-controller pkg/config/controller_config.go @ v3.5.0), which still allows TLS 1.0.
 */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";
export const FALLBACK_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export const EXTERNAL_DNS_POLICIES = ["sync", "upsert-only", "create-only"] as const;
export type ExternalDnsPolicy = (typeof EXTERNAL_DNS_POLICIES)[number];

const ingress = z.strictObject({
    domain: z
        .string()
        .regex(DOMAIN, { message: "expected a lower-case DNS name with a public Route53 hosted zone, like apps.example.com" })
        .optional(),
    // AWS WAF: "The lowest limit setting allowed is 10" (waf-rule-statement-type-rate-based-high-level-settings.html).
    wafRateLimit: z
        .number()
        .int()
        .min(10, { message: "expected at least 10 requests per 5 minutes (the AWS WAF minimum)" })
        .max(2_000_000_000, { message: "expected at most 2000000000 (the AWS WAF maximum)" }),
    // target-group-attributes deregistration_delay.timeout_seconds: "available range is 0-3600 seconds" (LBC annotations.md).
    deregistrationDelaySeconds: z.number().int().min(0).max(3600, { message: "expected 0 to 3600 seconds (the ALB range)" }),
    sslPolicy: z.string().regex(/^ELBSecurityPolicy-TLS13-/, {
        message: `expected a TLS 1.3 ELB security policy such as ${DEFAULT_SSL_POLICY} or ${FALLBACK_SSL_POLICY}`,
    }),
    // idle_timeout.timeout_seconds: the ALB accepts 1-4000 seconds.
    idleTimeoutSeconds: z.number().int().min(1).max(4000, { message: "expected 1 to 4000 seconds (the ALB range)" }),
    accessLogRetentionDays: z.number().int().min(1).max(3650, { message: "expected 1 to 3650 days" }),
    externalDnsPolicy: z.enum(EXTERNAL_DNS_POLICIES),
});

export type IngressSettings = z.infer<typeof ingress>;

const common = {
    wafRateLimit: 2000,
    deregistrationDelaySeconds: 30,
    sslPolicy: DEFAULT_SSL_POLICY,
    idleTimeoutSeconds: 60,
    accessLogRetentionDays: 30,
};

const ingressSectionDef = {
    shape: { ingress },
    defaults: {
        // dev may delete records it no longer sees; prod never deletes DNS records it did not just write.
        dev: { ingress: { ...common, externalDnsPolicy: "sync" } },
        prod: { ingress: { ...common, externalDnsPolicy: "upsert-only" } },
    },
};

export function ingressChecks(v: { environment: Environment; ingress: IngressSettings }): { key: string; message: string }[] {
    if (v.environment === "prod" && v.ingress.domain === undefined) {
        return [
            {
                key: "ingress.domain",
                message:
                    "expected a domain with a public Route53 hosted zone (like apps.example.com) in prod, where TLS, the " +
                    "certificate and external-dns are mandatory; only dev may run without one, found nothing (the key is not set)",
            },
        ];
    }
    return [];
}

/**
 * The section as infra/config.ts composes it. `checks` takes the whole parsed platform value, typed loosely
 * because LAYER_SECTIONS mixes sections (a narrow parameter type would not be assignable there); the loader
 * runs it only after platformShape, which contains `ingress`, parsed successfully.
 */
export const ingressSection = configSection({
    ...ingressSectionDef,
    checks: (v, environment) => ingressChecks({ ...v, environment }),
});

/** Why the stack has no TLS; surfaced as the `ingressTls` stack output. */
export const TLS_DISABLED_REASON = "disabled: no platform:ingress.domain set";
