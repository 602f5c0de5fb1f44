// Who may read what in Vault: one ACL policy and one Kubernetes-auth role per consuming service account, each
// reading only its own kv path. Pure data; the bootstrap Job writes it into Vault (bootstrap.ts) and the tests read it.
import { VaultConsumer } from "./config";
import { Capability, PolicyRule, kvReadRules, policyHcl } from "./hcl";
import {
    APPS_KV_PREFIX,
    BOOTSTRAP_ROLE,
    BOOTSTRAP_SERVICE_ACCOUNT,
    ESO_NAMESPACE,
    ESO_SERVICE_ACCOUNT,
    ESO_VAULT_ROLE,
    PLATFORM_KV_PREFIX,
    SNAPSHOT_ACCESS,
    VAULT_AUDIENCE,
    VAULT_NAMESPACE,
} from "./names";

/** A role of Vault's Kubernetes auth method (API: auth/<mount>/role/<name>). */
export interface VaultRole {
    name: string;
    boundServiceAccountNames: string[];
    boundServiceAccountNamespaces: string[];
    /** Required `aud` of the presented token (Vault warns about roles without one since 1.15 and may require it). */
    audience: string;
    policies: string[];
    /** Token TTL: short, the client logs in again. */
    tokenTtl: string;
}

export interface VaultPolicy {
    name: string;
    rules: PolicyRule[];
}

export interface VaultAccess {
    kvMount: string;
    authMount: string;
    policies: VaultPolicy[];
    roles: VaultRole[];
    /** Prefix of the policy names this program owns; the bootstrap deletes owned policies that are no longer declared. */
    policyPrefix: string;
}

/** kv path (inside the mount) of a service account's own secrets. */
export function consumerPath(c: VaultConsumer): string {
    return `${APPS_KV_PREFIX}/${c.namespace}/${c.serviceAccount}`;
}

/** Vault role (and policy suffix) of a consumer: apps-<namespace>-<serviceAccount>. */
export function consumerRole(c: VaultConsumer): string {
    return `apps-${c.namespace}-${c.serviceAccount}`;
}

function role(name: string, namespace: string, serviceAccount: string, policy: string, ttl = "15m"): VaultRole {
    return {
        name,
        boundServiceAccountNames: [serviceAccount],
        boundServiceAccountNamespaces: [namespace],
        audience: VAULT_AUDIENCE,
        policies: [policy],
        tokenTtl: ttl,
    };
}

/**
 * What the bootstrap may change: only the mounts, auth method, audit device, policies and roles it owns. Paths and
 * sudo requirements per the Vault API docs (/sys/mounts, /sys/auth and /sys/audit need sudo; /sys/policies/acl).
 */
export function bootstrapRules(kvMount: string, authMount: string, policyPrefix: string): PolicyRule[] {
    const rw: Capability[] = ["create", "read", "update", "delete", "list"];
    return [
        { path: "sys/mounts", capabilities: ["read"] },
        { path: `sys/mounts/${kvMount}`, capabilities: ["create", "read", "update"] },
        { path: `sys/mounts/${kvMount}/tune`, capabilities: ["read", "update"] },
        { path: "sys/auth", capabilities: ["read", "sudo"] },
        { path: `sys/auth/${authMount}`, capabilities: ["create", "read", "update", "sudo"] },
        { path: "sys/audit", capabilities: ["read", "sudo"] },
        { path: "sys/audit/file", capabilities: ["create", "read", "update", "sudo"] },
        { path: "sys/policies/acl", capabilities: ["list"] },
        { path: `sys/policies/acl/${policyPrefix}*`, capabilities: rw },
        { path: `auth/${authMount}/config`, capabilities: ["create", "read", "update"] },
        { path: `auth/${authMount}/role`, capabilities: ["list"] },
        { path: `auth/${authMount}/role/*`, capabilities: rw },
    ];
}

