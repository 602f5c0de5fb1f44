// Pod Security Standards policies: every workload kind, inheritance, init/ephemeral containers, unknowns.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policies/pack";
import { PolicyPackConfigFile } from "../../tools/offline/policyRunner";
import { DEPLOYMENT, Json, UNKNOWN, WORKLOAD_KINDS, check, goodContainer, goodPodSpec, names, of, pdb, resource, workloadResource } from "./helpers";

const PSS = policies.map((p) => p.name).filter((n) => n.startsWith("pss-")).sort();

/** A pod spec that breaks every PSS control at once. */
function everythingWrong(): Json {
    return {
        hostNetwork: true,
        hostPID: true,
        securityContext: {
            runAsNonRoot: false,
            runAsUser: 0,
            seccompProfile: { type: "Unconfined" },
            seLinuxOptions: { type: "spc_t" },
            sysctls: [{ name: "kernel.msgmax", value: "65536" }],
            windowsOptions: { hostProcess: true },
            appArmorProfile: { type: "Unconfined" },
        },
        containers: [
            {
                name: "bad",
                image: "ghcr.io/example/bad:1.0.0",
                ports: [{ containerPort: 80, hostPort: 80 }],
                securityContext: { privileged: true, procMount: "Unmasked", capabilities: { add: ["SYS_ADMIN"] } },
            },
        ],
        volumes: [{ name: "host", hostPath: { path: "/" } }],
    };
}

async function pssViolations(podSpec: Json, podMeta?: Json): Promise<string[]> {
    const vs = await check([workloadResource(DEPLOYMENT, podSpec, { podMeta }), pdb("app")]);
    return names(vs).filter((n) => n.startsWith("pss-"));
}

