// The Velero chart values against chart 12.1.0's values.yaml, the plugin's accepted config keys, the compatibility
// matrix, and the Schedule / BackupStorageLocation the chart renders against the pinned CRD schemas.
import * as assert from "assert";
import {
    AWS_PLUGIN_IMAGE,
    MAINTENANCE_JOB_RESOURCES,
    SERVER_SERVICE_ACCOUNT,
    VELERO_IMAGE_TAG,
    maintenanceJobConfig,
    veleroValues,
} from "../../infra/backup/values";
import { scheduleName, veleroSchedules } from "../../infra/backup/schedules";
import {
    BACKUP_STORAGE_LOCATION_SPEC_SCHEMA,
    BSL_ITEM_KEYS,
    PLUGIN_BSL_CONFIG_KEYS,
    PLUGIN_COMPATIBILITY,
    PLUGIN_VSL_CONFIG_KEYS,
    SCHEDULE_ENTRY_KEYS,
    SCHEDULE_SPEC_SCHEMA,
    VELERO_JOB_CONFIG_FIELDS,
    VELERO_LOAD_AFFINITY_FIELDS,
    VELERO_POD_RESOURCES_FIELDS,
    VELERO_VALUES_KEYS,
    VSL_ITEM_KEYS,
} from "./fixtures/upstream";
import { PLATFORM_TOLERATION, SYSTEM, SYSTEM_TOLERATION, settings } from "./helpers";
import { isMap, renderBackupStorageLocationSpec, renderScheduleSpec, unknownKeys, validate } from "./schema";

function values(serviceMonitor = false): Record<string, unknown> {
    return veleroValues({
        settings: settings(),
        bucket: "platform-prod-backup",
        region: "eu-west-1",
        system: SYSTEM,
        nodeAgentTolerations: [SYSTEM_TOLERATION, PLATFORM_TOLERATION],
        serviceMonitor,
    });
}

function at(v: Record<string, unknown>, path: string): unknown {
    return path.split(".").reduce<unknown>((o, k) => (isMap(o) ? o[k] : undefined), v);
}

