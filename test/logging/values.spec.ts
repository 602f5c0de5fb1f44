// Chart values of the logging layer, built by the pure functions in infra/logging/values.ts from each stack's
// defaults: the properties that matter (modes, replication, storage, retention, caches, placement, receivers,
// pipelines) and every key against the pinned charts (fixtures/upstream.ts; the collector against its JSON schema).
import * as assert from "assert";
import Ajv from "ajv";
import { charts } from "../../infra/lib/charts";
import { OFFICIAL_HELM_REPOSITORIES } from "../../policies/cost";
import { LOGGING_DEFAULTS, type LoggingSettings } from "../../infra/logging/config";
import { COLLECTOR_POD_LABELS, OTLP_GRPC_PORT, OTLP_HTTP_PORT } from "../../infra/logging/contract";
import {
    COLLECTOR_COMMAND,
    COLLECTOR_IMAGE,
    LOKI_SCHEMA,
    LOKI_SERVICE_ACCOUNT,
    PodPlacement,
    TEMPO_SERVICE_ACCOUNT,
    TOLERATE_EVERYTHING,
    alloyPods,
    alloyValues,
    collectorPods,
    collectorValues,
    lokiPods,
    lokiPodLabels,
    lokiPushUrl,
    lokiValues,
    memcachedPodMiB,
    replicationFactor,
    tempoPods,
    tempoValues,
} from "../../infra/logging/values";
import { TolerationSpec, isMap, tolerates, unknownValuesKeys } from "./check";
import {
    ALLOY_VALUES,
    COLLECTOR_COMPONENTS,
    COLLECTOR_REQUIRED_DEFAULTS,
    COLLECTOR_VALUES,
    COLLECTOR_VALUES_SCHEMA,
    LOKI_PERIOD_CONFIG_FIELDS,
    LOKI_VALUES,
    TEMPO_VALUES,
} from "./fixtures/upstream";

/** Chart values are untyped JSON: read them by dotted path. */
type V = Record<string, unknown>;
function at(v: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((n, k) => (isMap(n) ? n[k] : undefined), v);
}
const num = (v: unknown, path: string): number => {
    const n = at(v, path);
    assert.strictEqual(typeof n, "number", `${path}: expected a number, found ${JSON.stringify(n)}`);
    return n as number;
};
const list = (v: unknown, path: string): unknown[] => {
    const n = at(v, path);
    assert.ok(Array.isArray(n), `${path}: expected a list, found ${JSON.stringify(n)}`);
    return n;
};
const str = (v: unknown, path: string): string => {
    const n = at(v, path);
    assert.strictEqual(typeof n, "string", `${path}: expected a string, found ${JSON.stringify(n)}`);
    return n as string;
};

const settings = (env: "dev" | "prod"): LoggingSettings => LOGGING_DEFAULTS[env];

// The kit's placements (infra/lib/placement.ts): the platform pool and the system nodes.
const PLATFORM: PodPlacement = {
    nodeSelector: { "platform.io/node-pool": "platform" },
    tolerations: [{ key: "platform.io/pool", operator: "Equal", value: "platform", effect: "NoSchedule" }],
};
const SYSTEM: PodPlacement = {
    nodeSelector: { "platform.io/node-pool": "system" },
    tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
};
const spread = (matchLabels: Record<string, string>) => [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels } }];
const INGESTER_LABELS = { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "loki", "app.kubernetes.io/component": "ingester" };
const PROM = ["http://prometheus-0.prometheus-operated.monitoring.svc:9090", "http://prometheus-1.prometheus-operated.monitoring.svc:9090"];

function loki(env: "dev" | "prod", over: Partial<LoggingSettings["loki"]> = {}): V {
    return lokiValues({
        loki: { ...settings(env).loki, ...over },
        region: "eu-west-1",
        chunksBucket: "platform-prod-loki-chunks",
        rulerBucket: "platform-prod-loki-ruler",
        placement: PLATFORM,
        storageClass: "gp3",
        zoneSpread: spread,
    });
}

