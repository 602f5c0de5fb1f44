// Vault itself: in the cluster (seal key + IRSA role, TLS, the chart on the platform pool) or an external Vault (its
// CA and the token reviewer its Kubernetes auth method calls the API server with). Plain functions: every resource
// keeps the Secrets component as parent.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { ClusterContract } from "../cluster/contract";
import type { KarpenterContract } from "../karpenter/contract";
import { charts } from "../lib/charts";
import { externalSecret } from "../lib/externalSecret";
import { CustomerKey, customerKey } from "../lib/kms";
import { Tags, withTags } from "../lib/naming";
import { systemChart } from "../lib/systemChart";
import { WorkloadIdentity } from "../lib/workloadIdentity";
import { TOKEN_REVIEWER_SECRET, TOKEN_REVIEWER_SERVICE_ACCOUNT } from "./bootstrap";
import { SecretsSettings } from "./config";
import { vaultServerConfig } from "./hcl";
import { assumeTlsReaderPolicy, irsaTrustPolicy, sealKeyPolicy, tlsReaderPolicy, tlsReaderTrustPolicy, vaultSealPolicy } from "./iam";
import { LAYER_LABELS, VAULT_CA_CONFIGMAP, VAULT_NAMESPACE, VAULT_PORT, VAULT_RELEASE, VAULT_SERVICE_ACCOUNT, VAULT_TLS_SECRET } from "./names";
import { STORE_API_VERSION, awsStoreSpec } from "./stores";
import { CA_ALLOWED_USES, CA_VALIDITY_HOURS, SERVER_ALLOWED_USES, SERVER_EARLY_RENEWAL_HOURS, vaultServerSans } from "./tls";
import { vaultPods, vaultValues } from "./values";

export interface VaultDeployment {
    /** In-cluster: the active node's service; external: the configured address. */
    address: string;
    /** What the bootstrap Job and the stores wait for. */
    ready: pulumi.Resource[];
    /** The public CA certificate clients trust (the ConfigMap's content), for consumers in other namespaces. */
    caCertPem: pulumi.Output<string>;
    release?: k8s.helm.v3.Release;
    sealKey?: CustomerKey;
}

export interface InClusterVaultArgs {
    name: string;
    cluster: ClusterContract;
    karpenter: KarpenterContract;
    settings: SecretsSettings;
    namespace: k8s.core.v1.Namespace;
    secretsKey: CustomerKey;
    /** Secrets Manager secret `<cluster>-vault/tls` (outside the awsStore's prefix). */
    tlsSecret: aws.secretsmanager.Secret;
    /** The external-secrets controller's identity (it assumes the TLS reader role) and release. */
    esoIdentity: WorkloadIdentity;
    esoRelease: k8s.helm.v3.Release;
    vpcCidr: string;
    protectStateful: boolean;
    tags: Tags;
}

function caConfigMap(name: string, caPem: pulumi.Input<string>, namespace: k8s.core.v1.Namespace, opts: pulumi.CustomResourceOptions): k8s.core.v1.ConfigMap {
    return new k8s.core.v1.ConfigMap(
        `${name}-vault-ca`,
        // The public CA certificate only: every Vault client (stores, bootstrap) trusts it.
        { metadata: { name: VAULT_CA_CONFIGMAP.name, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } }, data: { [VAULT_CA_CONFIGMAP.key]: caPem } },
        { ...opts, dependsOn: [namespace] },
    );
}

