// Service metrics in the golden path: the exporter sidecar (restricted), the Service's metrics port, the NetworkPolicy
// rule for Prometheus, the ServiceMonitor and the SLO PrometheusRule against the v0.93.1 CRD schemas, argument errors,
// and the quotes service with the official nginx exporter passing the workload policies.
import * as assert from "assert";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import type { ObservabilityContract } from "../../infra/observability/contract";
import { ALB_SERVICE_METRICS } from "../../infra/observability/rules";
import { QuotesSettings } from "../../infra/workloads/config";
import { NamespaceBaseline } from "../../infra/workloads/namespace";
import { NGINX_EXPORTER, QUOTES_NGINX_CONF, QUOTES_STUB_STATUS_PORT, deployQuotes } from "../../infra/workloads/quotes";
import { ProductionService, ServiceArgsError, resolveServiceArgs } from "../../infra/workloads/service";
import { PACK_NAME, PACK_VERSION, policies } from "../../policies/pack";
import { runPolicies } from "../../tools/offline/policyRunner";
import { Inputs } from "../helpers";
import { promqlProblems, validate } from "../observability/check";
import { PROMETHEUS_RULE_SPEC_SCHEMA, SERVICE_MONITOR_SPEC_SCHEMA } from "../observability/fixtures/upstream";
import { minimalArgs, namespaceArgs } from "./fixtures";
import { at, fakeData, fakeSecrets, fakeIngress, object, render } from "./render";

function contract(): ObservabilityContract {
    return {
        ready: [],
        namespace: "monitoring",
        runbookBaseUrl: "https://git.example.com/platform/blob/main/docs/runbooks.md",
        albServiceMetrics: ALB_SERVICE_METRICS,
        dashboardLabel: { grafana_dashboard: "1" },
        prometheusUrl: "http://kps-prometheus.monitoring.svc:9090",
        alertmanagerUrl: "http://kps-alertmanager.monitoring.svc:9093",
    };
}

const DEPLOY = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SM = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

const withExporter = () =>
    render(() => {
        const ns = new NamespaceBaseline("team", namespaceArgs());
        new ProductionService("api", {
            ...minimalArgs(),
            namespace: ns,
            serviceMonitor: { contract: contract(), exporter: { image: "registry.example.com/exporter:2.1.0", args: ["--scrape=http://127.0.0.1:8081/status"], port: 9113, runAsUser: 1001 } },
            slo: { latency: { p90: 0.2, p95: 0.4, p99: 1 }, apdex: { tSeconds: 0.25 } },
        });
    });