export function vaultAccess(args: { kvMount: string; authMount: string; policyPrefix: string; consumers: VaultConsumer[] }): VaultAccess {
    const p = (n: string) => `${args.policyPrefix}${n}`;
    const policies: VaultPolicy[] = [
        { name: p(BOOTSTRAP_ROLE), rules: bootstrapRules(args.kvMount, args.authMount, args.policyPrefix) },
        // The controller's own store reads only platform-owned secrets (Grafana, Argo CD admin credentials, ...).
        { name: p(ESO_VAULT_ROLE), rules: kvReadRules(args.kvMount, PLATFORM_KV_PREFIX) },
        // Raft snapshots for the backup layer (Vault API: GET sys/storage/raft/snapshot needs read).
        { name: p(SNAPSHOT_ACCESS.role), rules: [{ path: "sys/storage/raft/snapshot", capabilities: ["read"] }] },
        ...args.consumers.map((c) => ({ name: p(consumerRole(c)), rules: kvReadRules(args.kvMount, consumerPath(c)) })),
    ];
    const roles: VaultRole[] = [
        role(BOOTSTRAP_ROLE, VAULT_NAMESPACE, BOOTSTRAP_SERVICE_ACCOUNT, p(BOOTSTRAP_ROLE), "10m"),
        role(ESO_VAULT_ROLE, ESO_NAMESPACE, ESO_SERVICE_ACCOUNT, p(ESO_VAULT_ROLE)),
        role(SNAPSHOT_ACCESS.role, SNAPSHOT_ACCESS.namespace, SNAPSHOT_ACCESS.serviceAccount, p(SNAPSHOT_ACCESS.role)),
        ...args.consumers.map((c) => role(consumerRole(c), c.namespace, c.serviceAccount, p(consumerRole(c)))),
    ];
    const names = new Set<string>();
    for (const r of roles) {
        if (names.has(r.name)) throw new Error(`Vault role ${r.name} is declared twice`);
        names.add(r.name);
    }
    return { kvMount: args.kvMount, authMount: args.authMount, policies, roles, policyPrefix: args.policyPrefix };
}

/** The document the bootstrap Job applies: policies as HCL text, roles as the API's field names. */
export function bootstrapDocument(access: VaultAccess): string {
    return JSON.stringify(
        {
            kvMount: access.kvMount,
            authMount: access.authMount,
            policyPrefix: access.policyPrefix,
            policies: Object.fromEntries(access.policies.map((p) => [p.name, policyHcl(p.rules)])),
            roles: Object.fromEntries(
                access.roles.map((r) => [
                    r.name,
                    {
                        bound_service_account_names: r.boundServiceAccountNames.join(","),
                        bound_service_account_namespaces: r.boundServiceAccountNamespaces.join(","),
                        audience: r.audience,
                        token_policies: r.policies.join(","),
                        token_ttl: r.tokenTtl,
                        token_max_ttl: r.tokenTtl,
                    },
                ]),
            ),
        },
        null,
        2,
    );
}

/**
 * SecretsContract.vaultAccessFor: the store (named by `storeName`) and kv path of a declared consumer, or an error
 * naming the config key when the service account is not declared.
 */
export function consumerLookup(consumers: VaultConsumer[], storeName: (namespace: string, serviceAccount: string) => string) {
    return (namespace: string, serviceAccount: string): { store: string; pathPrefix: string } => {
        const c = consumers.find((x) => x.namespace === namespace && x.serviceAccount === serviceAccount);
        if (!c) {
            throw new Error(
                `platform:secrets.vaultConsumers: expected an entry { namespace: ${namespace}, serviceAccount: ${serviceAccount} } for a service that reads Vault, ` +
                    `found ${JSON.stringify(consumers.map((x) => `${x.namespace}/${x.serviceAccount}`))}`,
            );
        }
        return { store: storeName(namespace, serviceAccount), pathPrefix: consumerPath(c) };
    };
}
