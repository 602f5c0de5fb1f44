// The Vault snapshot CronJob: pinned images, the restricted pod security profile on every container, its own
// ServiceAccount and Vault role, a projected token for the Vault login, requests and memory limits, the upload
// under its own prefix; and the bucket's lifecycle.
import * as assert from "assert";
import { backupLifecycleRules } from "../../infra/backup/bucket";
import {
    AWS_CLI_IMAGE,
    SNAPSHOT_SCRIPT,
    UPLOAD_SCRIPT,
    VAULT_IMAGE,
    VAULT_SNAPSHOT_PREFIX,
    vaultSnapshotCronJob,
    vaultSnapshotServiceAccount,
} from "../../infra/backup/vaultSnapshot";
import { SYSTEM, settings } from "./helpers";
import { isMap } from "./schema";

const ARGS = {
    namespace: "velero",
    serviceAccount: "vault-snapshot",
    cron: "15 */6 * * *",
    vault: { address: "https://vault.vault.svc:8200", role: "raft-snapshot", kubernetesAuthMount: "kubernetes", audience: "vault", caConfigMap: { name: "vault-ca", key: "ca.crt" } },
    bucket: "platform-prod-backup",
    region: "eu-west-1",
    placement: SYSTEM,
    labels: { "app.kubernetes.io/part-of": "platform-backup" },
};

type Obj = Record<string, unknown>;
const get = (o: unknown, path: string): unknown => path.split(".").reduce<unknown>((x, k) => (isMap(x) ? x[k] : undefined), o);

