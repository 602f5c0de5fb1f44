// The backup layer as planned: in the real stacks (memoized runs, no overrides), and alone with a Vault and a
// monitoring stack (test/backup/programs/withVault.ts, one extra run of a small program).
import * as assert from "assert";
import * as path from "path";
import { RecordedResource } from "../../tools/offline/recorder";
import { ProgramRun, ROOT, readStackConfig, runProgram } from "../../tools/offline/run";
import { buildReport } from "../../tools/offline/report";
import { Inputs, inputs, one, planStack, stackOutputs } from "../helpers";
import { veleroPolicy, vaultSnapshotPolicy } from "../../infra/backup/iam";
import { BackupMonitoring, VAULT_SNAPSHOT_POD, VaultSnapshotSource, backupArgProblems, backupBucketName, backupNotices, vaultCaSource } from "../../infra/backup";
import type { SecretsContract } from "../../infra/secrets/contract";
import type { ObservabilityContract } from "../../infra/observability/contract";
import { SNAPSHOT_RESOURCES, UPLOAD_RESOURCES } from "../../infra/backup/vaultSnapshot";
import { cpuMillis, memoryMiB } from "../../infra/lib/capacity";
import { physicalNameProblems } from "../../infra/lib/naming";
import { PROMETHEUS_RULE_SPEC_SCHEMA } from "./fixtures/upstream";
import { validate } from "./schema";

let withVault: Promise<ProgramRun> | undefined;
function vaultRun(): Promise<ProgramRun> {
    withVault ??= runProgram(readStackConfig("dev"), path.join(__dirname, "programs", "withVault.ts"));
    return withVault;
}

const inBackup = (run: ProgramRun) => run.resources.filter((r) => r.urn.includes("platform:backup:Backup"));
const named = (run: ProgramRun, type: string, name: string): RecordedResource => one(run, type, name);
const deps = (run: ProgramRun, r: RecordedResource) => new Set(r.dependencies.map((u) => run.resources.find((x) => x.urn === u)?.name ?? u));