export function inClusterVault(a: InClusterVaultArgs, parent: pulumi.Resource): VaultDeployment {
    const { name, cluster, settings: s } = a;
    const acct = cluster.account;
    const opts = { parent };
    const k8sOpts = { parent, provider: cluster.provider };

    // ---- seal: IRSA role (iam.ts says why not Pod Identity) and a key only that role may use ----------------------
    const sealRole = new aws.iam.Role(
        `${name}-vault-seal`,
        {
            description: `IRSA role of ${VAULT_NAMESPACE}/${VAULT_SERVICE_ACCOUNT}: Vault's awskms auto-unseal`,
            assumeRolePolicy: pulumi
                .all([cluster.oidcProviderArn, cluster.oidcIssuer])
                .apply(([oidcProviderArn, issuer]) => JSON.stringify(irsaTrustPolicy({ oidcProviderArn, issuer, namespace: VAULT_NAMESPACE, serviceAccount: VAULT_SERVICE_ACCOUNT }))),
            maxSessionDuration: 3600,
            tags: a.tags,
        },
        opts,
    );
    const sealKey = customerKey(
        `${name}-vault-seal`,
        {
            description: `Vault awskms seal of ${cluster.name}: wraps Vault's root key; only Vault's role may use it`,
            alias: `${cluster.name}-vault-seal`,
            policy: pulumi.all([acct.accountId, acct.partition, sealRole.arn]).apply(([accountId, partition, vaultRoleArn]) => sealKeyPolicy({ accountId, partition, vaultRoleArn })),
            protect: a.protectStateful,
            tags: withTags(a.tags, { Name: `${cluster.name}-vault-seal` }),
        },
        opts,
    );
    const sealPolicy = new aws.iam.RolePolicy(`${name}-vault-seal`, { role: sealRole.name, policy: sealKey.arn.apply((arn) => JSON.stringify(vaultSealPolicy(arn))) }, opts);

    // ---- TLS: CA + server certificate (tls.ts), delivered through Secrets Manager and a vault-only SecretStore -----
    const caKey = new tls.PrivateKey(`${name}-vault-ca`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
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
        opts,
    );
    const serverKey = new tls.PrivateKey(`${name}-vault-server`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
    const sans = vaultServerSans(s.vault.replicas);
    const csr = new tls.CertRequest(
        `${name}-vault-server`,
        { privateKeyPem: pulumi.secret(serverKey.privateKeyPem), subject: { commonName: `${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc` }, dnsNames: sans.dnsNames, ipAddresses: sans.ipAddresses },
        opts,
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
        opts,
    );
    const tlsVersion = new aws.secretsmanager.SecretVersion(
        `${name}-tls`,
        {
            secretId: a.tlsSecret.id,
            secretString: pulumi.secret(
                pulumi.jsonStringify({ "tls.crt": pulumi.concat(serverCert.certPem, ca.certPem), "tls.key": pulumi.secret(serverKey.privateKeyPem), "ca.crt": ca.certPem }),
            ),
        },
        opts,
    );
    const tlsReader = new aws.iam.Role(
        `${name}-vault-tls-reader`,
        {
            description: "Assumed by the external-secrets controller for the vault/vault-tls SecretStore only",
            assumeRolePolicy: a.esoIdentity.roleArn.apply((arn) => JSON.stringify(tlsReaderTrustPolicy(arn))),
            maxSessionDuration: 3600,
            tags: a.tags,
        },
        opts,
    );
    const tlsReaderPerms = new aws.iam.RolePolicy(
        `${name}-vault-tls-reader`,
        {
            role: tlsReader.name,
            policy: pulumi
                .all([a.tlsSecret.arn, a.secretsKey.arn, acct.dnsSuffix])
                .apply(([tlsSecretArn, kmsKeyArn, dnsSuffix]) => JSON.stringify(tlsReaderPolicy({ tlsSecretArn, kmsKeyArn, region: acct.region, dnsSuffix }))),
        },
        opts,
    );
    const assumePerms = new aws.iam.RolePolicy(
        `${name}-external-secrets-assume-tls-reader`,
        { role: a.esoIdentity.role.name, policy: tlsReader.arn.apply((arn) => JSON.stringify(assumeTlsReaderPolicy(arn))) },
        opts,
    );
    const tlsStore = new k8s.apiextensions.CustomResource(
        `${name}-vault-tls-store`,
        {
            apiVersion: STORE_API_VERSION,
            kind: "SecretStore",
            metadata: { name: VAULT_TLS_SECRET, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } },
            spec: awsStoreSpec({ region: acct.region, role: tlsReader.arn }),
        },
        { ...k8sOpts, dependsOn: [a.esoRelease, a.namespace, tlsReaderPerms, assumePerms] },
    );
    const tlsExternalSecret = externalSecret(
        `${name}-vault-tls`,
        {
            namespace: VAULT_NAMESPACE,
            secretName: VAULT_TLS_SECRET,
            store: { name: VAULT_TLS_SECRET, kind: "SecretStore" },
            refreshInterval: s.refreshInterval,
            data: ["tls.crt", "tls.key", "ca.crt"].map((k) => ({ secretKey: k, remoteRef: { key: a.tlsSecret.name, property: k } })),
            labels: { ...LAYER_LABELS },
            dependsOn: [tlsStore, tlsVersion],
        },
        k8sOpts,
    );
    const ca_ = caConfigMap(name, ca.certPem, a.namespace, k8sOpts);

    // ---- the chart ----------------------------------------------------------------------------------------------
    const vault = systemChart(
        VAULT_RELEASE,
        {
            cluster,
            // Stateful, and in prod 3 replicas with REQUIRED anti-affinity: the platform pool lets Karpenter add one
            // node per replica; the system node group stays for small controllers.
            placement: a.karpenter.platform,
            chart: charts.vault,
            namespace: VAULT_NAMESPACE,
            releaseName: VAULT_RELEASE,
            values: pulumi.all([sealKey.arn, sealRole.arn]).apply(([sealKeyId, sealRoleArn]) =>
                vaultValues({
                    settings: s.vault,
                    placement: a.karpenter.platform,
                    storageClass: cluster.storageClass,
                    config: vaultServerConfig({ replicas: s.vault.replicas, region: acct.region, sealKeyId, clusterName: cluster.name }),
                    sealRoleArn,
                    vpcCidr: a.vpcCidr,
                    zoneSpreadMode: s.vault.replicas > 1 ? "DoNotSchedule" : "ScheduleAnyway",
                }),
            ),
            pods: vaultPods(s.vault),
            dependsOn: [a.namespace, sealPolicy, sealKey.key, tlsExternalSecret, ca_],
            tags: a.tags,
        },
        opts,
    );
    return { address: `https://${VAULT_RELEASE}-active.${VAULT_NAMESPACE}.svc:${VAULT_PORT}`, ready: [vault.release, ca_], caCertPem: ca.certPem, release: vault.release, sealKey };
}

