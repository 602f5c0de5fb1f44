// Vault's bootstrap: an in-cluster Job, declared by the program, that brings Vault to the declared state and is a
// no-op when it is already there.
//
// Why a Job and not the @pulumi/vault provider:
// - Vault is reachable only inside the cluster (ClusterIP; prod's API server is private too), and `pulumi up` may run
//   from anywhere: the provider would need a tunnel and an admin token in the deployer's environment or stack config.
// - `vault operator init` is not a provider resource, and whatever a provider resource returned would be in the state:
//   the recovery keys must never be there. The Job writes them straight to an AWS Secrets Manager secret encrypted
//   with the platform key; the state holds only that secret's ARN, the plan and logs never see a key.
// - The root token from init is used once to configure Vault and then revoked. Later runs log in through the
//   Kubernetes auth method as the `bootstrap` role (service account vault/vault-bootstrap), whose policy may change
//   only the mount, auth method, audit device, policies and roles this program owns.
// - Idempotent by construction: every step checks before it writes (init only when `operator init -status` says 2,
//   enable only what is missing, policies and roles written with PUT semantics, owned leftovers deleted). The Job's
//   pod template carries the checksum of what it applies, so `pulumi up` replaces the Job exactly when the declared
//   Vault state changes and is a no-op otherwise.
//
// Images: the Vault CLI is copied by an init container from the pinned server image into a shared emptyDir and run
// in the pinned AWS CLI image (the Vault image has no AWS CLI; the Vault binary is a static Go build). Restricted
// security context throughout; the only token in the pod is a projected one with audience `vault`.
import { createHash } from "crypto";
import type * as k8s from "@pulumi/kubernetes";
import { VaultAccess } from "./access";
import { AUDIT_DEVICE, policyHcl } from "./hcl";
import {
    AWS_CLI_IMAGE,
    BOOTSTRAP_ROLE,
    BOOTSTRAP_SERVICE_ACCOUNT,
    LAYER_LABELS,
    VAULT_AUDIENCE,
    VAULT_CA_CONFIGMAP,
    VAULT_HEADLESS_SERVICE,
    VAULT_IMAGE,
    VAULT_PORT,
    VAULT_RELEASE,
} from "./names";

export interface BootstrapSettings {
    mode: "inCluster" | "external";
    /** In-cluster: the active node's service; external: the configured address. */
    vaultAddress: string;
    recoveryShares: number;
    recoveryThreshold: number;
    /** Kubernetes API address Vault's auth method calls (in-cluster Vault: the in-cluster service). */
    kubernetesHost: string;
    region: string;
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._:/@,*+-]*$/;

function arg(v: string): string {
    if (!SAFE.test(v)) throw new Error(`bootstrap argument ${JSON.stringify(v)} has characters the script does not quote`);
    return v;
}

/** Files the Job's ConfigMap holds: the script, one HCL file per policy. Nothing secret. */
export function bootstrapFiles(access: VaultAccess, s: BootstrapSettings): Record<string, string> {
    const files: Record<string, string> = { "bootstrap.sh": bootstrapScript(access, s) };
    for (const p of access.policies) files[`policy-${p.name}.hcl`] = policyHcl(p.rules);
    return files;
}

/** Checksum of everything the Job applies: its pod-template annotation, so a change replaces the Job. */
export function bootstrapChecksum(files: Record<string, string>): string {
    const h = createHash("sha256");
    for (const k of Object.keys(files).sort()) h.update(`${k}\0${files[k]}\0`);
    return h.digest("hex");
}

