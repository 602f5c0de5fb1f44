// IAM documents of the secrets layer, as plain data (one Sid per statement).
//
// Vault's seal credentials: IRSA, not Pod Identity. Pod Identity needs an AWS SDK whose default chain reads the
// container credentials endpoint 169.254.170.23 (aws-sdk-go v1 >= 1.47.11, v2 >= release-2023-11-14). Vault 2.x
// links go-kms-wrapping awskms/v4 + awsutil/v2 (aws-sdk-go-v2 LoadDefaultConfig) on its main branch, but the go.mod
// of the v2.0.4 tag the chart runs could not be read here (the repository snapshot is over the size we can fetch),
// older releases build their own aws-sdk-go v1 chain, and hashicorp/vault#31860 (open) reports NoCredentialProviders
// with Pod Identity on another AWS code path. IRSA (AssumeRoleWithWebIdentity from the projected token) is in every
// AWS SDK chain Vault has ever shipped, so it is the known-working choice. Switch to Pod Identity (WorkloadIdentity)
// once a release's go.mod shows awskms/v4 + awsutil/v2 and a dev cluster has auto-unsealed with it.
import { PolicyDocument, Statement, policyDocument } from "../lib/iamDocuments";

/** Key administration without use (AWS default key policy's "key administrators" actions, KMS Developer Guide). */
export const KEY_ADMIN_ACTIONS = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
] as const;

/** The calls the awskms seal makes (go-kms-wrapping wrappers/awskms KmsApi: Encrypt, Decrypt, DescribeKey). */
export const SEAL_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"] as const;

/**
 * Key policy of the seal key: the account may administer the key (so it can never become unmanageable) but not use
 * it; only Vault's role may Encrypt/Decrypt/DescribeKey. No statement delegates use to IAM, so no other principal
 * can unwrap Vault's root key whatever its IAM policies say.
 */
export function sealKeyPolicy(a: { accountId: string; partition: string; vaultRoleArn: string }): PolicyDocument {
    return policyDocument([
        {
            Sid: "AccountAdministersKeyWithoutUse",
            Effect: "Allow",
            Principal: { AWS: `arn:${a.partition}:iam::${a.accountId}:root` },
            Action: [...KEY_ADMIN_ACTIONS],
            Resource: "*",
        },
        {
            Sid: "VaultSealUsesKey",
            Effect: "Allow",
            Principal: { AWS: a.vaultRoleArn },
            Action: [...SEAL_ACTIONS],
            Resource: "*",
        },
    ]);
}