describe("backup layer: planned in the stacks", () => {
    it("prod: a protected KMS key with rotation and a protected, versioned, KMS-encrypted bucket tagged as backups", async () => {
        const run = await planStack("prod");
        const key = named(run, "aws:kms/key:Key", "backup-key");
        assert.strictEqual(key.protect, true);
        assert.strictEqual(key.retainOnDelete, true, "retained even by an unprotected destroy");
        assert.strictEqual(inputs(key)["enableKeyRotation"], true);
        assert.strictEqual(inputs(named(run, "aws:kms/alias:Alias", "backup-key"))["name"], "alias/platform-prod-backup");
        const bucket = named(run, "aws:s3/bucket:Bucket", "backup-bucket");
        assert.strictEqual(bucket.protect, true);
        assert.strictEqual(bucket.retainOnDelete, true, "retained even by an unprotected destroy");
        assert.strictEqual(inputs(bucket)["bucket"], "platform-prod-backup-123456789012-eu-west-1");
        assert.strictEqual(inputs(bucket)["forceDestroy"], false);
        assert.strictEqual((inputs(bucket)["tags"] as Record<string, string>)["platform:purpose"], "backups");
        assert.strictEqual(inputs(bucket)["objectLockEnabled"], undefined, "object lock is opt-in");
        assert.deepStrictEqual(inputs(named(run, "aws:s3/bucketVersioning:BucketVersioning", "backup-bucket"))["versioningConfiguration"], { status: "Enabled" });
        const sse = inputs(named(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "backup-bucket"));
        assert.deepStrictEqual(sse["rules"], [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: stackOutputs(run)["backupKmsKeyArn"] }, bucketKeyEnabled: true }]);
        const policy = JSON.parse(inputs(named(run, "aws:s3/bucketPolicy:BucketPolicy", "backup-bucket"))["policy"] as string) as { Statement: { Sid: string; Effect: string; Condition?: unknown }[] };
        assert.deepStrictEqual(policy.Statement.map((s) => [s.Sid, s.Effect]), [["DenyInsecureTransport", "Deny"]]);
        const lifecycle = inputs(named(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "backup-bucket"))["rules"] as { id: string }[];
        assert.deepStrictEqual(lifecycle.map((r) => r.id), ["velero-tiering", "vault-snapshot-retention"]);
    });

    it("dev: the same bucket and key, not protected", async () => {
        const run = await planStack("dev");
        assert.strictEqual(named(run, "aws:s3/bucket:Bucket", "backup-bucket").protect, false);
        assert.strictEqual(named(run, "aws:s3/bucket:Bucket", "backup-bucket").retainOnDelete, false);
        assert.strictEqual(named(run, "aws:kms/key:Key", "backup-key").protect, false);
        assert.strictEqual(stackOutputs(run)["backupBucketName"], "platform-dev-backup-123456789012-eu-west-1");
    });

    it("installs the pinned chart into its namespace after the namespace, the bucket policy and its identity", async () => {
        const run = await planStack("prod");
        const release = named(run, "kubernetes:helm.sh/v3:Release", "velero");
        const i = inputs(release);
        assert.deepStrictEqual([i["chart"], i["version"], (i["repositoryOpts"] as Inputs)["repo"], i["namespace"], i["name"]], ["velero", "12.1.0", "https://vmware-tanzu.github.io/helm-charts", "velero", "velero"]);
        const values = i["values"] as Inputs;
        assert.strictEqual(((values["configuration"] as Inputs)["backupStorageLocation"] as Inputs[])[0]["bucket"], "platform-prod-backup-123456789012-eu-west-1");
        const d = deps(run, release);
        for (const n of ["backup-namespace", "backup-bucket", "backup-velero", "cluster-eks-pod-identity-agent"]) assert.ok(d.has(n), `the release waits for ${n}`);
        const ns = inputs(named(run, "kubernetes:core/v1:Namespace", "backup-namespace"))["metadata"] as { name: string; labels: Record<string, string> };
        assert.strictEqual(ns.name, "velero");
        assert.strictEqual(ns.labels["pod-security.kubernetes.io/enforce"], "privileged");
        assert.strictEqual(ns.labels["pod-security.kubernetes.io/warn"], "restricted");
    });

    it("gives Velero's ServiceAccount a Pod Identity role with exactly the plugin's policy on this bucket", async () => {
        const run = await planStack("prod");
        const assoc = inputs(named(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "backup-velero"));
        assert.deepStrictEqual([assoc["namespace"], assoc["serviceAccount"]], ["velero", "velero-server"]);
        const trust = JSON.parse(inputs(named(run, "aws:iam/role:Role", "backup-velero"))["assumeRolePolicy"] as string) as { Statement: { Principal: unknown; Action: unknown }[] };
        assert.deepStrictEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        const policy = JSON.parse(inputs(named(run, "aws:iam/rolePolicy:RolePolicy", "backup-velero"))["policy"] as string) as unknown;
        const out = stackOutputs(run);
        assert.deepStrictEqual(
            policy,
            veleroPolicy({ bucketArn: `arn:aws:s3:::${String(out["backupBucketName"])}`, prefix: "velero", kmsKeyArn: String(out["backupKmsKeyArn"]), ctx: { partition: "aws", region: "eu-west-1", dnsSuffix: "amazonaws.com" } }),
        );
    });

    it("declares the server and the node agent to the capacity ledger on the system pool", async () => {
        const run = await planStack("prod");
        const capacity = run.componentOutputs.get(run.resources.find((r) => r.type === "platform:index:Platform")?.urn ?? "");
        const system = ((capacity?.["capacity"] as { pools: { pool: string; components: string[] }[] }).pools).find((p) => p.pool === "system");
        assert.ok(system?.components.includes("velero/server") && system.components.includes("velero/node-agent"));
    });

    it("plans the Vault snapshot job with the secrets layer's role, audience and CA, in both stacks", async () => {
        for (const stack of ["dev", "prod"] as const) {
            const run = await planStack(stack);
            const job = named(run, "kubernetes:batch/v1:CronJob", "backup-vault-snapshot");
            const pod = (((inputs(job)["spec"] as Inputs)["jobTemplate"] as Inputs)["spec"] as { template: { spec: Inputs } }).template.spec;
            const env = Object.fromEntries(((pod["initContainers"] as Inputs[])[0]["env"] as { name: string; value: string }[]).map((e) => [e.name, e.value]));
            assert.deepStrictEqual([env["VAULT_ADDR"], env["VAULT_ROLE"], env["VAULT_AUTH_MOUNT"]], ["https://vault-active.vault.svc:8200", "vault-snapshot", "kubernetes"]);
            const token = (pod["volumes"] as Inputs[]).find((v) => v["name"] === "vault-token") as { projected: { sources: { serviceAccountToken: { audience: string } }[] } };
            assert.strictEqual(token.projected.sources[0].serviceAccountToken.audience, "vault");
            // The CA the secrets layer generated, copied beside the job.
            const ca = inputs(named(run, "kubernetes:core/v1:ConfigMap", "backup-vault-ca"));
            assert.deepStrictEqual([(ca["metadata"] as Inputs)["namespace"], (ca["metadata"] as Inputs)["name"]], ["velero", "vault-ca"]);
            assert.match(String(stackOutputs(run)["vaultSnapshotRoleArn"]), /^arn:aws:iam::123456789012:role\/backup-vault-snapshot/);
        }
    });

    it("with the observability layer: the alert rules, the ServiceMonitor and PodMonitor, after the operator's CRDs", async () => {
        const run = await planStack("prod");
        const rule = named(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "backup-alerts");
        const spec = inputs(rule)["spec"] as { groups: { rules: { alert: string; annotations: { runbook_url: string } }[] }[] };
        assert.deepStrictEqual(validate(spec, PROMETHEUS_RULE_SPEC_SCHEMA), []);
        const alerts = spec.groups[0].rules;
        assert.deepStrictEqual(alerts.map((a) => a.alert), ["VeleroBackupFailed", "VeleroBackupPartiallyFailed", "VeleroNoRecentBackup", "VeleroBackupStorageLocationUnavailable", "VaultSnapshotMissing"]);
        assert.strictEqual(alerts[2].annotations.runbook_url, "docs/runbooks.md#veleronorecentbackup");
        const crds = named(run, "kubernetes:helm.sh/v3:Release", "observability-crds");
        assert.ok(rule.dependencies.includes(crds.urn), "the PrometheusRule waits for the CRD release");
        const release = named(run, "kubernetes:helm.sh/v3:Release", "velero");
        assert.ok(release.dependencies.includes(crds.urn), "the chart (with its ServiceMonitor) waits for the CRD release");
        const metrics = (inputs(release)["values"] as { metrics: Inputs }).metrics;
        assert.deepStrictEqual([metrics["serviceMonitor"], metrics["nodeAgentPodMonitor"]], [{ enabled: true, autodetect: false }, { enabled: true, autodetect: false }]);
        assert.deepStrictEqual((stackOutputs(run)["notices"] as string[]).filter((n) => n.startsWith("backup:")), []);
    });
});

