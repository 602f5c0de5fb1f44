// Vault's listener TLS: a platform CA and a server certificate, made with @pulumi/tls.
//
// Why @pulumi/tls (and what it costs): the CA and server keys are Pulumi secrets in the stack state (encrypted by the
// stack's secrets provider: use an AWS KMS secrets provider, docs/secrets.md), as the Valkey AUTH token already is.
// In exchange the certificates are declared, reviewed in the plan (SANs, validity) and renewed by `pulumi up`
// (earlyRenewalHours) with no extra controller. cert-manager would keep the CA key in the cluster only, but adds a
// chart, three CRDs and a reload path for Vault; a Job generating them needs an image with openssl that we cannot pin
// and verify offline. The key material never appears in a Kubernetes object the program declares: it goes to an AWS
// Secrets Manager secret outside the awsStore's prefix and reaches the vault namespace only through a SecretStore
// there that assumes a role able to read that one secret (index.ts).
import { VAULT_HEADLESS_SERVICE, VAULT_NAMESPACE, VAULT_RELEASE } from "./names";
import { raftPeers } from "./hcl";

/**
 * Names the server certificate must carry: every way a client or a Raft peer reaches a node. The peers join each
 * other at vault-N.vault-internal (retry_join leader_api_addr), so those names are required (hashicorp/vault-helm#645);
 * clients use vault-active.vault.svc / vault.vault.svc; the pod's own CLI uses 127.0.0.1.
 */
export function vaultServerSans(replicas: number): { dnsNames: string[]; ipAddresses: string[] } {
    const ns = VAULT_NAMESPACE;
    const services = [VAULT_RELEASE, `${VAULT_RELEASE}-active`, `${VAULT_RELEASE}-standby`, VAULT_HEADLESS_SERVICE, `${VAULT_RELEASE}-ui`];
    const dnsNames = [
        ...raftPeers(replicas),
        `*.${VAULT_HEADLESS_SERVICE}`,
        `*.${VAULT_HEADLESS_SERVICE}.${ns}.svc`,
        `*.${VAULT_HEADLESS_SERVICE}.${ns}.svc.cluster.local`,
        ...services.flatMap((s) => [s, `${s}.${ns}`, `${s}.${ns}.svc`, `${s}.${ns}.svc.cluster.local`]),
        "localhost",
    ];
    return { dnsNames: [...new Set(dnsNames)], ipAddresses: ["127.0.0.1", "::1"] };
}

/** Validity of the CA (10 years): leaf renewals keep clients' trust bundle unchanged. */
export const CA_VALIDITY_HOURS = 24 * 3650;
/** Renew the server certificate this long before it expires (the next `pulumi up` after that point re-issues it). */
export const SERVER_EARLY_RENEWAL_HOURS = 24 * 30;
export const SERVER_ALLOWED_USES = ["digital_signature", "key_encipherment", "server_auth"];
export const CA_ALLOWED_USES = ["cert_signing", "crl_signing"];
