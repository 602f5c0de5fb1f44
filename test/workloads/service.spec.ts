import * as assert from "assert";
import { NamespaceBaseline } from "../../infra/workloads/namespace";
import { ProductionService, resolveServiceArgs } from "../../infra/workloads/service";
import { networkPolicySpec } from "../../infra/workloads/service/manifests/networkPolicy";
import { RecordedResource } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { Inputs, inputs, ofType } from "../helpers";
import { DIGEST_IMAGE, IMAGE, allOptionsArgs, minimalArgs, namespaceArgs, prodArgs } from "./fixtures";
import { CERT_ARN, DATA_CIDRS, LB_CIDRS, WAF_ARN, at, fakeIngress, object, render } from "./render";

const DEPLOY = "kubernetes:apps/v1:Deployment";
const SVC = "kubernetes:core/v1:Service";
const SA = "kubernetes:core/v1:ServiceAccount";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const ING = "kubernetes:networking.k8s.io/v1:Ingress";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

const SELECTOR = { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api" };

function pod(run: ProgramRun): Inputs {
    return at(object(run, DEPLOY, "api").i, "spec.template.spec") as Inputs;
}
function container(run: ProgramRun): Inputs {
    return (pod(run)["containers"] as Inputs[])[0];
}
function byType(run: ProgramRun, type: string): RecordedResource {
    const all = ofType(run, type);
    assert.strictEqual(all.length, 1, `one ${type}`);
    return all[0];
}

describe("workloads: ProductionService", () => {
    let minimal: ProgramRun;
    let prod: ProgramRun;
    let all: ProgramRun;
    let devIngress: ProgramRun;
    before(async () => {
        minimal = await render(() => void new ProductionService("api", minimalArgs()));
        prod = await render(() => void new ProductionService("api", prodArgs()));
        all = await render(() => void new ProductionService("api", allOptionsArgs()));
        devIngress = await render(() => void new ProductionService("api", { ...minimalArgs(), ingress: { contract: fakeIngress("dev") } }));
    });

    describe("Deployment", () => {
        it("runs the pinned image (tag or digest) in the given namespace", () => {
            assert.strictEqual(container(minimal)["image"], IMAGE);
            assert.strictEqual(container(all)["image"], DIGEST_IMAGE);
            assert.strictEqual(at(object(minimal, DEPLOY, "api").i, "metadata.namespace"), "team");
            assert.strictEqual(container(minimal)["imagePullPolicy"], "IfNotPresent");
        });

        it("sets replicas: 2 in dev, 3 in prod by default", () => {
            assert.strictEqual(at(object(minimal, DEPLOY, "api").i, "spec.replicas"), 2);
            assert.strictEqual(at(object(prod, DEPLOY, "api").i, "spec.replicas"), 3);
        });

        it("leaves spec.replicas unset when the HPA is on (the HPA owns it)", () => {
            const spec = at(object(all, DEPLOY, "api").i, "spec") as Inputs;
            assert.ok(!("replicas" in spec), "no spec.replicas with an HPA");
        });

        it("rolls out with maxUnavailable 0 and a surge, and keeps rollback history", () => {
            assert.deepStrictEqual(at(object(minimal, DEPLOY, "api").i, "spec.strategy"), { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } });
            assert.deepStrictEqual(at(object(all, DEPLOY, "api").i, "spec.strategy"), { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
            assert.strictEqual(at(object(minimal, DEPLOY, "api").i, "spec.revisionHistoryLimit"), 5);
            assert.strictEqual(at(object(all, DEPLOY, "api").i, "spec.revisionHistoryLimit"), 3);
        });

        it("selects its pods by the app labels and labels them", () => {
            const d = object(minimal, DEPLOY, "api").i;
            assert.deepStrictEqual(at(d, "spec.selector.matchLabels"), SELECTOR);
            const labels = at(d, "spec.template.metadata.labels") as Record<string, string>;
            assert.strictEqual(labels["app.kubernetes.io/name"], "api");
            assert.strictEqual(labels["platform.io/environment"], "dev");
            assert.strictEqual((at(object(all, DEPLOY, "api").i, "spec.template.metadata.labels") as Record<string, string>)["platform.io/team"], "api");
        });
    });

    describe("probes", () => {
        it("defaults to HTTP startup /startup, readiness /ready, liveness /health on the http port", () => {
            const c = container(minimal);
            assert.deepStrictEqual(c["startupProbe"], { httpGet: { path: "/startup", port: "http", scheme: "HTTP" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 30 });
            assert.deepStrictEqual(c["readinessProbe"], { httpGet: { path: "/ready", port: "http", scheme: "HTTP" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
            assert.deepStrictEqual(c["livenessProbe"], { httpGet: { path: "/health", port: "http", scheme: "HTTP" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
        });

        it("renders TCP, HTTP and gRPC checks from the discriminated union", () => {
            const c = container(all);
            assert.deepStrictEqual(c["startupProbe"], { tcpSocket: { port: "http" }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 60 });
            assert.deepStrictEqual(at(c, "readinessProbe.httpGet"), { path: "/readyz", port: "http", scheme: "HTTP" });
            assert.deepStrictEqual(at(c, "livenessProbe.grpc"), { port: 9090, service: "liveness" });
        });

        it("renders an exec check", async () => {
            const run = await render(() => void new ProductionService("api", { ...minimalArgs(), probes: { liveness: { type: "exec", command: ["/bin/healthcheck"] } } }));
            assert.deepStrictEqual(at(container(run), "livenessProbe.exec"), { command: ["/bin/healthcheck"] });
        });
    });

    describe("resources", () => {
        it("requests cpu and memory, limits memory (= request by default) and sets no CPU limit", () => {
            assert.deepStrictEqual(container(minimal)["resources"], { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "128Mi" } });
        });

        it("sets a CPU limit only when asked", async () => {
            const run = await render(() => void new ProductionService("api", { ...minimalArgs(), resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi", cpuLimit: "1" } }));
            assert.deepStrictEqual(container(run)["resources"], { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi", cpu: "1" } });
        });

        it("qos Guaranteed: limits equal requests for cpu and memory", async () => {
            assert.deepStrictEqual(container(all)["resources"], { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
            const run = await render(() => void new ProductionService("api", { ...minimalArgs(), qos: "Guaranteed", resources: { cpu: "200m", memory: "256Mi" } }));
            assert.deepStrictEqual(container(run)["resources"], { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "200m", memory: "256Mi" } });
        });
    });

    describe("security context", () => {
        it("pod level: non-root, non-zero uid/gid, fsGroup, RuntimeDefault seccomp", () => {
            assert.deepStrictEqual(pod(minimal)["securityContext"], { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } });
            assert.deepStrictEqual(pod(all)["securityContext"], { runAsNonRoot: true, runAsUser: 20000, runAsGroup: 30000, fsGroup: 30000, seccompProfile: { type: "RuntimeDefault" } });
        });

        it("container level: no escalation, drop ALL, read-only root, RuntimeDefault seccomp", () => {
            assert.deepStrictEqual(container(minimal)["securityContext"], {
                runAsNonRoot: true,
                runAsUser: 10001,
                runAsGroup: 10001,
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
            });
        });

        it("mounts an emptyDir at /tmp (and the extra writable paths and config maps)", () => {
            assert.deepStrictEqual(pod(minimal)["volumes"], [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
            assert.deepStrictEqual(container(minimal)["volumeMounts"], [{ name: "tmp", mountPath: "/tmp" }]);
            assert.deepStrictEqual(pod(all)["volumes"], [
                { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                { name: "writable-0", emptyDir: { sizeLimit: "256Mi" } },
                { name: "config-0", configMap: { name: "api-config" } },
            ]);
            assert.deepStrictEqual(container(all)["volumeMounts"], [
                { name: "tmp", mountPath: "/tmp" },
                { name: "writable-0", mountPath: "/var/cache/api" },
                { name: "config-0", mountPath: "/etc/api", readOnly: true },
            ]);
        });

        it("does not inject service links", () => {
            assert.strictEqual(pod(minimal)["enableServiceLinks"], false);
        });
    });

    describe("service account and AWS identity", () => {
        it("uses a dedicated ServiceAccount with the token unmounted on both SA and pod by default", () => {
            const sa = object(minimal, SA, "api").i;
            assert.strictEqual(sa["automountServiceAccountToken"], false);
            assert.strictEqual(at(sa, "metadata.namespace"), "team");
            assert.strictEqual(pod(minimal)["serviceAccountName"], "api");
            assert.strictEqual(pod(minimal)["automountServiceAccountToken"], false);
        });

        it("mounts the token on both only when asked", () => {
            assert.strictEqual(object(all, SA, "api").i["automountServiceAccountToken"], true);
            assert.strictEqual(pod(all)["automountServiceAccountToken"], true);
        });

        it("creates no AWS role unless asked", () => {
            assert.strictEqual(ofType(minimal, "aws:iam/role:Role").length, 0);
            assert.strictEqual(ofType(minimal, "aws:eks/podIdentityAssociation:PodIdentityAssociation").length, 0);
        });

        it("binds a Pod Identity role with the given policy to exactly this namespace/service account", () => {
            const assoc = inputs(byType(all, "aws:eks/podIdentityAssociation:PodIdentityAssociation"));
            assert.strictEqual(assoc["namespace"], "team");
            assert.strictEqual(assoc["serviceAccount"], "api");
            assert.strictEqual(assoc["clusterName"], "platform-prod");
            const policy = JSON.parse(inputs(byType(all, "aws:iam/rolePolicy:RolePolicy"))["policy"] as string) as { Statement: { Sid: string; Action: string[] }[] };
            assert.deepStrictEqual(policy.Statement.map((s) => [s.Sid, s.Action]), [["ReadUploads", ["s3:GetObject"]]]);
            const trust = JSON.parse(inputs(byType(all, "aws:iam/role:Role"))["assumeRolePolicy"] as string) as { Statement: { Principal: unknown }[] };
            assert.deepStrictEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        });

        it("creates pods only after the association, the Service and the Ingress exist", () => {
            const d = byType(all, DEPLOY);
            const wi = byType(all, "platform:lib:WorkloadIdentity");
            const assoc = byType(all, "aws:eks/podIdentityAssociation:PodIdentityAssociation");
            assert.ok(d.dependencies.includes(wi.urn) || d.dependencies.includes(assoc.urn));
            assert.ok(d.dependencies.includes(byType(all, SVC).urn));
            assert.ok(d.dependencies.includes(byType(all, ING).urn));
            assert.ok(d.dependencies.includes(byType(all, SA).urn));
        });
    });

    describe("environment", () => {
        it("passes plain env values and secret refs from ExternalSecret-synced Secrets", () => {
            assert.deepStrictEqual(container(all)["env"], [
                { name: "LOG_LEVEL", value: "info" },
                { name: "DATABASE_HOST", value: "db.internal" },
                { name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: "api-db", key: "password" } } },
            ]);
        });
    });

    describe("graceful shutdown", () => {
        it("sleeps in preStop longer than the deregistration delay and the grace period covers preStop + shutdown", () => {
            const c = container(prod);
            assert.deepStrictEqual(at(c, "lifecycle.preStop"), { sleep: { seconds: 35 } });
            assert.ok(35 > fakeIngress("prod").deregistrationDelaySeconds);
            assert.strictEqual(pod(prod)["terminationGracePeriodSeconds"], 35 + 15);
        });

        it("defaults to a 5 s preStop without ingress and honours explicit values", () => {
            assert.deepStrictEqual(at(container(minimal), "lifecycle.preStop.sleep.seconds"), 5);
            assert.strictEqual(pod(minimal)["terminationGracePeriodSeconds"], 20);
            assert.deepStrictEqual(at(container(all), "lifecycle.preStop.sleep.seconds"), 40);
            assert.strictEqual(pod(all)["terminationGracePeriodSeconds"], 90);
        });

        it("sets the same deregistration delay on the target group through the Ingress annotation", () => {
            const ann = at(object(prod, ING, "api").i, "metadata.annotations") as Record<string, string>;
            assert.strictEqual(ann["alb.ingress.kubernetes.io/target-group-attributes"], "deregistration_delay.timeout_seconds=30");
        });
    });

    describe("placement and disruption", () => {
        it("spreads across zones (DoNotSchedule by default) and nodes (ScheduleAnyway) with maxSkew 1", () => {
            const tsc = pod(minimal)["topologySpreadConstraints"] as Inputs[];
            assert.deepStrictEqual(
                tsc.map((t) => [t["topologyKey"], t["whenUnsatisfiable"], t["maxSkew"], t["nodeTaintsPolicy"]]),
                [
                    ["topology.kubernetes.io/zone", "DoNotSchedule", 1, "Honor"],
                    ["kubernetes.io/hostname", "ScheduleAnyway", 1, "Honor"],
                ],
            );
            for (const t of tsc) {
                assert.deepStrictEqual(t["labelSelector"], { matchLabels: SELECTOR });
                assert.deepStrictEqual(t["matchLabelKeys"], ["pod-template-hash"]);
            }
            assert.strictEqual(at((pod(all)["topologySpreadConstraints"] as Inputs[])[0], "whenUnsatisfiable"), "ScheduleAnyway");
        });

        it("is spot-friendly: no nodeSelector or affinity unless on-demand is asked for", () => {
            assert.strictEqual(pod(minimal)["nodeSelector"], undefined);
            assert.strictEqual(pod(minimal)["affinity"], undefined);
            assert.deepStrictEqual(pod(all)["nodeSelector"], { "karpenter.sh/capacity-type": "on-demand" });
        });

        it("has a PodDisruptionBudget (maxUnavailable 1 by default, or minAvailable)", () => {
            assert.deepStrictEqual(at(object(minimal, PDB, "api").i, "spec"), { selector: { matchLabels: SELECTOR }, maxUnavailable: 1 });
            assert.deepStrictEqual(at(object(all, PDB, "api").i, "spec"), { selector: { matchLabels: SELECTOR }, minAvailable: 2 });
        });
    });

    describe("autoscaling", () => {
        it("has no HPA unless asked", () => {
            assert.strictEqual(ofType(minimal, HPA).length, 0);
        });

        it("scales the Deployment on CPU and memory with bounded, stabilised behaviour", () => {
            const spec = at(object(all, HPA, "api").i, "spec") as Inputs;
            assert.deepStrictEqual(spec["scaleTargetRef"], { apiVersion: "apps/v1", kind: "Deployment", name: "api" });
            assert.strictEqual(spec["minReplicas"], 3);
            assert.strictEqual(spec["maxReplicas"], 10);
            assert.deepStrictEqual(spec["metrics"], [
                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
                { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
            ]);
            assert.deepStrictEqual(at(spec, "behavior.scaleDown"), {
                stabilizationWindowSeconds: 600,
                selectPolicy: "Min",
                policies: [{ type: "Percent", value: 25, periodSeconds: 60 }, { type: "Pods", value: 2, periodSeconds: 60 }],
            });
            assert.deepStrictEqual(at(spec, "behavior.scaleUp"), {
                stabilizationWindowSeconds: 0,
                selectPolicy: "Max",
                policies: [{ type: "Percent", value: 100, periodSeconds: 30 }, { type: "Pods", value: 4, periodSeconds: 30 }],
            });
        });

        it("defaults to 70% CPU and a 300 s scale-down window", async () => {
            const run = await render(() => void new ProductionService("api", { ...prodArgs(), autoscaling: { minReplicas: 3, maxReplicas: 6 } }));
            const spec = at(object(run, HPA, "api").i, "spec") as Inputs;
            assert.deepStrictEqual(spec["metrics"], [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
            assert.strictEqual(at(spec, "behavior.scaleDown.stabilizationWindowSeconds"), 300);
            assert.ok(!("replicas" in (at(object(run, DEPLOY, "api").i, "spec") as Inputs)));
        });
    });

    describe("Service and Ingress", () => {
        it("exposes a ClusterIP Service on 80 to the named container port", () => {
            const spec = at(object(minimal, SVC, "api").i, "spec") as Inputs;
            assert.deepStrictEqual(spec, { type: "ClusterIP", selector: SELECTOR, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] });
            assert.deepStrictEqual(container(all)["ports"], [{ name: "http", containerPort: 9090, protocol: "TCP" }]);
        });

        it("declares no Ingress for an internal service", () => {
            assert.strictEqual(ofType(minimal, ING).length, 0);
        });

        it("publishes https://<name>.<domain> on the shared ALB with every annotation from the contract", () => {
            const ing = object(prod, ING, "api").i;
            assert.deepStrictEqual(at(ing, "metadata.annotations"), {
                "alb.ingress.kubernetes.io/target-type": "ip",
                "alb.ingress.kubernetes.io/group.name": "platform-prod",
                "alb.ingress.kubernetes.io/healthcheck-path": "/ready",
                "alb.ingress.kubernetes.io/wafv2-acl-arn": WAF_ARN,
                "alb.ingress.kubernetes.io/target-group-attributes": "deregistration_delay.timeout_seconds=30",
                "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]',
                "alb.ingress.kubernetes.io/ssl-redirect": "443",
                "alb.ingress.kubernetes.io/certificate-arn": CERT_ARN,
            });
            assert.deepStrictEqual(at(ing, "spec"), {
                ingressClassName: "alb",
                rules: [{ host: "api.apps.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "api", port: { name: "http" } } } }] } }],
            });
        });

        it("uses the readiness path as the ALB health check and honours host prefix and path", () => {
            const ing = object(all, ING, "api").i;
            const ann = at(ing, "metadata.annotations") as Record<string, string>;
            assert.strictEqual(ann["alb.ingress.kubernetes.io/healthcheck-path"], "/readyz");
            const rule = (at(ing, "spec.rules") as Inputs[])[0];
            assert.strictEqual(rule["host"], "api.apps.example.com");
            assert.strictEqual(at((at(rule, "http.paths") as Inputs[])[0], "path"), "/v1");
        });

        it("without a domain (dev) the Ingress is HTTP-only, host-less, and says so", () => {
            const ing = object(devIngress, ING, "api").i;
            const ann = at(ing, "metadata.annotations") as Record<string, string>;
            assert.strictEqual(ann["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTP":80}]');
            assert.strictEqual(ann["alb.ingress.kubernetes.io/certificate-arn"], undefined);
            assert.strictEqual(ann["alb.ingress.kubernetes.io/ssl-redirect"], undefined);
            assert.match(ann["platform.io/tls"], /HTTP only/);
            assert.strictEqual(ann["alb.ingress.kubernetes.io/wafv2-acl-arn"], WAF_ARN);
            assert.strictEqual(ann["alb.ingress.kubernetes.io/group.name"], "platform-dev");
            assert.strictEqual((at(ing, "spec.rules") as Inputs[])[0]["host"], undefined);
        });
    });

    describe("NetworkPolicy", () => {
        it("admits the service port only from the load balancer subnets and named namespaces", () => {
            const spec = at(object(all, NETPOL, "api").i, "spec") as Inputs;
            assert.deepStrictEqual(spec["podSelector"], { matchLabels: SELECTOR });
            assert.deepStrictEqual(spec["policyTypes"], ["Ingress", "Egress"]);
            assert.deepStrictEqual(spec["ingress"], [
                {
                    from: [
                        ...LB_CIDRS.map((cidr) => ({ ipBlock: { cidr } })),
                        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
                        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } } },
                    ],
                    ports: [{ protocol: "TCP", port: 9090 }],
                },
            ]);
        });

        it("allows egress only to DNS, the Pod Identity agent and AWS APIs over HTTPS (with aws set) and the named CIDRs/ports", () => {
            const spec = at(object(all, NETPOL, "api").i, "spec") as Inputs;
            assert.deepStrictEqual(spec["egress"], [
                {
                    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
                },
                // EKS Pod Identity Agent: hostNetwork on the link-local 169.254.170.23, TCP 80 (EKS user guide,
                // pod-id-agent-setup "Considerations"; the injected AWS_CONTAINER_CREDENTIALS_FULL_URI is
                // http://169.254.170.23/v1/credentials). Default-deny egress blocks it otherwise.
                { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
                // The regional AWS APIs: HTTPS to any non-private address (no RFC 1918 range, no link-local).
                {
                    to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"] } }],
                    ports: [{ protocol: "TCP", port: 443 }],
                },
                { to: DATA_CIDRS.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 5432 }] },
                { to: DATA_CIDRS.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 6379 }] },
            ]);
        });

        it("opens the Pod Identity agent only for a service with aws set", () => {
            const agent = (run: ProgramRun) =>
                (at(object(run, NETPOL, "api").i, "spec.egress") as Inputs[]).filter((r) => JSON.stringify(r).includes("169.254.170.23"));
            assert.strictEqual(agent(all).length, 1);
            assert.strictEqual(agent(minimal).length, 0);
            assert.strictEqual(agent(prod).length, 0);
        });

        it("opens HTTPS to the AWS APIs only for a service with aws set, and never to private or link-local ranges", () => {
            const https = (run: ProgramRun) =>
                (at(object(run, NETPOL, "api").i, "spec.egress") as Inputs[]).filter((r) => JSON.stringify(r["ports"]).includes("443"));
            assert.strictEqual(https(minimal).length, 0);
            assert.strictEqual(https(prod).length, 0);
            const [rule] = https(all);
            const block = (rule["to"] as { ipBlock: { cidr: string; except: string[] } }[])[0].ipBlock;
            for (const privateRange of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]) assert.ok(block.except.includes(privateRange), privateRange);
            assert.deepStrictEqual(rule["ports"], [{ protocol: "TCP", port: 443 }]);
        });

        it("with VPC interface endpoints (aws.vpcEndpointCidrs), also HTTPS to the endpoint subnets, which the public rule excludes", () => {
            const cidrs = ["10.20.224.0/24", "10.20.225.0/24"];
            const args = { ...allOptionsArgs(), aws: { ...allOptionsArgs().aws!, vpcEndpointCidrs: cidrs } };
            const egress = networkPolicySpec(args, resolveServiceArgs("api", args), SELECTOR).egress as Inputs[];
            assert.deepStrictEqual(egress.filter((r) => JSON.stringify(r).includes("10.20.22")), [
                { to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 443 }] },
            ]);
            const plain = networkPolicySpec(allOptionsArgs(), resolveServiceArgs("api", allOptionsArgs()), SELECTOR).egress as Inputs[];
            assert.strictEqual(egress.length, plain.length + 1);
        });

        it("an internal service with no callers named admits nothing and reaches only DNS", () => {
            const spec = at(object(minimal, NETPOL, "api").i, "spec") as Inputs;
            assert.deepStrictEqual(spec["ingress"], []);
            assert.strictEqual((spec["egress"] as Inputs[]).length, 1);
        });
    });

    it("parents every child to the component", () => {
        const comp = byType(all, "platform:workloads:ProductionService");
        for (const t of [DEPLOY, SVC, SA, PDB, HPA, ING, NETPOL, "platform:lib:WorkloadIdentity"]) {
            assert.strictEqual(byType(all, t).parent, comp.urn, t);
        }
    });
});

describe("workloads: ProductionService in a NamespaceBaseline", () => {
    it("declares every namespaced object after the labelled Namespace", async () => {
        const run = await render(() => {
            const ns = new NamespaceBaseline("team", namespaceArgs());
            new ProductionService("api", { ...allOptionsArgs(), namespace: ns });
        });
        const nsUrn = byType(run, "kubernetes:core/v1:Namespace").urn;
        for (const t of [DEPLOY, SVC, SA, PDB, HPA, ING, NETPOL]) {
            for (const r of ofType(run, t).filter((x) => x.name === "api")) {
                assert.ok(r.dependencies.includes(nsUrn), `${t} waits for the Namespace`);
                assert.strictEqual(at(inputs(r), "metadata.namespace"), "team");
            }
        }
    });
});