export function bootstrapScript(access: VaultAccess, s: BootstrapSettings): string {
    const auth = arg(access.authMount);
    const kv = arg(access.kvMount);
    const prefix = arg(access.policyPrefix);
    const roles = access.roles
        .map((r) =>
            [
                `vault write auth/${auth}/role/${arg(r.name)}`,
                `bound_service_account_names=${r.boundServiceAccountNames.map(arg).join(",")}`,
                `bound_service_account_namespaces=${r.boundServiceAccountNamespaces.map(arg).join(",")}`,
                `audience=${arg(r.audience)}`,
                `token_policies=${r.policies.map(arg).join(",")}`,
                `token_ttl=${arg(r.tokenTtl)}`,
                `token_max_ttl=${arg(r.tokenTtl)}`,
                ">/dev/null",
            ].join(" "),
        )
        .join("\n");
    const policies = access.policies.map((p) => `vault policy write ${arg(p.name)} /bootstrap/policy-${arg(p.name)}.hcl >/dev/null`).join("\n");
    const declaredPolicies = access.policies.map((p) => arg(p.name)).join(" ");
    const declaredRoles = access.roles.map((r) => arg(r.name)).join(" ");
    const inCluster = s.mode === "inCluster";
    const authConfig = inCluster
        ? // Vault runs in this cluster: it reviews tokens with its own (re-read, short-lived) service-account token and CA.
          `vault write auth/${auth}/config kubernetes_host=${arg(s.kubernetesHost)} >/dev/null`
        : // An external Vault calls the API server with a reviewer token (service account vault-token-reviewer, bound to
          // system:auth-delegator) and the cluster CA.
          `vault write auth/${auth}/config kubernetes_host=${arg(s.kubernetesHost)} kubernetes_ca_cert=@/var/run/kube-ca/ca.crt token_reviewer_jwt=@/var/run/token-reviewer/token disable_local_ca_jwt=true >/dev/null`;
    const firstNode = `https://${VAULT_RELEASE}-0.${VAULT_HEADLESS_SERVICE}:${VAULT_PORT}`;
    return `#!/bin/sh
# Generated by infra/secrets/bootstrap.ts. Never prints a key or token (no xtrace, on purpose).
set -eu
umask 077
export PATH="/vault-bin:$PATH" HOME=/tmp VAULT_CACERT=/vault-ca/${VAULT_CA_CONFIGMAP.key} AWS_REGION=${arg(s.region)}
ACTIVE=${arg(s.vaultAddress)}
log() { echo "bootstrap: $*"; }

wait_for() {  # wait_for <address>: until Vault answers (sealed or not)
  i=0
  until VAULT_ADDR="$1" vault status >/dev/null 2>&1 || [ $? -eq 2 ]; do
    i=$((i + 1)); [ "$i" -ge 120 ] && { log "Vault at $1 did not answer in 10 minutes"; exit 1; }
    sleep 5
  done
}

${inCluster ? `# ---- initialisation (once) ------------------------------------------------------------------------------
wait_for ${firstNode}
set +e; VAULT_ADDR=${firstNode} vault operator init -status >/dev/null 2>&1; INIT=$?; set -e
if [ "$INIT" -eq 2 ]; then
  # Check that the recovery-key secret is writable BEFORE init: the keys exist only in this pod's memory.
  aws secretsmanager describe-secret --secret-id "$RECOVERY_SECRET_ARN" >/dev/null
  log "initialising Vault (awskms seal: recovery keys, ${s.recoveryShares} shares, threshold ${s.recoveryThreshold})"
  VAULT_ADDR=${firstNode} vault operator init -recovery-shares=${s.recoveryShares} -recovery-threshold=${s.recoveryThreshold} -format=json > /scratch/init.json
  n=0
  until aws secretsmanager put-secret-value --secret-id "$RECOVERY_SECRET_ARN" --secret-string file:///scratch/init.json >/dev/null; do
    n=$((n + 1)); [ "$n" -ge 10 ] && { log "could not store the recovery keys; see the runbook 'First unseal'"; exit 1; }
    sleep 6
  done
  log "recovery keys stored in Secrets Manager"
  VAULT_TOKEN=$(sed -n 's/.*"root_token": *"\\([^"]*\\)".*/\\1/p' /scratch/init.json)
  rm -f /scratch/init.json
  export VAULT_TOKEN
  REVOKE_ROOT=1
elif [ "$INIT" -ne 0 ]; then
  log "cannot read the initialisation status of ${firstNode}"; exit 1
fi
` : `# ---- external Vault: no initialisation here --------------------------------------------------------------
`}wait_for "$ACTIVE"
export VAULT_ADDR="$ACTIVE"
until vault status >/dev/null 2>&1; do sleep 5; done   # unsealed and active

if [ -z "\${VAULT_TOKEN:-}" ]; then
  if ! VAULT_TOKEN=$(vault write -field=token auth/${auth}/login role=${arg(BOOTSTRAP_ROLE)} jwt=@/var/run/vault-token/token 2>/dev/null); then
${inCluster ? `    log "Vault is initialised but the bootstrap role cannot log in: see the runbook 'Recovering the bootstrap'"; exit 1` : `    # First run against an external Vault: the admin token its operators stored for this cluster.
    VAULT_TOKEN=$(aws secretsmanager get-secret-value --secret-id "$ADMIN_TOKEN_SECRET_ARN" --query SecretString --output text)`}
  fi
  export VAULT_TOKEN
fi

# ---- declared state ---------------------------------------------------------------------------------------
vault read sys/mounts/${kv} >/dev/null 2>&1 || { log "enabling kv-v2 at ${kv}/"; vault secrets enable -path=${kv} -version=2 kv >/dev/null; }
vault read sys/auth/${auth} >/dev/null 2>&1 || { log "enabling kubernetes auth at ${auth}/"; vault auth enable -path=${auth} kubernetes >/dev/null; }
${authConfig}
${inCluster ? `vault audit list 2>/dev/null | grep -q '^${AUDIT_DEVICE.path}/' || { log "enabling the file audit device"; vault audit enable -path=${AUDIT_DEVICE.path} ${AUDIT_DEVICE.type} file_path=${AUDIT_DEVICE.options.file_path} mode=${AUDIT_DEVICE.options.mode} >/dev/null; }
` : ""}${policies}
${roles}

# ---- owned leftovers ----------------------------------------------------------------------------------------
for p in $(vault policy list); do
  case "$p" in ${prefix}*) case " ${declaredPolicies} " in *" $p "*) ;; *) log "deleting policy $p"; vault policy delete "$p" >/dev/null;; esac;; esac
done
for r in $(vault list -format=table auth/${auth}/role 2>/dev/null | tail -n +3); do
  case " ${declaredRoles} " in *" $r "*) ;; *) log "deleting role $r"; vault delete "auth/${auth}/role/$r" >/dev/null;; esac
done

if [ "\${REVOKE_ROOT:-0}" = 1 ]; then vault token revoke -self >/dev/null; log "root token revoked"; fi
log "Vault is in the declared state"
`;
}

