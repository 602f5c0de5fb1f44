// Progressive delivery in the golden path: a Rollout instead of the Deployment (canary on the ALB's weighted target
// groups, or blue/green), the same pod guarantees, the AnalysisTemplate that rolls a bad release back on the series the
// SLO rules record (PromQL parsed with Prometheus's grammar), the v1.9.0 CRD schemas and controller rules, argument
// errors, and the quotes service as a canary (and blue/green) under the whole policy pack.
import { strict as assert } from "assert";
import { parser } from "@prometheus-io/lezer-promql";
import { isAlert, PrometheusRuleSpec } from "../../infra/lib/promRules";
import { RECORD } from "../../infra/lib/serviceRules";
import { ANALYSIS_SERIES, ProductionServiceArgs, ServiceArgsError, analysisQueries, resolveServiceArgs } from "../../infra/workloads/service";
import { deploymentSpec } from "../../infra/workloads/service/manifests/deployment";
import { PACK_NAME, PACK_VERSION, policies } from "../../policies/pack";
import { readStackPolicyConfig } from "../../tools/policyCheck";
import { runPolicies } from "../../tools/offline/policyRunner";
import { RecordedResource } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { Inputs, inputs, ofType, planStack, stackOutputs } from "../helpers";
import { promqlProblems } from "../observability/check";
import { check } from "../policies/helpers";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { QuotesSettings } from "../../infra/workloads/config";
import { deployQuotes } from "../../infra/workloads/quotes";
import { at, fakeData, fakeIngress, fakeSecrets, object, render } from "../workloads/render";
import { rolloutSpecProblems, validate } from "./check";
import { ANALYSIS_TEMPLATE_SPEC_SCHEMA, ROLLOUT_SPEC_SCHEMA } from "./fixtures/upstream";
import { PROMETHEUS_URL, deliveryArgs, observabilityContract, renderQuotes, renderService } from "./render";

const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";
const TEMPLATE = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate";
const DEPLOY = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

const cache = new Map<string, Promise<ProgramRun>>();
function once(key: string, build: () => Promise<ProgramRun>): Promise<ProgramRun> {
    let p = cache.get(key);
    if (!p) cache.set(key, (p = build()));
    return p;
}
const canaryProd = () => once("canary-prod", () => renderService(deliveryArgs("canary", "prod", { autoscaling: { minReplicas: 3, maxReplicas: 9 } })));
const blueGreenProd = () => once("bg-prod", () => renderService(deliveryArgs("blueGreen", "prod")));
const blueGreenDev = () => once("bg-dev", () => renderService(deliveryArgs("blueGreen", "dev", { ingress: undefined })));
const quotesCanary = () => once("quotes-canary", () => renderQuotes("dev", "canary"));
const quotesBlueGreen = () => once("quotes-bg", () => renderQuotes("prod", "blueGreen"));

const spec = (run: ProgramRun, type: string, name: string) => at(object(run, type, name).i, "spec") as Inputs;

function problemsOf(args: ProductionServiceArgs): string[] {
    try {
        resolveServiceArgs("api", args);
    } catch (e) {
        assert.ok(e instanceof ServiceArgsError, String(e));
        return e.problems;
    }
    return [];
}

/** Metric names a PromQL expression selects (VectorSelector identifiers), with the label matchers of each. */
function selectors(expr: string): { metric: string; labels: Record<string, string> }[] {
    const out: { metric: string; labels: Record<string, string> }[] = [];
    parser.parse(expr).iterate({
        enter: (n) => {
            if (n.name !== "VectorSelector") return;
            const id = n.node.getChild("Identifier");
            const labels: Record<string, string> = {};
            for (const m of n.node.getChild("LabelMatchers")?.getChildren("UnquotedLabelMatcher") ?? []) {
                const name = m.getChild("LabelName");
                const value = m.getChild("StringLiteral");
                if (name && value) labels[expr.slice(name.from, name.to)] = JSON.parse(expr.slice(value.from, value.to)) as string;
            }
            out.push({ metric: id ? expr.slice(id.from, id.to) : "", labels });
        },
    });
    return out;
}