/**
 * An external Vault: its CA (public, from config) and the reviewer its Kubernetes auth method uses to call the API
 * server's TokenReview (a service-account-token Secret declared empty: Kubernetes fills it; bound to
 * system:auth-delegator).
 */
export function externalVault(a: { name: string; cluster: ClusterContract; address: string; caCertPem: string; namespace: k8s.core.v1.Namespace }, parent: pulumi.Resource): VaultDeployment {
    const k8sOpts = { parent, provider: a.cluster.provider };
    const ca = caConfigMap(a.name, a.caCertPem, a.namespace, k8sOpts);
    const reviewer = new k8s.core.v1.ServiceAccount(
        `${a.name}-token-reviewer`,
        { metadata: { name: TOKEN_REVIEWER_SERVICE_ACCOUNT, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS } }, automountServiceAccountToken: false },
        { ...k8sOpts, dependsOn: [a.namespace] },
    );
    const reviewerSecret = new k8s.core.v1.Secret(
        `${a.name}-token-reviewer`,
        {
            metadata: { name: TOKEN_REVIEWER_SECRET, namespace: VAULT_NAMESPACE, labels: { ...LAYER_LABELS }, annotations: { "kubernetes.io/service-account.name": TOKEN_REVIEWER_SERVICE_ACCOUNT } },
            type: "kubernetes.io/service-account-token",
        },
        { ...k8sOpts, dependsOn: [reviewer] },
    );
    const binding = new k8s.rbac.v1.ClusterRoleBinding(
        `${a.name}-token-reviewer`,
        {
            metadata: { name: "vault-token-reviewer", labels: { ...LAYER_LABELS } },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
            subjects: [{ kind: "ServiceAccount", name: TOKEN_REVIEWER_SERVICE_ACCOUNT, namespace: VAULT_NAMESPACE }],
        },
        k8sOpts,
    );
    return { address: a.address, ready: [ca, reviewerSecret, binding], caCertPem: pulumi.output(a.caCertPem) };
}
