// Chart values of the secrets layer as pure functions. Every key is declared by the chart's values.yaml at the pinned
// version (hashicorp/vault-helm values.yaml @ v0.34.1 aa1c92e4; external-secrets deploy/charts/external-secrets/
// values.yaml @ 2.9.0 cc5bfbc2) or read by its templates (marked T); test/secrets/fixtures/upstream.ts transcribes
// the key lists and the tests compare.
import { PodDemand } from "../lib/capacity";
import { Placement, zoneSpread } from "../lib/placement";
import { VaultSettings } from "./config";
import { VAULT_AUDIT_PATH, VAULT_DATA_PATH, VAULT_HEADLESS_SERVICE, VAULT_PORT, VAULT_SERVICE_ACCOUNT, VAULT_TLS_DIR, VAULT_TLS_SECRET } from "./names";

/** The server image; the same tag as the chart's appVersion (Chart.yaml @ v0.34.1: appVersion 2.0.4). */
export const VAULT_SERVER_IMAGE = { repository: "hashicorp/vault", tag: "2.0.4" } as const;

/** Pod labels the Vault chart puts on server pods (templates/server-statefulset.yaml). */
export const VAULT_SERVER_LABELS = { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server" } as const;

const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

export interface VaultValuesArgs {
    settings: VaultSettings;
    placement: Placement;
    storageClass: string;
    /** server.ha.raft.config (hcl.ts). */
    config: string;
    /** IRSA role of the seal (eks.amazonaws.com/role-arn on the server's service account). */
    sealRoleArn: string;
    /** VPC CIDR: the only source of the internal UI load balancer. */
    vpcCidr: string;
    /** Zone spread hard (prod) or soft (dev). */
    zoneSpreadMode: "DoNotSchedule" | "ScheduleAnyway";
}

export function vaultValues(a: VaultValuesArgs): Record<string, unknown> {
    const s = a.settings;
    const ha = s.replicas > 1;
    return {
        // TLS on: VAULT_ADDR and the probes switch to https (templates/_helpers.tpl "vault.scheme").
        global: { enabled: true, tlsDisable: false },
        // external-secrets is the delivery path; no mutating webhook for sidecars.
        injector: { enabled: false },
        server: {
            image: { ...VAULT_SERVER_IMAGE },
            // The chart's default; an upgrade restarts no pod: docs/secrets.md "OnDelete roll" deletes them one by one.
            updateStrategyType: "OnDelete",
            resources: { requests: { cpu: s.resources.cpu, memory: s.resources.memory }, limits: { memory: s.resources.memoryLimit } },
            nodeSelector: { ...a.placement.nodeSelector },
            tolerations: a.placement.tolerations.map((t) => ({ ...t })),
            // server.affinity keeps the chart's default: REQUIRED anti-affinity on kubernetes.io/hostname, one pod per node.
            topologySpreadConstraints: zoneSpread({ ...VAULT_SERVER_LABELS }, a.zoneSpreadMode),
            extraEnvironmentVars: { VAULT_CACERT: `${VAULT_TLS_DIR}/ca.crt` },
            volumes: [
                { name: VAULT_TLS_SECRET, secret: { secretName: VAULT_TLS_SECRET, defaultMode: 0o440 } },
                // The chart's start script writes /tmp/storageconfig.hcl; the root filesystem is read-only.
                { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            ],
            volumeMounts: [
                { name: VAULT_TLS_SECRET, mountPath: VAULT_TLS_DIR, readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
            ],
            statefulSet: {
                securityContext: {
                    // The chart's defaults (uid 100, gid/fsGroup 1000) plus seccomp.
                    pod: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                    container: RESTRICTED_CONTAINER,
                },
            },
            // Liveness checks the process only: a sealed or uninitialised node must not be restarted in a loop.
            livenessProbe: { enabled: true, path: "/v1/sys/health?standbyok=true&perfstandbyok=true&sealedcode=204&uninitcode=204" },
            dataStorage: { enabled: true, size: s.dataStorageSize, storageClass: a.storageClass, mountPath: VAULT_DATA_PATH },
            auditStorage: { enabled: true, size: s.auditStorageSize, storageClass: a.storageClass, mountPath: VAULT_AUDIT_PATH },
            serviceAccount: {
                create: true,
                name: VAULT_SERVICE_ACCOUNT,
                annotations: { "eks.amazonaws.com/role-arn": a.sealRoleArn },
            },
            standalone: { enabled: false },
            ha: {
                enabled: true,
                replicas: s.replicas,
                // Redirects name the pod by DNS (covered by the certificate), not by IP. VAULT_K8S_POD_NAME is defined
                // before VAULT_API_ADDR in the chart's env list, so Kubernetes expands it.
                apiAddr: `https://$(VAULT_K8S_POD_NAME).${VAULT_HEADLESS_SERVICE}:${VAULT_PORT}`,
                raft: { enabled: true, setNodeId: true, config: a.config },
                // One replica: a PDB with maxUnavailable 0 would block every node drain, so none.
                disruptionBudget: ha ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
            },
        },
        ui: {
            enabled: true,
            activeVaultPodOnly: true,
            ...(s.ui === "internalLoadBalancer"
                ? {
                      serviceType: "LoadBalancer",
                      // An internal NLB (AWS Load Balancer Controller annotations, docs/guide/service/annotations.md @ v3.5.0)
                      // reachable from the VPC only; the security group admits the VPC CIDR only (T: templates read it).
                      annotations: {
                          "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
                          "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                      },
                      loadBalancerSourceRanges: [a.vpcCidr],
                  }
                : { serviceType: "ClusterIP" }),
        },
    };
}

export function vaultPods(s: VaultSettings): PodDemand[] {
    return [{ component: "vault/server", replicas: s.replicas, cpu: s.resources.cpu, memory: s.resources.memory, memoryLimit: s.resources.memoryLimit }];
}

// ---- external-secrets ----------------------------------------------------------------------------------------

export interface EsoSettings {
    replicas: number;
    webhookReplicas: number;
    certControllerReplicas: number;
}

/** Requests per component (controller reconciles and caches; webhook and cert controller are small). */
export const ESO_RESOURCES = {
    controller: { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" },
    webhook: { cpu: "20m", memory: "64Mi", memoryLimit: "128Mi" },
    certController: { cpu: "20m", memory: "64Mi", memoryLimit: "192Mi" },
} as const;

function res(r: { cpu: string; memory: string; memoryLimit: string }) {
    return { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memoryLimit } };
}

export function esoValues(a: { settings: EsoSettings; placement: Placement; serviceAccount: string }): Record<string, unknown> {
    const s = a.settings;
    const spread = (name: string) => zoneSpread({ "app.kubernetes.io/name": name }, "ScheduleAnyway");
    const pdb = (replicas: number) => (replicas > 1 ? { enabled: true, minAvailable: 1 } : { enabled: false });
    return {
        // CRDs are chart templates (Helm upgrades them); external-secrets.io/v1 is the served version, v1beta1 is not.
        installCRDs: true,
        crds: { unsafeServeV1Beta1: false },
        // Placement for all three Deployments (each template falls back to global.*).
        global: { nodeSelector: { ...a.placement.nodeSelector }, tolerations: a.placement.tolerations.map((t) => ({ ...t })) },
        replicaCount: s.replicas,
        // Required with more than one controller (else duplicate reconcilers); the cert controller reads it too.
        leaderElect: s.replicas > 1 || s.certControllerReplicas > 1,
        serviceAccount: { create: true, name: a.serviceAccount },
        resources: res(ESO_RESOURCES.controller),
        topologySpreadConstraints: spread("external-secrets"),
        podDisruptionBudget: pdb(s.replicas),
        webhook: {
            replicaCount: s.webhookReplicas,
            // Fail closed (the default): an ExternalSecret is never admitted unvalidated.
            failurePolicy: "Fail",
            resources: res(ESO_RESOURCES.webhook),
            topologySpreadConstraints: spread("external-secrets-webhook"),
            podDisruptionBudget: pdb(s.webhookReplicas),
        },
        certController: {
            replicaCount: s.certControllerReplicas,
            resources: res(ESO_RESOURCES.certController),
            topologySpreadConstraints: spread("external-secrets-cert-controller"),
            podDisruptionBudget: pdb(s.certControllerReplicas),
        },
    };
}

export function esoPods(s: EsoSettings): PodDemand[] {
    return [
        { component: "external-secrets/controller", replicas: s.replicas, ...ESO_RESOURCES.controller },
        { component: "external-secrets/webhook", replicas: s.webhookReplicas, ...ESO_RESOURCES.webhook },
        { component: "external-secrets/cert-controller", replicas: s.certControllerReplicas, ...ESO_RESOURCES.certController },
    ];
}
