// Config of the secrets layer: one `platform:secrets` object.
//
//   platform:secrets:
//     vault:
//       mode: inCluster                  # inCluster | external
//       replicas: 3                      # Raft voters: 1 (dev) or an odd number >= 3 (prod)
//       resources: { cpu: 500m, memory: 512Mi, memoryLimit: 1Gi }
//       dataStorageSize: 10Gi            # PVC per pod for the Raft data (encrypted gp3)
//       auditStorageSize: 10Gi           # PVC per pod for the file audit device
//       recoveryShares: 5                # `vault operator init -recovery-shares`
//       recoveryThreshold: 3             # `-recovery-threshold`
//       certificateValidityDays: 365     # listener certificate (the CA lives 10 years)
//       ui: internalLoadBalancer         # clusterOnly | internalLoadBalancer (an internal NLB, VPC CIDR only)
//       external:                        # only with mode: external
//         address: https://vault.example.internal:8200
//         caCertPem: "-----BEGIN CERTIFICATE-----..."   # public CA certificate of that Vault
//     externalSecrets:
//       replicas: 2                      # controller (leader election on when > 1)
//       webhookReplicas: 2
//       certControllerReplicas: 2
//     refreshInterval: 1h                # default refresh of every ExternalSecret
//     vaultConsumers:                    # service accounts that read their own Vault path
//       - { namespace: quotes, serviceAccount: quotes }
import { z } from "zod";
import { type Environment, configSection, duration, quantity } from "../lib/configSchema";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const label = (what: string) =>
    z.string().max(63, { message: `expected a ${what} of at most 63 characters` }).regex(DNS1123_LABEL, {
        message: `expected a ${what} (lower-case letters, digits and '-', starting and ending with a letter or digit)`,
    });

const resources = z.strictObject({ cpu: quantity, memory: quantity, memoryLimit: quantity });

const vault = z.strictObject({
    mode: z.enum(["inCluster", "external"]),
    replicas: z.number().int().min(1, { message: "expected 1 or an odd number from 3 to 7" }).max(7, { message: "expected at most 7 Raft voters" }),
    resources,
    dataStorageSize: quantity,
    auditStorageSize: quantity,
    // `vault operator init`: recovery shares 1-255, threshold <= shares (Vault docs, operator init).
    recoveryShares: z.number().int().min(1).max(255),
    recoveryThreshold: z.number().int().min(1).max(255),
    certificateValidityDays: z.number().int().min(30, { message: "expected at least 30 days" }).max(825, { message: "expected at most 825 days" }),
    ui: z.enum(["clusterOnly", "internalLoadBalancer"]),
    external: z
        .strictObject({
            address: z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/, {
                message: "expected an https:// address of the external Vault, like https://vault.example.internal:8200",
            }),
            caCertPem: z.string().regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, {
                message: "expected the PEM CA certificate (public) of the external Vault",
            }),
        })
        .optional(),
});

const externalSecrets = z.strictObject({
    replicas: z.number().int().min(1).max(5),
    webhookReplicas: z.number().int().min(1).max(5),
    certControllerReplicas: z.number().int().min(1).max(5),
});

const consumer = z.strictObject({ namespace: label("namespace name"), serviceAccount: label("service account name") });

const secrets = z.strictObject({
    vault,
    externalSecrets,
    refreshInterval: duration,
    vaultConsumers: z.array(consumer),
});

export type SecretsSettings = z.infer<typeof secrets>;
export type VaultSettings = z.infer<typeof vault>;
export type VaultConsumer = z.infer<typeof consumer>;

