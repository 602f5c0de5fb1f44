// IAM documents of the secrets layer: exact actions, resources and conditions.
import * as assert from "assert";
import {
    KEY_ADMIN_ACTIONS,
    SEAL_ACTIONS,
    assumeTlsReaderPolicy,
    awsStorePolicy,
    bootstrapPolicy,
    irsaTrustPolicy,
    sealKeyPolicy,
    tlsReaderPolicy,
    tlsReaderTrustPolicy,
    vaultSealPolicy,
} from "../../infra/secrets/iam";

const VAULT_ROLE = "arn:aws:iam::123456789012:role/vault-seal";
const DB = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf";
const CACHE = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-prod/data/valkey-auth-token-AbCdEf";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1111";
const DATA_KEY = "arn:aws:kms:eu-west-1:123456789012:key/2222";

describe("secrets IAM: the seal key", () => {
    const doc = sealKeyPolicy({ accountId: "123456789012", partition: "aws", vaultRoleArn: VAULT_ROLE });

    it("only Vault's role may Encrypt, Decrypt and DescribeKey (the exact calls of the awskms wrapper)", () => {
        assert.deepStrictEqual([...SEAL_ACTIONS], ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]);
        const use = doc.Statement.filter((s) => ([] as string[]).concat(s.Action).some((a) => a === "kms:Decrypt" || a === "kms:Encrypt" || a === "kms:*"));
        assert.deepStrictEqual(use.map((s) => s.Sid), ["VaultSealUsesKey"]);
        assert.deepStrictEqual(use[0].Principal, { AWS: VAULT_ROLE });
        assert.deepStrictEqual(use[0].Action, ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]);
    });

    it("the account administers the key (no lock-out) but cannot use it: no kms:*, no usage action", () => {
        const admin = doc.Statement.find((s) => s.Sid === "AccountAdministersKeyWithoutUse");
        assert.deepStrictEqual(admin?.Principal, { AWS: "arn:aws:iam::123456789012:root" });
        const actions = [...KEY_ADMIN_ACTIONS] as string[];
        assert.deepStrictEqual(admin?.Action, actions);
        for (const forbidden of ["kms:*", "kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant"]) {
            assert.ok(!actions.includes(forbidden), forbidden);
        }
        assert.ok(!actions.some((a) => a.startsWith("kms:Create") && a !== "kms:Create*"));
    });

    it("Vault's role policy allows the same three calls on that key only", () => {
        assert.deepStrictEqual(vaultSealPolicy(KEY).Statement, [{ Sid: "SealWithKmsKey", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: KEY }]);
    });

    it("IRSA trust: the cluster's OIDC provider, sub = system:serviceaccount:vault:vault, aud = sts.amazonaws.com", () => {
        const t = irsaTrustPolicy({ oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", namespace: "vault", serviceAccount: "vault" });
        assert.deepStrictEqual(t.Statement, [
            {
                Sid: "AllowServiceAccountWebIdentity",
                Effect: "Allow",
                Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:vault:vault",
                        "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
                    },
                },
            },
        ]);
    });
});

describe("secrets IAM: the AWS Secrets Manager store", () => {
    const doc = awsStorePolicy({
        partition: "aws",
        region: "eu-west-1",
        accountId: "123456789012",
        dnsSuffix: "amazonaws.com",
        secretPrefix: "platform-prod/",
        kmsKeyArn: KEY,
        extraSecretArns: [DB, CACHE],
        extraKeyArns: [DATA_KEY],
        deniedSecretArns: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-prod-vault/recovery-keys-x"],
    });
    const sid = (s: string) => doc.Statement.find((x) => x.Sid === s);

    it("reads exactly secret:<prefix>* and the data tier's two secrets, with the provider's four read actions", () => {
        assert.deepStrictEqual(sid("ReadPlatformSecrets"), {
            Sid: "ReadPlatformSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds"],
            Resource: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-prod/*", DB, CACHE],
        });
        const all = doc.Statement.flatMap((s) => ([] as string[]).concat(s.Action));
        assert.ok(!all.includes("secretsmanager:ListSecrets") && !all.includes("secretsmanager:BatchGetSecretValue"), "no find/bulk");
    });

    it("decrypts with the platform key through Secrets Manager, and with other keys only for the data tier's secrets", () => {
        assert.deepStrictEqual(sid("DecryptPlatformSecrets"), { Sid: "DecryptPlatformSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY, Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } } });
        assert.deepStrictEqual(sid("DecryptDataTierSecrets")?.Resource, [DATA_KEY]);
        assert.deepStrictEqual(sid("DecryptDataTierSecrets")?.Condition, {
            StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" },
            "ForAnyValue:StringEquals": { "kms:EncryptionContext:SecretARN": [DB, CACHE] },
        });
    });

    it("explicitly denies Vault's internal secrets", () => {
        assert.deepStrictEqual(sid("NeverReadVaultInternals")?.Effect, "Deny");
    });
});

describe("secrets IAM: the TLS reader and the bootstrap", () => {
    it("only the controller's role may assume the TLS reader; the reader reads that one secret", () => {
        assert.deepStrictEqual(tlsReaderTrustPolicy("arn:aws:iam::1:role/eso").Statement[0].Principal, { AWS: "arn:aws:iam::1:role/eso" });
        assert.deepStrictEqual(assumeTlsReaderPolicy("arn:aws:iam::1:role/tls").Statement, [{ Sid: "AssumeVaultTlsReader", Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::1:role/tls" }]);
        const r = tlsReaderPolicy({ tlsSecretArn: "arn:tls", kmsKeyArn: KEY, region: "eu-west-1", dnsSuffix: "amazonaws.com" });
        assert.deepStrictEqual(r.Statement[0].Resource, "arn:tls");
    });

    it("the bootstrap may describe and put the recovery-key secret but never read it back", () => {
        const doc = bootstrapPolicy({ recoverySecretArn: "arn:rk", kmsKeyArn: KEY, region: "eu-west-1", dnsSuffix: "amazonaws.com" });
        assert.deepStrictEqual(doc.Statement[0], { Sid: "StoreRecoveryKeys", Effect: "Allow", Action: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"], Resource: "arn:rk" });
        assert.ok(!doc.Statement.some((s) => ([] as string[]).concat(s.Action).includes("secretsmanager:GetSecretValue")));
        assert.deepStrictEqual(doc.Statement[1].Action, ["kms:GenerateDataKey", "kms:Decrypt"]);
    });
});