describe("vault snapshot job", () => {
    const job = JSON.parse(JSON.stringify(vaultSnapshotCronJob(ARGS))) as { metadata: Obj; spec: Obj };
    const pod = get(job.spec, "jobTemplate.spec.template.spec") as Obj;
    const containers = [...(pod["initContainers"] as Obj[]), ...(pod["containers"] as Obj[])];

    it("runs on its schedule in UTC, one at a time, and cleans up after itself", () => {
        assert.strictEqual(job.spec["schedule"], "15 */6 * * *");
        assert.strictEqual(job.spec["timeZone"], "Etc/UTC");
        assert.strictEqual(job.spec["concurrencyPolicy"], "Forbid");
        assert.strictEqual(get(job.spec, "jobTemplate.spec.activeDeadlineSeconds"), 1800);
        assert.strictEqual(get(job.spec, "jobTemplate.spec.ttlSecondsAfterFinished"), 86400);
        assert.deepStrictEqual(job.metadata["namespace"], "velero");
    });

    it("uses its own ServiceAccount, no automounted token, a projected token for Vault", () => {
        assert.strictEqual(pod["serviceAccountName"], "vault-snapshot");
        assert.strictEqual(pod["automountServiceAccountToken"], false);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(vaultSnapshotServiceAccount(ARGS))), {
            metadata: { name: "vault-snapshot", namespace: "velero", labels: ARGS.labels },
            automountServiceAccountToken: false,
        });
        const token = (pod["volumes"] as Obj[]).find((v) => v["name"] === "vault-token");
        assert.deepStrictEqual(token, { name: "vault-token", projected: { sources: [{ serviceAccountToken: { audience: "vault", expirationSeconds: 600, path: "token" } }] } });
    });

    it("pins both images (no latest) to the Vault server's version and a Pod Identity capable AWS CLI", () => {
        assert.strictEqual(VAULT_IMAGE, "hashicorp/vault:2.0.4");
        assert.match(AWS_CLI_IMAGE, /^public\.ecr\.aws\/aws-cli\/aws-cli:2\.(\d+)\.\d+$/);
        assert.ok(Number(/:2\.(\d+)\./.exec(AWS_CLI_IMAGE)?.[1]) >= 15, "AWS CLI >= 2.15.0 reads Pod Identity credentials");
        assert.deepStrictEqual(containers.map((c) => c["image"]), [VAULT_IMAGE, AWS_CLI_IMAGE]);
    });

    it("meets the restricted pod security profile on every container", () => {
        assert.deepStrictEqual(pod["securityContext"], { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } });
        for (const c of containers) {
            assert.deepStrictEqual(c["securityContext"], { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } }, String(c["name"]));
        }
        for (const v of pod["volumes"] as Obj[]) assert.ok(!("hostPath" in v), "no hostPath");
    });

    it("gives every container CPU and memory requests and a memory limit, and runs on the system nodes", () => {
        for (const c of containers) {
            const r = c["resources"] as { requests: Obj; limits: Obj };
            assert.ok(r.requests["cpu"] && r.requests["memory"] && r.limits["memory"], String(c["name"]));
        }
        assert.deepStrictEqual(pod["nodeSelector"], SYSTEM.nodeSelector);
        assert.deepStrictEqual(pod["tolerations"], SYSTEM.tolerations);
    });

    it("logs in with the snapshot role, saves the snapshot, and uploads it under its prefix", () => {
        const env = (i: number) => Object.fromEntries((containers[i]["env"] as { name: string; value: string }[]).map((e) => [e.name, e.value]));
        assert.deepStrictEqual(env(0), {
            VAULT_ADDR: "https://vault.vault.svc:8200",
            VAULT_CACERT: "/etc/vault-ca/ca.crt",
            VAULT_ROLE: "raft-snapshot",
            VAULT_AUTH_MOUNT: "kubernetes",
            HOME: "/tmp",
        });
        assert.match(SNAPSHOT_SCRIPT, /vault write -field=token "auth\/\$VAULT_AUTH_MOUNT\/login" role="\$VAULT_ROLE" jwt=@\/var\/run\/secrets\/vault\/token/);
        assert.match(SNAPSHOT_SCRIPT, /vault operator raft snapshot save \/snapshot\/vault\.snap/);
        assert.deepStrictEqual(env(1), { BUCKET: "platform-prod-backup", PREFIX: VAULT_SNAPSHOT_PREFIX, AWS_REGION: "eu-west-1", HOME: "/tmp" });
        assert.match(UPLOAD_SCRIPT, /aws s3 cp \/snapshot\/vault\.snap "s3:\/\/\$BUCKET\/\$key"/);
        assert.match(UPLOAD_SCRIPT, /key="\$PREFIX\/vault-/);
        for (const s of [SNAPSHOT_SCRIPT, UPLOAD_SCRIPT]) assert.match(s, /^set -eu\n/);
        // The CA comes from the ConfigMap the secrets layer names.
        assert.deepStrictEqual((pod["volumes"] as Obj[]).find((v) => v["name"] === "vault-ca"), { name: "vault-ca", configMap: { name: "vault-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } });
    });
});

describe("backup bucket lifecycle", () => {
    const rules = backupLifecycleRules(settings("prod"));

    it("moves Velero's objects to STANDARD_IA then GLACIER_IR, never to an asynchronous Glacier class", () => {
        const velero = rules.find((r) => r.id === "velero-tiering");
        assert.ok(velero);
        assert.deepStrictEqual(velero.filter, { prefix: "velero/" });
        assert.deepStrictEqual(velero.transitions, [
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER_IR" },
        ]);
        assert.deepStrictEqual(velero.expiration, { expiredObjectDeleteMarker: true });
        assert.deepStrictEqual(velero.noncurrentVersionExpiration, { noncurrentDays: 30 });
        assert.deepStrictEqual(velero.abortIncompleteMultipartUpload, { daysAfterInitiation: 7 });
    });

    it("expires Vault snapshots after their retention, keeps old versions per environment", () => {
        const vault = rules.find((r) => r.id === "vault-snapshot-retention");
        assert.ok(vault);
        assert.deepStrictEqual(vault.filter, { prefix: "vault-raft/" });
        assert.deepStrictEqual(vault.expiration, { days: 90 });
        assert.deepStrictEqual(backupLifecycleRules(settings("dev")).find((r) => r.id === "vault-snapshot-retention")?.expiration, { days: 14 });
        assert.deepStrictEqual(backupLifecycleRules(settings("dev"))[0].noncurrentVersionExpiration, { noncurrentDays: 7 });
        assert.ok(rules.every((r) => r.status === "Enabled"));
    });
});
