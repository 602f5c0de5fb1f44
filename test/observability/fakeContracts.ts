// Stand-ins for the SecretsContract and LoggingContract (test data only): the secrets and logging layers are built in
// parallel; these carry the same shapes (infra/secrets/contract.ts, infra/logging/contract.ts).
import * as pulumi from "@pulumi/pulumi";
import type { LoggingContract } from "../../infra/logging/contract";
import type { SecretsContract } from "../../infra/secrets/contract";

export function fakeSecrets(ready: pulumi.Resource[] = []): SecretsContract {
    return {
        vaultStore: "vault",
        awsStore: "aws-secrets-manager",
        refreshInterval: "1h",
        ready,
        kvMount: "platform",
        awsSecretPrefix: "platform-test/",
        kmsKeyArn: pulumi.output("arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"),
        vault: {
            address: "https://vault-active.vault.svc:8200",
            caConfigMap: { name: "vault-ca", key: "ca.crt" },
            caNamespace: "vault",
            kubernetesAuthMount: "kubernetes",
            audience: "vault",
            snapshot: { role: "raft-snapshot", namespace: "velero", serviceAccount: "vault-snapshot" },
        },
        vaultAccessFor: (namespace, serviceAccount) => ({ store: `vault-apps-${namespace}-${serviceAccount}`, pathPrefix: `apps/${namespace}/${serviceAccount}` }),
    };
}

export function fakeLogging(): LoggingContract {
    return {
        lokiUrl: "http://loki-gateway.logging.svc",
        tempoUrl: "http://tempo.tracing.svc:3200",
        otlpGrpcEndpoint: "http://otel-gateway.tracing.svc:4317",
        otlpHttpEndpoint: "http://otel-gateway.tracing.svc:4318",
        tenant: "platform",
    };
}
