// What the secrets layer hands to the layers that deliver credentials to pods (observability, gitops, backup,
// workloads). Names, addresses and things to depend on; never a secret value.
import * as pulumi from "@pulumi/pulumi";

export interface SecretsContract {
    /** ClusterSecretStore name for Vault (kv v2): platform-owned secrets under `<kvMount>/platform/...`, usable only
     *  from namespaces without a `platform.io/team` label (platform add-ons, never application namespaces). */
    vaultStore: string;
    /** ClusterSecretStore name for AWS Secrets Manager (Pod Identity, no auth block). */
    awsStore: string;
    /** ExternalSecrets dependsOn these (the external-secrets release + the stores). */
    ready: pulumi.Resource[];
    /** Default refresh interval of ExternalSecrets (platform:secrets.refreshInterval). */
    refreshInterval: string;
    /** Vault kv-v2 mount, e.g. "platform". */
    kvMount: string;
    /** Platform-owned AWS Secrets Manager secrets are named `${awsSecretPrefix}<layer>/<name>` and encrypted with
     *  kmsKeyArn; the awsStore's Pod Identity role may read exactly `secret:${awsSecretPrefix}*` and decrypt with that key. */
    awsSecretPrefix: string;
    kmsKeyArn: pulumi.Output<string>;
    vault: {
        /** In-cluster https address, e.g. https://vault-active.vault.svc:8200 (or the external Vault's). */
        address: string;
        /** CA bundle to trust Vault's TLS (namespace vault), copied into namespaces that need it. */
        caConfigMap: { name: string; key: string };
        /** Namespace of caConfigMap. */
        caNamespace: string;
        /** The same CA certificate (public), for consumers that need it in their own namespace (the backup layer). */
        caCertPem?: pulumi.Output<string>;
        kubernetesAuthMount: string;
        /** Audience Vault's Kubernetes auth roles require in the presented token. */
        audience: string;
        /** Vault role allowed only to take raft snapshots, for the backup layer's CronJob (SA velero/vault-snapshot). */
        snapshot: { role: string; namespace: string; serviceAccount: string };
    };
    /**
     * Per-service Vault access (`platform:secrets.vaultConsumers`): the ClusterSecretStore that authenticates as that
     * service account (usable only from its namespace) and the kv path it may read. Throws, naming the config key,
     * for a service account that is not declared.
     */
    vaultAccessFor(namespace: string, serviceAccount: string): { store: string; pathPrefix: string };
}
