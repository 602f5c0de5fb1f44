// The golden path's secrets seam: a service declares which credentials it needs, from which store, and how they
// reach the container (env variables and/or files). Each entry becomes one ExternalSecret (external-secrets.io/v1,
// creationPolicy Owner: the Secret is external-secrets', never the program's) and `secretKeyRef` env variables; the
// pod template carries a checksum of the declarations so a changed declaration (or a bumped `rotation`) rolls the pods.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export interface ServiceSecretData {
    /** Key in the Kubernetes Secret (and the template variable `.<secretKey>`). */
    secretKey: string;
    /** Remote key: a Vault path under the store's prefix (e.g. "apps/quotes/quotes/api") or a Secrets Manager name/ARN. */
    remoteKey: pulumi.Input<string>;
    /** JSON property of the remote value (e.g. "password" of an RDS-managed secret). */
    property?: string;
}

export interface ServiceSecret {
    /** Name of the ExternalSecret and of the Secret external-secrets writes (DNS-1123 subdomain). */
    name: string;
    /** ClusterSecretStore: SecretsContract.awsStore, or SecretsContract.vaultAccessFor(namespace, sa).store. */
    store: string;
    data: ServiceSecretData[];
    /**
     * Templated Secret data (external-secrets template engine v2, Go templates over the data keys), e.g.
     * { DATABASE_URL: "postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@host:5432/db" }. With a
     * template the Secret holds exactly the template's keys.
     */
    template?: Record<string, pulumi.Input<string>>;
    /** Environment variable -> key of the resulting Secret. */
    env?: Record<string, string>;
    /** Mount the Secret read-only as files here: the kubelet updates them in place when the value rotates. */
    mountPath?: string;
    /** Refresh interval of this ExternalSecret (Go duration); default: the layer's (ServiceSecrets.refreshInterval). */
    refreshInterval?: string;
    /** Bump after an out-of-band rotation to restart the pods (it is part of the checksum annotation). */
    rotation?: number;
}

export interface ServiceSecrets {
    /** What every ExternalSecret waits for: SecretsContract.ready (the external-secrets release and the stores). */
    ready: pulumi.Resource[];
    /** Default refresh interval (platform:secrets.refreshInterval). */
    refreshInterval: string;
    items: ServiceSecret[];
}

/** The pod-template annotation that rolls the pods when a secret declaration changes. */
export const SECRETS_CHECKSUM_ANNOTATION = "platform.io/secrets-checksum";

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DURATION = /^([0-9]+(ns|us|µs|ms|s|m|h))+$/;

/** The keys the resulting Secret has. */
export function secretKeys(s: ServiceSecret): string[] {
    return s.template ? Object.keys(s.template) : s.data.map((d) => d.secretKey);
}

