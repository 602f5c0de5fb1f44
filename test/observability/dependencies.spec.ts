// Creation order the engine will follow: custom resources after the release that installs their CRDs (and the operator
// whose webhook validates PrometheusRules), releases after the secrets they mount, ExternalSecrets after the stores.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { Observability } from "../../infra/observability";
import { ObservabilitySettings } from "../../infra/observability/config";
import { RecordedResource } from "../../tools/offline/recorder";
import { fakeCluster, fakeKarpenter } from "../fakeContracts";
import { render } from "../workloads/render";
import { fakeSecrets } from "./fakeContracts";

describe("observability: dependencies", () => {
    let resources: RecordedResource[] = [];
    before(async () => {
        const run = await render(() => {
            // Stands for the external-secrets release and stores the secrets layer hands over.
            const storeReady = new k8s.core.v1.Namespace("eso-ready", {});
            new Observability("dep", {
                cluster: fakeCluster("dep", "platform-prod"),
                karpenter: fakeKarpenter(),
                secrets: fakeSecrets([storeReady]),
                settings: { ...(ENVIRONMENT_DEFAULTS.prod["observability"] as ObservabilitySettings), mongodb: { uri: { store: "vault", key: "platform/observability/mongodb", property: "uri" } } },
                environment: "prod",
                stack: "prod",
                region: "eu-west-1",
                tags: {},
            });
        });
        resources = run.resources;
    });
    const one = (type: string, name: string) => {
        const r = resources.filter((x) => x.type === type && x.name === name);
        assert.strictEqual(r.length, 1, `${type} ${name}`);
        return r[0];
    };
    const dependsOn = (r: RecordedResource, type: string, name: string) => r.dependencies.some((d) => d.endsWith(`${type}::${name}`));
    const RELEASE = "kubernetes:helm.sh/v3:Release";
    const ES = "kubernetes:external-secrets.io/v1:ExternalSecret";

    it("every monitoring.coreos.com resource waits for the CRD release and the stack", () => {
        const crs = resources.filter((r) => r.type.startsWith("kubernetes:monitoring.coreos.com/"));
        assert.strictEqual(crs.length, 5);
        for (const r of crs) {
            assert.ok(dependsOn(r, RELEASE, "dep-crds"), `${r.name} waits for the CRDs`);
            assert.ok(dependsOn(r, RELEASE, "dep-kps"), `${r.name} waits for the operator`);
        }
    });

    it("the stack waits for the CRDs and for the Secrets it mounts; the charts with ServiceMonitors wait for the CRDs", () => {
        const kps = one(RELEASE, "dep-kps");
        for (const d of [[RELEASE, "dep-crds"], [ES, "dep-grafana-admin"], [ES, "dep-alertmanager-receivers"]]) assert.ok(dependsOn(kps, d[0], d[1]), d.join(" "));
        assert.ok(dependsOn(one(RELEASE, "dep-yace"), RELEASE, "dep-crds"));
        const mongo = one(RELEASE, "dep-mongodb-exporter");
        assert.ok(dependsOn(mongo, RELEASE, "dep-crds") && dependsOn(mongo, ES, "dep-mongodb-uri"));
    });

    it("ExternalSecrets wait for the secrets layer's stores and the namespace", () => {
        for (const name of ["dep-grafana-admin", "dep-alertmanager-receivers", "dep-mongodb-uri"]) {
            const es = one(ES, name);
            assert.ok(dependsOn(es, "kubernetes:core/v1:Namespace", "eso-ready"), name);
            assert.ok(dependsOn(es, "kubernetes:core/v1:Namespace", "dep-namespace"), name);
        }
    });
});