describe("velero chart values", () => {
    it("sets only keys chart 12.1.0's values.yaml declares", () => {
        assert.deepStrictEqual(unknownKeys(values(true), VELERO_VALUES_KEYS), []);
        // The check itself catches a misspelt key.
        assert.deepStrictEqual(unknownKeys({ configuration: { backupStorageLocations: [] } }, VELERO_VALUES_KEYS), ["configuration.backupStorageLocations"]);
    });

    it("declares one BackupStorageLocation and one VolumeSnapshotLocation as LISTS, region set, plugin-accepted keys only", () => {
        const bsl = at(values(), "configuration.backupStorageLocation");
        const vsl = at(values(), "configuration.volumeSnapshotLocation");
        assert.ok(Array.isArray(bsl) && bsl.length === 1, "backupStorageLocation must be a list (a map fails the chart's NOTES.txt)");
        assert.ok(Array.isArray(vsl) && vsl.length === 1, "volumeSnapshotLocation must be a list");
        const b = bsl[0] as Record<string, unknown>;
        const s = vsl[0] as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(b).filter((k) => !(BSL_ITEM_KEYS as readonly string[]).includes(k)), []);
        assert.deepStrictEqual(Object.keys(s).filter((k) => !(VSL_ITEM_KEYS as readonly string[]).includes(k)), []);
        assert.deepStrictEqual(
            { name: b["name"], provider: b["provider"], bucket: b["bucket"], prefix: b["prefix"], default: b["default"], config: b["config"] },
            { name: "default", provider: "aws", bucket: "platform-prod-backup", prefix: "velero", default: true, config: { region: "eu-west-1" } },
        );
        assert.deepStrictEqual(s, { name: "default", provider: "aws", config: { region: "eu-west-1" } });
        for (const k of Object.keys(b["config"] as object)) assert.ok((PLUGIN_BSL_CONFIG_KEYS as readonly string[]).includes(k), `BSL config ${k}`);
        for (const k of Object.keys(s["config"] as object)) assert.ok((PLUGIN_VSL_CONFIG_KEYS as readonly string[]).includes(k), `VSL config ${k}`);
        assert.strictEqual(at(values(), "configuration.provider"), undefined, "configuration.provider was removed from the chart");
    });

    it("renders a BackupStorageLocation that the pinned CRD schema accepts", () => {
        const spec = renderBackupStorageLocationSpec((at(values(), "configuration.backupStorageLocation") as Record<string, unknown>[])[0]);
        assert.deepStrictEqual(validate(spec, BACKUP_STORAGE_LOCATION_SPEC_SCHEMA), []);
        assert.deepStrictEqual(spec["objectStorage"], { bucket: "platform-prod-backup", prefix: "velero" });
        // The validator catches a wrong field.
        assert.deepStrictEqual(validate({ ...spec, objectStorge: {} }, BACKUP_STORAGE_LOCATION_SPEC_SCHEMA), ["spec.objectStorge: not in the schema"]);
    });

    it("uses Pod Identity: no credentials secret, a fixed server ServiceAccount", () => {
        const v = values();
        assert.deepStrictEqual(v["credentials"], { useSecret: false });
        assert.deepStrictEqual(v["serviceAccount"], { server: { create: true, name: SERVER_SERVICE_ACCOUNT } });
        assert.strictEqual(SERVER_SERVICE_ACCOUNT, "velero-server");
    });

    it("pairs the AWS plugin with Velero per the plugin's matrix, GA tags only", () => {
        const tag = AWS_PLUGIN_IMAGE.split(":")[1];
        assert.ok(PLUGIN_COMPATIBILITY.ga.includes(tag), `${tag} is a GA tag`);
        assert.ok(!/-rc/.test(tag));
        const line = (t: string) => t.split(".").slice(0, 2).join(".");
        assert.strictEqual(PLUGIN_COMPATIBILITY.matrix[line(tag)], line(VELERO_IMAGE_TAG));
        // The newest GA plugin of the line.
        assert.strictEqual(tag, PLUGIN_COMPATIBILITY.ga[PLUGIN_COMPATIBILITY.ga.length - 1]);
        const init = (values()["initContainers"] as Record<string, unknown>[])[0];
        assert.strictEqual(init["image"], "velero/velero-plugin-for-aws:v1.14.2");
        assert.deepStrictEqual(init["volumeMounts"], [{ mountPath: "/target", name: "plugins" }]);
        assert.deepStrictEqual(init["resources"], { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } });
        assert.deepStrictEqual(at(values(), "image.tag"), "v1.18.2");
    });

    it("runs the server on the system nodes with requests and a memory limit, no privilege escalation, no capabilities", () => {
        const v = values();
        assert.deepStrictEqual(v["nodeSelector"], { "platform.io/node-pool": "system" });
        assert.deepStrictEqual(v["tolerations"], [SYSTEM_TOLERATION]);
        assert.deepStrictEqual(v["resources"], { requests: { cpu: "200m", memory: "256Mi" }, limits: { memory: "1Gi" } });
        // No read-only root for the server: its kopia repository config and cache live under $HOME (see values.ts).
        assert.deepStrictEqual(v["containerSecurityContext"], { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        assert.deepStrictEqual(v["podSecurityContext"], { seccompProfile: { type: "RuntimeDefault" } });
    });

    it("keeps the CRD upgrade hook on, with requests and a memory limit for its Job", () => {
        const v = values();
        assert.strictEqual(v["upgradeCRDs"], true);
        assert.strictEqual(v["cleanUpCRDs"], false);
        assert.deepStrictEqual(v["upgradeJobResources"], { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } });
    });

    it("deploys the node agent (kopia) everywhere pods run: requests, memory limit, system and platform tolerations", () => {
        const v = values();
        assert.strictEqual(v["deployNodeAgent"], true);
        assert.strictEqual(at(v, "configuration.uploaderType"), "kopia");
        assert.deepStrictEqual(at(v, "nodeAgent.resources"), { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } });
        assert.deepStrictEqual(at(v, "nodeAgent.tolerations"), [SYSTEM_TOLERATION, PLATFORM_TOLERATION]);
        assert.strictEqual(at(v, "configuration.defaultVolumesToFsBackup"), undefined, "fs-backup is opt-in per pod volume");
    });

    it("gives repository maintenance Jobs requests, a limit and the system nodes, in Velero's JobConfigs fields", () => {
        const global = at(values(), "configuration.repositoryMaintenanceJob.repositoryConfigData.global") as Record<string, unknown>;
        for (const k of Object.keys(global)) assert.ok((VELERO_JOB_CONFIG_FIELDS as readonly string[]).includes(k), `JobConfigs.${k}`);
        for (const k of Object.keys(global["podResources"] as object)) assert.ok((VELERO_POD_RESOURCES_FIELDS as readonly string[]).includes(k), `podResources.${k}`);
        for (const a of global["loadAffinity"] as Record<string, unknown>[]) {
            for (const k of Object.keys(a)) assert.ok((VELERO_LOAD_AFFINITY_FIELDS as readonly string[]).includes(k), `loadAffinity.${k}`);
        }
        assert.deepStrictEqual(global, {
            podResources: MAINTENANCE_JOB_RESOURCES,
            keepLatestMaintenanceJobs: 3,
            loadAffinity: [{ nodeSelector: { matchLabels: { "platform.io/node-pool": "system" } } }],
        });
        // Without a toleration Velero passes on to the Jobs, pinning them to tainted nodes would leave them Pending.
        const other = maintenanceJobConfig({ nodeSelector: { pool: "x" }, tolerations: [PLATFORM_TOLERATION] });
        assert.strictEqual(other["loadAffinity"], undefined);
    });

    it("creates the ServiceMonitor and PodMonitor only when asked, never by autodetection", () => {
        assert.deepStrictEqual(at(values(false), "metrics.serviceMonitor"), { enabled: false, autodetect: false });
        assert.deepStrictEqual(at(values(true), "metrics.serviceMonitor"), { enabled: true, autodetect: false });
        assert.deepStrictEqual(at(values(true), "metrics.nodeAgentPodMonitor"), { enabled: true, autodetect: false });
        assert.strictEqual(at(values(), "metrics.enabled"), true);
    });
});