describe("policies: Pod Security Standards", () => {
    it("has exactly the Baseline and Restricted controls the standard defines", () => {
        assert.deepEqual(PSS, [
            "pss-apparmor", "pss-capabilities-baseline", "pss-capabilities-restricted", "pss-host-namespaces", "pss-host-path",
            "pss-host-ports", "pss-host-process", "pss-privilege-escalation", "pss-privileged", "pss-proc-mount", "pss-proc-mount-restricted",
            "pss-run-as-non-root", "pss-run-as-non-root-user", "pss-seccomp-baseline", "pss-seccomp-restricted", "pss-selinux",
            "pss-sysctls", "pss-volume-types",
        ]);
    });

    for (const k of WORKLOAD_KINDS) {
        describe(`${k.kind} (${k.type})`, () => {
            it("a restricted-compliant pod template passes every policy of the pack", async () => {
                const vs = await check([workloadResource(k, goodPodSpec()), pdb("app")]);
                assert.deepEqual(vs, []);
            });
            it("a pod template breaking every control fails every PSS policy, as mandatory", async () => {
                const vs = await check([workloadResource(k, everythingWrong())]);
                assert.deepEqual(names(vs).filter((n) => n.startsWith("pss-")), PSS);
                assert.ok(vs.filter((v) => v.policy.startsWith("pss-")).every((v) => v.enforcement === "mandatory"));
                assert.ok(of(vs, "pss-privileged")[0].message.includes(`${k.kind} "app": container "bad"`));
            });
        });
    }

    it("ignores kinds that carry no pods, and a Rollout that borrows a Deployment's template (workloadRef)", async () => {
        const vs = await check([
            resource("kubernetes:core/v1:ConfigMap", "cm", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { hostNetwork: "true" } }),
            resource("kubernetes:argoproj.io/v1alpha1:Rollout", "ro", {
                apiVersion: "argoproj.io/v1alpha1",
                kind: "Rollout",
                metadata: { name: "ro", namespace: "apps" },
                spec: { replicas: 1, workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: "app" } },
            }),
        ]);
        assert.deepEqual(names(vs).filter((n) => n.startsWith("pss-") || n.startsWith("workload-") && n !== "workload-min-replicas"), []);
    });

    describe("runAsNonRoot: container overrides pod", () => {
        it("pod-level true covers containers that leave it unset", async () => {
            assert.deepEqual(await pssViolations(goodPodSpec()), []);
        });
        it("a container setting false fails even under pod-level true", async () => {
            const spec = goodPodSpec({ containers: [goodContainer("app", { securityContext: { ...(goodContainer().securityContext as Json), runAsNonRoot: false } })] });
            const vs = await check([workloadResource(DEPLOYMENT, spec)]);
            assert.match(of(vs, "pss-run-as-non-root")[0].message, /container "app" must not set securityContext.runAsNonRoot=false/);
        });
        it("without the pod-level setting every container (init containers included) must set true", async () => {
            const sc = { ...(goodContainer().securityContext as Json), runAsNonRoot: true };
            const ok = goodPodSpec({ securityContext: { seccompProfile: { type: "RuntimeDefault" } }, containers: [goodContainer("app", { securityContext: sc })] });
            assert.deepEqual(await pssViolations(ok), []);
            const bad = { ...ok, initContainers: [goodContainer("init")] };
            const vs = await check([workloadResource(DEPLOYMENT, bad)]);
            assert.match(of(vs, "pss-run-as-non-root")[0].message, /pod or container "init" must set securityContext.runAsNonRoot=true/);
        });
        it("pod-level false fails", async () => {
            const vs = await check([workloadResource(DEPLOYMENT, goodPodSpec({ securityContext: { runAsNonRoot: false, seccompProfile: { type: "RuntimeDefault" } } }))]);
            assert.match(of(vs, "pss-run-as-non-root")[0].message, /pod must not set/);
        });
        it("user-namespaced pods (hostUsers: false) are exempt from runAsNonRoot and runAsUser", async () => {
            const spec = goodPodSpec({ hostUsers: false, securityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } } });
            assert.deepEqual(await pssViolations(spec), []);
        });
    });

    describe("procMount: Baseline relaxes it for user-namespaced pods, Restricted does not (policy version 1.35)", () => {
        // check_procMount_baseline.go (procMount_1_35_baseline) and check_procMount_restricted.go (procMount_1_35_restricted),
        // kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy, v1.35.
        const unmasked = (hostUsers: boolean | undefined, container = "app") =>
            goodPodSpec({
                ...(hostUsers !== undefined ? { hostUsers } : {}),
                containers: [goodContainer(container, { securityContext: { ...(goodContainer().securityContext as Json), procMount: "Unmasked" } })],
            });
        it("Baseline: Unmasked fails without user namespaces (hostUsers unset or true), naming container and value", async () => {
            for (const hostUsers of [undefined, true]) {
                const vs = await check([workloadResource(DEPLOYMENT, unmasked(hostUsers)), pdb("app")]);
                assert.equal(of(vs, "pss-proc-mount").length, 1, `hostUsers ${String(hostUsers)}`);
                assert.match(of(vs, "pss-proc-mount")[0].message, /container "app" must not set securityContext.procMount to "Unmasked"/);
            }
        });
        it("Baseline: Unmasked passes for a pod with hostUsers: false", async () => {
            const vs = await check([workloadResource(DEPLOYMENT, unmasked(false)), pdb("app")]);
            assert.deepEqual(of(vs, "pss-proc-mount"), []);
        });
        it("Restricted: Unmasked fails with or without user namespaces", async () => {
            for (const hostUsers of [undefined, true, false]) {
                const vs = await check([workloadResource(DEPLOYMENT, unmasked(hostUsers)), pdb("app")]);
                assert.equal(of(vs, "pss-proc-mount-restricted").length, 1, `hostUsers ${String(hostUsers)}`);
                assert.match(of(vs, "pss-proc-mount-restricted")[0].message, /container "app" must not set securityContext.procMount to "Unmasked" \(only "Default"\)/);
            }
        });
        it("a user-namespaced Unmasked pod fails only the Restricted control (advisory in dev, mandatory in prod)", async () => {
            assert.deepEqual(await pssViolations(unmasked(false)), ["pss-proc-mount-restricted"]);
            for (const [stack, level] of [["dev", "advisory"], ["prod", "mandatory"]] as const) {
                const config = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policies", "config", `${stack}.json`), "utf8")) as PolicyPackConfigFile;
                const vs = await check([workloadResource(DEPLOYMENT, unmasked(false)), pdb("app")], config);
                assert.deepEqual(names(vs).filter((n) => n.startsWith("pss-")), ["pss-proc-mount-restricted"], stack);
                assert.equal(of(vs, "pss-proc-mount-restricted")[0].enforcement, level, stack);
            }
        });
        it("both levels pass Default and unset, user-namespaced or not", async () => {
            for (const hostUsers of [undefined, false]) {
                const spec = goodPodSpec({ ...(hostUsers !== undefined ? { hostUsers } : {}), containers: [goodContainer("app", { securityContext: { ...(goodContainer().securityContext as Json), procMount: "Default" } })] });
                assert.deepEqual(await pssViolations(spec), []);
                assert.deepEqual(await pssViolations(goodPodSpec(hostUsers !== undefined ? { hostUsers } : {})), []);
            }
        });
    });

    describe("runAsUser", () => {
        it("0 at pod or container level fails; non-zero passes", async () => {
            assert.deepEqual(await pssViolations(goodPodSpec({ securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } } })), []);
            const spec = goodPodSpec({ containers: [goodContainer("app", { securityContext: { ...(goodContainer().securityContext as Json), runAsUser: 0 } })] });
            assert.deepEqual(await pssViolations(spec), ["pss-run-as-non-root-user"]);
        });
    });

    describe("seccomp", () => {
        it("pod-level RuntimeDefault covers containers; a container may choose Localhost", async () => {
            const spec = goodPodSpec({ containers: [goodContainer("app", { securityContext: { ...(goodContainer().securityContext as Json), seccompProfile: { type: "Localhost", localhostProfile: "p.json" } } })] });
            assert.deepEqual(await pssViolations(spec), []);
        });
        it("a container's Unconfined overrides the pod's RuntimeDefault (Baseline and Restricted fail)", async () => {
            const spec = goodPodSpec({ containers: [goodContainer("app", { securityContext: { ...(goodContainer().securityContext as Json), seccompProfile: { type: "Unconfined" } } })] });
            assert.deepEqual(await pssViolations(spec), ["pss-seccomp-baseline", "pss-seccomp-restricted"]);
        });
        it("without a pod-level profile every container, ephemeral ones included, must set one", async () => {
            const podSc = { runAsNonRoot: true };
            const withProfile = (name: string) => goodContainer(name, { securityContext: { ...(goodContainer().securityContext as Json), seccompProfile: { type: "RuntimeDefault" } } });
            const pod = (eph: Json) => resource("kubernetes:core/v1:Pod", "dbg", {
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "dbg", namespace: "apps" },
                spec: goodPodSpec({ securityContext: podSc, containers: [withProfile("app")], ephemeralContainers: [eph] }),
            });
            const ok = await check([pod(withProfile("debugger"))]);
            assert.deepEqual(names(ok).filter((n) => n.startsWith("pss-")), []);
            const bad = await check([pod({ ...withProfile("debugger"), securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true } })]);
            assert.match(of(bad, "pss-seccomp-restricted")[0].message, /pod or container "debugger" must set/);
        });
    });

    describe("capabilities", () => {
        const withCaps = (caps: Json) => goodPodSpec({ containers: [goodContainer("app", { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: caps } })] });
        it("drop ALL and add back NET_BIND_SERVICE passes", async () => {
            assert.deepEqual(await pssViolations(withCaps({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] })), []);
        });
        it("adding a Baseline-allowed capability (CHOWN) fails Restricted only", async () => {
            assert.deepEqual(await pssViolations(withCaps({ drop: ["ALL"], add: ["CHOWN"] })), ["pss-capabilities-restricted"]);
        });
        it("adding SYS_ADMIN fails Baseline too; not dropping ALL fails Restricted", async () => {
            assert.deepEqual(await pssViolations(withCaps({ drop: ["NET_RAW"], add: ["SYS_ADMIN"] })), ["pss-capabilities-baseline", "pss-capabilities-restricted"]);
        });
        it("an init container that keeps its capabilities fails", async () => {
            const spec = goodPodSpec({ initContainers: [goodContainer("init", { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } })] });
            const vs = await check([workloadResource(DEPLOYMENT, spec)]);
            assert.match(of(vs, "pss-capabilities-restricted")[0].message, /container "init" must set securityContext.capabilities.drop=\["ALL"\]/);
        });
    });

    describe("privilege escalation and privileged", () => {
        it("unset allowPrivilegeEscalation fails Restricted (the standard requires an explicit false)", async () => {
            const spec = goodPodSpec({ containers: [goodContainer("app", { securityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } } })] });
            assert.deepEqual(await pssViolations(spec), ["pss-privilege-escalation"]);
        });
        it("a privileged ephemeral container fails Baseline", async () => {
            const vs = await check([resource("kubernetes:core/v1:Pod", "dbg", {
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "dbg", namespace: "apps" },
                spec: goodPodSpec({ ephemeralContainers: [goodContainer("debugger", { securityContext: { ...(goodContainer().securityContext as Json), privileged: true } })] }),
            })]);
            assert.match(of(vs, "pss-privileged")[0].message, /container "debugger"/);
        });
        it("Windows pods are exempt from the Linux-only Restricted controls", async () => {
            const spec = goodPodSpec({ os: { name: "windows" }, securityContext: { runAsNonRoot: true }, containers: [goodContainer("app", { securityContext: { readOnlyRootFilesystem: true } })] });
            assert.deepEqual(await pssViolations(spec), []);
        });
    });

    describe("Baseline value lists", () => {
        it("SELinux: container_t and container_engine_t pass; other types, user or role fail", async () => {
            assert.deepEqual(await pssViolations(goodPodSpec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, seLinuxOptions: { type: "container_engine_t", level: "s0:c1" } } })), []);
            const spec = goodPodSpec({ initContainers: [goodContainer("init", { securityContext: { ...(goodContainer().securityContext as Json), seLinuxOptions: { user: "system_u" } } })] });
            const vs = await check([workloadResource(DEPLOYMENT, spec)]);
            assert.match(of(vs, "pss-selinux")[0].message, /container "init": user may not be set/);
        });
        it("AppArmor: runtime/default and localhost/* annotations pass; unconfined fails", async () => {
            const ann = (v: string) => ({ annotations: { "container.apparmor.security.beta.kubernetes.io/app": v } });
            assert.deepEqual(await pssViolations(goodPodSpec(), ann("runtime/default")), []);
            assert.deepEqual(await pssViolations(goodPodSpec(), ann("localhost/k8s-apparmor")), []);
            assert.deepEqual(await pssViolations(goodPodSpec(), ann("unconfined")), ["pss-apparmor"]);
            const field = goodPodSpec({ containers: [goodContainer("app", { securityContext: { ...(goodContainer().securityContext as Json), appArmorProfile: { type: "Unconfined" } } })] });
            assert.deepEqual(await pssViolations(field), ["pss-apparmor"]);
        });
        it("sysctls: the safe set passes, anything else fails", async () => {
            const sysctls = (n: string) => goodPodSpec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, sysctls: [{ name: n, value: "1" }] } });
            assert.deepEqual(await pssViolations(sysctls("net.ipv4.tcp_keepalive_time")), []);
            assert.deepEqual(await pssViolations(sysctls("net.ipv4.ip_unprivileged_port_start")), []);
            assert.deepEqual(await pssViolations(sysctls("net.core.somaxconn")), ["pss-sysctls"]);
        });
        it("hostPort 0 and procMount Default are the allowed values", async () => {
            const spec = goodPodSpec({ containers: [goodContainer("app", { ports: [{ containerPort: 8080, hostPort: 0 }], securityContext: { ...(goodContainer().securityContext as Json), procMount: "Default" } })] });
            assert.deepEqual(await pssViolations(spec), []);
        });
        it("probes and lifecycle handlers aimed at another host fail (Baseline since 1.34)", async () => {
            const spec = goodPodSpec({ containers: [goodContainer("app", { readinessProbe: { httpGet: { host: "10.0.0.1", path: "/", port: 80 } }, lifecycle: { preStop: { tcpSocket: { host: "169.254.169.254", port: 80 } } } })] });
            const vs = await check([workloadResource(DEPLOYMENT, spec)]);
            assert.match(of(vs, "pss-host-ports")[0].message, /container "app" uses probe or lifecycle host "10.0.0.1", "169.254.169.254"/);
            const empty = goodPodSpec({ containers: [goodContainer("app", { readinessProbe: { httpGet: { host: "", path: "/", port: 80 } } })] });
            assert.deepEqual(await pssViolations(empty), []);
        });
        it("host namespaces set to false pass", async () => {
            assert.deepEqual(await pssViolations(goodPodSpec({ hostNetwork: false, hostPID: false, hostIPC: false })), []);
            assert.deepEqual(await pssViolations(goodPodSpec({ hostIPC: true })), ["pss-host-namespaces"]);
        });
    });

    describe("volume types", () => {
        it("configMap, secret, projected, emptyDir, csi, ephemeral, image, downwardAPI and persistentVolumeClaim pass", async () => {
            const volumes = [
                { name: "a", configMap: { name: "c" } },
                { name: "b", secret: { secretName: "s" } },
                { name: "c", projected: { sources: [] } },
                { name: "d", emptyDir: {} },
                { name: "e", csi: { driver: "secrets-store.csi.k8s.io" } },
                { name: "f", ephemeral: { volumeClaimTemplate: { spec: {} } } },
                { name: "g", downwardAPI: { items: [] } },
                { name: "h", persistentVolumeClaim: { claimName: "data" } },
                { name: "j", image: { reference: "ghcr.io/example/models:1.0.0", pullPolicy: "IfNotPresent" } }, // kubernetes#130394 (1.33)
                { name: "i" }, // defaulted to emptyDir by the API server
            ];
            assert.deepEqual(await pssViolations(goodPodSpec({ volumes })), []);
        });
        it("nfs and awsElasticBlockStore fail Restricted (hostPath also fails Baseline)", async () => {
            const vs = await check([workloadResource(DEPLOYMENT, goodPodSpec({ volumes: [{ name: "n", nfs: { server: "x", path: "/" } }, { name: "e", awsElasticBlockStore: { volumeID: "vol-1" } }] }))]);
            assert.match(of(vs, "pss-volume-types")[0].message, /"n" \(nfs\), "e" \(awsElasticBlockStore\)/);
            assert.equal(of(vs, "pss-host-path").length, 0);
        });
    });

    describe("unknown values during preview", () => {
        it("an unknown field yields an advisory can't-run diagnostic instead of a verdict or a crash", async () => {
            const spec = goodPodSpec({ containers: [goodContainer("app", { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, privileged: UNKNOWN } })] });
            const vs = await check([workloadResource(DEPLOYMENT, spec), pdb("app")]);
            const priv = of(vs, "pss-privileged");
            assert.equal(priv.length, 1);
            assert.equal(priv[0].enforcement, "advisory");
            assert.match(priv[0].message, /can't run policy 'pss-privileged' .* during preview: string value at \.spec\.template\.spec\.containers\.0\.securityContext\.privileged can't be known/);
            // Policies that never read the unknown field still judge the resource normally.
            assert.equal(of(vs, "pss-host-namespaces").length, 0);
        });
        it("an unknown pod template makes every workload policy advisory, none mandatory", async () => {
            const vs = await check([resource(DEPLOYMENT.type, "app", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "app", namespace: "apps" }, spec: { replicas: 2, template: UNKNOWN } }), pdb("app")]);
            assert.ok(vs.length > 0);
            assert.ok(vs.every((v) => v.enforcement === "advisory" && v.message.includes("can't run")));
        });
    });
});