/** Recording rules (name and the service label they record) of the PrometheusRules in a run. */
function recorded(run: ProgramRun): { record: string; service: string }[] {
    return ofType(run, RULE).flatMap((r: RecordedResource) =>
        (inputs(r)["spec"] as PrometheusRuleSpec).groups.flatMap((g) => g.rules.filter((x) => !isAlert(x)).map((x) => ({ record: (x as { record: string }).record, service: (x as { labels?: Record<string, string> }).labels?.["service"] ?? "" }))),
    );
}

describe("gitops: progressive delivery in the golden path", () => {
    it("the stacks: dev's stack file releases quotes as a canary Rollout (every dev plan takes this path); prod keeps a Deployment", async () => {
        const dev = await planStack("dev");
        assert.deepEqual(ofType(dev, ROLLOUT).map((r) => r.name), ["quotes"]);
        assert.equal(ofType(dev, DEPLOY).filter((r) => r.name === "quotes").length, 0);
        assert.equal(at(inputs(ofType(dev, ROLLOUT)[0]), "spec.strategy.canary.canaryService"), "quotes-canary");
        assert.ok(!(stackOutputs(dev)["notices"] as string[]).some((n) => n.startsWith("quotes:")), "no fallback notice");
        const prod = await planStack("prod");
        assert.equal(ofType(prod, ROLLOUT).length, 0);
        assert.equal(ofType(prod, DEPLOY).filter((r) => r.name === "quotes").length, 1);
    });

    it("quotes without the gitops layer stays a Deployment and says why", async () => {
        let notices: string[] = [];
        const run = await render(
            (provider) =>
                void (notices = deployQuotes({
                    provider,
                    clusterName: "platform-dev",
                    environment: "dev",
                    ingress: fakeIngress("dev"),
                    data: fakeData(),
                    secrets: fakeSecrets(),
                    settings: { ...(ENVIRONMENT_DEFAULTS.dev["quotes"] as QuotesSettings), delivery: "canary" },
                    tags: {},
                    observability: observabilityContract(),
                }).notices),
        );
        assert.equal(ofType(run, ROLLOUT).length, 0);
        assert.equal(ofType(run, DEPLOY).length, 1);
        assert.deepEqual(notices, [
            'quotes: platform:quotes.delivery is "canary", but the gitops layer is not wired (the Rollout needs the Argo Rollouts CRDs and its analysis reads the SLO series): deployed as a Deployment until then',
        ]);
    });

    it("canary: a Rollout (no Deployment) splitting traffic on the ALB 10 → 25 → 50 → 100 % with pauses, dynamicStableScale, background analysis", async () => {
        const run = await canaryProd();
        assert.equal(ofType(run, DEPLOY).length, 0);
        const s = spec(run, ROLLOUT, "api");
        assert.equal(s["replicas"], undefined, "the HPA owns replicas");
        const c = at(s, "strategy.canary") as Inputs;
        assert.deepEqual(
            { stable: c["stableService"], canary: c["canaryService"], dynamic: c["dynamicStableScale"], alb: at(c, "trafficRouting.alb"), maxUnavailable: c["maxUnavailable"] },
            { stable: "api", canary: "api-canary", dynamic: true, alb: { ingress: "api", servicePort: 80 }, maxUnavailable: 0 },
        );
        assert.deepEqual(c["steps"], [{ setWeight: 10 }, { pause: { duration: "5m" } }, { setWeight: 25 }, { pause: { duration: "5m" } }, { setWeight: 50 }, { pause: { duration: "5m" } }, { setWeight: 100 }]);
        assert.deepEqual(c["analysis"], { templates: [{ templateName: "api-slo" }], args: [{ name: "namespace", value: "team" }, { name: "service", value: "api-canary" }], startingStep: 1 });
        assert.deepEqual({ deadline: s["progressDeadlineSeconds"], abort: s["progressDeadlineAbort"] }, { deadline: 600, abort: true });
        assert.deepEqual(rolloutSpecProblems(s), []);
    });

    it("canary: the Ingress forwards through the action Argo Rollouts maintains, in its at-rest form; the canary Service mirrors the stable one", async () => {
        const run = await canaryProd();
        const ing = object(run, INGRESS, "api").i;
        assert.deepEqual(at(ing, "spec.rules.0.http.paths.0.backend"), { service: { name: "api", port: { name: "use-annotation" } } });
        // getForwardActionString (rollout/trafficrouting/alb/alb.go @ v1.9.0) marshals exactly this at canary weight 0.
        assert.equal(
            (at(ing, "metadata.annotations") as Record<string, string>)["alb.ingress.kubernetes.io/actions.api"],
            '{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"api-canary","ServicePort":"80","Weight":0},{"ServiceName":"api","ServicePort":"80","Weight":100}]}}',
        );
        const stable = spec(run, SERVICE, "api");
        const canary = spec(run, SERVICE, "api-canary");
        assert.deepEqual(canary, stable);
        // The Ingress and the Rollout wait for both Services (the ALB controller resolves the action's target groups).
        const svcUrn = object(run, SERVICE, "api-canary").r.urn;
        assert.ok(object(run, INGRESS, "api").r.dependencies.includes(svcUrn));
        assert.ok(object(run, ROLLOUT, "api").r.dependencies.includes(svcUrn));
    });

    it("every golden-path pod guarantee holds: the Deployment's pod template (probes, preStop, security, spread per ReplicaSet), PDB, HPA on the Rollout", async () => {
        const run = await canaryProd();
        const s = spec(run, ROLLOUT, "api");
        const args = deliveryArgs("canary", "prod", { autoscaling: { minReplicas: 3, maxReplicas: 9 }, namespace: "team" });
        const resolved = resolveServiceArgs("api", args);
        const selector = { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api" };
        const labels = at(object(run, ROLLOUT, "api").i, "metadata.labels") as Record<string, string>;
        const expected = JSON.parse(JSON.stringify(deploymentSpec("api", args, resolved, selector, labels, "rollouts-pod-template-hash").template)) as Inputs;
        assert.deepEqual(s["template"], expected);
        const pod = at(s, "template.spec") as Inputs;
        const app = (pod["containers"] as Inputs[])[0];
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) assert.ok(app[probe], probe);
        assert.deepEqual(at(app, "lifecycle.preStop"), { sleep: { seconds: 35 } });
        for (const t of pod["topologySpreadConstraints"] as Inputs[]) assert.deepEqual(t["matchLabelKeys"], ["rollouts-pod-template-hash"]);
        assert.deepEqual(at(spec(run, HPA, "api"), "scaleTargetRef"), { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "api" });
        assert.deepEqual(at(spec(run, "kubernetes:policy/v1:PodDisruptionBudget", "api"), "selector.matchLabels"), selector);
    });

    it("blue/green: active and preview Services, auto-promotion off in prod and on in dev, post-promotion analysis on the active Service", async () => {
        const prod = spec(await blueGreenProd(), ROLLOUT, "api");
        assert.deepEqual(at(prod, "strategy.blueGreen"), {
            activeService: "api",
            previewService: "api-preview",
            autoPromotionEnabled: false,
            postPromotionAnalysis: { templates: [{ templateName: "api-slo" }], args: [{ name: "namespace", value: "team" }, { name: "service", value: "api" }] },
        });
        assert.equal(prod["replicas"], 3);
        assert.deepEqual(rolloutSpecProblems(prod), []);
        const ing = object(await blueGreenProd(), INGRESS, "api").i;
        assert.deepEqual(at(ing, "spec.rules.0.http.paths.0.backend"), { service: { name: "api", port: { name: "http" } } });
        assert.equal(at(spec(await blueGreenDev(), ROLLOUT, "api"), "strategy.blueGreen.autoPromotionEnabled"), true);
    });

    it("the AnalysisTemplate: success rate and p99 latency from the service's recorded series, thresholds from the SLO; no data pauses (Inconclusive)", async () => {
        const run = await canaryProd();
        const t = spec(run, TEMPLATE, "api-slo");
        assert.deepEqual(t["args"], [{ name: "namespace" }, { name: "service" }]);
        const [rate, p99] = t["metrics"] as Inputs[];
        assert.deepEqual(
            { name: rate["name"], interval: rate["interval"], failureLimit: rate["failureLimit"], success: rate["successCondition"], failure: rate["failureCondition"] },
            { name: "success-rate", interval: "1m", failureLimit: 1, success: "len(result) > 0 && result[0] >= 0.99", failure: "len(result) > 0 && result[0] < 0.99" },
        );
        // The SLO's p99 threshold (0.8 s in the test service) is the default latency bound.
        assert.deepEqual({ success: p99["successCondition"], failure: p99["failureCondition"] }, { success: "len(result) > 0 && result[0] <= 0.8", failure: "len(result) > 0 && result[0] > 0.8" });
        for (const m of [rate, p99]) {
            assert.equal(at(m, "provider.prometheus.address"), PROMETHEUS_URL);
            assert.equal(m["count"], undefined, "a background canary analysis runs until the release completes");
        }
        const bg = (spec(await blueGreenProd(), TEMPLATE, "api-slo")["metrics"] as Inputs[])[0];
        assert.deepEqual({ count: bg["count"], initialDelay: bg["initialDelay"] }, { count: 5, initialDelay: "2m" });
    });

    it("the queries parse as PromQL and select exactly the series the SLO rules record for the canary (and stable) Service", async () => {
        const run = await canaryProd();
        const q = analysisQueries();
        assert.deepEqual(ANALYSIS_SERIES, { errorRatio: RECORD.errors("5m"), latencyP99: RECORD.latency(99) });
        const rec = recorded(run);
        for (const query of [q.successRate, q.latencyP99]) {
            // The controller substitutes {{args.*}} before querying (the Rollout passes namespace and the canary Service).
            const resolved = query.replace("{{args.namespace}}", "team").replace("{{args.service}}", "api-canary");
            assert.deepEqual(promqlProblems(resolved), [], resolved);
            const sel = selectors(resolved);
            assert.equal(sel.length, 1);
            assert.deepEqual(sel[0].labels, { namespace: "team", service: "api-canary" });
            assert.ok(rec.some((r) => r.record === sel[0].metric && r.service === "api-canary"), `${sel[0].metric} is recorded for service api-canary`);
            assert.ok(rec.some((r) => r.record === sel[0].metric && r.service === "api"), `${sel[0].metric} is recorded for service api`);
        }
        // The canary's rules record only: its alerts would page for what the analysis already rolls back.
        const canaryRule = at(object(run, RULE, "api-canary-slo").i, "spec") as PrometheusRuleSpec;
        assert.ok(canaryRule.groups.length > 0 && canaryRule.groups.every((g) => g.rules.every((r) => !isAlert(r))));
        assert.ok((at(object(run, RULE, "api-slo").i, "spec") as PrometheusRuleSpec).groups.some((g) => g.rules.some(isAlert)));
    });

    it("the Rollouts and AnalysisTemplates validate against the Argo Rollouts v1.9.0 CRD schemas; the checks catch a misspelt field and a broken rule", async () => {
        for (const run of [await canaryProd(), await blueGreenProd(), await blueGreenDev(), await quotesCanary(), await quotesBlueGreen()]) {
            for (const r of ofType(run, ROLLOUT)) {
                assert.deepEqual(validate(inputs(r)["spec"], ROLLOUT_SPEC_SCHEMA, "spec"), [], r.name);
                assert.deepEqual(rolloutSpecProblems(inputs(r)["spec"] as Inputs), [], r.name);
            }
            for (const r of ofType(run, TEMPLATE)) assert.deepEqual(validate(inputs(r)["spec"], ANALYSIS_TEMPLATE_SPEC_SCHEMA, "spec"), [], r.name);
        }
        assert.deepEqual(validate({ strategy: { canary: { dynamicStableScale: "true", stepz: [] } } }, ROLLOUT_SPEC_SCHEMA, "spec"), [
            'spec.strategy.canary.dynamicStableScale: expected a boolean, found "true"',
            "spec.strategy.canary.stepz: not in the schema",
        ]);
        assert.deepEqual(validate({ metrics: [{ name: "m", provider: { prometheus: { adress: "x" } } }] }, ANALYSIS_TEMPLATE_SPEC_SCHEMA, "spec"), ["spec.metrics[0].provider.prometheus.adress: not in the schema"]);
        assert.deepEqual(rolloutSpecProblems({ strategy: { canary: { dynamicStableScale: true, steps: [{ setWeight: 120 }] } } }), [
            "Canary dynamicStableScale can only be used with traffic routing",
            "steps[0]: SetWeight needs to be between 0 and 100",
        ]);
    });

    it("argument errors name the field: canary needs ingress, the analysis needs the SLO, durations, thresholds, strategy-specific fields", () => {
        const base = deliveryArgs("canary", "dev");
        assert.deepEqual(problemsOf({ ...base, ingress: undefined }), [
            'delivery.strategy: expected ingress to be set for "canary" (the traffic split is done by the ALB\'s weighted target groups), found no ingress; use "blueGreen" for an internal service',
        ]);
        assert.deepEqual(problemsOf({ ...base, slo: undefined }), [
            "delivery: expected serviceMonitor and slo as well (the analysis that rolls a bad release back reads the success rate and p99 latency the SLO rules record), found no slo",
        ]);
        const d = base.delivery;
        assert.ok(d);
        assert.deepEqual(problemsOf({ ...base, delivery: { ...d, stepPause: "5 minutes", autoPromotion: true, analysis: { maxErrorRatio: 5, maxP99LatencySeconds: 0, interval: "1d", failureLimit: -1 } } }), [
            'delivery.stepPause: expected a duration like 30s, 5m or 1h, found "5 minutes"',
            'delivery.autoPromotion: expected only with the "blueGreen" strategy, found it with "canary"',
            "delivery.analysis.maxErrorRatio: expected a ratio between 0 and 1 (exclusive), like 0.01, found 5",
            "delivery.analysis.maxP99LatencySeconds: expected seconds between 0 and 60, found 0",
            'delivery.analysis.interval: expected a duration like 30s or 1m, found "1d"',
            "delivery.analysis.failureLimit: expected an integer from 0 to 10, found -1",
        ]);
        assert.deepEqual(problemsOf({ ...deliveryArgs("blueGreen", "prod"), delivery: { strategy: "blueGreen", rollouts: d.rollouts, stepPause: "1m" } }), [
            'delivery.stepPause: expected only with the "canary" strategy, found it with "blueGreen"',
        ]);
    });

    it("quotes as a canary (dev) and blue/green (prod) pass the whole policy pack with zero violations; the pack does inspect Rollouts", async () => {
        for (const [label, build, stack] of [["canary", quotesCanary, "dev"], ["blueGreen", quotesBlueGreen, "prod"]] as const) {
            const run = await build();
            assert.equal(ofType(run, ROLLOUT).length, 1, label);
            assert.equal(ofType(run, DEPLOY).length, 0, label);
            const vs = await check(run.resources, readStackPolicyConfig(stack));
            assert.deepEqual(vs.map((v) => `${v.enforcement} ${v.policy}: ${v.message}`), [], label);
        }
        // A privileged, unpinned Rollout rendered the same way is caught by the pss-* and workload-* policies.
        const run = await quotesCanary();
        const bad = run.resources.map((r) => {
            if (r.type !== ROLLOUT) return r;
            const copy = { ...r, inputs: JSON.parse(JSON.stringify(r.inputs)) as Record<string, unknown> };
            const c = ((((copy.inputs["spec"] as Inputs)["template"] as Inputs)["spec"] as Inputs)["containers"] as Inputs[])[0];
            c["securityContext"] = { privileged: true };
            c["image"] = "nginxinc/nginx-unprivileged";
            return copy;
        });
        const pack = { name: PACK_NAME, version: PACK_VERSION, policies: policies.filter((p) => p.name.startsWith("pss-") || p.name.startsWith("workload-")) };
        const failed = new Set((await runPolicies(pack, bad)).map((v) => v.policy));
        for (const p of ["pss-privileged", "pss-privilege-escalation", "workload-image-pinned", "workload-read-only-root-fs"]) assert.ok(failed.has(p), `${p}: ${[...failed].join(", ")}`);
    });
});