describe("velero schedules", () => {
    const schedules = () => values()["schedules"] as Record<string, Record<string, unknown>>;

    it("is a map keyed by name, each entry with the keys templates/schedule.yaml reads", () => {
        const s = schedules();
        assert.ok(isMap(s) && !Array.isArray(s));
        assert.deepStrictEqual(Object.keys(s), ["apps-daily", "apps-weekly", "apps-monthly", "cluster-daily"]);
        for (const [name, entry] of Object.entries(s)) {
            for (const k of Object.keys(entry)) assert.ok((SCHEDULE_ENTRY_KEYS as readonly string[]).includes(k), `${name}.${k}`);
        }
        assert.strictEqual(scheduleName("apps-daily"), "velero-apps-daily");
    });

    it("renders Schedules the pinned CRD schema accepts", () => {
        for (const [name, entry] of Object.entries(schedules())) {
            assert.deepStrictEqual(validate(renderScheduleSpec(entry), SCHEDULE_SPEC_SCHEMA), [], name);
        }
        // The validator catches a misspelt BackupSpec field and a wrong type.
        const bad = { schedule: "0 1 * * *", template: { ttl: "168h", includeNamespaces: ["a"], snapshotVolumes: "yes" } };
        assert.deepStrictEqual(validate(bad, SCHEDULE_SPEC_SCHEMA), ["spec.template.includeNamespaces: not in the schema", 'spec.template.snapshotVolumes: expected a boolean, found "yes"']);
    });

    it("runs daily, weekly and monthly with TTLs 168h / 672h / 8760h, and the configuration export daily", () => {
        const s = schedules();
        const t = (k: string) => s[k]["template"] as Record<string, unknown>;
        assert.deepStrictEqual(
            Object.fromEntries(Object.entries(s).map(([k, e]) => [k, [e["schedule"], t(k)["ttl"]]])),
            {
                "apps-daily": ["0 1 * * *", "168h"],
                "apps-weekly": ["0 2 * * 0", "672h"],
                "apps-monthly": ["0 3 1 * *", "8760h"],
                "cluster-daily": ["30 0 * * *", "168h"],
            },
        );
        for (const e of Object.values(s)) {
            assert.deepStrictEqual([e["disabled"], e["paused"], e["useOwnerReferencesInBackup"], e["skipImmediately"]], [false, false, false, false]);
        }
    });

    it("backs up every application namespace with its volumes, and excludes the platform's", () => {
        const ns = settings().platformNamespaces;
        for (const k of ["apps-daily", "apps-weekly", "apps-monthly"]) {
            const t = schedules()[k]["template"] as Record<string, unknown>;
            assert.deepStrictEqual(t["includedNamespaces"], ["*"]);
            assert.deepStrictEqual(t["excludedNamespaces"], ns);
            assert.strictEqual(t["snapshotVolumes"], true);
            assert.deepStrictEqual(t["volumeSnapshotLocations"], ["default"]);
            assert.strictEqual(t["storageLocation"], "default");
            assert.strictEqual(t["includeClusterResources"], undefined, "unset: the PVs behind the PVCs come along");
        }
    });

    it("exports cluster-scoped resources and the platform namespaces' resources (custom resources included) daily", () => {
        const t = schedules()["cluster-daily"]["template"] as Record<string, unknown>;
        assert.strictEqual(t["includeClusterResources"], true);
        assert.deepStrictEqual(t["includedNamespaces"], settings().platformNamespaces);
        assert.strictEqual(t["includedNamespaceScopedResources"], undefined, "every kind, so Argo CD Applications and the other CRs are in");
        assert.strictEqual(t["snapshotVolumes"], false);
    });

    it("follows the configured platform namespaces", () => {
        const s = veleroSchedules({ ...settings(), platformNamespaces: ["velero", "ops"] });
        assert.deepStrictEqual((s["apps-daily"].template).excludedNamespaces, ["velero", "ops"]);
        assert.deepStrictEqual((s["cluster-daily"].template).includedNamespaces, ["velero", "ops"]);
    });
});