export interface BootstrapJobArgs {
    configMapName: string;
    checksum: string;
    /** External Vault: mount the reviewer token Secret. */
    external: boolean;
    env: Record<string, string>;
}

const RESTRICTED = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/** The Job's spec (batch/v1). */
export function bootstrapJobSpec(args: BootstrapJobArgs): k8s.types.input.batch.v1.JobSpec {
    const volumeMounts = [
        { name: "vault-bin", mountPath: "/vault-bin" },
        { name: "bootstrap", mountPath: "/bootstrap", readOnly: true },
        { name: "vault-ca", mountPath: "/vault-ca", readOnly: true },
        { name: "vault-token", mountPath: "/var/run/vault-token", readOnly: true },
        { name: "scratch", mountPath: "/scratch" },
        { name: "tmp", mountPath: "/tmp" },
        ...(args.external
            ? [
                  { name: "kube-ca", mountPath: "/var/run/kube-ca", readOnly: true },
                  { name: "token-reviewer", mountPath: "/var/run/token-reviewer", readOnly: true },
              ]
            : []),
    ];
    const resources = { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } };
    return {
        backoffLimit: 4,
        activeDeadlineSeconds: 1800,
        template: {
            metadata: {
                labels: { "app.kubernetes.io/name": "vault-bootstrap", ...LAYER_LABELS },
                annotations: { "platform.io/bootstrap-checksum": args.checksum },
            },
            spec: {
                serviceAccountName: BOOTSTRAP_SERVICE_ACCOUNT,
                // The only token in the pod is the projected one below, audience `vault`: it cannot call the API server.
                automountServiceAccountToken: false,
                restartPolicy: "Never",
                securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
                initContainers: [
                    {
                        name: "vault-cli",
                        image: VAULT_IMAGE,
                        command: ["/bin/sh", "-ec", "cp /bin/vault /vault-bin/vault"],
                        securityContext: RESTRICTED,
                        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                        volumeMounts: [{ name: "vault-bin", mountPath: "/vault-bin" }],
                    },
                ],
                containers: [
                    {
                        name: "bootstrap",
                        image: AWS_CLI_IMAGE,
                        command: ["/bin/sh", "/bootstrap/bootstrap.sh"],
                        env: Object.entries(args.env).map(([name, value]) => ({ name, value })),
                        securityContext: RESTRICTED,
                        resources,
                        volumeMounts,
                    },
                ],
                volumes: [
                    { name: "vault-bin", emptyDir: { sizeLimit: "600Mi" } },
                    { name: "bootstrap", configMap: { name: args.configMapName, defaultMode: 0o444 } },
                    { name: "vault-ca", configMap: { name: VAULT_CA_CONFIGMAP.name, items: [{ key: VAULT_CA_CONFIGMAP.key, path: VAULT_CA_CONFIGMAP.key }] } },
                    {
                        name: "vault-token",
                        projected: { sources: [{ serviceAccountToken: { audience: VAULT_AUDIENCE, expirationSeconds: 600, path: "token" } }] },
                    },
                    // The init output lives in memory only, and only until it is stored.
                    { name: "scratch", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                    { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                    ...(args.external
                        ? [
                              { name: "kube-ca", configMap: { name: "kube-root-ca.crt" } },
                              { name: "token-reviewer", secret: { secretName: TOKEN_REVIEWER_SECRET } },
                          ]
                        : []),
                ],
            },
        },
    };
}

/** External Vault: service-account-token Secret (filled by Kubernetes, declared without data) of the token reviewer. */
export const TOKEN_REVIEWER_SERVICE_ACCOUNT = "vault-token-reviewer";
export const TOKEN_REVIEWER_SECRET = "vault-token-reviewer";
