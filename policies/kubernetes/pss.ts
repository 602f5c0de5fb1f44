// Kubernetes Pod Security Standards, Baseline and Restricted profiles, as CrossGuard policies.
//
// Semantics follow https://kubernetes.io/docs/concepts/security/pod-security-standards/ and the reference
// implementation k8s.io/pod-security-admission/policy/check_*.go (kubernetes/kubernetes, staging/):
// containers, initContainers and ephemeralContainers all count; where both levels exist, the container's
// securityContext field overrides the pod's; unset fields are judged as the standard says (e.g. an unset
// allowPrivilegeEscalation fails Restricted, an unset privileged passes Baseline).
import type { Policies } from "@pulumi/policy";
import { Obj, arr, at, obj, str } from "../lib";
import { workloadPolicy } from "./common";
import { ContainerView, PodView, containersPhrase } from "./workloads";

const PSS_URL = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";

function bad(pod: PodView, pred: (c: ContainerView) => boolean): string[] {
    return pod.containers.filter(pred).map((c) => c.name);
}

// check_capabilities_baseline.go
const BASELINE_CAPABILITIES = new Set([
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);

// Safe sysctls (https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/#safe-and-unsafe-sysctls),
// the Baseline allow-list as of Kubernetes 1.32+ (the cluster runs 1.35).
const SAFE_SYSCTLS = new Set([
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
]);

// check_seLinuxOptions.go (container_engine_t allowed since 1.31).
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

// check_restrictedVolumes.go: the inline volume sources Restricted allows. `image` (OCI image volumes) since
// 1.33: kubernetes/kubernetes#130394 "Allow ImageVolume for Restricted PSA profiles", patched into the 1.0
// check (so at every policy version); the kubernetes.io page still lists eight (kubernetes/website#55370).
const RESTRICTED_VOLUME_SOURCES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"];

const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

/** User namespaces (`hostUsers: false`) relax runAsNonRoot/runAsUser (Restricted) and procMount (Baseline only) at policy version 1.35 (KEP-127, relaxPolicyForUserNamespacePod in policy/helpers.go). */
function userNamespaced(pod: PodView): boolean {
    return pod.podSpec["hostUsers"] === false;
}

function sc(c: ContainerView, field: string): unknown {
    return c.securityContext?.[field];
}

/** Containers whose securityContext.procMount is set to anything but "Default" (procMount_1_35_restricted). */
function nonDefaultProcMounts(pod: PodView): { names: string[]; values: string } {
    const values = new Set<string>();
    const names = bad(pod, (c) => {
        const pm = sc(c, "procMount");
        if (pm === undefined || pm === null || pm === "Default") return false;
        values.add(`"${String(pm)}"`);
        return true;
    });
    return { names, values: [...values].sort().join(", ") };
}

export const baselinePolicies: Policies = [
    workloadPolicy({
        name: "pss-host-namespaces",
        description: "PSS Baseline: pods must not share the host's network, PID or IPC namespace (hostNetwork, hostPID, hostIPC unset or false).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const set = ["hostNetwork", "hostPID", "hostIPC"].filter((f) => pod.podSpec[f] === true);
            if (set.length > 0) report(`${set.map((f) => `${f}=true`).join(", ")} is forbidden (host namespaces)`);
        },
    }),
    workloadPolicy({
        name: "pss-privileged",
        description: "PSS Baseline: containers must not be privileged (securityContext.privileged unset or false).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const names = bad(pod, (c) => sc(c, "privileged") === true);
            if (names.length > 0) report(`${containersPhrase(names)} must not set securityContext.privileged=true`);
        },
    }),
    workloadPolicy({
        name: "pss-capabilities-baseline",
        description: `PSS Baseline: containers may add only the default capabilities (${[...BASELINE_CAPABILITIES].join(", ")}).`,
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const found = new Set<string>();
            const names = bad(pod, (c) => {
                const added = arr(at(c.securityContext, "capabilities", "add")).map((x) => String(x));
                const forbidden = added.filter((a) => !BASELINE_CAPABILITIES.has(a));
                forbidden.forEach((f) => found.add(f));
                return forbidden.length > 0;
            });
            if (names.length > 0) report(`${containersPhrase(names)} must not include ${[...found].map((f) => `"${f}"`).join(", ")} in securityContext.capabilities.add`);
        },
    }),
    workloadPolicy({
        name: "pss-host-path",
        description: "PSS Baseline: hostPath volumes are forbidden.",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const names = arr(pod.podSpec["volumes"])
                .map(obj)
                .filter((v): v is Obj => v !== undefined && v["hostPath"] !== undefined && v["hostPath"] !== null)
                .map((v) => str(v["name"]) ?? "(unnamed)");
            if (names.length > 0) report(`hostPath ${names.length === 1 ? "volume" : "volumes"} ${names.map((n) => `"${n}"`).join(", ")} forbidden`);
        },
    }),
    workloadPolicy({
        name: "pss-host-ports",
        description:
            "PSS Baseline: containers must not use host ports (ports[*].hostPort unset or 0), nor point probes or lifecycle handlers at another host (httpGet/tcpSocket .host unset; Baseline since 1.34).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const ports = new Set<number>();
            const names = bad(pod, (c) => {
                let found = false;
                for (const p of arr(c.spec["ports"])) {
                    const hp = at(p, "hostPort");
                    if (typeof hp === "number" && hp !== 0) {
                        ports.add(hp);
                        found = true;
                    }
                }
                return found;
            });
            if (names.length > 0) report(`${containersPhrase(names)} ${names.length === 1 ? "uses" : "use"} hostPort ${[...ports].join(", ")}`);
            // check_hostProbesAndhostLifecycle.go: probes and lifecycle handlers must not name a host.
            const hosts = new Set<string>();
            const probing = bad(pod, (c) => {
                const handlers = [
                    c.spec["livenessProbe"], c.spec["readinessProbe"], c.spec["startupProbe"],
                    at(c.spec, "lifecycle", "postStart"), at(c.spec, "lifecycle", "preStop"),
                ];
                let found = false;
                for (const h of handlers) {
                    for (const kind of ["httpGet", "tcpSocket"]) {
                        const host = str(at(h, kind, "host"));
                        if (host) {
                            hosts.add(host);
                            found = true;
                        }
                    }
                }
                return found;
            });
            if (probing.length > 0) report(`${containersPhrase(probing)} ${probing.length === 1 ? "uses" : "use"} probe or lifecycle host ${[...hosts].map((h) => `"${h}"`).join(", ")}`);
        },
    }),
    workloadPolicy({
        name: "pss-host-process",
        description: "PSS Baseline: Windows HostProcess containers are forbidden (windowsOptions.hostProcess unset or false, pod and containers).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const setters: string[] = [];
            if (at(pod.podSecurityContext, "windowsOptions", "hostProcess") === true) setters.push("pod");
            const names = bad(pod, (c) => at(c.securityContext, "windowsOptions", "hostProcess") === true);
            if (names.length > 0) setters.push(containersPhrase(names));
            if (setters.length > 0) report(`${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`);
        },
    }),
    workloadPolicy({
        name: "pss-proc-mount",
        // Baseline at policy version 1.35 (check_procMount_baseline.go, procMount_1_35_baseline): a pod in a
        // user namespace (`hostUsers: false`) may set any procMount (pod validation checks the value); any
        // other pod only Default. Restricted re-tightens it for every pod: pss-proc-mount-restricted.
        description: "PSS Baseline: containers must use the default /proc mount (securityContext.procMount unset or Default), unless the pod sets hostUsers: false.",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            if (userNamespaced(pod)) return;
            const found = nonDefaultProcMounts(pod);
            if (found.names.length > 0) {
                report(`${containersPhrase(found.names)} must not set securityContext.procMount to ${found.values} (only "Default", unless the pod sets hostUsers: false)`);
            }
        },
    }),
    workloadPolicy({
        name: "pss-selinux",
        description: "PSS Baseline: seLinuxOptions.type only container_t, container_init_t, container_kvm_t or container_engine_t; user and role unset (pod and containers).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const problems = (o: unknown): string[] => {
                const opts = obj(o);
                if (!opts) return [];
                const out: string[] = [];
                const type = str(opts["type"]) ?? "";
                if (!SELINUX_TYPES.has(type)) out.push(`type "${type}"`);
                if ((str(opts["user"]) ?? "") !== "") out.push("user may not be set");
                if ((str(opts["role"]) ?? "") !== "") out.push("role may not be set");
                return out;
            };
            const msgs: string[] = [];
            const podProblems = problems(pod.podSecurityContext?.["seLinuxOptions"]);
            if (podProblems.length > 0) msgs.push(`pod: ${podProblems.join("; ")}`);
            for (const c of pod.containers) {
                const p = problems(sc(c, "seLinuxOptions"));
                if (p.length > 0) msgs.push(`container "${c.name}": ${p.join("; ")}`);
            }
            if (msgs.length > 0) report(`forbidden securityContext.seLinuxOptions: ${msgs.join(", ")}`);
        },
    }),
    workloadPolicy({
        name: "pss-apparmor",
        description: "PSS Baseline: AppArmor must not be Unconfined (appArmorProfile.type RuntimeDefault or Localhost, legacy annotations runtime/default or localhost/*).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const msgs: string[] = [];
            const okType = (t: unknown) => t === undefined || t === null || t === "" || t === "RuntimeDefault" || t === "Localhost";
            if (!okType(at(pod.podSecurityContext, "appArmorProfile", "type"))) {
                msgs.push(`pod sets appArmorProfile.type "${String(at(pod.podSecurityContext, "appArmorProfile", "type"))}"`);
            }
            const names = bad(pod, (c) => !okType(at(c.securityContext, "appArmorProfile", "type")));
            if (names.length > 0) msgs.push(`${containersPhrase(names)} set a forbidden appArmorProfile.type`);
            const ann = obj(pod.podMetadata?.["annotations"]);
            for (const k of ann ? Object.keys(ann) : []) {
                if (!k.startsWith(APPARMOR_ANNOTATION)) continue;
                const v = str(ann?.[k]) ?? "";
                if (!(v === "" || v === "runtime/default" || v.startsWith("localhost/"))) msgs.push(`annotation ${k}="${v}"`);
            }
            if (msgs.length > 0) report(`forbidden AppArmor profile: ${msgs.join(", ")}`);
        },
    }),
    workloadPolicy({
        name: "pss-seccomp-baseline",
        description: "PSS Baseline: the seccomp profile must not be Unconfined (pod and containers).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const setters: string[] = [];
            if (at(pod.podSecurityContext, "seccompProfile", "type") === "Unconfined") setters.push("pod");
            const names = bad(pod, (c) => at(c.securityContext, "seccompProfile", "type") === "Unconfined");
            if (names.length > 0) setters.push(containersPhrase(names));
            if (setters.length > 0) report(`${setters.join(" and ")} must not set securityContext.seccompProfile.type to "Unconfined"`);
        },
    }),
    workloadPolicy({
        name: "pss-sysctls",
        description: "PSS Baseline: only the safe, namespaced sysctls may be set.",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const forbidden = arr(pod.podSecurityContext?.["sysctls"])
                .map((s) => str(at(s, "name")) ?? "")
                .filter((n) => !SAFE_SYSCTLS.has(n));
            if (forbidden.length > 0) report(`forbidden sysctls ${forbidden.map((f) => `"${f}"`).join(", ")}`);
        },
    }),
];

