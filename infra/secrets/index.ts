// The secrets layer: HashiCorp Vault (HA Raft, TLS, KMS auto-unseal, audit device) on the Karpenter `platform` pool,
// external-secrets on the system nodes, the ClusterSecretStores every other layer uses, and Vault's declarative
// bootstrap. Decisions (IRSA for the seal, a bootstrap Job, @pulumi/tls) are justified in iam.ts, bootstrap.ts and
// tls.ts; docs/secrets.md is the guide and README "Secrets runbook" the operations.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { ClusterContract } from "../cluster/contract";
import type { DataContract } from "../data/contract";
import type { KarpenterContract } from "../karpenter/contract";
import { charts } from "../lib/charts";
import { externalSecret } from "../lib/externalSecret";
import { customerKey } from "../lib/kms";
import { Tags, withTags } from "../lib/naming";
import { systemChart } from "../lib/systemChart";
import { WorkloadIdentity } from "../lib/workloadIdentity";
import { bootstrapDocument, consumerPath, consumerRole, vaultAccess } from "./access";
import { TOKEN_REVIEWER_SECRET, TOKEN_REVIEWER_SERVICE_ACCOUNT, bootstrapChecksum, bootstrapFiles, bootstrapJobSpec } from "./bootstrap";
import { SecretsSettings } from "./config";
import { SecretsContract } from "./contract";
import { vaultServerConfig } from "./hcl";
import {
    assumeTlsReaderPolicy,
    awsStorePolicy,
    bootstrapPolicy,
    irsaTrustPolicy,
    sealKeyPolicy,
    secretsKeyPolicy,
    tlsReaderPolicy,
    tlsReaderTrustPolicy,
    vaultSealPolicy,
} from "./iam";
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
    VAULT_PORT,
    VAULT_RELEASE,
    VAULT_SERVICE_ACCOUNT,
    VAULT_STORE,
    VAULT_TLS_SECRET,
} from "./names";
import { STORE_API_VERSION, awsStoreSpec, onlyNamespace, platformNamespacesOnly, vaultStoreSpec } from "./stores";
import { CA_ALLOWED_USES, CA_VALIDITY_HOURS, SERVER_ALLOWED_USES, SERVER_EARLY_RENEWAL_HOURS, vaultServerSans } from "./tls";
import { esoPods, esoValues, vaultPods, vaultValues } from "./values";

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
    vaultRecoveryKeysSecretArn?: pulumi.Output<string>;
    vaultSealKeyArn?: pulumi.Output<string>;
    secretsKmsKeyArn: pulumi.Output<string>;
    awsSecretPrefix: string;
    secretStores: string[];
}

/** Logical names and physical-name helpers, exported for tests and docs. */
export function recoverySecretName(clusterName: string): string {
    // Deliberately NOT under `${clusterName}/` (the awsStore's prefix): no ExternalSecret can ever read it.
    return `${clusterName}-vault/recovery-keys`;
}
export function vaultTlsSecretName(clusterName: string): string {
    return `${clusterName}-vault/tls`;
}
export function adminTokenSecretName(clusterName: string): string {
    return `${clusterName}-vault/admin-token`;
}
export function consumerStoreName(namespace: string, serviceAccount: string): string {
    return `vault-apps-${namespace}-${serviceAccount}`;
}

export class Secrets extends pulumi.ComponentResource {
    readonly contract: SecretsContract;
    readonly outputs: SecretsOutputs;
    readonly notices: string[];
    readonly externalSecrets: k8s.helm.v3.Release;
    readonly vaultRelease: k8s.helm.v3.Release | undefined;
    readonly bootstrapJob: k8s.batch.v1.Job;

    constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:secrets:Secrets", name, {}, opts);
        const parent = { parent: this };
        const k8sOpts = { parent: this, provider: args.cluster.provider };
        const s = args.settings;
        const cluster = args.cluster;
        const acct = cluster.account;
        const inCluster = s.vault.mode === "inCluster";
        const awsSecretPrefix = `${cluster.name}/`;
        const tags = args.tags;

