// The gitops layer: Argo CD (one per cluster) and Argo Rollouts.
//   - Argo CD 10.1.1 / v3.4.4 on the Karpenter `platform` pool (HA in prod: redis-ha needs three nodes for its hard
//     anti-affinity, which the pool provides; the repo server's manifest rendering is memory-heavy). Internal by default
//     (ClusterIP, kubectl port-forward), or argocd.<domain> on the shared ALB (HTTPS on the platform certificate, WAF,
//     gRPC target group for the CLI). SSO through OIDC; the admin account off in prod; RBAC read-only by default.
//   - An AppProject per team, the emptied `default` project, and the root "app of apps" Application for this stack.
//   - Secrets (SSO client secret, repository credentials, chat webhook) from ExternalSecrets, never values in Pulumi.
//   - Argo Rollouts 2.41.0 / v1.9.0 on the system nodes: two leader-elected controllers, metrics, ALB traffic routing
//     with target-group verification through Pod Identity, a read-only internal dashboard.
// docs/gitops.md explains the release flow, the Pulumi/Argo CD boundary and how a rollback happens.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContract } from "../cluster/contract";
import type { IngressContract } from "../ingress/contract";
import type { KarpenterContract } from "../karpenter/contract";
import { charts } from "../lib/charts";
import { ExternalSecretData, externalSecret } from "../lib/externalSecret";
import { Tags } from "../lib/naming";
import { systemChart } from "../lib/systemChart";
import type { SecretsContract } from "../secrets/contract";
import { GitopsSettings, ROOT_PROJECT, RemoteRef } from "./config";
import { GitopsContract } from "./contract";
import { rolloutsControllerPolicy } from "./iam";
import { defaultProjectSpec, rootApplicationSpec, rootProjectSpec, teamProjectSpec } from "./projects";
import {
    ARGOCD_NAMESPACE,
    ARGOCD_RELEASE,
    PART_OF_ARGOCD,
    REPOSITORY_SECRET,
    REPOSITORY_SECRET_LABEL,
    ROLLOUTS_NAMESPACE,
    ROLLOUTS_RELEASE,
    ROLLOUTS_SERVICE_ACCOUNT,
    argoCdValues,
    argocdPods,
} from "./values";
import { rolloutsPods, rolloutsValues } from "./rollouts";
import { NOTIFICATIONS_SECRET, OIDC_SECRET } from "./argocdConfig";

export type { GitopsContract, RolloutsContract } from "./contract";
export { gitopsSection, type GitopsSettings } from "./config";

export interface GitopsArgs {
    cluster: ClusterContract;
    karpenter: KarpenterContract;
    ingress: IngressContract;
    /**
     * The secrets layer: the SSO client secret, repository credentials and chat webhook are ExternalSecrets from its
     * stores. Until it is wired into the Platform, none is synced (SSO, private repositories and chat notifications
     * stay off, and a notice says so).
     */
    secrets?: SecretsContract;
    settings: GitopsSettings;
    tags: Tags;
}

/** The flat stack outputs this layer owns. */
export interface GitopsOutputs {
    argocdNamespace: string;
    /** Where people reach Argo CD: https://argocd.<domain>, or http://localhost:8080 through kubectl port-forward. */
    argocdUrl: string;
    argocdExposure: "internal" | "public";
    /** The root application (argocd/<name>) when a repository is configured. */
    argocdRootApplication?: string;
    argoRolloutsNamespace: string;
    /** Pod Identity role of the Rollouts controller (target-group verification). */
    argoRolloutsRoleArn?: pulumi.Output<string>;
}

export const ROOT_APPLICATION = "root";
/** Local port of `kubectl port-forward svc/argocd-server -n argocd 8080:80`, the internal way in. */
export const PORT_FORWARD_URL = "http://localhost:8080";

export class Gitops extends pulumi.ComponentResource {
    readonly contract: GitopsContract;
    readonly outputs: GitopsOutputs;
    readonly notices: string[] = [];
    readonly argocd: k8s.helm.v3.Release;
    readonly rollouts: k8s.helm.v3.Release;
    readonly projects: k8s.apiextensions.CustomResource[] = [];
    readonly rootApplication: k8s.apiextensions.CustomResource | undefined;
    readonly externalSecrets: k8s.apiextensions.CustomResource[] = [];

