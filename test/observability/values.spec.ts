// Chart values of the layer against the upstream values keys (subcharts under grafana.*, kube-state-metrics.*,
// prometheus-node-exporter.*), plus the properties that matter: CRDs from their own release, EKS-unscrapeable
// components off, selectors open to every namespace, HA and placement, secrets only by reference.
import * as assert from "assert";
import { alertmanagerConfig } from "../../infra/observability/alertmanager";
import { ObservabilitySettings, observabilitySection } from "../../infra/observability/config";
import { yaceConfig } from "../../infra/observability/yace";
import { REPLACED_DEFAULT_ALERTS, crdValues, mongoValues, stackValues, yaceValues } from "../../infra/observability/values";
import { isMap, unknownKeys } from "./check";
import {
    CRDS_VALUES_KEYS,
    KPS_DEFAULT_ALERTS_SEEN,
    KPS_DEFAULT_RULE_GROUPS,
    KPS_FREE_MAPS,
    KPS_TEMPLATE_ONLY_KEYS,
    KPS_VALUES_KEYS,
    MONGODB_VALUES_KEYS,
    YACE_VALUES_KEYS,
} from "./fixtures/upstream";

const settings = (env: "dev" | "prod") => (observabilitySection.defaults[env] as { observability: ObservabilitySettings }).observability;
const system = { nodeSelector: { "node.kubernetes.io/role": "system" }, tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" as const, effect: "NoSchedule" as const }] };
const platform = { nodeSelector: { "platform.io/node-pool": "platform" }, tolerations: [{ key: "platform.io/pool", operator: "Equal" as const, value: "platform", effect: "NoSchedule" as const }] };
const argsFor = (env: "dev" | "prod") => ({
    settings: settings(env),
    clusterName: `platform-${env}`,
    environment: env,
    storageClass: "gp3",
    system,
    platform,
    alertmanager: alertmanagerConfig(settings(env).receivers),
    receiverSecret: env === "prod",
});
const values = (env: "dev" | "prod", logging = true) =>
    stackValues({
        settings: settings(env),
        clusterName: `platform-${env}`,
        environment: env,
        storageClass: "gp3",
        system,
        platform,
        alertmanager: alertmanagerConfig(settings(env).receivers),
        receiverSecret: env === "prod",
        ...(logging ? { logging: { lokiUrl: "http://loki-gateway.logging.svc", tempoUrl: "http://tempo.tracing.svc:3200", tenant: "platform" } } : {}),
    });
const get = (o: unknown, p: string): unknown => p.split(".").reduce<unknown>((v, k) => (isMap(v) ? v[k] : undefined), o);

// Free-form maps (declared {} upstream) end the walk; the template-only keys are declared for the walk too.
const kpsDeclared = [...KPS_VALUES_KEYS, ...KPS_TEMPLATE_ONLY_KEYS];

describe("observability: chart values against upstream", () => {
    for (const env of ["dev", "prod"] as const) {
        it(`${env}: every kube-prometheus-stack value (and subchart value) is a declared key`, () => {
            assert.deepStrictEqual(unknownKeys(values(env), kpsDeclared), []);
            assert.deepStrictEqual(unknownKeys(values(env, false), kpsDeclared), []);
        });
    }

    it("with the logging layer Prometheus accepts remote write (Tempo's span metrics) and OTLP (the gateway); without it, neither", () => {
        assert.strictEqual(get(values("prod"), "prometheus.prometheusSpec.enableRemoteWriteReceiver"), true);
        assert.strictEqual(get(values("prod"), "prometheus.prometheusSpec.enableOTLPReceiver"), true);
        assert.strictEqual(get(values("prod", false), "prometheus.prometheusSpec.enableRemoteWriteReceiver"), undefined);
        assert.strictEqual(get(values("prod", false), "prometheus.prometheusSpec.enableOTLPReceiver"), undefined);
    });

    it("the fixture's free-form maps are declared keys, and the walk catches a misspelt subchart key", () => {
        for (const m of KPS_FREE_MAPS) assert.ok((KPS_VALUES_KEYS as readonly string[]).includes(m), m);
        assert.deepStrictEqual(unknownKeys({ grafana: { sidecar: { dashbaords: { enabled: true } } }, "kube-state-metrics": { tolerations: [] } }, kpsDeclared), ["grafana.sidecar.dashbaords"]);
    });

    it("YACE, MongoDB exporter and CRD chart values are declared keys", () => {
        const y = yaceValues({ config: yaceConfig({ region: "eu-west-1", stack: "prod", periodSeconds: 60 }), scrapingIntervalSeconds: 120, system });
        assert.deepStrictEqual(unknownKeys(y, YACE_VALUES_KEYS), []);
        assert.deepStrictEqual(unknownKeys(mongoValues({ system }), MONGODB_VALUES_KEYS), []);
        assert.deepStrictEqual(unknownKeys(crdValues(), CRDS_VALUES_KEYS), []);
    });

    it("CRDs come from prometheus-operator-crds; the control-plane scrapes and rules EKS cannot serve are off", () => {
        const v = values("prod");
        assert.strictEqual(get(v, "crds.enabled"), false);
        for (const c of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"]) assert.strictEqual(get(v, `${c}.enabled`), false, c);
        const rules = get(v, "defaultRules.rules") as Record<string, boolean>;
        assert.deepStrictEqual(rules, { kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, etcd: false, kubeProxy: false, windows: false });
        for (const k of Object.keys(rules)) assert.ok((KPS_DEFAULT_RULE_GROUPS as readonly string[]).includes(k), k);
        // The default alerts the operators' list replaces are switched off by their exact names.
        assert.deepStrictEqual(Object.keys(get(v, "defaultRules.disabled") as object), [...REPLACED_DEFAULT_ALERTS]);
        for (const a of REPLACED_DEFAULT_ALERTS) assert.ok((KPS_DEFAULT_ALERTS_SEEN as readonly string[]).includes(a), a);
    });

    it("Prometheus selects monitors and rules from every namespace", () => {
        const spec = get(values("dev"), "prometheus.prometheusSpec") as Record<string, unknown>;
        for (const k of ["serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"]) assert.strictEqual(spec[`${k}SelectorNilUsesHelmValues`], false, k);
    });

    it("prod: 2 Prometheus replicas (one per node, spread over zones) with external labels, 3 Alertmanagers, encrypted gp3 volumes", () => {
        const p = get(values("prod"), "prometheus.prometheusSpec") as Record<string, unknown>;
        assert.strictEqual(p["replicas"], 2);
        assert.strictEqual(p["podAntiAffinity"], "hard");
        assert.strictEqual(p["podAntiAffinityTopologyKey"], "kubernetes.io/hostname");
        assert.deepStrictEqual(p["topologySpreadConstraints"], [
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "kps-prometheus" } } },
        ]);
        assert.deepStrictEqual(p["externalLabels"], { cluster: "platform-prod", environment: "prod" });
        assert.strictEqual(p["retention"], "30d");
        assert.strictEqual(p["retentionSize"], "90GB");
        assert.deepStrictEqual(get(p, "storageSpec.volumeClaimTemplate.spec"), { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } } });
        const am = get(values("prod"), "alertmanager.alertmanagerSpec") as Record<string, unknown>;
        assert.strictEqual(am["replicas"], 3);
        assert.strictEqual(am["podAntiAffinity"], "hard");
        assert.strictEqual(am["podAntiAffinityTopologyKey"], "kubernetes.io/hostname");
        const amSpread = am["topologySpreadConstraints"] as { labelSelector: { matchLabels: Record<string, string> } }[];
        assert.deepStrictEqual(amSpread[0].labelSelector.matchLabels, { "app.kubernetes.io/name": "alertmanager", "app.kubernetes.io/instance": "kps-alertmanager" });
        assert.deepStrictEqual(am["secrets"], ["alertmanager-receivers"]);
        const dev = get(values("dev"), "prometheus.prometheusSpec") as Record<string, unknown>;
        assert.strictEqual(dev["replicas"], 1);
        assert.strictEqual(dev["podAntiAffinity"], undefined);
        assert.strictEqual(dev["topologySpreadConstraints"], undefined);
    });

    it("every replica count the config allows schedules in a two-zone stack (platform:azCount 2)", () => {
        // Required anti-affinity on the zone key admits at most one replica per zone; a DoNotSchedule spread of maxSkew 1
        // admits any count. Checked for the config's bounds: Prometheus 1-4, Alertmanager 1-5.
        const fits = (spec: Record<string, unknown>, replicas: number, zones: number): boolean => {
            if (spec["podAntiAffinity"] === "hard" && spec["podAntiAffinityTopologyKey"] === "topology.kubernetes.io/zone") return replicas <= zones;
            const spread = spec["topologySpreadConstraints"] as { maxSkew: number; whenUnsatisfiable: string }[] | undefined;
            const perZone = Array.from({ length: zones }, (_, z) => Math.floor(replicas / zones) + (z < replicas % zones ? 1 : 0));
            return (spread ?? []).every((c) => c.whenUnsatisfiable !== "DoNotSchedule" || Math.max(...perZone) - Math.min(...perZone) <= c.maxSkew);
        };
        const base = settings("prod");
        for (const replicas of [2, 3, 4]) {
            const v = stackValues({ ...argsFor("prod"), settings: { ...base, prometheus: { ...base.prometheus, replicas }, alertmanager: { ...base.alertmanager, replicas: replicas + 1 } } });
            assert.ok(fits(get(v, "prometheus.prometheusSpec") as Record<string, unknown>, replicas, 2), `prometheus ${replicas}`);
            assert.ok(fits(get(v, "alertmanager.alertmanagerSpec") as Record<string, unknown>, replicas + 1, 2), `alertmanager ${replicas + 1}`);
        }
        // The former zone anti-affinity fails the check for the prod default of 3 Alertmanagers in two zones.
        assert.ok(!fits({ podAntiAffinity: "hard", podAntiAffinityTopologyKey: "topology.kubernetes.io/zone" }, 3, 2));
    });

    it("placement: Prometheus, Alertmanager and Grafana on the platform pool; operator and kube-state-metrics on system nodes; node-exporter tolerates every taint", () => {
        const v = values("prod");
        for (const p of ["prometheus.prometheusSpec", "alertmanager.alertmanagerSpec", "grafana"]) {
            assert.deepStrictEqual(get(v, `${p}.nodeSelector`), platform.nodeSelector, p);
            assert.deepStrictEqual(get(v, `${p}.tolerations`), platform.tolerations, p);
        }
        for (const p of ["prometheusOperator", "prometheusOperator.admissionWebhooks.patch", "kube-state-metrics"]) {
            assert.deepStrictEqual(get(v, `${p}.nodeSelector`), system.nodeSelector, p);
            assert.deepStrictEqual(get(v, `${p}.tolerations`), system.tolerations, p);
        }
        assert.deepStrictEqual(get(v, "prometheus-node-exporter.tolerations"), [{ operator: "Exists" }]);
        for (const p of ["prometheus.prometheusSpec.resources", "alertmanager.alertmanagerSpec.resources", "grafana.resources", "prometheusOperator.resources", "kube-state-metrics.resources", "prometheus-node-exporter.resources", "grafana.sidecar.resources"]) {
            const r = get(v, p) as { requests: { cpu: string; memory: string }; limits: { memory: string } };
            assert.ok(r.requests.cpu && r.requests.memory && r.limits.memory, p);
        }
    });

    it("Grafana: admin from the ExternalSecret-synced Secret, Loki and Tempo datasources with trace-to-logs, no template braces", () => {
        const v = values("prod");
        assert.deepStrictEqual(get(v, "grafana.admin"), { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        const ds = get(v, "grafana.additionalDataSources") as Record<string, unknown>[];
        assert.deepStrictEqual(ds.map((d) => [d["type"], d["uid"], d["url"]]), [["loki", "loki", "http://loki-gateway.logging.svc"], ["tempo", "tempo", "http://tempo.tracing.svc:3200"]]);
        assert.strictEqual(get(ds[1], "jsonData.tracesToLogsV2.datasourceUid"), "loki");
        assert.strictEqual(get(ds[0], "jsonData.httpHeaderName1"), "X-Scope-OrgID");
        // kps renders additionalDataSources through `tpl`: "{{" would be evaluated by Helm.
        assert.ok(!JSON.stringify(ds).includes("{{"));
        assert.strictEqual(get(values("prod", false), "grafana.additionalDataSources"), undefined);
        assert.deepStrictEqual(get(v, "grafana.sidecar.dashboards"), { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" });
        assert.deepStrictEqual(get(v, "kube-state-metrics.metricLabelsAllowlist"), ["pods=[vault-sealed,vault-active]"]);
    });

    it("no secret value in any values: only Secret names and mounted file paths", () => {
        const text = JSON.stringify([values("prod"), values("dev")]);
        assert.ok(!/hooks\.slack\.com|events\.pagerduty\.com|password"\s*:\s*"[^"]/i.test(text));
        assert.ok(text.includes("/etc/alertmanager/secrets/alertmanager-receivers/slack-webhook-url"));
    });
});