/** Problems of the `secrets` argument, each naming the field, what was expected and what was found. */
export function secretsProblems(secrets: ServiceSecrets | undefined, taken: { env: string[]; mountPaths: string[] }): string[] {
    if (!secrets) return [];
    const problems: string[] = [];
    const names = new Set<string>();
    const envSeen = new Set<string>(taken.env);
    const mounts = new Set<string>(taken.mountPaths);
    if (!DURATION.test(secrets.refreshInterval)) problems.push(`secrets.refreshInterval: expected a Go duration like 1h or 15m, found ${JSON.stringify(secrets.refreshInterval)}`);
    secrets.items.forEach((s, i) => {
        const at = `secrets.items[${i}]`;
        if (!DNS1123_SUBDOMAIN.test(s.name) || s.name.length > 253) problems.push(`${at}.name: expected a DNS-1123 name like app-db, found ${JSON.stringify(s.name)}`);
        if (names.has(s.name)) problems.push(`${at}.name: expected each secret name once, found ${JSON.stringify(s.name)} twice`);
        names.add(s.name);
        if (!s.store) problems.push(`${at}.store: expected a ClusterSecretStore name (SecretsContract.awsStore or vaultAccessFor(...).store), found nothing`);
        if (s.data.length === 0) problems.push(`${at}.data: expected at least one remote key, found none`);
        const dataKeys = new Set<string>();
        s.data.forEach((d, j) => {
            if (!SECRET_KEY.test(d.secretKey)) problems.push(`${at}.data[${j}].secretKey: expected letters, digits, '-', '_' or '.', found ${JSON.stringify(d.secretKey)}`);
            if (dataKeys.has(d.secretKey)) problems.push(`${at}.data[${j}].secretKey: expected each key once, found ${JSON.stringify(d.secretKey)} twice`);
            dataKeys.add(d.secretKey);
            if (typeof d.remoteKey === "string" && d.remoteKey.trim() === "") problems.push(`${at}.data[${j}].remoteKey: expected a remote key, found ""`);
        });
        for (const k of Object.keys(s.template ?? {})) {
            if (!SECRET_KEY.test(k)) problems.push(`${at}.template: expected Secret keys of letters, digits, '-', '_' or '.', found ${JSON.stringify(k)}`);
        }
        const keys = new Set(secretKeys(s));
        for (const [envName, key] of Object.entries(s.env ?? {})) {
            if (!ENV_NAME.test(envName)) problems.push(`${at}.env: expected an environment variable name, found ${JSON.stringify(envName)}`);
            if (envSeen.has(envName)) problems.push(`${at}.env.${envName}: expected a variable set once (not also in env, secretEnv or another secret), found it twice`);
            envSeen.add(envName);
            if (!keys.has(key)) problems.push(`${at}.env.${envName}: expected one of the Secret's keys (${[...keys].join(", ")}), found ${JSON.stringify(key)}`);
        }
        if (s.mountPath !== undefined) {
            if (!s.mountPath.startsWith("/")) problems.push(`${at}.mountPath: expected an absolute path, found ${JSON.stringify(s.mountPath)}`);
            if (mounts.has(s.mountPath)) problems.push(`${at}.mountPath: expected a path no other volume uses, found ${JSON.stringify(s.mountPath)} twice`);
            mounts.add(s.mountPath);
        }
        if (!s.env && s.mountPath === undefined) problems.push(`${at}: expected env or mountPath (how the container receives the Secret), found neither`);
        if (s.refreshInterval !== undefined && !DURATION.test(s.refreshInterval)) problems.push(`${at}.refreshInterval: expected a Go duration like 1h or 15m, found ${JSON.stringify(s.refreshInterval)}`);
        if (s.rotation !== undefined && !(Number.isInteger(s.rotation) && s.rotation >= 0)) problems.push(`${at}.rotation: expected a whole number >= 0, found ${JSON.stringify(s.rotation)}`);
    });
    return problems;
}

/** secretKeyRef env variables of every declared secret. */
export function secretEnvVars(secrets: ServiceSecrets | undefined): { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[] {
    return (secrets?.items ?? []).flatMap((s) => Object.entries(s.env ?? {}).map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: s.name, key } } })));
}

/** Read-only secret volumes for the entries with a mountPath. */
export function secretVolumes(secrets: ServiceSecrets | undefined): { volumes: { name: string; secret: { secretName: string; defaultMode: number } }[]; mounts: { name: string; mountPath: string; readOnly: true }[] } {
    const items = (secrets?.items ?? []).filter((s) => s.mountPath !== undefined);
    return {
        volumes: items.map((s, i) => ({ name: `secret-${i}`, secret: { secretName: s.name, defaultMode: 0o440 } })),
        mounts: items.map((s, i) => ({ name: `secret-${i}`, mountPath: s.mountPath as string, readOnly: true as const })),
    };
}

/**
 * sha256 over the declarations (store, remote keys, properties, template, env, mount, refresh, rotation), never over
 * values: external-secrets holds those. Remote keys and templates may be Outputs (ARNs, endpoints).
 */
export function secretsChecksum(secrets: ServiceSecrets | undefined): pulumi.Output<string> | undefined {
    if (!secrets || secrets.items.length === 0) return undefined;
    return pulumi.output(secrets.items.map((s) => ({ ...s }))).apply((items) => {
        const normal = items.map((s) => ({
            name: s.name,
            store: s.store,
            data: s.data.map((d) => [d.secretKey, d.remoteKey, d.property ?? ""]),
            template: s.template ? Object.entries(s.template).sort(([a], [b]) => a.localeCompare(b)) : [],
            env: Object.entries(s.env ?? {}).sort(([a], [b]) => a.localeCompare(b)),
            mountPath: s.mountPath ?? "",
            refreshInterval: s.refreshInterval ?? secrets.refreshInterval,
            rotation: s.rotation ?? 0,
        }));
        return createHash("sha256").update(JSON.stringify(normal)).digest("hex");
    });
}
