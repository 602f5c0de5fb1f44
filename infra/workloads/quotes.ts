// The sample "quotes" service, deployed through the golden path in both stacks: its own namespace
// baseline, nginx-unprivileged pinned by tag, probes the image really answers (a mounted server config
// serves /startup, /ready and /health with 200), env wiring to the database and cache from the data
// contract, and the public host quotes.<domain> when the ingress contract has a domain.
//
// Image facts (nginxinc/docker-nginx-unprivileged, mainline/alpine-slim/Dockerfile; mainline/alpine
// builds FROM it): USER 101 (uid/gid 101), EXPOSE 8080, STOPSIGNAL SIGQUIT (graceful), pid file
// /tmp/nginx.pid and every *_temp_path moved to /tmp. So /tmp must be writable (the component always
// mounts an emptyDir there); /var/cache/nginx gets one too as the compiled-in cache location.
// Tag 1.29.5-alpine: published on Docker Hub (Renovate MR "update docker.io/nginxinc/nginx-unprivileged
// docker tag to v1.29.5", 1.29.3-alpine → 1.29.5-alpine, gitlab.com/commonground/haven/havenplus/docs MR 41).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DataContract } from "../data/contract";
import { IngressContract } from "../ingress/contract";
import type { SecretsContract } from "../secrets/contract";
import { QuotesSettings } from "./config";
import { NamespaceBaseline } from "./namespace";
import { ProductionService, ServiceSecrets } from "./service";
import type { ObservabilityContract } from "../observability/contract";
import type { RolloutsContract } from "../gitops/contract";
import { ServiceSlo } from "../lib/serviceRules";

export const QUOTES_NAME = "quotes";
export const QUOTES_IMAGE_REPOSITORY = "nginxinc/nginx-unprivileged";
/** The image's user and group (ARG UID=101 / GID=101 in the upstream Dockerfile). */
export const NGINX_UNPRIVILEGED_UID = 101;
export const QUOTES_PORT = 8080;
/** Loopback port of nginx's stub_status, read by the exporter sidecar. */
export const QUOTES_STUB_STATUS_PORT = 8081;

/**
 * The official NGINX Prometheus exporter (nginx/nginx-prometheus-exporter, tag v1.5.3 of 2026-08-14; published as
 * nginx/nginx-prometheus-exporter:1.5.3 by .github/workflows/release.yml). build/Dockerfile: FROM scratch,
 * USER 1001:1001, ENTRYPOINT the exporter; flags --nginx.scrape-uri and --web.listen-address (README "Usage").
 * From stub_status it exports nginx_up, nginx_connections_{active,accepted,handled,reading,writing,waiting} and
 * nginx_http_requests_total: live request totals, but no status codes and no latency, so the quotes SLO reads its
 * target group on the ALB (the "alb" indicator) for codes and latency.
 */
export const NGINX_EXPORTER = {
    image: "nginx/nginx-prometheus-exporter:1.5.3",
    uid: 1001,
    port: 9113,
} as const;

/** The sample service's SLO: 99.9 % of requests without a 5xx; static content answers fast. */
export const QUOTES_SLO: ServiceSlo = { objective: 0.999, latency: { p90: 0.1, p95: 0.25, p99: 0.5 }, indicator: { kind: "alb" } };

/**
 * Server config mounted at /etc/nginx/conf.d. Named quotes.conf (not default.conf) so the image's
 * 10-listen-on-ipv6-by-default.sh finds no default.conf to rewrite on the read-only root filesystem.
 * The three probe endpoints answer locally: liveness never depends on anything outside the process.
 */
export const QUOTES_NGINX_CONF = `server {
    listen ${QUOTES_PORT};
    server_name _;

    location = /startup { access_log off; default_type text/plain; return 200 "started\\n"; }
    location = /ready   { access_log off; default_type text/plain; return 200 "ready\\n"; }
    location = /health  { access_log off; default_type text/plain; return 200 "ok\\n"; }

    location / {
        root  /usr/share/nginx/html;
        index index.html;
    }
}

# stub_status for the metrics exporter sidecar only: loopback, never reachable from outside the pod
# (ngx_http_stub_status_module is part of the nginx.org builds the image installs).
server {
    listen 127.0.0.1:${QUOTES_STUB_STATUS_PORT};
    location = /stub_status { stub_status; access_log off; }
}
`;

/** nginx workers: a fixed count, because `auto` starts one per node CPU (up to 32 on Karpenter nodes) inside a 128Mi limit. */
export const QUOTES_NGINX_WORKERS = 2;