function tempo(env: "dev" | "prod"): V {
    const s = settings(env);
    return tempoValues({
        retentionDays: s.tempo.retentionDays,
        storageGiB: s.tempo.storageGiB,
        resources: s.tempo.resources,
        bucket: "platform-prod-tempo",
        region: "eu-west-1",
        s3Endpoint: "s3.eu-west-1.amazonaws.com",
        prometheusUrls: PROM,
        placement: PLATFORM,
        storageClass: "gp3",
    });
}

function collector(env: "dev" | "prod", prometheusUrls = PROM): V {
    const s = settings(env);
    return collectorValues({ replicas: s.collector.replicas, resources: s.collector.resources, prometheusUrls, placement: PLATFORM, zoneSpread: spread });
}

const DISTRIBUTED_TARGETS = ["ingester", "distributor", "querier", "queryFrontend", "queryScheduler", "indexGateway", "compactor", "ruler"];

describe("logging values: Loki", () => {
    it("dev: one Monolithic replica, replication factor 1, no distributed or simple-scalable target", () => {
        const v = loki("dev");
        assert.strictEqual(at(v, "deploymentMode"), "Monolithic");
        assert.strictEqual(at(v, "singleBinary.replicas"), 1);
        assert.strictEqual(at(v, "loki.commonConfig.replication_factor"), 1);
        for (const t of [...DISTRIBUTED_TARGETS, "backend", "read", "write"]) assert.strictEqual(at(v, `${t}.replicas`), 0, t);
        assert.deepStrictEqual(at(v, "singleBinary.persistence"), { enabled: true, size: "10Gi", storageClass: "gp3" });
    });

    it("prod: Distributed with 3 ingesters and replication factor 3, single binary off, WAL and compactor on volumes", () => {
        const v = loki("prod");
        assert.strictEqual(at(v, "deploymentMode"), "Distributed");
        assert.strictEqual(at(v, "singleBinary.replicas"), 0);
        assert.strictEqual(at(v, "ingester.replicas"), 3);
        assert.strictEqual(at(v, "loki.commonConfig.replication_factor"), 3);
        for (const t of DISTRIBUTED_TARGETS) assert.ok(num(v, `${t}.replicas`) >= 1, t);
        for (const t of ["backend", "read", "write"]) assert.strictEqual(at(v, `${t}.replicas`), 0, t);
        assert.strictEqual(at(v, "ingester.zoneAwareReplication.enabled"), false);
        assert.deepStrictEqual(at(v, "ingester.topologySpreadConstraints"), spread(INGESTER_LABELS));
        assert.deepStrictEqual(lokiPodLabels("ingester"), INGESTER_LABELS);
        for (const t of ["ingester", "compactor"]) {
            assert.strictEqual(at(v, `${t}.persistence.enabled`), true, t);
            assert.deepStrictEqual(at(v, `${t}.persistence.claims`), [{ name: "data", accessModes: ["ReadWriteOnce"], size: "10Gi", storageClass: "gp3" }], t);
        }
    });

    it("the replication factor equals the ingesting replicas, capped at 3", () => {
        assert.deepStrictEqual([1, 3, 5].map(replicationFactor), [1, 3, 3]);
        assert.strictEqual(at(loki("dev", { replicas: 3 }), "loki.commonConfig.replication_factor"), 3);
        assert.strictEqual(at(loki("dev", { replicas: 3 }), "singleBinary.replicas"), 3);
    });

    for (const env of ["dev", "prod"] as const) {
        it(`${env}: render-time requirements: schema v13 on tsdb in s3, both bucket names, explicit region, no static keys`, () => {
            const v = loki(env);
            assert.deepStrictEqual(at(v, "loki.schemaConfig.configs"), [LOKI_SCHEMA]);
            assert.strictEqual(LOKI_SCHEMA.schema, "v13");
            assert.strictEqual(LOKI_SCHEMA.store, "tsdb");
            assert.strictEqual(LOKI_SCHEMA.object_store, "s3");
            assert.strictEqual(at(v, "loki.storage.type"), "s3");
            assert.deepStrictEqual(at(v, "loki.storage.bucketNames"), { chunks: "platform-prod-loki-chunks", ruler: "platform-prod-loki-ruler" });
            assert.deepStrictEqual(at(v, "loki.storage.s3"), { region: "eu-west-1" });
            const fields = LOKI_PERIOD_CONFIG_FIELDS as readonly string[];
            for (const entry of list(v, "loki.schemaConfig.configs")) {
                const used = Object.keys(entry as V).flatMap((k) => (k === "index" ? ["index", ...Object.keys(at(entry, "index") as V).map((x) => `index.${x}`)] : [k]));
                assert.deepStrictEqual(used.filter((k) => !fields.includes(k)), []);
            }
        });

        it(`${env}: retention through the compactor with delete_request_store, structured metadata on, one tenant`, () => {
            const v = loki(env);
            const days = settings(env).loki.retentionDays;
            assert.strictEqual(at(v, "loki.limits_config.retention_period"), `${days * 24}h`);
            assert.strictEqual(at(v, "loki.limits_config.allow_structured_metadata"), true);
            assert.deepStrictEqual(at(v, "loki.compactor"), { retention_enabled: true, delete_request_store: "s3" });
            assert.strictEqual(at(v, "loki.auth_enabled"), true);
            assert.strictEqual(at(v, "serviceAccount.name"), LOKI_SERVICE_ACCOUNT);
        });

        it(`${env}: caches sized for the stack (not the chart's 8 GiB), canary and Helm test off, rules sidecar off`, () => {
            const v = loki(env);
            const s = settings(env).loki;
            assert.strictEqual(at(v, "chunksCache.allocatedMemory"), s.chunksCacheMiB);
            assert.strictEqual(at(v, "resultsCache.allocatedMemory"), s.resultsCacheMiB);
            assert.ok(num(v, "chunksCache.allocatedMemory") < 8192);
            assert.strictEqual(at(v, "lokiCanary.enabled"), false);
            assert.strictEqual(at(v, "test.enabled"), false);
            assert.strictEqual(at(v, "sidecar.rules.enabled"), false);
            assert.strictEqual(at(v, "minio.enabled"), false);
        });

        it(`${env}: every Loki pod (components, gateway, caches) goes to the platform pool`, () => {
            const v = loki(env);
            for (const part of ["defaults", "gateway", "chunksCache", "resultsCache"]) {
                assert.deepStrictEqual(at(v, `${part}.nodeSelector`), PLATFORM.nodeSelector, part);
                assert.deepStrictEqual(at(v, `${part}.tolerations`), PLATFORM.tolerations, part);
            }
        });

        it(`${env}: every Loki key is one the pinned chart reads`, () => {
            assert.deepStrictEqual(unknownValuesKeys(loki(env), LOKI_VALUES), []);
            assert.deepStrictEqual(unknownValuesKeys(loki(env, { deploymentMode: env === "dev" ? "Distributed" : "Monolithic", replicas: 3 }), LOKI_VALUES), []);
        });
    }

    it("a zero-sized cache is turned off", () => {
        assert.strictEqual(at(loki("dev", { resultsCacheMiB: 0 }), "resultsCache.enabled"), false);
        assert.ok(!lokiPods({ ...settings("dev").loki, resultsCacheMiB: 0 }).some((p) => p.component === "loki/results-cache"));
    });

    it("declares every Loki pod with requests and a memory limit, matching the values (memcached at 1.2x)", () => {
        for (const env of ["dev", "prod"] as const) {
            const v = loki(env);
            const pods = lokiPods(settings(env).loki);
            for (const p of pods) assert.ok(p.cpu && p.memory && p.memoryLimit, p.component);
            const replicas = (c: string) => pods.find((p) => p.component === `loki/${c}`)?.replicas ?? 0;
            if (env === "dev") assert.strictEqual(replicas("single-binary"), at(v, "singleBinary.replicas"));
            else for (const c of ["ingester", "querier", "distributor", "compactor", "ruler"]) assert.strictEqual(replicas(c), at(v, `${c}.replicas`), c);
            assert.strictEqual(replicas("gateway"), at(v, "gateway.replicas"));
            const chunks = pods.find((p) => p.component === "loki/chunks-cache");
            // memcached container round(allocated x 1.2) plus the 32Mi exporter.
            assert.strictEqual(chunks?.memory, `${memcachedPodMiB(settings(env).loki.chunksCacheMiB) + 32}Mi`);
        }
        assert.strictEqual(memcachedPodMiB(8192), 9830);
    });

    it("the key check catches a misspelt chart key and an unknown Loki config field", () => {
        assert.deepStrictEqual(unknownValuesKeys({ singleBinary: { replica: 1 }, loki: { limits_config: { retention_perod: "1h" } } }, LOKI_VALUES), [
            "singleBinary.replica",
            "loki.limits_config.retention_perod",
        ]);
    });
});

