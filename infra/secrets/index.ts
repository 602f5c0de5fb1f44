// The secrets layer: HashiCorp Vault (HA Raft, TLS, KMS auto-unseal, audit device) on the Karpenter `platform` pool
// (vault.ts), external-secrets on the system nodes, the ClusterSecretStores every other layer uses, and Vault's
// declarative bootstrap Job. Decisions are justified where they are made: IRSA for the seal (iam.ts), a bootstrap
// Job rather than @pulumi/vault (bootstrap.ts), @pulumi/tls (tls.ts). docs/secrets.md is the guide; the README's
// "Secrets runbook" the operations.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../cluster/contract";
import type { DataContract } from "../data/contract";
import type { KarpenterContract } from "../karpenter/contract";
import { charts } from "../lib/charts";
import { customerKey } from "../lib/kms";
import { Tags, withTags } from "../lib/naming";
import { systemChart } from "../lib/systemChart";
import { WorkloadIdentity } from "../lib/workloadIdentity";
import { bootstrapDocument, consumerLookup, consumerRole, vaultAccess } from "./access";
import { bootstrapChecksum, bootstrapFiles, bootstrapJobSpec } from "./bootstrap";
import { SecretsSettings } from "./config";
import { SecretsContract } from "./contract";
import { awsStorePolicy, bootstrapPolicy, secretsKeyPolicy } from "./iam";
import {
    AWS_STORE,
    BOOTSTRAP_SERVICE_ACCOUNT,
    ESO_NAMESPACE,
    ESO_RELEASE,
    ESO_SERVICE_ACCOUNT,
    ESO_VAULT_ROLE,
    IN_CLUSTER_POLICY_PREFIX,
    KUBERNETES_AUTH_MOUNT,
    KV_MOUNT,
    LAYER_LABELS,
    SNAPSHOT_ACCESS,
    VAULT_AUDIENCE,
    VAULT_CA_CONFIGMAP,
    VAULT_NAMESPACE,
    VAULT_STORE,
} from "./names";
import { STORE_API_VERSION, awsStoreSpec, onlyNamespace, platformNamespacesOnly, vaultStoreSpec } from "./stores";
import { esoPods, esoValues } from "./values";
import { VaultDeployment, externalVault, inClusterVault } from "./vault";

export type { SecretsContract } from "./contract";
export { secretsSection, type SecretsSettings } from "./config";

export interface SecretsArgs {
    cluster: ClusterContract;
    karpenter: KarpenterContract;
    data: DataContract;
    settings: SecretsSettings;
    /** The VPC CIDR: the only source allowed to reach the internal UI load balancer. */
    vpcCidr: string;
    protectStateful: boolean;
    tags: Tags;
}

/** Stack outputs the layer owns: names and ARNs, never a secret. */
export interface SecretsOutputs {
    vaultAddress: string;
    vaultMode: string;
    /** In-cluster Vault: where the bootstrap stored the recovery keys. */
    vaultRecoveryKeysSecretArn?: pulumi.Output<string>;
    vaultSealKeyArn?: pulumi.Output<string>;
    secretsKmsKeyArn: pulumi.Output<string>;
    awsSecretPrefix: string;
    secretStores: string[];
}

// Secrets Manager names of Vault internals: deliberately NOT under `${clusterName}/` (the awsStore's prefix), and
// explicitly denied to that store, so no ExternalSecret can ever read them.
export const recoverySecretName = (clusterName: string) => `${clusterName}-vault/recovery-keys`;
export const vaultTlsSecretName = (clusterName: string) => `${clusterName}-vault/tls`;
export const adminTokenSecretName = (clusterName: string) => `${clusterName}-vault/admin-token`;
export const consumerStoreName = (namespace: string, serviceAccount: string) => `vault-apps-${namespace}-${serviceAccount}`;

export class Secrets extends pulumi.ComponentResource {
    readonly contract: SecretsContract;
    readonly outputs: SecretsOutputs;
    readonly notices: string[];
    readonly externalSecrets: k8s.helm.v3.Release;
    readonly vault: VaultDeployment;
    readonly bootstrapJob: k8s.batch.v1.Job;
    /** The Vault policies and roles the bootstrap applies (JSON, nothing secret), for review and tests. */
    readonly bootstrapDocument: string;

    constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:secrets:Secrets", name, {}, opts);
        const parent = { parent: this };
        const k8sOpts = { parent: this, provider: args.cluster.provider };
        const { cluster, settings: s, tags } = args;
        const acct = cluster.account;
        const inCluster = s.vault.mode === "inCluster";
        const awsSecretPrefix = `${cluster.name}/`;

        // ---- the platform secrets key and the Secrets Manager secrets of Vault internals ---------------------------
        const secretsKey = customerKey(
            `${name}-key`,
            {
                description: `Platform secrets of ${cluster.name} (Secrets Manager ${awsSecretPrefix}*, Vault recovery keys and TLS)`,
                alias: `${cluster.name}-secrets`,
                policy: pulumi.all([acct.accountId, acct.partition]).apply(([accountId, partition]) => secretsKeyPolicy({ accountId, partition })),
                protect: args.protectStateful,
                tags: withTags(tags, { Name: `${cluster.name}-secrets` }),
            },
            parent,
        );
        // Declared without a value (no SecretVersion): the bootstrap Job, or the external Vault's operators, write it.
        const smSecret = (logical: string, secretName: string, description: string) =>
            new aws.secretsmanager.Secret(
                `${name}-${logical}`,
                { name: secretName, description, kmsKeyId: secretsKey.arn, recoveryWindowInDays: args.protectStateful ? 30 : 7, tags: withTags(tags, { Name: secretName }) },
                { parent: this, protect: args.protectStateful },
            );
        const recoverySecret = inCluster ? smSecret("recovery-keys", recoverySecretName(cluster.name), `Vault recovery keys of ${cluster.name} (written once by the bootstrap Job; custody: docs/secrets.md)`) : undefined;
        const tlsSecret = inCluster ? smSecret("tls", vaultTlsSecretName(cluster.name), `Vault listener certificate and key of ${cluster.name}`) : undefined;
        const adminTokenSecret = inCluster ? undefined : smSecret("admin-token", adminTokenSecretName(cluster.name), `Admin token the external Vault's operators store for the first bootstrap of ${cluster.name}`);
        const internals = [recoverySecret, tlsSecret, adminTokenSecret].filter((x): x is aws.secretsmanager.Secret => x !== undefined);