/** IRSA trust: only the token of system:serviceaccount:<namespace>:<sa>, issued for STS, through the cluster's OIDC provider. */
export function irsaTrustPolicy(a: { oidcProviderArn: string; issuer: string; namespace: string; serviceAccount: string }): PolicyDocument {
    const issuer = a.issuer.replace(/^https:\/\//, "");
    return policyDocument([
        {
            Sid: "AllowServiceAccountWebIdentity",
            Effect: "Allow",
            Principal: { Federated: a.oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${issuer}:sub`]: `system:serviceaccount:${a.namespace}:${a.serviceAccount}`,
                    [`${issuer}:aud`]: "sts.amazonaws.com",
                },
            },
        },
    ]);
}

/** Vault's role: the seal calls on the seal key only (the key policy grants them too; both must allow). */
export function vaultSealPolicy(sealKeyArn: string): PolicyDocument {
    return policyDocument([{ Sid: "SealWithKmsKey", Effect: "Allow", Action: [...SEAL_ACTIONS], Resource: sealKeyArn }]);
}

/** Key policy of the platform secrets key: the account administers and uses it through IAM (Secrets Manager grants). */
export function secretsKeyPolicy(a: { accountId: string; partition: string }): PolicyDocument {
    return policyDocument([
        {
            Sid: "EnableAccountIamPolicies",
            Effect: "Allow",
            Principal: { AWS: `arn:${a.partition}:iam::${a.accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
    ]);
}

/** Read actions of the AWS Secrets Manager provider (external-secrets docs/provider/aws-secrets-manager.md @ v2.9.0). */
export const SECRET_READ_ACTIONS = [
    "secretsmanager:GetSecretValue",
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:ListSecretVersionIds",
] as const;

export function secretArnPattern(a: { partition: string; region: string; accountId: string }, namePrefix: string): string {
    return `arn:${a.partition}:secretsmanager:${a.region}:${a.accountId}:secret:${namePrefix}*`;
}

export interface AwsStorePolicyArgs {
    partition: string;
    region: string;
    accountId: string;
    dnsSuffix: string;
    /** `${awsSecretPrefix}`: the platform's own secrets. */
    secretPrefix: string;
    /** The platform secrets key (encrypts every `${prefix}*` secret). */
    kmsKeyArn: string;
    /** Secrets other layers own and encrypt with their keys (the data tier's RDS master secret, Valkey token). */
    extraSecretArns: string[];
    /** The keys those secrets are encrypted with (DataContract.kmsKeyArn). */
    extraKeyArns: string[];
    /** Secrets the store must never read even if a name matched (the recovery keys, Vault's TLS key). */
    deniedSecretArns: string[];
}

/**
 * The external-secrets controller's Pod Identity role for the AWS Secrets Manager ClusterSecretStore: read exactly
 * `secret:${prefix}*` and the listed ARNs; decrypt with the platform key, and with the other layers' keys only through
 * Secrets Manager for exactly those secrets (kms:EncryptionContext:SecretARN, the context Secrets Manager passes). No
 * ListSecrets/BatchGetSecretValue: the stores use explicit keys, never `find`.
 */
export function awsStorePolicy(a: AwsStorePolicyArgs): PolicyDocument {
    const via = `secretsmanager.${a.region}.${a.dnsSuffix}`;
    const statements: Statement[] = [
        {
            Sid: "ReadPlatformSecrets",
            Effect: "Allow",
            Action: [...SECRET_READ_ACTIONS],
            Resource: [secretArnPattern(a, a.secretPrefix), ...a.extraSecretArns],
        },
        {
            Sid: "DecryptPlatformSecrets",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: a.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": via } },
        },
    ];
    if (a.extraSecretArns.length > 0 && a.extraKeyArns.length > 0) {
        statements.push({
            Sid: "DecryptDataTierSecrets",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: a.extraKeyArns,
            Condition: {
                StringEquals: { "kms:ViaService": via },
                "ForAnyValue:StringEquals": { "kms:EncryptionContext:SecretARN": a.extraSecretArns },
            },
        });
    }
    if (a.deniedSecretArns.length > 0) {
        statements.push({ Sid: "NeverReadVaultInternals", Effect: "Deny", Action: "secretsmanager:*", Resource: a.deniedSecretArns });
    }
    return policyDocument(statements);
}

/** Trust of the Vault-TLS reader role: only the external-secrets controller's role may assume it (ESO's `role` field). */
export function tlsReaderTrustPolicy(controllerRoleArn: string): PolicyDocument {
    return policyDocument([{ Sid: "ExternalSecretsControllerAssumes", Effect: "Allow", Principal: { AWS: controllerRoleArn }, Action: "sts:AssumeRole" }]);
}

/** The Vault-TLS reader: that one secret, decrypted through Secrets Manager. */
export function tlsReaderPolicy(a: { tlsSecretArn: string; kmsKeyArn: string; region: string; dnsSuffix: string }): PolicyDocument {
    return policyDocument([
        { Sid: "ReadVaultTlsSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: a.tlsSecretArn },
        {
            Sid: "DecryptVaultTlsSecret",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: a.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${a.region}.${a.dnsSuffix}` } },
        },
    ]);
}

/** The controller may assume the TLS reader role (and nothing else). */
export function assumeTlsReaderPolicy(tlsReaderRoleArn: string): PolicyDocument {
    return policyDocument([{ Sid: "AssumeVaultTlsReader", Effect: "Allow", Action: "sts:AssumeRole", Resource: tlsReaderRoleArn }]);
}

/**
 * The bootstrap Job (Pod Identity: AWS CLI 2.27 is past botocore 1.34.41): store the init output in the recovery-key
 * secret (describe it first, then put a version), encrypting with the platform key through Secrets Manager. It never
 * reads the recovery keys back. With an external Vault it reads the admin token its operators stored instead.
 */
export function bootstrapPolicy(a: { recoverySecretArn?: string; adminTokenSecretArn?: string; kmsKeyArn: string; region: string; dnsSuffix: string }): PolicyDocument {
    const statements: Statement[] = [];
    if (a.recoverySecretArn) {
        statements.push({
            Sid: "StoreRecoveryKeys",
            Effect: "Allow",
            Action: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"],
            Resource: a.recoverySecretArn,
        });
    }
    if (a.adminTokenSecretArn) {
        statements.push({ Sid: "ReadExternalVaultAdminToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: a.adminTokenSecretArn });
    }
    statements.push({
        Sid: "UsePlatformSecretsKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: a.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${a.region}.${a.dnsSuffix}` } },
    });
    return policyDocument(statements);
}
