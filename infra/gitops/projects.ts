// Argo CD projects and the root application as plain data (argoproj.io/v1alpha1; fields per the CRDs of argo-cd v3.4.4,
// charts/argo-cd/templates/crds/crd-{application,appproject}.yaml @ argo-helm af0a9310; validated in
// test/gitops/crds.spec.ts).
//
// The boundary with Pulumi: Pulumi owns the platform (every namespace, its quota, limits and default-deny policy, the
// add-ons, these projects and the root application); Argo CD owns team applications. The AppProjects make that
// mechanical: a team may deploy only namespaced objects, only into its own namespaces, never a ResourceQuota or
// LimitRange; the root application may create only Application objects in the argocd namespace; the built-in
// `default` project is emptied so no application can escape a team project.
import { GitopsSettings, ROOT_PROJECT } from "./config";
import { ARGOCD_NAMESPACE, IN_CLUSTER } from "./values";

export interface GroupKind {
    group: string;
    kind: string;
}

export interface SyncWindow {
    kind: "allow" | "deny";
    schedule: string;
    duration: string;
    applications: string[];
    manualSync?: boolean;
    timeZone?: string;
}

export interface AppProjectSpec {
    description: string;
    sourceRepos: string[];
    destinations: { server: string; namespace: string }[];
    clusterResourceWhitelist: GroupKind[];
    clusterResourceBlacklist?: GroupKind[];
    namespaceResourceWhitelist?: GroupKind[];
    namespaceResourceBlacklist?: GroupKind[];
    sourceNamespaces?: string[];
    syncWindows?: SyncWindow[];
}

export interface ApplicationSpec {
    project: string;
    source: { repoURL: string; path: string; targetRevision: string; directory: { recurse: boolean } };
    destination: { server: string; namespace: string };
    syncPolicy: {
        automated?: { enabled: boolean; prune: boolean; selfHeal: boolean; allowEmpty: boolean };
        syncOptions: string[];
        retry: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } };
    };
}

/** Every cluster-scoped kind (group and kind "*"). */
const ALL: GroupKind = { group: "*", kind: "*" };

/** Namespaced kinds the platform's NamespaceBaseline owns in every team namespace (infra/workloads/namespace.ts). */
export const PLATFORM_OWNED_NAMESPACED_KINDS: GroupKind[] = [
    { group: "", kind: "ResourceQuota" },
    { group: "", kind: "LimitRange" },
];

function windows(w: GitopsSettings["sync"]["windows"]): SyncWindow[] {
    return w.map((x) => ({
        kind: x.kind,
        schedule: x.schedule,
        duration: x.duration,
        applications: ["*"],
        ...(x.manualSync !== undefined ? { manualSync: x.manualSync } : {}),
        ...(x.timeZone !== undefined ? { timeZone: x.timeZone } : {}),
    }));
}

/** A team's project: its repositories, its namespaces, no cluster-scoped kind, not the platform's namespace objects. */
export function teamProjectSpec(team: GitopsSettings["teams"][number], sync: GitopsSettings["sync"]): AppProjectSpec {
    return {
        description: `Applications of team ${team.name} (namespaces ${team.namespaces.join(", ")}); managed by Pulumi`,
        sourceRepos: [...team.sourceRepos],
        destinations: team.namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
        // An empty whitelist admits no cluster-scoped kind; the blacklist says so explicitly as well.
        clusterResourceWhitelist: [],
        clusterResourceBlacklist: [ALL],
        namespaceResourceBlacklist: PLATFORM_OWNED_NAMESPACED_KINDS.map((k) => ({ ...k })),
        ...(sync.windows.length > 0 ? { syncWindows: windows(sync.windows) } : {}),
    };
}

/** The root project: the app of apps may create Application objects in the argocd namespace, and nothing else. */
export function rootProjectSpec(repoUrl: string, sync: GitopsSettings["sync"]): AppProjectSpec {
    return {
        description: "The root application (app of apps): Application objects only, in the argocd namespace; managed by Pulumi",
        sourceRepos: [repoUrl],
        destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
        clusterResourceWhitelist: [],
        clusterResourceBlacklist: [ALL],
        namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }],
        ...(sync.windows.length > 0 ? { syncWindows: windows(sync.windows) } : {}),
    };
}

/**
 * The built-in `default` project, emptied: the manifest user-guide/projects.md @ v3.4.4 gives under "The Default
 * Project" ("To remove all permissions from the default project"), plus an empty cluster whitelist.
 */
export function defaultProjectSpec(): AppProjectSpec & { sourceNamespaces: string[] } {
    return {
        description: "Emptied by the platform: every application belongs to a team project",
        sourceRepos: [],
        sourceNamespaces: [],
        destinations: [],
        clusterResourceWhitelist: [],
        namespaceResourceBlacklist: [ALL],
    };
}

/**
 * The root application: every manifest under <repository>/<path> (recursively), which are Application objects of the
 * teams' projects. Automated sync with prune and self-heal when `sync.automated` (dev); manual sync otherwise (prod),
 * inside the projects' sync windows. No resources-finalizer: deleting the root never cascades into the teams' apps.
 */
export function rootApplicationSpec(repo: NonNullable<GitopsSettings["repository"]>, automated: boolean): ApplicationSpec {
    return {
        project: ROOT_PROJECT,
        source: { repoURL: repo.url, path: repo.path, targetRevision: repo.revision, directory: { recurse: true } },
        destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
        syncPolicy: {
            ...(automated ? { automated: { enabled: true, prune: true, selfHeal: true, allowEmpty: false } } : {}),
            // Server-side apply: the API server merges, fields other managers own are kept (sync-options.md).
            syncOptions: ["ServerSideApply=true"],
            retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } },
        },
    };
}