export const restrictedPolicies: Policies = [
    workloadPolicy({
        name: "pss-capabilities-restricted",
        description: "PSS Restricted: containers must drop ALL capabilities and may add back only NET_BIND_SERVICE (Linux pods).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            if (pod.windows) return;
            const notDropping = bad(pod, (c) => !arr(at(c.securityContext, "capabilities", "drop")).some((d) => d === "ALL"));
            const adding = bad(pod, (c) => arr(at(c.securityContext, "capabilities", "add")).some((a) => a !== "NET_BIND_SERVICE"));
            if (notDropping.length > 0) report(`${containersPhrase(notDropping)} must set securityContext.capabilities.drop=["ALL"]`);
            if (adding.length > 0) report(`${containersPhrase(adding)} must not add capabilities other than "NET_BIND_SERVICE"`);
        },
    }),
    workloadPolicy({
        name: "pss-privilege-escalation",
        description: "PSS Restricted: every container must set securityContext.allowPrivilegeEscalation=false (Linux pods).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            if (pod.windows) return;
            const names = bad(pod, (c) => sc(c, "allowPrivilegeEscalation") !== false);
            if (names.length > 0) report(`${containersPhrase(names)} must set securityContext.allowPrivilegeEscalation=false`);
        },
    }),
    workloadPolicy({
        name: "pss-run-as-non-root",
        description: "PSS Restricted: runAsNonRoot=true at pod level or on every container; nothing may set it to false.",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            if (userNamespaced(pod)) return;
            const setters: string[] = [];
            const podLevel = pod.podSecurityContext?.["runAsNonRoot"];
            if (podLevel === false) setters.push("pod");
            const explicit = bad(pod, (c) => sc(c, "runAsNonRoot") === false);
            if (explicit.length > 0) setters.push(containersPhrase(explicit));
            if (setters.length > 0) {
                report(`${setters.join(" and ")} must not set securityContext.runAsNonRoot=false`);
                return;
            }
            if (podLevel === true) return;
            const implicit = bad(pod, (c) => sc(c, "runAsNonRoot") !== true);
            if (implicit.length > 0) report(`pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`);
        },
    }),
    workloadPolicy({
        name: "pss-run-as-non-root-user",
        description: "PSS Restricted: runAsUser must not be 0 (pod or container).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            if (userNamespaced(pod)) return;
            const setters: string[] = [];
            if (pod.podSecurityContext?.["runAsUser"] === 0) setters.push("pod");
            const names = bad(pod, (c) => sc(c, "runAsUser") === 0);
            if (names.length > 0) setters.push(containersPhrase(names));
            if (setters.length > 0) report(`${setters.join(" and ")} must not set runAsUser=0`);
        },
    }),
    workloadPolicy({
        name: "pss-seccomp-restricted",
        description: "PSS Restricted: seccompProfile.type must be RuntimeDefault or Localhost, at pod level or on every container (Linux pods).",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            if (pod.windows) return;
            const ok = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
            const podType = at(pod.podSecurityContext, "seccompProfile", "type");
            const badSetters: string[] = [];
            if (podType !== undefined && podType !== null && !ok(podType)) badSetters.push(`pod (${String(podType)})`);
            const explicit = bad(pod, (c) => {
                const t = at(c.securityContext, "seccompProfile", "type");
                return t !== undefined && t !== null && !ok(t);
            });
            if (explicit.length > 0) badSetters.push(containersPhrase(explicit));
            if (badSetters.length > 0) {
                report(`${badSetters.join(" and ")} must not set securityContext.seccompProfile.type to anything but "RuntimeDefault" or "Localhost"`);
                return;
            }
            if (ok(podType)) return;
            const implicit = bad(pod, (c) => !ok(at(c.securityContext, "seccompProfile", "type")));
            if (implicit.length > 0) report(`pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
        },
    }),
    workloadPolicy({
        name: "pss-proc-mount-restricted",
        // Restricted at policy version 1.35 (check_procMount_restricted.go, ID procMount_restricted, which
        // overrides the Baseline procMount check): only Default, whatever hostUsers says. Kubernetes docs,
        // user-namespaces "Integration with Pod security admission checks": "with the Restricted pod security
        // standard, a pod still must only use the default or empty ProcMount".
        description: "PSS Restricted: containers must use the default /proc mount (securityContext.procMount unset or Default), user-namespaced pods (hostUsers: false) included.",
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const found = nonDefaultProcMounts(pod);
            if (found.names.length > 0) report(`${containersPhrase(found.names)} must not set securityContext.procMount to ${found.values} (only "Default")`);
        },
    }),
    workloadPolicy({
        name: "pss-volume-types",
        description: `PSS Restricted: volumes may only be ${RESTRICTED_VOLUME_SOURCES.join(", ")}.`,
        enforcementLevel: "mandatory",
        url: PSS_URL,
        check: (pod, report) => {
            const offenders: string[] = [];
            for (const v of arr(pod.podSpec["volumes"])) {
                const vol = obj(v);
                if (!vol) continue;
                const sources = Object.keys(vol).filter((k) => k !== "name" && vol[k] !== null && vol[k] !== undefined);
                // A volume without a source is defaulted to emptyDir by the API server (SetDefaults_Volume).
                if (sources.length === 0 || sources.some((s) => RESTRICTED_VOLUME_SOURCES.includes(s))) continue;
                offenders.push(`"${str(vol["name"]) ?? "(unnamed)"}" (${sources.join(", ") || "unknown"})`);
            }
            if (offenders.length > 0) report(`restricted volume types: ${offenders.join(", ")}`);
        },
    }),
];

export const pssPolicies: Policies = [...baselinePolicies, ...restrictedPolicies];
