// Names the secrets layer fixes, shared by its values builders, bootstrap, stores and the contract.
// Pinned (never derived from a chart's fullname) so IAM trust, Pod Identity associations, Vault roles and TLS SANs
// can be written before the charts render.

export const VAULT_NAMESPACE = "vault";
/** Helm release name; the chart's fullname is the release name, so services are vault, vault-active, vault-internal. */
export const VAULT_RELEASE = "vault";
export const VAULT_SERVICE_ACCOUNT = "vault";
/** Headless service of the StatefulSet (`<fullname>-internal`): the Raft peers are vault-N.vault-internal. */
export const VAULT_HEADLESS_SERVICE = `${VAULT_RELEASE}-internal`;
export const VAULT_PORT = 8200;
export const VAULT_CLUSTER_PORT = 8201;

/** Kubernetes TLS Secret with tls.crt, tls.key and ca.crt, mounted into the Vault pods. */
export const VAULT_TLS_SECRET = "vault-tls";
export const VAULT_TLS_DIR = `/vault/userconfig/${VAULT_TLS_SECRET}`;
/** ConfigMap (public CA certificate only) that clients of Vault trust. */
export const VAULT_CA_CONFIGMAP = { name: "vault-ca", key: "ca.crt" } as const;

export const VAULT_DATA_PATH = "/vault/data";
export const VAULT_AUDIT_PATH = "/vault/audit";
export const VAULT_AUDIT_FILE = `${VAULT_AUDIT_PATH}/vault_audit.log`;

/** kv-v2 mount of the platform; services read `<mount>/data/apps/<namespace>/<serviceAccount>/*`. */
export const KV_MOUNT = "platform";
export const KUBERNETES_AUTH_MOUNT = "kubernetes";
/** Audience every token presented to Vault's Kubernetes auth carries (and every Vault role requires). */
export const VAULT_AUDIENCE = "vault";

export const ESO_NAMESPACE = "external-secrets";
export const ESO_RELEASE = "external-secrets";
/** Controller service account (Pod Identity association and the Vault role `external-secrets`). */
export const ESO_SERVICE_ACCOUNT = "external-secrets";

export const VAULT_STORE = "vault";
export const AWS_STORE = "aws-secrets-manager";

/** Bootstrap Job's service account (namespace vault) and its Vault role. */
export const BOOTSTRAP_SERVICE_ACCOUNT = "vault-bootstrap";
export const BOOTSTRAP_ROLE = "bootstrap";
/** Role/SA pair for the backup layer's Raft snapshot CronJob. */
export const SNAPSHOT_ACCESS = { role: "vault-snapshot", namespace: "velero", serviceAccount: "vault-snapshot" } as const;
/** Vault role of the external-secrets controller for the platform's own secrets (`platform/` under the kv mount). */
export const ESO_VAULT_ROLE = "external-secrets";
/** Path prefix (inside the kv mount) of platform-owned secrets: Grafana, Argo CD admin credentials, ... */
export const PLATFORM_KV_PREFIX = "platform";
/** Path prefix (inside the kv mount) of application secrets: apps/<namespace>/<serviceAccount>/<name>. */
export const APPS_KV_PREFIX = "apps";

/** Images the bootstrap Job runs. The Vault CLI comes from the server's own image (same tag as the chart's default). */
export const VAULT_IMAGE = "hashicorp/vault:2.0.4";
/** AWS CLI v2 (botocore with the EKS Pod Identity container provider, which needs >= 1.34.41: 2.27.x is well past it). */
export const AWS_CLI_IMAGE = "amazon/aws-cli:2.27.50";

/** Labels every object of the layer carries. */
export const LAYER_LABELS = { "app.kubernetes.io/part-of": "platform-secrets" } as const;

/** Prefix of the Vault policies the bootstrap owns (it deletes owned policies no longer declared, never others). */
export const IN_CLUSTER_POLICY_PREFIX = "platform-";