        // ---- the platform secrets key ------------------------------------------------------------------------------
        const secretsKey = customerKey(
            `${name}-key`,
            {
                description: `Platform secrets of ${cluster.name} (Secrets Manager: ${awsSecretPrefix}*, Vault recovery keys and TLS)`,
                alias: `${cluster.name}-secrets`,
                policy: pulumi.all([acct.accountId, acct.partition]).apply(([accountId, partition]) => secretsKeyPolicy({ accountId, partition })),
                protect: args.protectStateful,
                tags: withTags(tags, { Name: `${cluster.name}-secrets` }),
            },
            parent,
        );

        // Secrets Manager secrets that hold Vault internals: never under the awsStore's prefix.
        const smSecret = (logical: string, secretName: string, description: string) =>
            new aws.secretsmanager.Secret(
                `${name}-${logical}`,
                {
                    name: secretName,
                    description,
                    kmsKeyId: secretsKey.arn,
                    recoveryWindowInDays: args.protectStateful ? 30 : 7,
                    tags: withTags(tags, { Name: secretName }),
                },
                { parent: this, protect: args.protectStateful },
            );
        const recoverySecret = inCluster
            ? smSecret("recovery-keys", recoverySecretName(cluster.name), `Vault recovery keys of ${cluster.name} (written once by the bootstrap Job; custody: docs/secrets.md)`)
            : undefined;
        const adminTokenSecret = inCluster
            ? undefined
            : smSecret("admin-token", adminTokenSecretName(cluster.name), `Admin token the external Vault's operators store for the first bootstrap of ${cluster.name}`);
        const tlsSecret = inCluster ? smSecret("tls", vaultTlsSecretName(cluster.name), `Vault listener certificate and key of ${cluster.name}`) : undefined;