describe("backup layer: with a Vault and a monitoring stack", () => {
    it("plans the snapshot CronJob under its own ServiceAccount, after its identity, permissions and association", async () => {
        const run = await vaultRun();
        const job = named(run, "kubernetes:batch/v1:CronJob", "backup-vault-snapshot");
        const meta = inputs(job)["metadata"] as { name: string; namespace: string };
        assert.deepStrictEqual([meta.name, meta.namespace], ["vault-snapshot", "velero"]);
        const pod = (((inputs(job)["spec"] as Inputs)["jobTemplate"] as Inputs)["spec"] as { template: { spec: Inputs } }).template.spec;
        assert.strictEqual(pod["serviceAccountName"], "vault-snapshot");
        assert.strictEqual(((pod["containers"] as Inputs[])[0]["env"] as { name: string; value: string }[]).find((e) => e.name === "BUCKET")?.value, "platform-test-backup-123456789012-eu-west-1");
        const d = deps(run, job);
        for (const n of ["backup-vault-snapshot", "bk-pod-identity-agent", "backup-vault-ca", "backup-bucket"]) assert.ok(d.has(n), `the CronJob waits for ${n}`);
        const sa = inputs(named(run, "kubernetes:core/v1:ServiceAccount", "backup-vault-snapshot"));
        assert.deepStrictEqual([(sa["metadata"] as Inputs)["name"], sa["automountServiceAccountToken"]], ["vault-snapshot", false]);
    });

    it("gives the job a Pod Identity role that may only write under vault-raft/", async () => {
        const run = await vaultRun();
        const assoc = inputs(named(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "backup-vault-snapshot"));
        assert.deepStrictEqual([assoc["namespace"], assoc["serviceAccount"]], ["velero", "vault-snapshot"]);
        const out = stackOutputs(run)["outputs"] as Inputs;
        const policy = JSON.parse(inputs(named(run, "aws:iam/rolePolicy:RolePolicy", "backup-vault-snapshot"))["policy"] as string) as unknown;
        assert.deepStrictEqual(
            policy,
            vaultSnapshotPolicy({ bucketArn: `arn:aws:s3:::${String(out["backupBucketName"])}`, prefix: "vault-raft", kmsKeyArn: String(out["backupKmsKeyArn"]), ctx: { partition: "aws", region: "eu-west-1", dnsSuffix: "amazonaws.com" } }),
        );
        assert.match(String(out["vaultSnapshotRoleArn"]), /^arn:aws:iam::123456789012:role\/backup-vault-snapshot/);
    });

    it("copies the Vault CA into Velero's namespace under the name the job mounts", async () => {
        const run = await vaultRun();
        const cm = inputs(named(run, "kubernetes:core/v1:ConfigMap", "backup-vault-ca"));
        assert.deepStrictEqual((cm["metadata"] as Inputs)["name"], "vault-ca");
        assert.deepStrictEqual((cm["metadata"] as Inputs)["namespace"], "velero");
        assert.match((cm["data"] as Record<string, string>)["ca.crt"], /BEGIN CERTIFICATE/);
        assert.deepStrictEqual(stackOutputs(run)["notices"], []);
    });

    it("declares the snapshot pod (the larger of its two containers) to the system pool", async () => {
        const run = await vaultRun();
        const demands = stackOutputs(run)["capacity"] as { component: string }[];
        assert.deepStrictEqual(demands.map((d) => d.component), ["velero/server", "velero/node-agent", "velero/vault-snapshot (CronJob)"]);
        assert.ok(cpuMillis(UPLOAD_RESOURCES.requests.cpu) >= cpuMillis(SNAPSHOT_RESOURCES.requests.cpu));
        assert.ok(memoryMiB(UPLOAD_RESOURCES.requests.memory) >= memoryMiB(SNAPSHOT_RESOURCES.requests.memory));
        assert.ok(memoryMiB(UPLOAD_RESOURCES.limits.memory) >= memoryMiB(SNAPSHOT_RESOURCES.limits.memory));
        assert.deepStrictEqual([VAULT_SNAPSHOT_POD.cpu, VAULT_SNAPSHOT_POD.memory, VAULT_SNAPSHOT_POD.memoryLimit], ["50m", "128Mi", "512Mi"]);
    });

    it("plans a PrometheusRule the pinned CRD accepts, with the selector labels, after the monitoring CRDs", async () => {
        const run = await vaultRun();
        const rule = named(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "backup-alerts");
        const i = inputs(rule);
        assert.deepStrictEqual((i["metadata"] as Inputs)["namespace"], "velero");
        assert.strictEqual(((i["metadata"] as Inputs)["labels"] as Record<string, string>)["release"], "kube-prometheus-stack");
        assert.deepStrictEqual(validate(i["spec"], PROMETHEUS_RULE_SPEC_SCHEMA), []);
        const alerts = ((i["spec"] as { groups: { rules: { alert: string; annotations: { runbook_url: string } }[] }[] }).groups[0].rules);
        assert.deepStrictEqual(alerts.map((a) => a.alert), ["VeleroBackupFailed", "VeleroBackupPartiallyFailed", "VeleroNoRecentBackup", "VeleroBackupStorageLocationUnavailable", "VaultSnapshotMissing"]);
        assert.strictEqual(alerts[0].annotations.runbook_url, "https://git.example.com/platform/blob/main/docs/runbooks.md#velerobackupfailed");
        assert.ok(deps(run, rule).has("bk-monitoring-crds"));
        const values = inputs(named(run, "kubernetes:helm.sh/v3:Release", "velero"))["values"] as { metrics: Inputs };
        assert.deepStrictEqual(values.metrics["serviceMonitor"], { enabled: true, autodetect: false, additionalLabels: { release: "kube-prometheus-stack" } });
    });
});