        // ---- external-secrets ----------------------------------------------------------------------------------------
        const awsStoreDocument = pulumi
            .all([acct.partition, acct.accountId, acct.dnsSuffix, secretsKey.arn, args.data.database.credentialSecretArn, args.data.cache.authTokenSecretArn, args.data.kmsKeyArn, pulumi.all(internals.map((x) => x.arn))])
            .apply(([partition, accountId, dnsSuffix, kmsKeyArn, dbArn, cacheArn, dataKeyArn, deniedSecretArns]) =>
                awsStorePolicy({ partition, region: acct.region, accountId, dnsSuffix, secretPrefix: awsSecretPrefix, kmsKeyArn, extraSecretArns: [dbArn, cacheArn], extraKeyArns: [dataKeyArn], deniedSecretArns }),
            );
        const eso = systemChart(
            ESO_RELEASE,
            {
                cluster,
                placement: cluster.system,
                chart: charts.externalSecrets,
                namespace: ESO_NAMESPACE,
                releaseName: ESO_RELEASE,
                createNamespace: true,
                values: esoValues({ settings: s.externalSecrets, placement: cluster.system, serviceAccount: ESO_SERVICE_ACCOUNT }),
                identity: { name: `${name}-external-secrets`, serviceAccount: ESO_SERVICE_ACCOUNT, policy: awsStoreDocument },
                pods: esoPods(s.externalSecrets),
                tags,
            },
            parent,
        );
        this.externalSecrets = eso.release;
        const esoIdentity = eso.identity as WorkloadIdentity;
        // Stores after the release: it installs the CRDs and the validating webhook (failurePolicy Fail); atomic waits.
        const store = (logical: string, kind: "ClusterSecretStore", storeName: string, spec: Record<string, unknown>, dependsOn: pulumi.Resource[]) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${logical}`,
                { apiVersion: STORE_API_VERSION, kind, metadata: { name: storeName, labels: { ...LAYER_LABELS } }, spec },
                { ...k8sOpts, dependsOn },
            );
        const awsStore = store("aws-store", "ClusterSecretStore", AWS_STORE, awsStoreSpec({ region: acct.region }), [eso.release, ...esoIdentity.permissions, esoIdentity.association]);

        // ---- Vault ---------------------------------------------------------------------------------------------------
        const namespace = new k8s.core.v1.Namespace(
            `${name}-vault`,
            {
                metadata: {
                    name: VAULT_NAMESPACE,
                    labels: { ...LAYER_LABELS, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": `v${cluster.kubernetesVersion}` },
                },
            },
            k8sOpts,
        );
        this.vault = inCluster
            ? inClusterVault(
                  {
                      name,
                      cluster,
                      karpenter: args.karpenter,
                      settings: s,
                      namespace,
                      secretsKey,
                      tlsSecret: tlsSecret as aws.secretsmanager.Secret,
                      esoIdentity,
                      esoRelease: eso.release,
                      vpcCidr: args.vpcCidr,
                      protectStateful: args.protectStateful,
                      tags,
                  },
                  this,
              )
            : externalVault({ name, cluster, namespace, ...(s.vault.external as { address: string; caCertPem: string }) }, this);

        // ---- bootstrap -------------------------------------------------------------------------------------------------
        const kvMount = inCluster ? KV_MOUNT : `${KV_MOUNT}-${cluster.name}`;
        const authMount = inCluster ? KUBERNETES_AUTH_MOUNT : `${KUBERNETES_AUTH_MOUNT}-${cluster.name}`;
        const access = vaultAccess({ kvMount, authMount, policyPrefix: inCluster ? IN_CLUSTER_POLICY_PREFIX : `${cluster.name}-`, consumers: s.vaultConsumers });
        this.bootstrapDocument = bootstrapDocument(access);
        const bootstrapSa = new k8s.core.v1.ServiceAccount(
            `${name}-bootstrap`,
            { metadata: { name: BOOTSTRAP_SERVICE_ACCOUNT, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } }, automountServiceAccountToken: false },
            { ...k8sOpts, dependsOn: [namespace] },
        );
        const optionalArn = (x: aws.secretsmanager.Secret | undefined) => (x ? x.arn : pulumi.output(""));
        const bootstrapIdentity = new WorkloadIdentity(
            `${name}-bootstrap`,
            {
                clusterName: cluster.nameOutput,
                namespace: VAULT_NAMESPACE,
                serviceAccount: BOOTSTRAP_SERVICE_ACCOUNT,
                policy: pulumi
                    .all([secretsKey.arn, acct.dnsSuffix, optionalArn(recoverySecret), optionalArn(adminTokenSecret)])
                    .apply(([kmsKeyArn, dnsSuffix, recoverySecretArn, adminTokenSecretArn]) =>
                        bootstrapPolicy({ kmsKeyArn, dnsSuffix, region: acct.region, ...(recoverySecretArn ? { recoverySecretArn } : {}), ...(adminTokenSecretArn ? { adminTokenSecretArn } : {}) }),
                    ),
                partition: acct.partition,
                tags,
            },
            parent,
        );
        // In-cluster Vault reviews tokens through the in-cluster API service; an external one through the endpoint.
        const files = (inCluster ? pulumi.output("https://kubernetes.default.svc:443") : cluster.endpoint).apply((kubernetesHost) =>
            bootstrapFiles(access, { mode: s.vault.mode, vaultAddress: this.vault.address, recoveryShares: s.vault.recoveryShares, recoveryThreshold: s.vault.recoveryThreshold, kubernetesHost, region: acct.region }),
        );
        const bootstrapConfig = new k8s.core.v1.ConfigMap(
            `${name}-bootstrap`,
            // Auto-named: a change creates a new ConfigMap, which changes the Job's template and so replaces the Job.
            { metadata: { namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } }, data: files },
            { ...k8sOpts, dependsOn: [namespace] },
        );
        this.bootstrapJob = new k8s.batch.v1.Job(
            `${name}-bootstrap`,
            {
                metadata: { namespace: VAULT_NAMESPACE, labels: { "app.kubernetes.io/name": "vault-bootstrap", ...LAYER_LABELS } },
                spec: pulumi.all([bootstrapConfig.metadata.name, files, optionalArn(recoverySecret), optionalArn(adminTokenSecret)]).apply(([configMapName, f, recoveryArn, adminArn]) =>
                    bootstrapJobSpec({
                        configMapName,
                        checksum: bootstrapChecksum(f),
                        external: !inCluster,
                        env: { ...(recoveryArn ? { RECOVERY_SECRET_ARN: recoveryArn } : {}), ...(adminArn ? { ADMIN_TOKEN_SECRET_ARN: adminArn } : {}) },
                    }),
                ),
            },
            { ...k8sOpts, dependsOn: [...this.vault.ready, bootstrapSa, bootstrapConfig, ...bootstrapIdentity.permissions, bootstrapIdentity.association, cluster.podIdentityAgent] },
        );

        // ---- Vault stores ----------------------------------------------------------------------------------------------
        const vaultDeps = [eso.release, this.bootstrapJob, ...this.vault.ready];
        const vaultStore = (serviceAccount: { name: string; namespace: string }, role: string, conditions: Record<string, unknown>[]) =>
            vaultStoreSpec({ server: this.vault.address, kvMount, authMount, role, serviceAccount, caNamespace: VAULT_NAMESPACE, conditions });
        const stores: pulumi.Resource[] = [awsStore, store("vault-store", "ClusterSecretStore", VAULT_STORE, vaultStore({ name: ESO_SERVICE_ACCOUNT, namespace: ESO_NAMESPACE }, ESO_VAULT_ROLE, platformNamespacesOnly()), vaultDeps)];
        for (const c of s.vaultConsumers) {
            const storeName = consumerStoreName(c.namespace, c.serviceAccount);
            stores.push(store(storeName, "ClusterSecretStore", storeName, vaultStore({ name: c.serviceAccount, namespace: c.namespace }, consumerRole(c), onlyNamespace(c.namespace)), vaultDeps));
        }

        this.contract = {
            vaultStore: VAULT_STORE,
            awsStore: AWS_STORE,
            ready: [eso.release, ...stores],
            refreshInterval: s.refreshInterval,
            kvMount,
            awsSecretPrefix,
            kmsKeyArn: secretsKey.arn,
            vault: {
                address: this.vault.address,
                caConfigMap: { ...VAULT_CA_CONFIGMAP },
                caNamespace: VAULT_NAMESPACE,
                caCertPem: this.vault.caCertPem,
                kubernetesAuthMount: authMount,
                audience: VAULT_AUDIENCE,
                snapshot: { ...SNAPSHOT_ACCESS },
            },
            vaultAccessFor: consumerLookup(s.vaultConsumers, consumerStoreName),
        };
        this.outputs = {
            vaultAddress: this.vault.address,
            vaultMode: s.vault.mode,
            ...(recoverySecret ? { vaultRecoveryKeysSecretArn: recoverySecret.arn } : {}),
            ...(this.vault.sealKey ? { vaultSealKeyArn: this.vault.sealKey.arn } : {}),
            secretsKmsKeyArn: secretsKey.arn,
            awsSecretPrefix,
            secretStores: [AWS_STORE, VAULT_STORE, ...s.vaultConsumers.map((c) => consumerStoreName(c.namespace, c.serviceAccount))],
        };
        this.notices = inCluster
            ? [`vault: ${s.vault.replicas} Raft replica(s) on the platform pool; the bootstrap Job initialises Vault on the first up and stores the recovery keys in Secrets Manager ${recoverySecretName(cluster.name)} (custody: README "Secrets runbook")`]
            : [`vault: external at ${this.vault.address}; before the first up its operators store an admin token in Secrets Manager ${adminTokenSecretName(cluster.name)} (docs/secrets.md "External Vault")`];
        this.registerOutputs({ vaultAddress: this.vault.address, awsSecretPrefix });
    }
}