/**
 * Main config mounted over /etc/nginx/nginx.conf: the image's own file (docker-nginx mainline nginx.conf with
 * the unprivileged image's edits: no `user`, pid and *_temp_path under /tmp) with worker_processes fixed.
 * keepalive_timeout 65 stays above the ALB's 60 s idle timeout, so the ALB never reuses a connection nginx
 * has just closed (a classic source of 502s).
 */
export const QUOTES_NGINX_MAIN_CONF = `worker_processes ${QUOTES_NGINX_WORKERS};
error_log /var/log/nginx/error.log notice;
pid /tmp/nginx.pid;

events {
    worker_connections 1024;
}

http {
    proxy_temp_path /tmp/proxy_temp;
    client_body_temp_path /tmp/client_temp;
    fastcgi_temp_path /tmp/fastcgi_temp;
    uwsgi_temp_path /tmp/uwsgi_temp;
    scgi_temp_path /tmp/scgi_temp;

    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent "$http_referer" '
                    '"$http_user_agent" "$http_x_forwarded_for"';
    access_log /var/log/nginx/access.log main;
    sendfile on;
    keepalive_timeout 65;
    include /etc/nginx/conf.d/*.conf;
}
`;

export interface DeployQuotesArgs {
    provider: k8s.Provider;
    clusterName: pulumi.Input<string>;
    environment: "dev" | "prod";
    /** Cluster minor version ("1.35"): pins the Pod Security enforce-version. */
    kubernetesVersion?: string;
    ingress: IngressContract;
    data: DataContract;
    settings: QuotesSettings;
    tags: Record<string, string>;
    /** The secrets layer: the database and cache credentials arrive only through its AWS Secrets Manager store. */
    secrets: SecretsContract;
    /** With the observability layer: the exporter sidecar, a ServiceMonitor and the SLO rules. */
    observability?: ObservabilityContract;
    /** With the gitops layer: settings.delivery "canary" or "blueGreen" releases through Argo Rollouts. */
    rollouts?: RolloutsContract;
}

export interface QuotesDeployment {
    namespace: NamespaceBaseline;
    service: ProductionService;
    /** https://quotes.<domain>, or undefined in a stack without a domain. */
    url: string | undefined;
    /** How it is released: settings.delivery, or "deployment" while a layer it needs is not wired (then a notice says so). */
    delivery: QuotesSettings["delivery"];
    notices: string[];
}

/**
 * The database and cache credentials, only through ExternalSecrets from the AWS Secrets Manager store: the
 * RDS-managed master secret (JSON username/password; RDS rotates it) and the Valkey AUTH token secret (JSON authToken),
 * each templated into a connection URL too (external-secrets template engine v2; `urlquery` escapes the values).
 */
export function quotesSecrets(data: DataContract, secrets: SecretsContract): ServiceSecrets {
    const db = data.database;
    const cache = data.cache;
    return {
        ready: secrets.ready,
        refreshInterval: secrets.refreshInterval,
        items: [
            {
                name: `${QUOTES_NAME}-database`,
                store: secrets.awsStore,
                data: [
                    { secretKey: "username", remoteKey: db.credentialSecretArn, property: "username" },
                    { secretKey: "password", remoteKey: db.credentialSecretArn, property: "password" },
                ],
                template: {
                    username: "{{ .username }}",
                    password: "{{ .password }}",
                    url: pulumi.interpolate`postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@${db.address}:${db.port}/${db.databaseName}?sslmode=require`,
                },
                env: { DATABASE_USER: "username", DATABASE_PASSWORD: "password", DATABASE_URL: "url" },
            },
            {
                name: `${QUOTES_NAME}-cache`,
                store: secrets.awsStore,
                data: [{ secretKey: "authToken", remoteKey: cache.authTokenSecretArn, property: "authToken" }],
                template: {
                    authToken: "{{ .authToken }}",
                    url: pulumi.interpolate`rediss://:{{ .authToken | urlquery }}@${cache.primaryAddress}:${cache.port}`,
                },
                env: { CACHE_AUTH_TOKEN: "authToken", CACHE_URL: "url" },
            },
        ],
    };
}