describe("workloads: service metrics (serviceMonitor, slo)", () => {
    it("an exporter sidecar under the restricted profile, a metrics Service port and a Prometheus NetworkPolicy rule", async () => {
        const run = await withExporter();
        const containers = at(object(run, DEPLOY, "api").i, "spec.template.spec.containers") as Inputs[];
        assert.deepStrictEqual(containers.map((c) => c["name"]), ["app", "metrics-exporter"]);
        const e = containers[1];
        assert.deepStrictEqual(e["ports"], [{ name: "metrics", containerPort: 9113, protocol: "TCP" }]);
        assert.deepStrictEqual(e["securityContext"], {
            runAsNonRoot: true,
            runAsUser: 1001,
            runAsGroup: 1001,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.deepStrictEqual(e["resources"], { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } });
        const ports = at(object(run, SERVICE, "api").i, "spec.ports") as Inputs[];
        assert.deepStrictEqual(ports[1], { name: "metrics", port: 9113, targetPort: "metrics", protocol: "TCP" });
        const ingress = at(object(run, NETPOL, "api").i, "spec.ingress") as Inputs[];
        assert.deepStrictEqual(ingress[ingress.length - 1], {
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
            ports: [{ protocol: "TCP", port: 9113 }],
        });
    });

    it("the ServiceMonitor and the SLO PrometheusRule validate against the CRD schemas; every expression parses", async () => {
        const run = await withExporter();
        const sm = object(run, SM, "api").i;
        assert.deepStrictEqual(validate(sm["spec"], SERVICE_MONITOR_SPEC_SCHEMA, "spec"), []);
        assert.deepStrictEqual(at(sm, "spec.endpoints"), [{ port: "metrics", path: "/metrics", interval: "30s" }]);
        const rule = object(run, RULE, "api-slo").i;
        assert.deepStrictEqual(validate(rule["spec"], PROMETHEUS_RULE_SPEC_SCHEMA, "spec"), []);
        const rules = (rule["spec"] as { groups: { rules: { expr: string; alert?: string }[] }[] }).groups.flatMap((g) => g.rules);
        assert.deepStrictEqual(rules.flatMap((r) => promqlProblems(r.expr)), []);
        assert.ok(rules.some((r) => r.alert === "ApdexLow") && rules.some((r) => r.alert === "SloErrorBudgetBurnFast"));
        assert.ok(rules.every((r) => !r.expr.includes("namespace=\"team\"") || r.expr.includes('service="api"')));
    });

    it("metrics on the app's own port need no sidecar and no extra Service port", async () => {
        const run = await render(() => {
            new ProductionService("api", { ...minimalArgs(), serviceMonitor: { contract: contract() } });
        });
        assert.strictEqual((at(object(run, DEPLOY, "api").i, "spec.template.spec.containers") as Inputs[]).length, 1);
        assert.strictEqual((at(object(run, SERVICE, "api").i, "spec.ports") as Inputs[]).length, 1);
        assert.deepStrictEqual(at(object(run, SM, "api").i, "spec.endpoints"), [{ port: "http", path: "/metrics", interval: "30s" }]);
        assert.strictEqual(run.resources.filter((r) => r.type === RULE).length, 0);
    });

    it("argument errors name the field", () => {
        const err = (f: () => unknown) => {
            try {
                f();
            } catch (e) {
                assert.ok(e instanceof ServiceArgsError);
                return e.problems;
            }
            throw new Error("expected a ServiceArgsError");
        };
        assert.deepStrictEqual(err(() => resolveServiceArgs("api", { ...minimalArgs(), slo: { latency: { p90: 0.1, p95: 0.2, p99: 0.3 } } })), [
            "slo: expected serviceMonitor as well (it carries the observability contract the SLO rules need), found none",
        ]);
        const problems = err(() =>
            resolveServiceArgs("api", {
                ...minimalArgs(),
                serviceMonitor: { contract: contract(), path: "metrics", interval: "often", exporter: { image: "exporter:latest", args: [], port: 8080, runAsUser: 0 } },
            }),
        );
        assert.deepStrictEqual(problems, [
            "serviceMonitor.exporter.port: expected 1024-65535 and not the app port 8080, found 8080",
            "serviceMonitor.exporter.runAsUser: expected a non-zero uid, found 0",
            'serviceMonitor.path: expected an absolute path like /metrics, found "metrics"',
            'serviceMonitor.interval: expected a duration like 30s, found "often"',
            'serviceMonitor.exporter.image: expected a pinned tag or digest, found the tag "latest" in "exporter:latest"',
        ]);
    });

    it("quotes: the official nginx exporter reads stub_status on loopback; its SLO reads the ALB target group; no policy violation", async () => {
        assert.match(QUOTES_NGINX_CONF, new RegExp(`listen 127\\.0\\.0\\.1:${QUOTES_STUB_STATUS_PORT};\\s+location = /stub_status \\{ stub_status;`));
        const run = await render((provider) => {
            deployQuotes({
                provider,
                clusterName: "platform-prod",
                environment: "prod",
                ingress: fakeIngress("prod"),
                data: fakeData(),
                secrets: fakeSecrets(),
                settings: ENVIRONMENT_DEFAULTS.prod["quotes"] as QuotesSettings,
                tags: {},
                observability: contract(),
            });
        });
        const exporter = (at(object(run, DEPLOY, "quotes").i, "spec.template.spec.containers") as Inputs[])[1];
        assert.strictEqual(exporter["image"], "nginx/nginx-prometheus-exporter:1.5.3");
        assert.deepStrictEqual(exporter["args"], ["--nginx.scrape-uri=http://127.0.0.1:8081/stub_status", `--web.listen-address=:${NGINX_EXPORTER.port}`]);
        const spec = object(run, RULE, "quotes-slo").i["spec"] as { groups: { rules: { expr: string; alert?: string; record?: string }[] }[] };
        const all = spec.groups.flatMap((g) => g.rules) as { expr: string; alert?: string; record?: string; annotations?: { runbook_url: string } }[];
        assert.ok(all.some((r) => r.expr.includes('dimension_TargetGroup=~"targetgroup/k8s-quotes-quotes-[0-9a-f]+/.+"')));
        assert.ok(!all.some((r) => r.record === "service:apdex:ratio_rate5m"));
        assert.ok(all.filter((r) => r.alert !== undefined).length >= 8);
        for (const r of all.filter((x) => x.alert !== undefined)) assert.strictEqual(r.annotations?.runbook_url, `https://git.example.com/platform/blob/main/docs/runbooks.md#${(r.alert as string).toLowerCase()}`);
        const pack = { name: PACK_NAME, version: PACK_VERSION, policies: policies.filter((p) => p.name.startsWith("pss-") || p.name.startsWith("workload-")) };
        const violations = await runPolicies(pack, run.resources);
        assert.deepStrictEqual(violations.map((v) => `${v.policy}: ${v.message}`), []);
    });
});
