// The charts' values against upstream (every key declared by argo-cd 10.1.1, its redis-ha 4.38.0 subchart and
// argo-rollouts 2.41.0, or documented as passed through), and the properties that matter: the ALB recipe for the gRPC
// API, HA and its three nodes, no admin and read-only RBAC in prod, the notification catalog's triggers, the Rollouts
// controller's target-group verification, the pods declared to the capacity ledger.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import { NOTIFICATIONS_SECRET, OIDC_SECRET, notificationsConfig, oidcConfig, rbacPolicy } from "../../infra/gitops/argocdConfig";
import { rolloutsControllerPolicy } from "../../infra/gitops/iam";
import { ROLLOUTS_CONTROLLER_REPLICAS, rolloutsPods, rolloutsValues } from "../../infra/gitops/rollouts";
import { ArgoCdValuesArgs, argoCdValues, argocdPods, argocdSizing, redisHaValues } from "../../infra/gitops/values";
import { cpuMillis, memoryMiB } from "../../infra/lib/capacity";
import { PLATFORM_POOL_LABEL, PLATFORM_POOL_TOLERATION, SYSTEM_NODE_LABEL, SYSTEM_NODE_TOLERATION } from "../../infra/lib/placement";
import { Inputs, inputs, one, planStack } from "../helpers";
import { at } from "../workloads/render";
import { unknownKeys } from "./check";
import { ARGOCD_FREE_FORM, ARGOCD_PASSTHROUGH_KEYS, ARGOCD_VALUES_KEYS, CATALOG_TRIGGERS, ROLLOUTS_ALB_VERIFY_ACTIONS, ROLLOUTS_VALUES_KEYS } from "./fixtures/upstream";

const platform = { nodeSelector: { ...PLATFORM_POOL_LABEL }, tolerations: [PLATFORM_POOL_TOLERATION] };
const system = { nodeSelector: { ...SYSTEM_NODE_LABEL }, tolerations: [SYSTEM_NODE_TOLERATION] };

function args(over: Partial<ArgoCdValuesArgs> = {}): ArgoCdValuesArgs {
    return {
        ha: true,
        placement: platform,
        url: "https://argocd.apps.example.com",
        ingress: {
            host: "argocd.apps.example.com",
            ingressClassName: "alb",
            groupName: "platform-prod",
            certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
            wafAclArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/platform/abc",
            deregistrationDelaySeconds: 30,
        },
        adminEnabled: false,
        sso: { issuer: "https://login.example.com", clientId: "argocd-prod", name: "Example SSO" },
        rbac: { adminGroups: ["platform-admins"], teams: [{ name: "quotes", groups: ["quotes-developers"] }] },
        notifications: { channel: "#platform-alerts" },
        clusterName: "platform-prod",
        ...over,
    };
}

const argocdKeys = (v: Record<string, unknown>) => unknownKeys(v, ARGOCD_VALUES_KEYS, { freeForm: ARGOCD_FREE_FORM, passthrough: Object.keys(ARGOCD_PASSTHROUGH_KEYS) });

