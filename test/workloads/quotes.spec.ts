import * as assert from "assert";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { QuotesSettings } from "../../infra/workloads/config";
import { QUOTES_NGINX_CONF, QUOTES_NGINX_MAIN_CONF, QUOTES_NGINX_WORKERS, QuotesDeployment, deployQuotes } from "../../infra/workloads/quotes";
import { ProgramRun } from "../../tools/offline/run";
import { Inputs, inputs, ofType } from "../helpers";
import { DATA_CIDRS, at, fakeData, fakeSecrets, fakeIngress, object, render } from "./render";

const DEPLOY = "kubernetes:apps/v1:Deployment";

function settings(env: "dev" | "prod"): QuotesSettings {
    return ENVIRONMENT_DEFAULTS[env]["quotes"] as QuotesSettings;
}

function renderQuotes(env: "dev" | "prod"): Promise<{ run: ProgramRun; out: QuotesDeployment }> {
    let out: QuotesDeployment | undefined;
    return render((provider) => {
        out = deployQuotes({
            provider,
            clusterName: `platform-${env}`,
            environment: env,
            kubernetesVersion: "1.35",
            ingress: fakeIngress(env),
            data: fakeData(),
                secrets: fakeSecrets(),
            settings: settings(env),
            tags: { "platform:stack": env },
        });
    }, env).then((run) => ({ run, out: out as QuotesDeployment }));
}

function container(run: ProgramRun): Inputs {
    return (at(object(run, DEPLOY, "quotes").i, "spec.template.spec.containers") as Inputs[])[0];
}

