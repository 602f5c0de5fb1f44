// Vault's server configuration (HCL) and Vault ACL policies, built as text from typed inputs.
//
// Server config: chart value `server.ha.raft.config` (hashicorp/vault-helm values.yaml @ v0.34.1). The chart copies it
// to /tmp/storageconfig.hcl and runs `sed` over it replacing HOST_IP, POD_IP, HOSTNAME, API_ADDR, TRANSIT_ADDR and
// RAFT_ADDR (templates/_helpers.tpl "vault.args"), so the text must not contain those words except on purpose:
// `vaultServerConfig` refuses it.
import { VAULT_AUDIT_PATH, VAULT_CLUSTER_PORT, VAULT_DATA_PATH, VAULT_HEADLESS_SERVICE, VAULT_PORT, VAULT_RELEASE, VAULT_TLS_DIR } from "./names";

/** Words the chart's start script rewrites in the config file. */
export const CHART_PLACEHOLDERS = ["HOST_IP", "POD_IP", "HOSTNAME", "API_ADDR", "TRANSIT_ADDR", "RAFT_ADDR"] as const;

export interface VaultServerConfigArgs {
    replicas: number;
    region: string;
    /** KMS key id, ARN or alias of the seal key. */
    sealKeyId: string;
    /** Name shown in `vault status` and telemetry. */
    clusterName: string;
}

/** Raft peer addresses: the StatefulSet's pods behind the headless service. */
export function raftPeers(replicas: number): string[] {
    return Array.from({ length: replicas }, (_, i) => `${VAULT_RELEASE}-${i}.${VAULT_HEADLESS_SERVICE}`);
}

function quoted(v: string): string {
    if (/["\\\n]/.test(v)) throw new Error(`HCL value ${JSON.stringify(v)} contains a quote, backslash or newline`);
    return `"${v}"`;
}

/**
 * The server configuration of an HA Raft Vault with TLS on the listener and KMS auto-unseal. Facts:
 * - listener tcp: tls_cert_file / tls_key_file (Vault docs, configuration/listener/tcp); TLS 1.2 minimum;
 *   `telemetry.unauthenticated_metrics_access` lets Prometheus scrape /v1/sys/metrics without a token.
 * - storage raft: retry_join per peer with leader_api_addr and leader_ca_cert_file (a PATH; leader_ca_cert would take
 *   PEM text, hashicorp/vault#9075). The peers' certificates must name vault-N.vault-internal (hashicorp/vault-helm#645).
 * - disable_mlock: HashiCorp recommends it with integrated storage (configuration docs, "disable_mlock"), and the pod
 *   then needs no IPC_LOCK capability.
 * - seal awskms: region + kms_key_id (Vault docs, configuration/seal/awskms). Credentials come from the IRSA web
 *   identity (see iam.ts for why not Pod Identity).
 * - service_registration kubernetes: labels the pods vault-active / vault-sealed for the chart's services.
 */
export function vaultServerConfig(args: VaultServerConfigArgs): string {
    if (args.replicas < 1) throw new Error(`Vault needs at least one replica, found ${args.replicas}`);
    const retryJoin = raftPeers(args.replicas)
        .map(
            (peer) => `  retry_join {
    leader_api_addr     = ${quoted(`https://${peer}:${VAULT_PORT}`)}
    leader_ca_cert_file = ${quoted(`${VAULT_TLS_DIR}/ca.crt`)}
  }`,
        )
        .join("\n");
    const text = `ui            = true
disable_mlock = true
cluster_name  = ${quoted(args.clusterName)}

listener "tcp" {
  address         = ${quoted(`[::]:${VAULT_PORT}`)}
  cluster_address = ${quoted(`[::]:${VAULT_CLUSTER_PORT}`)}
  tls_cert_file   = ${quoted(`${VAULT_TLS_DIR}/tls.crt`)}
  tls_key_file    = ${quoted(`${VAULT_TLS_DIR}/tls.key`)}
  tls_min_version = "tls12"
  telemetry {
    unauthenticated_metrics_access = true
  }
}

storage "raft" {
  path = ${quoted(VAULT_DATA_PATH)}
${retryJoin}
}

seal "awskms" {
  region     = ${quoted(args.region)}
  kms_key_id = ${quoted(args.sealKeyId)}
}

service_registration "kubernetes" {}

telemetry {
  prometheus_retention_time = "30s"
  disable_hostname          = true
}
`;
    const hit = CHART_PLACEHOLDERS.find((p) => text.includes(p));
    if (hit) throw new Error(`the Vault config contains "${hit}", which the chart's start script would replace`);
    return text;
}

/** Where the file audit device writes (on the audit PVC). */
export const AUDIT_DEVICE = { path: "file", type: "file", options: { file_path: `${VAULT_AUDIT_PATH}/vault_audit.log`, mode: "0600" } } as const;

// ---- ACL policies ----------------------------------------------------------------------------------------------

export type Capability = "create" | "read" | "update" | "patch" | "delete" | "list" | "sudo";

export interface PolicyRule {
    path: string;
    capabilities: Capability[];
}

/** Renders ACL rules as Vault policy HCL (one `path` block per rule). */
export function policyHcl(rules: PolicyRule[]): string {
    return rules
        .map((r) => `path ${quoted(r.path)} {\n  capabilities = [${r.capabilities.map((c) => quoted(c)).join(", ")}]\n}\n`)
        .join("\n");
}

/**
 * Read-only access to one subtree of a kv-v2 mount: the secret versions live under `<mount>/data/...`, their metadata
 * (what ExternalSecrets `find` and version listing read) under `<mount>/metadata/...` (Vault docs, kv v2 "ACL rules").
 */
export function kvReadRules(mount: string, prefix: string): PolicyRule[] {
    if (!/^[a-z0-9][a-z0-9/_-]*[a-z0-9]$/.test(prefix) || prefix.includes("//") || prefix.includes("*")) {
        throw new Error(`kv path prefix ${JSON.stringify(prefix)} must be a plain path (no wildcards, no empty segments)`);
    }
    return [
        { path: `${mount}/data/${prefix}/*`, capabilities: ["read"] },
        { path: `${mount}/metadata/${prefix}/*`, capabilities: ["read", "list"] },
    ];
}
