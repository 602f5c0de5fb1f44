// Secret stores (external-secrets.io/v1), as pure specs. Fields per the ClusterSecretStore / SecretStore CRD at
// external-secrets v2.9.0 (deploy/crds/bundle.yaml @ cc5bfbc2: spec.provider.vault.{server,path,version,caProvider,
// auth.kubernetes.{mountPath,role,serviceAccountRef.{name,namespace,audiences}}}, spec.provider.aws.{service,region,
// role}, spec.conditions[].{namespaceSelector,namespaces}); test/secrets/fixtures/crds.ts transcribes that schema.
import { VAULT_AUDIENCE, VAULT_CA_CONFIGMAP } from "./names";

export const STORE_API_VERSION = "external-secrets.io/v1";

export interface VaultStoreArgs {
    server: string;
    kvMount: string;
    authMount: string;
    role: string;
    serviceAccount: { name: string; namespace: string };
    /** Namespace of the CA ConfigMap. */
    caNamespace: string;
    /** Limits which namespaces' ExternalSecrets may use the store. */
    conditions: Record<string, unknown>[];
}

/**
 * A Vault kv-v2 store that authenticates with Kubernetes auth as the given service account: external-secrets asks the
 * API server for a token of that account with audience `vault` (TokenRequest; the chart's rbac.serviceAccountTokenCreate)
 * and logs in with the given role. Vault's certificate is checked against the CA in the vault-ca ConfigMap.
 */
export function vaultStoreSpec(a: VaultStoreArgs): Record<string, unknown> {
    return {
        conditions: a.conditions,
        provider: {
            vault: {
                server: a.server,
                path: a.kvMount,
                version: "v2",
                caProvider: { type: "ConfigMap", name: VAULT_CA_CONFIGMAP.name, key: VAULT_CA_CONFIGMAP.key, namespace: a.caNamespace },
                auth: {
                    kubernetes: {
                        mountPath: a.authMount,
                        role: a.role,
                        serviceAccountRef: { name: a.serviceAccount.name, namespace: a.serviceAccount.namespace, audiences: [VAULT_AUDIENCE] },
                    },
                },
            },
        },
    };
}

/**
 * AWS Secrets Manager with EKS Pod Identity: NO `auth` block (external-secrets docs/provider/aws-access.md @ v2.9.0,
 * "EKS Pod Identity"): the controller's own credentials are used. With `role`, the controller assumes that role first.
 */
export function awsStoreSpec<R = string>(a: { region: string; role?: R; conditions?: Record<string, unknown>[] }): Record<string, unknown> {
    return {
        ...(a.conditions ? { conditions: a.conditions } : {}),
        provider: { aws: { service: "SecretsManager", region: a.region, ...(a.role ? { role: a.role } : {}) } },
    };
}

/** Application namespaces carry this label (NamespaceBaseline `platform.io/team`); the platform store excludes them. */
export const TEAM_LABEL = "platform.io/team";

/** Only namespaces without a team label: platform namespaces (monitoring, argocd, ...), never an application's. */
export function platformNamespacesOnly(): Record<string, unknown>[] {
    return [{ namespaceSelector: { matchExpressions: [{ key: TEAM_LABEL, operator: "DoesNotExist" }] } }];
}

/** Exactly one namespace. */
export function onlyNamespace(namespace: string): Record<string, unknown>[] {
    return [{ namespaces: [namespace] }];
}