    constructor(name: string, args: GitopsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gitops:Gitops", name, {}, opts);
        const { cluster, settings: s, secrets } = args;
        const parent = { parent: this };
        const k8sOpts = { parent: this, provider: cluster.provider };
        const a = s.argocd;
        const ingress = args.ingress;
        const isPublic = a.exposure === "public" && ingress.domain !== undefined && ingress.certificateArn !== undefined;
        const host = ingress.domain !== undefined ? `${a.hostPrefix}.${ingress.domain}` : undefined;
        const url = isPublic ? `https://${host}` : PORT_FORWARD_URL;

        // Baseline Pod Security enforced, restricted audited and warned: the chart's containers are restricted-compliant,
        // the redis-ha subchart's are not all verifiable here. Public: the ALB controller injects readiness gates.
        const namespace = (logical: string, ns: string, extra: Record<string, string>) =>
            new k8s.core.v1.Namespace(
                logical,
                {
                    metadata: {
                        name: ns,
                        labels: {
                            "pod-security.kubernetes.io/enforce": "baseline",
                            "pod-security.kubernetes.io/warn": "restricted",
                            "pod-security.kubernetes.io/audit": "restricted",
                            ...extra,
                        },
                    },
                },
                k8sOpts,
            );
        const argocdNs = namespace(`${name}-argocd-namespace`, ARGOCD_NAMESPACE, isPublic ? ingress.readinessGateNamespaceLabels : {});
        const rolloutsNs = namespace(`${name}-rollouts-namespace`, ROLLOUTS_NAMESPACE, {});

        // ---- secrets: ExternalSecrets from the platform's stores ------------------------------------------------------
        let ssoReady = false;
        let notificationsReady = false;
        let repositoryReady = false;
        if (secrets) {
            const store = (ref: RemoteRef) => ({ name: ref.store === "vault" ? secrets.vaultStore : secrets.awsStore, kind: "ClusterSecretStore" }) as const;
            // Secrets Manager names are relative to the platform prefix the AWS store may read.
            const remote = (ref: RemoteRef): ExternalSecretData["remoteRef"] => ({ key: ref.store === "aws" ? `${secrets.awsSecretPrefix}${ref.key}` : ref.key, property: ref.property });
            const esDeps = [argocdNs, ...secrets.ready];
            const es = (logical: string, ref: RemoteRef, secretName: string, secretKey: string, extra: { template?: Record<string, string>; secretLabels?: Record<string, string>; labels?: Record<string, string> }) =>
                externalSecret(
                    `${name}-${logical}`,
                    { namespace: ARGOCD_NAMESPACE, secretName, store: store(ref), refreshInterval: secrets.refreshInterval, data: [{ secretKey, remoteRef: remote(ref) }], dependsOn: esDeps, ...extra },
                    k8sOpts,
                );
            if (a.sso) {
                // Argo CD reads `$argocd-oidc:clientSecret` only from a Secret labelled part-of argocd; without a template
                // the operator copies the ExternalSecret's labels to the Secret.
                this.externalSecrets.push(es("oidc", a.sso.clientSecret, OIDC_SECRET.name, OIDC_SECRET.key, { labels: { ...PART_OF_ARGOCD } }));
                ssoReady = true;
            }
            if (s.notifications.slack) {
                this.externalSecrets.push(es("notifications", s.notifications.slack.webhookUrl, NOTIFICATIONS_SECRET.name, NOTIFICATIONS_SECRET.key, { labels: { ...PART_OF_ARGOCD } }));
                notificationsReady = true;
            }
            const repo = s.repository;
            if (repo?.credentials) {
                // A repository Secret (declarative-setup.md "Repositories"): type and url beside the credential, the
                // secret-type label on the Secret itself (template metadata).
                const c = repo.credentials;
                const template: Record<string, string> =
                    c.kind === "https"
                        ? { type: "git", url: repo.url, username: c.username, password: "{{ .password }}" }
                        : { type: "git", url: repo.url, sshPrivateKey: "{{ .sshPrivateKey }}" };
                this.externalSecrets.push(
                    es("repository", c.kind === "https" ? c.password : c.privateKey, REPOSITORY_SECRET, c.kind === "https" ? "password" : "sshPrivateKey", {
                        template,
                        secretLabels: { ...REPOSITORY_SECRET_LABEL, ...PART_OF_ARGOCD },
                    }),
                );
                repositoryReady = true;
            }
        } else {
            this.notices.push(
                "gitops: the secrets layer is not wired, so no ExternalSecret syncs the Argo CD SSO client secret, repository credentials or chat webhook: SSO login, private repositories and chat notifications stay off" +
                    (a.adminEnabled ? "" : " (and with the admin account off, only kubectl and `argocd --core` reach Argo CD until then)"),
            );
        }

        // ---- Argo CD ---------------------------------------------------------------------------------------------------
        const ha = a.ha;
        const notifications = notificationsReady && s.notifications.slack ? { channel: s.notifications.slack.channel } : undefined;
        this.argocd = systemChart(
            `${name}-argocd`,
            {
                cluster,
                placement: args.karpenter.platform,
                chart: charts.argoCd,
                namespace: ARGOCD_NAMESPACE,
                releaseName: ARGOCD_RELEASE,
                values: argoCdValues({
                    ha,
                    placement: args.karpenter.platform,
                    url,
                    ingress:
                        isPublic && host !== undefined && ingress.certificateArn !== undefined
                            ? {
                                  host,
                                  ingressClassName: ingress.ingressClassName,
                                  groupName: ingress.groupName,
                                  certificateArn: ingress.certificateArn,
                                  wafAclArn: ingress.wafAclArn,
                                  deregistrationDelaySeconds: ingress.deregistrationDelaySeconds,
                              }
                            : undefined,
                    adminEnabled: a.adminEnabled,
                    sso: ssoReady && a.sso ? { issuer: a.sso.issuer, clientId: a.sso.clientId, name: a.sso.name ?? "SSO" } : undefined,
                    rbac: { adminGroups: a.adminGroups, teams: s.teams.map((t) => ({ name: t.name, groups: t.groups })) },
                    notifications,
                    clusterName: cluster.name,
                }),
                pods: argocdPods(ha, notifications !== undefined),
                // redis-ha on three fresh platform-pool nodes can take a while.
                timeoutSeconds: 900,
                dependsOn: [argocdNs, ...this.externalSecrets],
                tags: args.tags,
            },
            parent,
        ).release;

        // ---- Projects and the root application ------------------------------------------------------------------------
        const crOpts = { ...k8sOpts, dependsOn: [this.argocd] };
        const project = (logical: string, projectName: string, spec: object) =>
            new k8s.apiextensions.CustomResource(
                `${name}-project-${logical}`,
                { apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", metadata: { name: projectName, namespace: ARGOCD_NAMESPACE, labels: { "app.kubernetes.io/managed-by": "pulumi" } }, spec },
                crOpts,
            );
        for (const t of s.teams) this.projects.push(project(t.name, t.name, teamProjectSpec(t, s.sync)));
        // The built-in project exists as soon as Argo CD runs (it creates it when missing): patched, not created, with
        // server-side apply forced over the fields argocd-server set (pulumi.com/patchForce).
        new k8s.apiextensions.CustomResourcePatch(
            `${name}-project-default`,
            {
                apiVersion: "argoproj.io/v1alpha1",
                kind: "AppProject",
                metadata: { name: "default", namespace: ARGOCD_NAMESPACE, annotations: { "pulumi.com/patchForce": "true" } },
                spec: defaultProjectSpec(),
            },
            crOpts,
        );
        const repo = s.repository;
        if (repo) {
            const rootProject = project("root", ROOT_PROJECT, rootProjectSpec(repo.url, s.sync));
            this.projects.push(rootProject);
            this.rootApplication = new k8s.apiextensions.CustomResource(
                `${name}-root-application`,
                {
                    apiVersion: "argoproj.io/v1alpha1",
                    kind: "Application",
                    metadata: { name: ROOT_APPLICATION, namespace: ARGOCD_NAMESPACE, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
                    spec: rootApplicationSpec(repo, s.sync.automated),
                },
                { ...k8sOpts, dependsOn: [this.argocd, rootProject, ...this.externalSecrets] },
            );
            if (repo.credentials && !repositoryReady) this.notices.push(`gitops: ${repo.url} needs credentials that only the secrets layer can sync: the root application cannot fetch it until that layer is wired`);
        } else {
            this.rootApplication = undefined;
            this.notices.push("gitops: no platform:gitops.repository set, so Argo CD runs without a root application (add one to deliver team applications)");
        }
        if (!isPublic) this.notices.push(`Argo CD is internal: kubectl port-forward svc/argocd-server -n ${ARGOCD_NAMESPACE} 8080:80, then ${PORT_FORWARD_URL} (or argocd login --port-forward)`);
        if (!a.adminEnabled && !a.sso) this.notices.push("Argo CD has no interactive login: the admin account is off and no platform:gitops.argocd.sso is set (only kubectl and `argocd --core` reach it)");
        if (a.adminEnabled) this.notices.push(`Argo CD's admin account is enabled (the initial password is in Secret ${ARGOCD_NAMESPACE}/argocd-initial-admin-secret)`);

        // ---- Argo Rollouts -----------------------------------------------------------------------------------------------
        const rollouts = systemChart(
            `${name}-rollouts`,
            {
                cluster,
                placement: cluster.system,
                chart: charts.argoRollouts,
                namespace: ROLLOUTS_NAMESPACE,
                releaseName: ROLLOUTS_RELEASE,
                values: rolloutsValues({ placement: cluster.system, region: cluster.account.region, dashboard: s.rollouts.dashboard, verifyTargetGroups: s.rollouts.verifyTargetGroups }),
                ...(s.rollouts.verifyTargetGroups ? { identity: { serviceAccount: ROLLOUTS_SERVICE_ACCOUNT, policy: rolloutsControllerPolicy() } } : {}),
                pods: rolloutsPods(s.rollouts.dashboard),
                dependsOn: [rolloutsNs],
                tags: args.tags,
            },
            parent,
        );
        this.rollouts = rollouts.release;

        this.contract = {
            rollouts: { ready: [this.rollouts], controllerNamespace: ROLLOUTS_NAMESPACE },
            argocdNamespace: ARGOCD_NAMESPACE,
        };
        this.outputs = {
            argocdNamespace: ARGOCD_NAMESPACE,
            argocdUrl: url,
            argocdExposure: isPublic ? "public" : "internal",
            ...(repo ? { argocdRootApplication: `${ARGOCD_NAMESPACE}/${ROOT_APPLICATION}` } : {}),
            argoRolloutsNamespace: ROLLOUTS_NAMESPACE,
            ...(rollouts.identity ? { argoRolloutsRoleArn: rollouts.identity.roleArn } : {}),
        };
        this.registerOutputs({ argocdUrl: url });
    }
}