const baseSection = {
    shape: { secrets },
    defaults: {
        dev: {
            secrets: {
                vault: {
                    mode: "inCluster",
                    replicas: 1,
                    resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
                    dataStorageSize: "10Gi",
                    auditStorageSize: "10Gi",
                    recoveryShares: 5,
                    recoveryThreshold: 3,
                    certificateValidityDays: 365,
                    ui: "clusterOnly",
                },
                externalSecrets: { replicas: 1, webhookReplicas: 1, certControllerReplicas: 1 },
                refreshInterval: "15m",
                vaultConsumers: [{ namespace: "quotes", serviceAccount: "quotes" }],
            },
        },
        prod: {
            secrets: {
                vault: {
                    mode: "inCluster",
                    replicas: 3,
                    resources: { cpu: "500m", memory: "512Mi", memoryLimit: "1Gi" },
                    dataStorageSize: "20Gi",
                    auditStorageSize: "20Gi",
                    recoveryShares: 5,
                    recoveryThreshold: 3,
                    certificateValidityDays: 365,
                    ui: "internalLoadBalancer",
                },
                externalSecrets: { replicas: 2, webhookReplicas: 2, certControllerReplicas: 2 },
                refreshInterval: "1h",
                vaultConsumers: [{ namespace: "quotes", serviceAccount: "quotes" }],
            },
        },
    },
};

const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/;
function mebibytes(q: string): number | undefined {
    const m = MEMORY.exec(q);
    if (!m) return undefined;
    const factor = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[m[2] ?? ""] ?? 1 / 2 ** 20;
    return Number(m[1]) * factor;
}

export function secretsChecks(v: { environment: Environment; secrets: SecretsSettings }): { key: string; message: string }[] {
    const out: { key: string; message: string }[] = [];
    const s = v.secrets;
    const vlt = s.vault;
    if (vlt.mode === "inCluster") {
        if (v.environment === "prod" && (vlt.replicas < 3 || vlt.replicas % 2 === 0)) {
            out.push({
                key: "secrets.vault.replicas",
                message: `expected an odd number of at least 3 Raft voters in prod (a quorum survives one lost pod or zone), found ${vlt.replicas}`,
            });
        } else if (vlt.replicas > 1 && vlt.replicas % 2 === 0) {
            out.push({ key: "secrets.vault.replicas", message: `expected 1 or an odd number of Raft voters (an even count adds no fault tolerance), found ${vlt.replicas}` });
        }
        if (vlt.external !== undefined) {
            out.push({ key: "secrets.vault.external", message: "expected no external Vault settings with mode inCluster (set mode: external to use them), found an external block" });
        }
    } else if (vlt.external === undefined) {
        out.push({ key: "secrets.vault.external", message: "expected { address, caCertPem } of the external Vault with mode external, found nothing (the key is not set)" });
    }
    if (vlt.recoveryThreshold > vlt.recoveryShares) {
        out.push({
            key: "secrets.vault.recoveryThreshold",
            message: `expected at most recoveryShares (${vlt.recoveryShares}), found ${vlt.recoveryThreshold}`,
        });
    }
    if (vlt.recoveryShares > 1 && vlt.recoveryThreshold < 2) {
        out.push({ key: "secrets.vault.recoveryThreshold", message: `expected at least 2 when there are several shares (one holder alone must not suffice), found ${vlt.recoveryThreshold}` });
    }
    const mem = mebibytes(vlt.resources.memory);
    const lim = mebibytes(vlt.resources.memoryLimit);
    if (mem !== undefined && lim !== undefined && lim < mem) {
        out.push({ key: "secrets.vault.resources.memoryLimit", message: `expected at least the memory request (${vlt.resources.memory}), found ${vlt.resources.memoryLimit}` });
    }
    if (v.environment === "prod") {
        for (const k of ["replicas", "webhookReplicas", "certControllerReplicas"] as const) {
            if (s.externalSecrets[k] < 2) {
                out.push({ key: `secrets.externalSecrets.${k}`, message: `expected at least 2 in prod (the webhook fails closed; one pod is a single point of failure), found ${s.externalSecrets[k]}` });
            }
        }
    }
    const seen = new Set<string>();
    s.vaultConsumers.forEach((c, i) => {
        const id = `${c.namespace}/${c.serviceAccount}`;
        if (seen.has(id)) out.push({ key: `secrets.vaultConsumers[${i}]`, message: `expected each namespace/serviceAccount once, found ${id} twice` });
        seen.add(id);
    });
    return out;
}

/** The section as infra/config.ts composes it. */
export const secretsSection = configSection({
    ...baseSection,
    checks: (v, environment) => secretsChecks({ environment, secrets: v.secrets }),
});