        // ---- external-secrets ------------------------------------------------------------------------------------------
        const awsStoreDocument = pulumi
            .all([acct.partition, acct.accountId, acct.dnsSuffix, secretsKey.arn, args.data.database.credentialSecretArn, args.data.cache.authTokenSecretArn, recoverySecret?.arn, tlsSecret?.arn, adminTokenSecret?.arn])
            .apply(([partition, accountId, dnsSuffix, kmsKeyArn, dbArn, cacheArn, recoveryArn, tlsArn, adminArn]) =>
                awsStorePolicy({
                    partition,
                    region: acct.region,
                    accountId,
                    dnsSuffix,
                    secretPrefix: awsSecretPrefix,
                    kmsKeyArn,
                    extraSecretArns: [dbArn, cacheArn],
                    deniedSecretArns: [recoveryArn, tlsArn, adminArn].filter((a): a is string => a !== undefined),
                }),
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

        const awsStore = new k8s.apiextensions.CustomResource(
            `${name}-aws-store`,
            {
                apiVersion: STORE_API_VERSION,
                kind: "ClusterSecretStore",
                metadata: { name: AWS_STORE, labels: { ...LAYER_LABELS } },
                spec: awsStoreSpec({ region: acct.region }),
            },
            // The CRD and the validating webhook (failurePolicy Fail) come with the release; atomic waits for them.
            { ...k8sOpts, dependsOn: [eso.release, ...esoIdentity.permissions, esoIdentity.association] },
        );

        // ---- namespace vault -------------------------------------------------------------------------------------------
        const namespace = new k8s.core.v1.Namespace(
            `${name}-vault`,
            {
                metadata: {
                    name: VAULT_NAMESPACE,
                    labels: {
                        ...LAYER_LABELS,
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/enforce-version": `v${cluster.kubernetesVersion}`,
                    },
                },
            },
            k8sOpts,
        );

        // ---- Vault (in-cluster) or the external Vault's CA ---------------------------------------------------------------
        let caCertPem: pulumi.Input<string>;
        let vaultAddress: string;
        let vaultReady: pulumi.Resource[];
        let sealKeyArn: pulumi.Output<string> | undefined;
        let reviewerDeps: pulumi.Resource[] = [];
        if (inCluster) {
            // IRSA for the seal (iam.ts says why not Pod Identity).
            const sealRole = new aws.iam.Role(
                `${name}-vault-seal`,
                {
                    description: `IRSA role of ${VAULT_NAMESPACE}/${VAULT_SERVICE_ACCOUNT}: Vault's awskms auto-unseal`,
                    assumeRolePolicy: pulumi
                        .all([cluster.oidcProviderArn, cluster.oidcIssuer])
                        .apply(([oidcProviderArn, issuer]) =>
                            JSON.stringify(irsaTrustPolicy({ oidcProviderArn, issuer, namespace: VAULT_NAMESPACE, serviceAccount: VAULT_SERVICE_ACCOUNT })),
                        ),
                    maxSessionDuration: 3600,
                    tags,
                },
                parent,
            );
            const sealKey = customerKey(
                `${name}-vault-seal`,
                {
                    description: `Vault awskms seal of ${cluster.name}: wraps Vault's root key; only Vault's role may use it`,
                    alias: `${cluster.name}-vault-seal`,
                    policy: pulumi
                        .all([acct.accountId, acct.partition, sealRole.arn])
                        .apply(([accountId, partition, vaultRoleArn]) => sealKeyPolicy({ accountId, partition, vaultRoleArn })),
                    protect: args.protectStateful,
                    tags: withTags(tags, { Name: `${cluster.name}-vault-seal` }),
                },
                parent,
            );
            sealKeyArn = sealKey.arn;
            const sealPolicy = new aws.iam.RolePolicy(
                `${name}-vault-seal`,
                { role: sealRole.name, policy: sealKey.arn.apply((arn) => JSON.stringify(vaultSealPolicy(arn))) },
                parent,
            );

            // TLS: CA + server certificate (tls.ts).
            const caKey = new tls.PrivateKey(`${name}-vault-ca`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, parent);
            const ca = new tls.SelfSignedCert(
                `${name}-vault-ca`,
                {
                    privateKeyPem: pulumi.secret(caKey.privateKeyPem),
                    subject: { commonName: `${cluster.name} Vault CA`, organization: "platform" },
                    isCaCertificate: true,
                    setSubjectKeyId: true,
                    validityPeriodHours: CA_VALIDITY_HOURS,
                    allowedUses: CA_ALLOWED_USES,
                },
                parent,
            );
            const serverKey = new tls.PrivateKey(`${name}-vault-server`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, parent);
            const sans = vaultServerSans(s.vault.replicas);
            const csr = new tls.CertRequest(
                `${name}-vault-server`,
                { privateKeyPem: pulumi.secret(serverKey.privateKeyPem), subject: { commonName: `${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc` }, dnsNames: sans.dnsNames, ipAddresses: sans.ipAddresses },
                parent,
            );
            const serverCert = new tls.LocallySignedCert(
                `${name}-vault-server`,
                {
                    certRequestPem: csr.certRequestPem,
                    caPrivateKeyPem: pulumi.secret(caKey.privateKeyPem),
                    caCertPem: ca.certPem,
                    validityPeriodHours: s.vault.certificateValidityDays * 24,
                    earlyRenewalHours: SERVER_EARLY_RENEWAL_HOURS,
                    allowedUses: SERVER_ALLOWED_USES,
                },
                parent,
            );
            caCertPem = ca.certPem;
            const tlsVersion = new aws.secretsmanager.SecretVersion(
                `${name}-tls`,
                {
                    secretId: (tlsSecret as aws.secretsmanager.Secret).id,
                    secretString: pulumi.secret(
                        pulumi.jsonStringify({ "tls.crt": pulumi.concat(serverCert.certPem, ca.certPem), "tls.key": pulumi.secret(serverKey.privateKeyPem), "ca.crt": ca.certPem }),
                    ),
                },
                parent,
            );

            // The TLS Secret reaches namespace vault through a SecretStore there that assumes a role reading only that secret.
            const tlsReader = new aws.iam.Role(
                `${name}-vault-tls-reader`,
                {
                    description: "Assumed by the external-secrets controller for the vault/vault-tls SecretStore only",
                    assumeRolePolicy: esoIdentity.roleArn.apply((arn) => JSON.stringify(tlsReaderTrustPolicy(arn))),
                    maxSessionDuration: 3600,
                    tags,
                },
                parent,
            );
            const tlsReaderPerms = new aws.iam.RolePolicy(
                `${name}-vault-tls-reader`,
                {
                    role: tlsReader.name,
                    policy: pulumi
                        .all([(tlsSecret as aws.secretsmanager.Secret).arn, secretsKey.arn, acct.dnsSuffix])
                        .apply(([tlsSecretArn, kmsKeyArn, dnsSuffix]) => JSON.stringify(tlsReaderPolicy({ tlsSecretArn, kmsKeyArn, region: acct.region, dnsSuffix }))),
                },
                parent,
            );
            const assumePerms = new aws.iam.RolePolicy(
                `${name}-external-secrets-assume-tls-reader`,
                { role: esoIdentity.role.name, policy: tlsReader.arn.apply((arn) => JSON.stringify(assumeTlsReaderPolicy(arn))) },
                parent,
            );
            const tlsStore = new k8s.apiextensions.CustomResource(
                `${name}-vault-tls-store`,
                {
                    apiVersion: STORE_API_VERSION,
                    kind: "SecretStore",
                    metadata: { name: VAULT_TLS_SECRET, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } },
                    spec: awsStoreSpec({ region: acct.region, role: tlsReader.arn }),
                },
                { ...k8sOpts, dependsOn: [eso.release, namespace, tlsReaderPerms, assumePerms] },
            );
            const tlsExternalSecret = externalSecret(
                `${name}-vault-tls`,
                {
                    namespace: VAULT_NAMESPACE,
                    secretName: VAULT_TLS_SECRET,
                    store: { name: VAULT_TLS_SECRET, kind: "SecretStore" },
                    refreshInterval: s.refreshInterval,
                    data: ["tls.crt", "tls.key", "ca.crt"].map((k) => ({ secretKey: k, remoteRef: { key: vaultTlsSecretName(cluster.name), property: k } })),
                    labels: { ...LAYER_LABELS },
                    dependsOn: [tlsStore, tlsVersion],
                },
                k8sOpts,
            );
            const caConfigMap = new k8s.core.v1.ConfigMap(
                `${name}-vault-ca`,
                { metadata: { name: VAULT_CA_CONFIGMAP.name, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } }, data: { [VAULT_CA_CONFIGMAP.key]: caCertPem } },
                { ...k8sOpts, dependsOn: [namespace] },
            );