export function deployQuotes(args: DeployQuotesArgs, opts?: pulumi.ComponentResourceOptions): QuotesDeployment {
    const s = args.settings;
    const childOpts: pulumi.ComponentResourceOptions = { ...opts, provider: args.provider };
    const namespace = new NamespaceBaseline(
        QUOTES_NAME,
        {
            name: QUOTES_NAME,
            readinessGateLabels: args.ingress.readinessGateNamespaceLabels,
            podSecurityVersion: args.kubernetesVersion,
            quota: { "requests.cpu": "4", "requests.memory": "4Gi", "limits.memory": "8Gi", pods: "40" },
            limits: { defaultRequest: { cpu: "50m", memory: "64Mi" }, defaultMemoryLimit: "256Mi", maxMemory: "2Gi" },
            labels: { "platform.io/team": "quotes" },
        },
        childOpts,
    );
    const conf = new k8s.core.v1.ConfigMap(
        `${QUOTES_NAME}-nginx`,
        // Auto-named: a config change creates a new ConfigMap, which changes the pod template and rolls the pods.
        { metadata: { namespace: QUOTES_NAME, labels: { "app.kubernetes.io/name": QUOTES_NAME } }, data: { "quotes.conf": QUOTES_NGINX_CONF } },
        { ...childOpts, dependsOn: [namespace.namespace] },
    );
    const mainConf = new k8s.core.v1.ConfigMap(
        `${QUOTES_NAME}-nginx-main`,
        { metadata: { namespace: QUOTES_NAME, labels: { "app.kubernetes.io/name": QUOTES_NAME } }, data: { "nginx.conf": QUOTES_NGINX_MAIN_CONF } },
        { ...childOpts, dependsOn: [namespace.namespace] },
    );
    const db = args.data.database;
    const cache = args.data.cache;
    // A Rollout needs the Argo Rollouts CRDs (gitops layer) and its analysis reads the SLO's recorded series
    // (observability layer); until both are wired, quotes stays a Deployment and the plan says so.
    const missing = [...(args.rollouts ? [] : ["gitops"]), ...(args.observability ? [] : ["observability"])];
    const progressive = s.delivery !== "deployment" && args.rollouts !== undefined && args.observability !== undefined ? s.delivery : undefined;
    const notices =
        s.delivery !== "deployment" && progressive === undefined
            ? [`quotes: platform:quotes.delivery is "${s.delivery}", but the ${missing.join(" and ")} layer${missing.length > 1 ? "s are" : " is"} not wired (the Rollout needs the Argo Rollouts CRDs and its analysis reads the SLO series): deployed as a Deployment until then`]
            : [];
    const service = new ProductionService(
        QUOTES_NAME,
        {
            namespace,
            environment: args.environment,
            image: `${QUOTES_IMAGE_REPOSITORY}:${s.imageTag}`,
            port: QUOTES_PORT,
            ...(s.autoscaling.enabled
                ? { autoscaling: { minReplicas: s.autoscaling.minReplicas, maxReplicas: s.autoscaling.maxReplicas, targetCpuUtilization: 70 } }
                : { replicas: s.replicas }),
            resources: { cpu: s.resources.cpu, memory: s.resources.memory, memoryLimit: s.resources.memoryLimit },
            runAsUser: NGINX_UNPRIVILEGED_UID,
            runAsGroup: NGINX_UNPRIVILEGED_UID,
            env: {
                DATABASE_HOST: db.address,
                DATABASE_PORT: db.port.apply(String),
                DATABASE_NAME: db.databaseName,
                CACHE_HOST: cache.primaryAddress,
                CACHE_READER_HOST: cache.readerAddress,
                CACHE_PORT: cache.port.apply(String),
                CACHE_TLS: "true",
            },
            secrets: quotesSecrets(args.data, args.secrets),
            configMounts: [
                { name: conf.metadata.name, mountPath: "/etc/nginx/conf.d" },
                { name: mainConf.metadata.name, mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf" },
            ],
            writablePaths: ["/var/cache/nginx"],
            // nginx finishes in-flight requests on SIGQUIT within a few seconds.
            shutdown: { appShutdownSeconds: 10 },
            ingress: { contract: args.ingress, hostPrefix: QUOTES_NAME },
            ...(args.observability
                ? {
                      serviceMonitor: {
                          contract: args.observability,
                          exporter: {
                              image: NGINX_EXPORTER.image,
                              args: [`--nginx.scrape-uri=http://127.0.0.1:${QUOTES_STUB_STATUS_PORT}/stub_status`, `--web.listen-address=:${NGINX_EXPORTER.port}`],
                              port: NGINX_EXPORTER.port,
                              runAsUser: NGINX_EXPORTER.uid,
                          },
                      },
                      slo: QUOTES_SLO,
                  }
                : {}),
            ...(progressive && args.rollouts ? { delivery: { strategy: progressive, rollouts: args.rollouts } } : {}),
            network: {
                egress: [
                    { description: "PostgreSQL in the data subnets", cidrs: args.data.dataSubnetCidrs, ports: [{ port: db.port }] },
                    { description: "Valkey/Redis in the data subnets", cidrs: args.data.dataSubnetCidrs, ports: [{ port: cache.port }] },
                ],
            },
            labels: { "platform.io/team": "quotes" },
        },
        { ...childOpts, dependsOn: [conf] },
    );
    return { namespace, service, url: service.url, delivery: progressive ?? "deployment", notices };
}