describe("logging values: Alloy", () => {
    const pods = (env: "dev" | "prod"): V => alloyValues({ kind: "pods", resources: settings(env).alloy.resources, tenant: "platform" });
    const events = (env: "dev" | "prod"): V => alloyValues({ kind: "events", resources: settings(env).alloy.resources, tenant: "platform", placement: SYSTEM });

    it("a DaemonSet that tolerates every node: system, platform pool, Karpenter disruption, not-ready", () => {
        const v = pods("prod");
        assert.strictEqual(at(v, "controller.type"), "daemonset");
        const tolerations = list(v, "controller.tolerations") as TolerationSpec[];
        assert.deepStrictEqual(tolerations, [...TOLERATE_EVERYTHING]);
        for (const taint of [
            { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" as const },
            { key: "platform.io/pool", value: "platform", effect: "NoSchedule" as const },
            { key: "karpenter.sh/disrupted", effect: "NoSchedule" as const },
            { key: "node.kubernetes.io/not-ready", effect: "NoExecute" as const },
            { key: "team.example.com/gpu", value: "true", effect: "NoSchedule" as const },
        ]) {
            assert.ok(tolerates(tolerations, taint), JSON.stringify(taint));
        }
        assert.strictEqual(at(v, "controller.nodeSelector"), undefined, "a nodeSelector would keep it off some nodes");
        // The check itself: the platform pool's toleration alone does not reach the system nodes.
        assert.ok(!tolerates(PLATFORM.tolerations, { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" }));
    });

    it("reads the node's pod logs from a read-only /var/log, keeps positions on the host, no capabilities", () => {
        const v = pods("dev");
        assert.strictEqual(at(v, "alloy.mounts.varlog"), true);
        assert.strictEqual(at(v, "alloy.storagePath"), "/var/lib/alloy/data");
        assert.deepStrictEqual(at(list(v, "controller.volumes.extra")[0], "hostPath"), { path: "/var/lib/alloy-platform", type: "DirectoryOrCreate" });
        assert.deepStrictEqual(at(v, "alloy.securityContext.capabilities"), { drop: ["ALL"] });
        assert.strictEqual(at(v, "alloy.securityContext.allowPrivilegeEscalation"), false);
        assert.strictEqual(at(v, "alloy.securityContext.readOnlyRootFilesystem"), true);
    });

    it("events run once: a single-replica Deployment on the system nodes", () => {
        const v = events("prod");
        assert.strictEqual(at(v, "controller.type"), "deployment");
        assert.strictEqual(at(v, "controller.replicas"), 1);
        assert.deepStrictEqual(at(v, "controller.nodeSelector"), SYSTEM.nodeSelector);
        assert.deepStrictEqual(at(v, "controller.tolerations"), SYSTEM.tolerations);
        assert.match(str(v, "alloy.configMap.content"), /loki\.source\.kubernetes_events/);
        assert.doesNotMatch(str(pods("prod"), "alloy.configMap.content"), /kubernetes_events/);
    });

    it("both write to the Loki gateway with the tenant, have requests and a memory limit, and read no Secret", () => {
        for (const v of [pods("prod"), events("prod")]) {
            assert.deepStrictEqual(at(v, "alloy.extraEnv"), [
                { name: "LOKI_PUSH_URL", value: "http://loki-gateway.logging.svc/loki/api/v1/push" },
                { name: "LOKI_TENANT", value: "platform" },
            ]);
            for (const p of ["alloy.resources.requests.cpu", "alloy.resources.requests.memory", "alloy.resources.limits.memory", "configReloader.resources.limits.memory"]) {
                assert.ok(str(v, p), p);
            }
            const resources = list(v, "rbac.rules").flatMap((r) => list(r, "resources"));
            assert.ok(!resources.includes("secrets") && !resources.includes("configmaps"), resources.join(","));
            assert.deepStrictEqual(at(v, "rbac.clusterRules"), []);
            assert.strictEqual(at(v, "crds.create"), false);
        }
        assert.strictEqual(lokiPushUrl(), "http://loki-gateway.logging.svc/loki/api/v1/push");
    });

    it("declares the DaemonSet per node and the events Deployment once, reloader included", () => {
        const r = settings("prod").alloy.resources;
        assert.deepStrictEqual(alloyPods("pods", r), { component: "alloy/daemonset", replicas: 1, cpu: "110m", memory: "288Mi", memoryLimit: "1088Mi", perNode: true });
        assert.strictEqual(alloyPods("events", r).perNode, undefined);
    });

    for (const env of ["dev", "prod"] as const) {
        it(`${env}: every Alloy key is one the pinned chart reads`, () => {
            assert.deepStrictEqual(unknownValuesKeys(pods(env), ALLOY_VALUES), []);
            assert.deepStrictEqual(unknownValuesKeys(events(env), ALLOY_VALUES), []);
        });
    }
});

describe("logging values: Tempo", () => {
    for (const env of ["dev", "prod"] as const) {
        it(`${env}: S3 backend with bucket, regional endpoint and region, retention per stack, WAL on gp3`, () => {
            const v = tempo(env);
            assert.deepStrictEqual(at(v, "tempo.storage.trace"), {
                backend: "s3",
                s3: { bucket: "platform-prod-tempo", endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1" },
            });
            assert.strictEqual(at(v, "tempo.retention"), `${settings(env).tempo.retentionDays * 24}h`);
            assert.deepStrictEqual(at(v, "persistence"), { enabled: true, size: `${settings(env).tempo.storageGiB}Gi`, storageClassName: "gp3" });
            assert.strictEqual(at(v, "replicas"), 1);
            assert.deepStrictEqual(at(v, "nodeSelector"), PLATFORM.nodeSelector);
            assert.strictEqual(at(v, "serviceAccount.name"), TEMPO_SERVICE_ACCOUNT);
        });

        it(`${env}: every Tempo key is one the pinned chart reads`, () => {
            assert.deepStrictEqual(unknownValuesKeys(tempo(env), TEMPO_VALUES), []);
        });
    }

    it("retention differs per stack: 3 days in dev, 14 in prod", () => {
        assert.deepStrictEqual([at(tempo("dev"), "tempo.retention"), at(tempo("prod"), "tempo.retention")], ["72h", "336h"]);
    });

    it("receives OTLP on 4317 and 4318", () => {
        assert.deepStrictEqual(at(tempo("prod"), "tempo.receivers.otlp.protocols"), {
            grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` },
            http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` },
        });
    });

    it("the metrics generator writes service graphs and span metrics to every Prometheus replica", () => {
        const v = tempo("prod");
        assert.strictEqual(at(v, "tempo.metricsGenerator.enabled"), true);
        assert.deepStrictEqual(at(v, "tempo.metricsGenerator.storage.remote_write"), PROM.map((u) => ({ url: `${u}/api/v1/write` })));
        assert.deepStrictEqual(at(v, "tempo.overrides.defaults.metrics_generator.processors"), ["service-graphs", "span-metrics"]);
        assert.deepStrictEqual(tempoPods(settings("prod").tempo.resources), [{ component: "tempo/monolithic", replicas: 1, cpu: "500m", memory: "2Gi", memoryLimit: "4Gi" }]);
    });
});

describe("logging values: OpenTelemetry collector gateway", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(COLLECTOR_VALUES_SCHEMA);
    const schemaErrors = (v: V): string[] => {
        validate({ ...COLLECTOR_REQUIRED_DEFAULTS, ...v });
        return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
    };

    for (const env of ["dev", "prod"] as const) {
        it(`${env}: the values validate against the chart's values.schema.json (additionalProperties false)`, () => {
            assert.deepStrictEqual(schemaErrors(collector(env)), []);
            assert.deepStrictEqual(unknownValuesKeys(collector(env), COLLECTOR_VALUES), []);
        });
    }

    it("the schema check rejects an unknown or renamed key and a wrong mode", () => {
        const errors = schemaErrors({ ...collector("prod"), rewriteDeprecatedProcessorNames: true, mode: "gateway", image: { repo: "x" } });
        assert.ok(errors.some((e) => /additionalProperty.*rewriteDeprecatedProcessorNames/.test(e)), errors.join("\n"));
        assert.ok(errors.some((e) => /^\/mode /.test(e)), errors.join("\n"));
        assert.ok(errors.some((e) => /^\/image .*repo/.test(e)), errors.join("\n"));
    });

    it("a Deployment of the k8s distribution on the platform pool, spread over zones, with a PDB in prod", () => {
        const v = collector("prod");
        assert.strictEqual(at(v, "mode"), "deployment");
        assert.strictEqual(at(v, "image.repository"), COLLECTOR_IMAGE);
        assert.strictEqual(at(v, "command.name"), COLLECTOR_COMMAND);
        assert.strictEqual(at(v, "replicaCount"), 2);
        assert.deepStrictEqual(at(v, "nodeSelector"), PLATFORM.nodeSelector);
        assert.deepStrictEqual(at(v, "topologySpreadConstraints"), spread({ ...COLLECTOR_POD_LABELS }));
        assert.deepStrictEqual(at(v, "podDisruptionBudget"), { enabled: true, maxUnavailable: 1 });
        assert.deepStrictEqual(at(collector("dev"), "podDisruptionBudget"), { enabled: false });
        assert.deepStrictEqual(at(v, "resources.limits"), { memory: settings("prod").collector.resources.memoryLimit });
        assert.strictEqual(collectorPods(2, settings("prod").collector.resources)[0].replicas, 2);
        assert.strictEqual(at(v, "fullnameOverride"), COLLECTOR_POD_LABELS["app.kubernetes.io/instance"]);
    });

    it("pipelines: OTLP in; memory_limiter first, k8s attributes, batch; traces to Tempo, metrics to each Prometheus", () => {
        const c = at(collector("prod"), "config");
        for (const name of ["traces", "metrics", "logs"]) {
            assert.deepStrictEqual(at(c, `service.pipelines.${name}.receivers`), ["otlp"], name);
            assert.deepStrictEqual(at(c, `service.pipelines.${name}.processors`), ["memory_limiter", "k8s_attributes", "batch"], name);
        }
        assert.deepStrictEqual(at(c, "service.pipelines.traces.exporters"), ["otlp_grpc/tempo"]);
        assert.deepStrictEqual(at(c, "exporters.otlp_grpc/tempo"), { endpoint: "tempo.tracing.svc:4317", tls: { insecure: true } });
        assert.deepStrictEqual(at(c, "service.pipelines.metrics.exporters"), ["otlp_http/prometheus-0", "otlp_http/prometheus-1"]);
        assert.strictEqual(at(c, "exporters.otlp_http/prometheus-1.metrics_endpoint"), `${PROM[1]}/api/v1/otlp/v1/metrics`);
        assert.strictEqual(at(collector("prod"), "presets.kubernetesAttributes.enabled"), true);
        assert.strictEqual(at(c, "receivers.otlp.protocols.grpc.endpoint"), "${env:MY_POD_IP}:4317");
    });

    /** Problems with the collector config: undefined or deprecated component names, unknown config fields. */
    function componentProblems(c: unknown): string[] {
        const out: string[] = [];
        const known = COLLECTOR_COMPONENTS as unknown as Record<string, Record<string, readonly string[]>>;
        const typeOf = (id: string) => id.split("/")[0];
        const paths = (o: unknown, pre = ""): string[] => (isMap(o) ? Object.entries(o).flatMap(([k, x]) => [pre + k, ...paths(x, `${pre}${k}.`)]) : []);
        for (const kind of ["receivers", "processors", "exporters"] as const) {
            const defined = (at(c, kind) ?? {}) as V;
            const deprecated: Record<string, string> = COLLECTOR_COMPONENTS.deprecated[kind];
            for (const [id, cfg] of Object.entries(defined)) {
                if (typeOf(id) in deprecated) {
                    out.push(`${kind}.${id}: deprecated name of ${deprecated[typeOf(id)]}`);
                    continue;
                }
                const fields = known[kind][typeOf(id)];
                if (!fields) {
                    out.push(`${kind}.${id}: not a component type of the otelcol-k8s 0.158 distribution`);
                    continue;
                }
                if (fields.includes("*")) continue;
                for (const f of paths(cfg)) if (!fields.includes(f)) out.push(`${kind}.${id}.${f}: not a config field of ${typeOf(id)}`);
            }
            for (const [name, pipeline] of Object.entries((at(c, "service.pipelines") ?? {}) as V)) {
                for (const id of list(pipeline, kind) as string[]) {
                    const presetAdded = kind === "processors" && id === "k8s_attributes";
                    if (!presetAdded && !(id in defined)) out.push(`pipeline ${name}: ${kind} ${id} is not defined`);
                }
            }
        }
        return out;
    }

    it("every pipeline component is defined (or added by the kubernetesAttributes preset) with the 0.158 type names and known fields", () => {
        for (const env of ["dev", "prod"] as const) assert.deepStrictEqual(componentProblems(at(collector(env), "config")), []);
    });

    it("the component check catches a deprecated exporter name, a misspelt field and an undefined reference", () => {
        const broken = {
            receivers: { otlp: { protocols: { grpc: { endpoint: "x" } } } },
            processors: { batch: { timout: "5s" } },
            exporters: { "otlp/tempo": { endpoint: "tempo:4317" }, prometheusremotewrite: { endpoint: "x" } },
            service: { pipelines: { traces: { receivers: ["otlp"], processors: ["batch", "memory_limiter"], exporters: ["otlp/tempo"] } } },
        };
        assert.deepStrictEqual(componentProblems(broken), [
            "processors.batch.timout: not a config field of batch",
            "pipeline traces: processors memory_limiter is not defined",
            "exporters.otlp/tempo: deprecated name of otlp_grpc",
            "exporters.prometheusremotewrite: not a component type of the otelcol-k8s 0.158 distribution",
        ]);
    });
});

describe("logging charts in the catalogue", () => {
    it("Loki and Tempo come from grafana-community (the grafana repository's loki chart is the enterprise one), all from allow-listed repositories", () => {
        assert.strictEqual(charts.loki.repo, "https://grafana-community.github.io/helm-charts");
        assert.strictEqual(charts.tempo.repo, "https://grafana-community.github.io/helm-charts");
        assert.deepStrictEqual(
            [charts.loki.version, charts.alloy.version, charts.tempo.version, charts.opentelemetryCollector.version],
            ["18.11.0", "1.11.1", "2.2.4", "0.170.0"],
        );
        for (const c of [charts.loki, charts.alloy, charts.tempo, charts.opentelemetryCollector]) {
            assert.ok((OFFICIAL_HELM_REPOSITORIES as readonly string[]).includes(c.repo), c.chart);
        }
    });
});