describe("workloads: quotes sample service", () => {
    let dev: { run: ProgramRun; out: QuotesDeployment };
    let prod: { run: ProgramRun; out: QuotesDeployment };
    before(async () => {
        dev = await renderQuotes("dev");
        prod = await renderQuotes("prod");
    });

    it("runs nginx-unprivileged pinned by tag as uid/gid 101 on 8080", () => {
        for (const { run } of [dev, prod]) {
            const c = container(run);
            assert.strictEqual(c["image"], "nginxinc/nginx-unprivileged:1.29.5-alpine");
            assert.deepStrictEqual(c["ports"], [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
            assert.strictEqual(at(c, "securityContext.runAsUser"), 101);
            assert.strictEqual(at(c, "securityContext.runAsGroup"), 101);
            assert.strictEqual(at(c, "securityContext.readOnlyRootFilesystem"), true);
        }
    });

    it("serves the three probe endpoints from a mounted nginx config", () => {
        for (const path of ["/startup", "/ready", "/health"]) {
            assert.match(QUOTES_NGINX_CONF, new RegExp(`location = ${path}\\s+\\{[^}]*return 200`));
        }
        assert.match(QUOTES_NGINX_CONF, /listen 8080;/);
        const maps = ofType(dev.run, "kubernetes:core/v1:ConfigMap").map(inputs);
        const cm = maps.find((m) => "quotes.conf" in (m["data"] as Inputs));
        assert.ok(cm);
        assert.strictEqual(at(cm, "metadata.namespace"), "quotes");
        assert.deepStrictEqual(at(cm, "data"), { "quotes.conf": QUOTES_NGINX_CONF });
        const c = container(dev.run);
        assert.deepStrictEqual(at(c, "startupProbe.httpGet.path"), "/startup");
        assert.deepStrictEqual(at(c, "readinessProbe.httpGet.path"), "/ready");
        assert.deepStrictEqual(at(c, "livenessProbe.httpGet.path"), "/health");
        const mounts = c["volumeMounts"] as Inputs[];
        assert.deepStrictEqual(mounts.map((m) => m["mountPath"]), ["/tmp", "/var/cache/nginx", "/etc/nginx/conf.d", "/etc/nginx/nginx.conf"]);
        assert.deepStrictEqual(mounts[3], { name: "config-1", mountPath: "/etc/nginx/nginx.conf", readOnly: true, subPath: "nginx.conf" });
        const volumes = at(object(dev.run, DEPLOY, "quotes").i, "spec.template.spec.volumes") as Inputs[];
        // Auto-named (a config change rolls the pods): the mock names it <logical name>-<hash>.
        assert.match(String(at(volumes[2], "configMap.name")), /^quotes-nginx-[0-9a-f]{8}$/);
    });

    it("bounds nginx to a fixed worker count with the image's unprivileged paths and an ALB-safe keepalive", () => {
        const main = ofType(dev.run, "kubernetes:core/v1:ConfigMap").map(inputs).find((m) => "nginx.conf" in (m["data"] as Inputs));
        assert.ok(main);
        const conf = (main["data"] as Inputs)["nginx.conf"] as string;
        assert.strictEqual(conf, QUOTES_NGINX_MAIN_CONF);
        assert.match(conf, new RegExp(`^worker_processes ${QUOTES_NGINX_WORKERS};`, "m"));
        assert.doesNotMatch(conf, /worker_processes\s+auto/);
        assert.doesNotMatch(conf, /^user /m, "the unprivileged image runs as 101; a user directive would fail");
        assert.match(conf, /^pid \/tmp\/nginx.pid;/m);
        for (const t of ["proxy", "client_body", "fastcgi", "uwsgi", "scgi"]) assert.match(conf, new RegExp(`${t}_temp_path /tmp/`));
        // keepalive above the ALB idle timeout (platform:ingress.idleTimeoutSeconds, 60 by default).
        const keepalive = Number(/keepalive_timeout (\d+);/.exec(conf)?.[1]);
        assert.ok(keepalive > 60, `keepalive_timeout ${keepalive} must exceed the ALB idle timeout`);
        assert.match(conf, /include \/etc\/nginx\/conf.d\/\*.conf;/);
    });

    it("wires the database and cache endpoints from the data contract", () => {
        const env = Object.fromEntries((container(prod.run)["env"] as Inputs[]).filter((e) => e["value"] !== undefined).map((e) => [e["name"], e["value"]]));
        assert.deepStrictEqual(env, {
            DATABASE_HOST: "quotes-db.abc123.eu-west-1.rds.amazonaws.com",
            DATABASE_PORT: "5432",
            DATABASE_NAME: "app",
            CACHE_HOST: "master.cache.abc123.euw1.cache.amazonaws.com",
            CACHE_READER_HOST: "replica.cache.abc123.euw1.cache.amazonaws.com",
            CACHE_PORT: "6379",
            CACHE_TLS: "true",
        });
    });

    it("may egress only to DNS and the data subnets on the database and cache ports", () => {
        const egress = at(object(prod.run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "quotes").i, "spec.egress") as Inputs[];
        assert.strictEqual(egress.length, 3);
        assert.deepStrictEqual(egress.slice(1), [
            { to: DATA_CIDRS.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 5432 }] },
            { to: DATA_CIDRS.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 6379 }] },
        ]);
    });

    it("is public on https://quotes.<domain> in prod and HTTP-only on the ALB name in dev", () => {
        assert.strictEqual(prod.out.url, "https://quotes.apps.example.com");
        assert.strictEqual(dev.out.url, undefined);
        const ing = object(prod.run, "kubernetes:networking.k8s.io/v1:Ingress", "quotes").i;
        assert.strictEqual((at(ing, "spec.rules") as Inputs[])[0]["host"], "quotes.apps.example.com");
        const devAnn = at(object(dev.run, "kubernetes:networking.k8s.io/v1:Ingress", "quotes").i, "metadata.annotations") as Record<string, string>;
        assert.strictEqual(devAnn["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTP":80}]');
    });

    it("scales with an HPA (3-12) in prod and runs 2 fixed replicas in dev", () => {
        assert.strictEqual(at(object(dev.run, DEPLOY, "quotes").i, "spec.replicas"), 2);
        assert.strictEqual(ofType(dev.run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0);
        assert.ok(!("replicas" in (at(object(prod.run, DEPLOY, "quotes").i, "spec") as Inputs)));
        const hpa = at(object(prod.run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "quotes").i, "spec") as Inputs;
        assert.strictEqual(hpa["minReplicas"], 3);
        assert.strictEqual(hpa["maxReplicas"], 12);
    });

    it("uses the per-stack resources from config", () => {
        assert.deepStrictEqual(container(dev.run)["resources"], { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } });
        assert.deepStrictEqual(container(prod.run)["resources"], { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "128Mi" } });
    });

    it("gets its own restricted namespace with the readiness gate, pinned to the cluster version", () => {
        const labels = at(object(prod.run, "kubernetes:core/v1:Namespace", "quotes").i, "metadata.labels") as Record<string, string>;
        assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.strictEqual(labels["pod-security.kubernetes.io/enforce-version"], "v1.35");
        assert.strictEqual(labels["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled");
        assert.strictEqual(labels["platform.io/monitoring"], "enabled");
    });

    it("creates the pods after the namespace (readiness-gate label first) and the config map", () => {
        const d = ofType(prod.run, DEPLOY)[0];
        const ns = ofType(prod.run, "kubernetes:core/v1:Namespace")[0];
        const cm = ofType(prod.run, "kubernetes:core/v1:ConfigMap")[0];
        assert.ok(d.dependencies.includes(ns.urn), "Deployment waits for the namespace");
        assert.ok(d.dependencies.includes(cm.urn), "Deployment waits for the config map");
    });

    it("receives the database and cache credentials only through ExternalSecrets (secretKeyRef), never as literals", () => {
        const env = container(prod.run)["env"] as Inputs[];
        const fromSecrets = Object.fromEntries(env.filter((e) => e["valueFrom"] !== undefined).map((e) => [e["name"], at(e, "valueFrom.secretKeyRef")]));
        assert.deepStrictEqual(fromSecrets, {
            DATABASE_USER: { name: "quotes-database", key: "username" },
            DATABASE_PASSWORD: { name: "quotes-database", key: "password" },
            DATABASE_URL: { name: "quotes-database", key: "url" },
            CACHE_AUTH_TOKEN: { name: "quotes-cache", key: "authToken" },
            CACHE_URL: { name: "quotes-cache", key: "url" },
        });
        const names = ofType(prod.run, "kubernetes:external-secrets.io/v1:ExternalSecret").map((r) => at(inputs(r), "metadata.name"));
        assert.deepStrictEqual(names.sort(), ["quotes-cache", "quotes-database"]);
        assert.deepStrictEqual(ofType(prod.run, "kubernetes:core/v1:Secret"), [], "no Secret is declared: external-secrets writes them");
    });
});
