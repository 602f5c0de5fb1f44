// No plaintext credentials in the Kubernetes objects the program declares. Credentials reach pods only as Secrets
// that external-secrets writes from Vault or AWS Secrets Manager (the program declares ExternalSecrets, never the
// Secrets themselves), so:
//   - a declared `Secret` with `data` or `stringData` is a credential literal in the program (or its state). The one
//     allowed declared Secret is an empty `kubernetes.io/service-account-token` (Kubernetes fills it in);
//   - a pod template's `env[].value` must not hold a credential: a variable named like one (PASSWORD, TOKEN, API_KEY,
//     SECRET, PRIVATE_KEY, ...) with a literal value, or any value that looks like one (PEM private key, AWS access key
//     id, a URL with a password) is flagged; `valueFrom.secretKeyRef` is the way;
//   - ConfigMaps are not secret: a value that looks like a credential is flagged there too.
// Not covered: Helm release values (walking them reads values unknown during a first preview, which turns the whole
// check into an advisory "cannot run"); charts get credentials through their existing-secret options (docs/secrets.md).
// Messages name the object and the key, never the value.
import type { Policies, ResourceValidationPolicy } from "@pulumi/policy";
import { arr, at, obj, str } from "../lib";
import { workloadPolicy } from "./common";

export const SECRET_TYPES = new Set(["kubernetes:core/v1:Secret"]);
export const CONFIGMAP_TYPES = new Set(["kubernetes:core/v1:ConfigMap"]);

/** Environment variable names that carry a credential when given a literal value. */
const CREDENTIAL_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY)/i;
/** Names that point at a credential without holding it (a file path, an ARN, a secret's name or id). */
const REFERENCE_SUFFIX = /(_FILE|_PATH|_DIR|_ARN|_NAME|_REF|_ID|_URL_FILE|_LENGTH|_TTL)$/i;

/** Values that are credentials whatever the variable is called. */
const CREDENTIAL_VALUE: { what: string; re: RegExp }[] = [
    { what: "a PEM private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    { what: "an AWS access key id", re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
    { what: "a URL with a password", re: /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i },
    { what: "a GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
    { what: "a Vault token", re: /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/ },
];

export function credentialLike(value: string): string | undefined {
    return CREDENTIAL_VALUE.find((c) => c.re.test(value))?.what;
}

export function credentialEnvName(name: string): boolean {
    return CREDENTIAL_NAME.test(name) && !REFERENCE_SUFFIX.test(name);
}

function keysOf(v: unknown): string[] {
    const o = obj(v);
    return o ? Object.keys(o) : [];
}

const secretLiterals: ResourceValidationPolicy = {
    name: "no-plaintext-credentials",
    description:
        "Credentials reach pods only through ExternalSecrets (Vault or AWS Secrets Manager): no declared Secret carries data or stringData, no env value or ConfigMap value holds a credential literal.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Store the value in Vault (<kvMount>/apps/<namespace>/<serviceAccount>/...) or AWS Secrets Manager (<awsSecretPrefix>...) and declare an ExternalSecret (the golden path's `secrets` field); reference it with valueFrom.secretKeyRef. See docs/secrets.md.",
    validateResource: (args, report) => {
        const name = str(at(args.props, "metadata", "name")) ?? args.name;
        if (SECRET_TYPES.has(args.type)) {
            const keys = [...keysOf(at(args.props, "data")), ...keysOf(at(args.props, "stringData"))];
            if (keys.length > 0) {
                report(
                    `Secret "${name}" declares ${keys.length === 1 ? "key" : "keys"} ${keys.map((k) => `"${k}"`).join(", ")} in the program: ` +
                        "credentials must come from an ExternalSecret (the Secret external-secrets writes is never declared here)",
                );
            }
            return;
        }
        if (CONFIGMAP_TYPES.has(args.type)) {
            for (const field of ["data", "binaryData"]) {
                const data = obj(at(args.props, field));
                if (!data) continue;
                for (const k of Object.keys(data)) {
                    const v = str(data[k]);
                    const what = v === undefined ? undefined : credentialLike(v);
                    if (what) report(`ConfigMap "${name}" key "${k}" holds ${what}: ConfigMaps are not secret`);
                }
            }
            return;
        }
    },
};

const envLiterals = workloadPolicy({
    name: "no-plaintext-credentials-env",
    description:
        "No container env value holds a credential: a credential-named variable (PASSWORD, TOKEN, API_KEY, SECRET, ...) with a literal value, or a value that looks like a credential. Use valueFrom.secretKeyRef to a Secret an ExternalSecret writes.",
    enforcementLevel: "mandatory",
    check: (pod, report) => {
        for (const c of pod.containers) {
            for (const e of arr(c.spec["env"])) {
                const env = obj(e);
                if (!env) continue;
                const varName = str(env["name"]) ?? "";
                const value = str(env["value"]);
                if (value === undefined || value === "") continue;
                if (credentialEnvName(varName)) {
                    report(`container "${c.name}" sets ${varName} to a literal: credentials come from valueFrom.secretKeyRef (an ExternalSecret's Secret)`);
                    continue;
                }
                const what = credentialLike(value);
                if (what) report(`container "${c.name}" env ${varName} holds ${what}`);
            }
        }
    },
});

export const secretsPolicies: Policies = [secretLiterals, envLiterals];