            const vault = systemChart(
                VAULT_RELEASE,
                {
                    cluster,
                    // Stateful, 3 replicas with required anti-affinity in prod: the platform pool gives Karpenter room
                    // for one node per replica; the system node group stays for small controllers.
                    placement: args.karpenter.platform,
                    chart: charts.vault,
                    namespace: VAULT_NAMESPACE,
                    releaseName: VAULT_RELEASE,
                    values: pulumi.all([sealKey.arn, sealRole.arn]).apply(([sealKeyId, sealRoleArn]) =>
                            vaultValues({
                                settings: s.vault,
                                placement: args.karpenter.platform,
                                storageClass: cluster.storageClass,
                                config: vaultServerConfig({ replicas: s.vault.replicas, region: acct.region, sealKeyId, clusterName: cluster.name }),
                                sealRoleArn,
                                vpcCidr: args.vpcCidr,
                                zoneSpreadMode: s.vault.replicas > 1 ? "DoNotSchedule" : "ScheduleAnyway",
                            }),
                    ),
                    pods: vaultPods(s.vault),
                    dependsOn: [namespace, sealPolicy, sealKey.key, tlsExternalSecret, caConfigMap],
                    tags,
                },
                parent,
            );
            this.vaultRelease = vault.release;
            vaultAddress = `https://${VAULT_RELEASE}-active.${VAULT_NAMESPACE}.svc:${VAULT_PORT}`;
            vaultReady = [vault.release, caConfigMap];
        } else {
            const ext = s.vault.external as { address: string; caCertPem: string };
            caCertPem = ext.caCertPem;
            vaultAddress = ext.address;
            const caConfigMap = new k8s.core.v1.ConfigMap(
                `${name}-vault-ca`,
                { metadata: { name: VAULT_CA_CONFIGMAP.name, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } }, data: { [VAULT_CA_CONFIGMAP.key]: ext.caCertPem } },
                { ...k8sOpts, dependsOn: [namespace] },
            );
            // The external Vault reviews tokens with a long-lived reviewer token Kubernetes fills in (declared empty).
            const reviewer = new k8s.core.v1.ServiceAccount(
                `${name}-token-reviewer`,
                { metadata: { name: TOKEN_REVIEWER_SERVICE_ACCOUNT, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } }, automountServiceAccountToken: false },
                { ...k8sOpts, dependsOn: [namespace] },
            );
            const reviewerSecret = new k8s.core.v1.Secret(
                `${name}-token-reviewer`,
                {
                    metadata: {
                        name: TOKEN_REVIEWER_SECRET,
                        namespace: VAULT_NAMESPACE,
                        labels: { ...LAYER_LABELS },
                        annotations: { "kubernetes.io/service-account.name": TOKEN_REVIEWER_SERVICE_ACCOUNT },
                    },
                    type: "kubernetes.io/service-account-token",
                },
                { ...k8sOpts, dependsOn: [reviewer] },
            );
            const binding = new k8s.rbac.v1.ClusterRoleBinding(
                `${name}-token-reviewer`,
                {
                    metadata: { name: "vault-token-reviewer", labels: { ...LAYER_LABELS } },
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
                    subjects: [{ kind: "ServiceAccount", name: TOKEN_REVIEWER_SERVICE_ACCOUNT, namespace: VAULT_NAMESPACE }],
                },
                k8sOpts,
            );
            reviewerDeps = [reviewerSecret, binding];
            vaultReady = [caConfigMap];
            this.vaultRelease = undefined;
        }

        // ---- bootstrap -----------------------------------------------------------------------------------------------
        const policyPrefix = inCluster ? IN_CLUSTER_POLICY_PREFIX : `${cluster.name}-`;
        const kvMount = inCluster ? KV_MOUNT : `${KV_MOUNT}-${cluster.name}`;
        const authMount = inCluster ? KUBERNETES_AUTH_MOUNT : `${KUBERNETES_AUTH_MOUNT}-${cluster.name}`;
        const access = vaultAccess({ kvMount, authMount, policyPrefix, consumers: s.vaultConsumers });
        const bootstrapSa = new k8s.core.v1.ServiceAccount(
            `${name}-bootstrap`,
            { metadata: { name: BOOTSTRAP_SERVICE_ACCOUNT, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } }, automountServiceAccountToken: false },
            { ...k8sOpts, dependsOn: [namespace] },
        );
        const bootstrapIdentity = new WorkloadIdentity(
            `${name}-bootstrap`,
            {
                clusterName: cluster.nameOutput,
                namespace: VAULT_NAMESPACE,
                serviceAccount: BOOTSTRAP_SERVICE_ACCOUNT,
                policy: pulumi
                    .all([secretsKey.arn, acct.dnsSuffix, recoverySecret?.arn, adminTokenSecret?.arn])
                    .apply(([kmsKeyArn, dnsSuffix, recoverySecretArn, adminTokenSecretArn]) =>
                        bootstrapPolicy({
                            kmsKeyArn,
                            dnsSuffix,
                            region: acct.region,
                            ...(recoverySecretArn ? { recoverySecretArn } : {}),
                            ...(adminTokenSecretArn ? { adminTokenSecretArn } : {}),
                        }),
                    ),
                partition: acct.partition,
                tags,
            },
            parent,
        );
        const kubernetesHost = inCluster ? pulumi.output("https://kubernetes.default.svc:443") : cluster.endpoint;
        const files = kubernetesHost.apply((host) =>
            bootstrapFiles(access, {
                mode: s.vault.mode,
                vaultAddress,
                recoveryShares: s.vault.recoveryShares,
                recoveryThreshold: s.vault.recoveryThreshold,
                kubernetesHost: host,
                region: acct.region,
            }),
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
                spec: pulumi
                    .all([bootstrapConfig.metadata.name, files, recoverySecret?.arn, adminTokenSecret?.arn])
                    .apply(([configMapName, f, recoveryArn, adminArn]) =>
                        bootstrapJobSpec({
                            configMapName,
                            checksum: bootstrapChecksum(f),
                            external: !inCluster,
                            env: {
                                ...(recoveryArn ? { RECOVERY_SECRET_ARN: recoveryArn } : {}),
                                ...(adminArn ? { ADMIN_TOKEN_SECRET_ARN: adminArn } : {}),
                            },
                        }),
                    ),
            },
            {
                ...k8sOpts,
                dependsOn: [
                    ...vaultReady,
                    ...reviewerDeps,
                    bootstrapSa,
                    bootstrapConfig,
                    ...bootstrapIdentity.permissions,
                    bootstrapIdentity.association,
                    cluster.podIdentityAgent,
                ],
            },
        );

        // ---- Vault stores ----------------------------------------------------------------------------------------------
        const vaultStoreDeps = [eso.release, this.bootstrapJob, ...vaultReady];
        const vaultStore = new k8s.apiextensions.CustomResource(
            `${name}-vault-store`,
            {
                apiVersion: STORE_API_VERSION,
                kind: "ClusterSecretStore",
                metadata: { name: VAULT_STORE, labels: { ...LAYER_LABELS } },
                spec: vaultStoreSpec({
                    server: vaultAddress,
                    kvMount,
                    authMount,
                    role: ESO_VAULT_ROLE,
                    serviceAccount: { name: ESO_SERVICE_ACCOUNT, namespace: ESO_NAMESPACE },
                    caNamespace: VAULT_NAMESPACE,
                    conditions: platformNamespacesOnly(),
                }),
            },
            { ...k8sOpts, dependsOn: vaultStoreDeps },
        );
        const consumerStores = new Map<string, { store: string; pathPrefix: string }>();
        const storeResources: pulumi.Resource[] = [awsStore, vaultStore];
        for (const c of s.vaultConsumers) {
            const store = consumerStoreName(c.namespace, c.serviceAccount);
            storeResources.push(
                new k8s.apiextensions.CustomResource(
                    `${name}-${store}`,
                    {
                        apiVersion: STORE_API_VERSION,
                        kind: "ClusterSecretStore",
                        metadata: { name: store, labels: { ...LAYER_LABELS } },
                        spec: vaultStoreSpec({
                            server: vaultAddress,
                            kvMount,
                            authMount,
                            role: consumerRole(c),
                            serviceAccount: { name: c.serviceAccount, namespace: c.namespace },
                            caNamespace: VAULT_NAMESPACE,
                            conditions: onlyNamespace(c.namespace),
                        }),
                    },
                    { ...k8sOpts, dependsOn: vaultStoreDeps },
                ),
            );
            consumerStores.set(`${c.namespace}/${c.serviceAccount}`, { store, pathPrefix: consumerPath(c) });
        }

        this.contract = {
            vaultStore: VAULT_STORE,
            awsStore: AWS_STORE,
            ready: [eso.release, ...storeResources],
            kvMount,
            awsSecretPrefix,
            kmsKeyArn: secretsKey.arn,
            vault: {
                address: vaultAddress,
                caConfigMap: { ...VAULT_CA_CONFIGMAP },
                caNamespace: VAULT_NAMESPACE,
                kubernetesAuthMount: authMount,
                audience: VAULT_AUDIENCE,
                snapshot: { ...SNAPSHOT_ACCESS },
            },
            vaultAccessFor: (namespace: string, serviceAccount: string) => {
                const found = consumerStores.get(`${namespace}/${serviceAccount}`);
                if (!found) {
                    throw new Error(
                        `platform:secrets.vaultConsumers: expected an entry { namespace: ${namespace}, serviceAccount: ${serviceAccount} } ` +
                            `for a service that reads Vault, found ${JSON.stringify(s.vaultConsumers.map((c) => `${c.namespace}/${c.serviceAccount}`))}`,
                    );
                }
                return { ...found };
            },
        };
        this.outputs = {
            vaultAddress,
            vaultMode: s.vault.mode,
            ...(recoverySecret ? { vaultRecoveryKeysSecretArn: recoverySecret.arn } : {}),
            ...(sealKeyArn ? { vaultSealKeyArn: sealKeyArn } : {}),
            secretsKmsKeyArn: secretsKey.arn,
            awsSecretPrefix,
            secretStores: [AWS_STORE, VAULT_STORE, ...[...consumerStores.values()].map((c) => c.store)],
        };
        this.notices = inCluster
            ? [
                  `Vault: ${s.vault.replicas} Raft replica(s) on the platform pool; the bootstrap Job initialises it on the first up and stores the recovery keys in ${recoverySecretName(cluster.name)} (custody: docs/secrets.md)`,
              ]
            : [
                  `Vault: external at ${vaultAddress}; before the first up its operators store an admin token in ${adminTokenSecretName(cluster.name)} (docs/secrets.md "External Vault")`,
              ];
        // Nothing the bootstrap document contains is secret; kept reachable for the tests through the component.
        this.bootstrapDocument = bootstrapDocument(access);
        this.registerOutputs({ vaultAddress, awsSecretPrefix });
    }

    /** The Vault policies and roles the bootstrap applies (JSON), for review and tests. */
    readonly bootstrapDocument: string;
}
