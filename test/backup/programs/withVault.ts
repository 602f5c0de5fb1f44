// A test program (run by test/backup/plan.spec.ts through tools/offline/run.ts): the backup layer alone, on fake
// cluster and Karpenter contracts, WITH a Vault (the secrets layer's snapshot role) and a monitoring stack, so the
// Vault snapshot job, its identity, the CA copy and the alert rules are planned and recorded.
import * as k8s from "@pulumi/kubernetes";
import { ENVIRONMENT_DEFAULTS } from "../../../infra/config";
import { Backup, type BackupSettings } from "../../../infra/backup";
import { fakeCluster, fakeKarpenter } from "../../fakeContracts";

const cluster = fakeCluster("bk", "platform-test");
const crds = new k8s.core.v1.Namespace("bk-monitoring-crds", { metadata: { name: "monitoring" } }, { provider: cluster.provider });

const layer = new Backup("backup", {
    cluster,
    karpenter: fakeKarpenter(),
    settings: ENVIRONMENT_DEFAULTS.prod["backup"] as BackupSettings,
    protectStateful: true,
    secrets: {
        vault: {
            address: "https://vault-active.vault.svc:8200",
            caConfigMap: { name: "vault-ca", key: "ca.crt" },
            caNamespace: "vault",
            audience: "vault",
            kubernetesAuthMount: "kubernetes",
            snapshot: { role: "vault-snapshot", namespace: "velero", serviceAccount: "vault-snapshot" },
            caCertPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        },
    },
    monitoring: { ready: [crds], runbookBaseUrl: "https://git.example.com/platform/blob/main/docs/runbooks.md", selectorLabels: { release: "kube-prometheus-stack" } },
    tags: { "platform:stack": "test", "platform:environment": "prod", "cost-center": "platform" },
});

export const outputs = layer.outputs;
export const notices = layer.notices;
export const capacity = cluster.capacity.demands();