describe("gitops: chart values", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: every argo-cd and argo-rollouts value is a key of the charts' values.yaml (redis-ha's too) or a documented pass-through`, async () => {
            const run = await planStack(stack);
            assert.deepEqual(argocdKeys(inputs(one(run, "kubernetes:helm.sh/v3:Release", "gitops-argocd"))["values"] as Inputs), []);
            assert.deepEqual(unknownKeys(inputs(one(run, "kubernetes:helm.sh/v3:Release", "gitops-rollouts"))["values"] as Inputs, ROLLOUTS_VALUES_KEYS), []);
        });
    }

    it("the public, SSO and notifications variant uses declared keys only; a misspelt key is caught", () => {
        assert.deepEqual(argocdKeys(argoCdValues(args())), []);
        assert.deepEqual(argocdKeys({ server: { replica: 2, ingress: { enabled: true } }, "redis-ha": { haproxy: { replicaCount: 3 } }, configs: { cm: { "admin.enable": false } } }), [
            "server.replica",
            "redis-ha.haproxy.replicaCount",
            "configs.cm.admin.enable",
        ]);
        assert.deepEqual(unknownKeys({ controller: { awsVerifyTargetGroups: true } }, ROLLOUTS_VALUES_KEYS), ["controller.awsVerifyTargetGroups"]);
    });

    it("public: the chart's ALB recipe (insecure server, aws controller, ClusterIP gRPC Service with GRPC) on the shared ALB with HTTPS and WAF", () => {
        const v = argoCdValues(args());
        assert.equal((at(v, "configs.params") as Inputs)["server.insecure"], true);
        const ing = at(v, "server.ingress") as Inputs;
        assert.deepEqual(
            { enabled: ing["enabled"], controller: ing["controller"], ingressClassName: ing["ingressClassName"], hostname: ing["hostname"], aws: ing["aws"] },
            { enabled: true, controller: "aws", ingressClassName: "alb", hostname: "argocd.apps.example.com", aws: { serviceType: "ClusterIP", backendProtocolVersion: "GRPC" } },
        );
        const an = ing["annotations"] as Record<string, string>;
        assert.equal(an["alb.ingress.kubernetes.io/target-type"], "ip");
        assert.equal(an["alb.ingress.kubernetes.io/backend-protocol"], "HTTP");
        assert.equal(an["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTP":80},{"HTTPS":443}]');
        assert.equal(an["alb.ingress.kubernetes.io/group.name"], "platform-prod");
        assert.match(an["alb.ingress.kubernetes.io/certificate-arn"], /^arn:aws:acm:/);
        assert.match(an["alb.ingress.kubernetes.io/wafv2-acl-arn"], /^arn:aws:wafv2:/);
        // No HTTPS health check against an insecure server (argoproj/argo-helm#2979): the HTTP target group checks /healthz.
        assert.equal(an["alb.ingress.kubernetes.io/healthcheck-protocol"], undefined);
        assert.deepEqual(at(v, "server.service.annotations"), { "alb.ingress.kubernetes.io/healthcheck-path": "/healthz" });
        assert.equal(at(v, "configs.cm.url"), "https://argocd.apps.example.com");
        assert.equal(at(v, "global.domain"), "argocd.apps.example.com");
    });

    it("internal: no Ingress, the port-forward URL", () => {
        const v = argoCdValues(args({ ingress: undefined, url: "http://localhost:8080" }));
        assert.deepEqual(at(v, "server.ingress"), { enabled: false });
        assert.deepEqual(at(v, "server.service.annotations"), {});
        assert.equal(at(v, "configs.cm.url"), "http://localhost:8080");
    });

    it("HA: redis-ha with 3 redis and 3 haproxy pods under hard anti-affinity on the platform pool, replicated API/repo/ApplicationSet servers with PDBs", () => {
        const v = argoCdValues(args());
        const r = v["redis-ha"] as Inputs;
        assert.deepEqual(
            { enabled: r["enabled"], replicas: r["replicas"], hard: r["hardAntiAffinity"], haproxy: at(r, "haproxy.replicas"), haproxyHard: at(r, "haproxy.hardAntiAffinity") },
            { enabled: true, replicas: 3, hard: true, haproxy: 3, haproxyHard: true },
        );
        assert.deepEqual(r["nodeSelector"], PLATFORM_POOL_LABEL);
        assert.deepEqual(r["tolerations"], [PLATFORM_POOL_TOLERATION]);
        assert.deepEqual(r["podDisruptionBudget"], { maxUnavailable: 1 });
        assert.deepEqual(at(r, "haproxy.networkPolicy.ingressRules"), [
            {
                selectors: ["server", "repo-server", "application-controller"].map((c) => ({ podSelector: { matchLabels: { "app.kubernetes.io/name": `argocd-${c}`, "app.kubernetes.io/instance": "argocd" } } })),
            },
        ]);
        for (const c of ["server", "repoServer", "applicationSet"]) {
            assert.equal(at(v, `${c}.replicas`), 2, c);
            assert.deepEqual(at(v, `${c}.pdb`), { enabled: true, minAvailable: 1 }, c);
        }
        assert.equal(at(v, "controller.replicas"), 1);
        assert.deepEqual(at(v, "global.nodeSelector"), { "kubernetes.io/os": "linux", ...PLATFORM_POOL_LABEL });
        assert.deepEqual(at(v, "global.tolerations"), [PLATFORM_POOL_TOLERATION]);
        // Not HA: one of each, plain redis, no redis-ha.
        const dev = argoCdValues(args({ ha: false }));
        assert.deepEqual(dev["redis-ha"], { enabled: false });
        assert.equal(at(dev, "server.replicas"), 1);
        assert.deepEqual(at(dev, "server.pdb"), { enabled: false });
    });

    it("prod login: no admin, no anonymous access, SSO straight to the IdP with the secret from argocd-oidc, read-only default, admin and team groups", () => {
        const v = argoCdValues(args());
        const cm = at(v, "configs.cm") as Inputs;
        assert.equal(cm["admin.enabled"], false);
        assert.equal(cm["users.anonymous.enabled"], false);
        assert.equal(cm["exec.enabled"], false);
        assert.equal(cm["application.resourceTrackingMethod"], "annotation");
        assert.equal(at(v, "dex.enabled"), false);
        const oidc = YAML.parse(cm["oidc.config"] as string) as Inputs;
        assert.deepEqual(oidc, {
            name: "Example SSO",
            issuer: "https://login.example.com",
            clientID: "argocd-prod",
            clientSecret: `$${OIDC_SECRET.name}:${OIDC_SECRET.key}`,
            requestedScopes: ["openid", "profile", "email", "groups"],
            requestedIDTokenClaims: { groups: { essential: true } },
        });
        assert.equal(oidcConfig({ issuer: "https://x", clientId: "y", name: "z" }).includes("$argocd-oidc:clientSecret"), true);
        const rbac = at(v, "configs.rbac") as Inputs;
        assert.equal(rbac["policy.default"], "role:readonly");
        assert.equal(rbac["scopes"], "[groups]");
        assert.equal(
            rbacPolicy({ adminGroups: ["platform-admins"], teams: [{ name: "quotes", groups: ["quotes-developers"] }] }),
            [
                "p, role:team-quotes, applications, get, quotes/*, allow",
                "p, role:team-quotes, applications, sync, quotes/*, allow",
                "p, role:team-quotes, applications, action/*, quotes/*, allow",
                "p, role:team-quotes, logs, get, quotes/*, allow",
                "g, quotes-developers, role:team-quotes",
                "g, platform-admins, role:admin",
                "",
            ].join("\n"),
        );
        assert.equal((at(argoCdValues(args({ sso: undefined })), "configs.cm") as Inputs)["oidc.config"], undefined);
    });

    it("notifications: the catalog's sync-failed and health-degraded triggers to the chat webhook, default subscriptions, the URL from the Secret", () => {
        const n = notificationsConfig({ channel: "#platform-alerts" });
        for (const [name, expected] of Object.entries(CATALOG_TRIGGERS)) assert.deepEqual(YAML.parse(n.triggers[`trigger.${name}`]), [expected], name);
        assert.deepEqual(YAML.parse(n.notifiers["service.webhook.chat"]), { url: `$${NOTIFICATIONS_SECRET.key}`, headers: [{ name: "Content-Type", value: "application/json" }] });
        assert.deepEqual(n.subscriptions, [{ recipients: ["chat"], triggers: ["on-sync-failed", "on-health-degraded"] }]);
        for (const [name, t] of Object.entries(n.templates)) {
            const body = (YAML.parse(t) as { webhook: { chat: { method: string; body: string } } }).webhook.chat;
            assert.equal(body.method, "POST", name);
            // With its one template action replaced by a JSON string (what toJson yields), the body is a Slack payload.
            const payload = JSON.parse(body.body.replace(/\{\{ printf .* \| toJson \}\}/, '"text"')) as Inputs;
            assert.deepEqual(payload, { channel: "#platform-alerts", username: "Argo CD", text: "text" }, name);
        }
        const v = argoCdValues(args());
        assert.deepEqual(at(v, "notifications.secret"), { create: false });
        assert.equal(at(v, "notifications.argocdUrl"), "https://argocd.apps.example.com");
        assert.deepEqual(argoCdValues(args({ notifications: undefined }))["notifications"], { enabled: false });
    });

    it("Argo Rollouts: two controllers with metrics and a PDB on the system nodes, target-group verification with the region, only the ALB provider's RBAC, a read-only internal dashboard", () => {
        const v = rolloutsValues({ placement: system, region: "eu-west-1", dashboard: true, verifyTargetGroups: true });
        assert.equal(at(v, "controller.replicas"), 2);
        assert.deepEqual(at(v, "controller.metrics"), { enabled: true });
        assert.deepEqual(at(v, "controller.pdb"), { enabled: true, minAvailable: 1 });
        assert.deepEqual(at(v, "controller.nodeSelector"), SYSTEM_NODE_LABEL);
        assert.equal(at(v, "controller.awsVerifyTargetGroup"), true);
        assert.deepEqual(at(v, "controller.extraEnv"), [{ name: "AWS_REGION", value: "eu-west-1" }]);
        assert.deepEqual(at(v, "serviceAccount"), { create: true, name: "argo-rollouts" });
        const providers = at(v, "providerRBAC.providers") as Record<string, boolean>;
        assert.deepEqual(Object.entries(providers).filter(([, on]) => on).map(([p]) => p), ["awsLoadBalancerController"]);
        assert.deepEqual(
            { enabled: at(v, "dashboard.enabled"), readonly: at(v, "dashboard.readonly"), service: at(v, "dashboard.service"), ingress: at(v, "dashboard.ingress") },
            { enabled: true, readonly: true, service: { type: "ClusterIP" }, ingress: { enabled: false } },
        );
        const off = rolloutsValues({ placement: system, region: "eu-west-1", dashboard: false, verifyTargetGroups: false });
        assert.equal(at(off, "controller.awsVerifyTargetGroup"), false);
        assert.deepEqual(at(off, "controller.extraEnv"), []);
    });

    it("the Rollouts controller's IAM is exactly upstream's target-group verification list", () => {
        const doc = rolloutsControllerPolicy();
        assert.equal(doc.Statement.length, 1);
        assert.deepEqual([...(doc.Statement[0].Action as string[])].sort(), [...ROLLOUTS_ALB_VERIFY_ACTIONS].sort());
        assert.equal(doc.Statement[0].Resource, "*");
    });

    it("the capacity ledger is told what the values ask for (replicas and per-pod requests)", () => {
        for (const ha of [true, false]) {
            const v = argoCdValues(args({ ha }));
            const pods = new Map(argocdPods(ha, true).map((p) => [p.component, p]));
            for (const [component, key] of [["server", "server"], ["repo-server", "repoServer"], ["applicationset-controller", "applicationSet"], ["application-controller", "controller"]] as const) {
                const p = pods.get(`argocd/${component}`);
                assert.ok(p, component);
                assert.equal(p.replicas, at(v, `${key}.replicas`), component);
                assert.deepEqual(at(v, `${key}.resources`), { requests: { cpu: p.cpu, memory: p.memory }, limits: { memory: p.memoryLimit } }, component);
            }
        }
        const z = argocdSizing(true);
        const redis = argocdPods(true, true).find((p) => p.component === "argocd/redis-ha-server");
        assert.ok(redis);
        assert.equal(redis.replicas, (redisHaValues(platform) as Inputs)["replicas"]);
        assert.equal(cpuMillis(redis.cpu), cpuMillis(z.redisHa.redis.cpu) + cpuMillis(z.redisHa.sentinel.cpu) + cpuMillis(z.redisHa.splitBrain.cpu));
        assert.equal(memoryMiB(redis.memoryLimit), 384);
        assert.deepEqual(rolloutsPods(true).map((p) => [p.component, p.replicas]), [["argo-rollouts/controller", ROLLOUTS_CONTROLLER_REPLICAS], ["argo-rollouts/dashboard", 1]]);
    });
});