describe("backup layer: the policy pack on what only the Vault program plans", () => {
    it("the snapshot CronJob, its ServiceAccount, the CA copy and the PrometheusRule raise no prod violation", async () => {
        const run = await vaultRun();
        const report = await buildReport(run, path.join(ROOT, "policies", "config", "prod.json"));
        const ours = new Set(inBackup(run).map((r) => r.urn));
        const mine = report.json.policies.violations.filter((v) => typeof v.urn === "string" && ours.has(v.urn));
        assert.deepStrictEqual(mine.map((v) => `${v.policy}: ${v.message}`), []);
        // The pack did look at the CronJob (it is a workload the pod-security and operations policies cover).
        assert.ok(inBackup(run).some((r) => r.type === "kubernetes:batch/v1:CronJob"));
    });
});

describe("backup layer: input checks", () => {
    it("names the derived bucket name and the snapshot namespace when they cannot work", () => {
        assert.deepStrictEqual(backupArgProblems({ clusterName: "platform-prod", region: "eu-west-1" }), []);
        assert.strictEqual(backupBucketName("Platform-Prod", "123456789012", "eu-west-1"), "platform-prod-backup-123456789012-eu-west-1");
        const long = backupArgProblems({ clusterName: "a-very-long-project-name-x-production", region: "ap-southeast-2" });
        assert.deepStrictEqual(long, ['backup bucket name: expected at most 63 characters, found 72 in "a-very-long-project-name-x-production-backup-123456789012-ap-southeast-2" (shorten the project or stack name)']);
        // The same rule runs with the config checks, before any resource, together with the other derived names.
        const names = physicalNameProblems({ project: "platform", stack: "feature-branch-preview-x1", region: "eu-west-1", postgresMajor: "17" });
        assert.ok(names.some((m) => /the backup bucket name "platform-feature-branch-preview-x1-backup-123456789012-eu-west-1" is 64 characters/.test(m)), names.join("\n"));
        const vault = { address: "https://v", caConfigMap: { name: "c", key: "k" }, kubernetesAuthMount: "kubernetes", audience: "vault" };
        assert.deepStrictEqual(
            backupArgProblems({ clusterName: "p-d", region: "eu-west-1", secrets: { vault: { ...vault, snapshot: { role: "r", namespace: "backup", serviceAccount: "velero-server" } } } }),
            [
                'secrets.vault.snapshot.namespace: expected "velero" (the backup layer runs the snapshot job beside Velero), found "backup"',
                'secrets.vault.snapshot.serviceAccount: expected a ServiceAccount of its own, found Velero\'s "velero-server"',
            ],
        );
    });
});

describe("backup layer: the other layers' contracts", () => {
    // Type-level: the secrets and observability layers' contracts are what the backup layer takes (tsc checks these).
    const fromSecrets = (c: SecretsContract): VaultSnapshotSource => c.vault;
    const fromObservability = (c: ObservabilityContract): BackupMonitoring => c;

    const vault: VaultSnapshotSource = {
        address: "https://vault-active.vault.svc:8200",
        caConfigMap: { name: "vault-ca", key: "ca.crt" },
        caNamespace: "vault",
        kubernetesAuthMount: "kubernetes",
        audience: "vault",
        snapshot: { role: "vault-snapshot", namespace: "velero", serviceAccount: "vault-snapshot" },
    };

    it("copies the CA when the PEM is offered, uses it in place when it is already in the job's namespace", () => {
        assert.strictEqual(typeof fromSecrets, "function");
        assert.strictEqual(typeof fromObservability, "function");
        assert.strictEqual(vaultCaSource({ ...vault, caCertPem: "pem" }), "copy");
        assert.strictEqual(vaultCaSource({ ...vault, caNamespace: "velero" }), "local");
        assert.strictEqual(vaultCaSource({ ...vault, caNamespace: undefined }), "local");
        assert.strictEqual(vaultCaSource(vault), "missing");
    });

    it("says so when the CA is elsewhere and not offered, and nothing when all is given", () => {
        const monitoring = { ready: [], runbookBaseUrl: "docs/runbooks.md" };
        assert.deepStrictEqual(backupNotices({ secrets: { vault: { ...vault, caCertPem: "pem" } }, monitoring }), []);
        const [notice, ...rest] = backupNotices({ secrets: { vault }, monitoring });
        assert.deepStrictEqual(rest, []);
        assert.match(notice, /mounts ConfigMap velero\/vault-ca, but the secrets layer keeps the CA in vault\/vault-ca; until SecretsContract\.vault offers caCertPem/);
    });
});
