import * as assert from "assert";
import { NamespaceArgsError, NamespaceBaseline, namespaceArgProblems } from "../../infra/workloads/namespace";
import { ProgramRun } from "../../tools/offline/run";
import { ofType } from "../helpers";
import { namespaceArgs } from "./fixtures";
import { at, object, render } from "./render";

const NS = "kubernetes:core/v1:Namespace";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

describe("workloads: NamespaceBaseline", () => {
    let run: ProgramRun;
    let pinned: ProgramRun;
    before(async () => {
        run = await render(() => void new NamespaceBaseline("team", namespaceArgs()));
        pinned = await render(() => void new NamespaceBaseline("team", { ...namespaceArgs(), podSecurityVersion: "1.35", monitoring: false, labels: { "platform.io/team": "a" } }));
    });

    it("enforces, audits and warns the restricted Pod Security profile", () => {
        const labels = at(object(run, NS, "team").i, "metadata.labels") as Record<string, string>;
        assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.strictEqual(labels["pod-security.kubernetes.io/enforce-version"], "latest");
        assert.strictEqual(labels["pod-security.kubernetes.io/audit"], "restricted");
        assert.strictEqual(labels["pod-security.kubernetes.io/warn"], "restricted");
        assert.strictEqual(labels["pod-security.kubernetes.io/warn-version"], "latest");
    });

    it("pins enforce-version to the cluster version when given one", () => {
        const labels = at(object(pinned, NS, "team").i, "metadata.labels") as Record<string, string>;
        assert.strictEqual(labels["pod-security.kubernetes.io/enforce-version"], "v1.35");
        assert.strictEqual(labels["pod-security.kubernetes.io/audit-version"], "latest");
        assert.strictEqual(labels["platform.io/team"], "a");
    });

    it("carries the readiness-gate label from the ingress contract and the monitoring label", () => {
        const labels = at(object(run, NS, "team").i, "metadata.labels") as Record<string, string>;
        assert.strictEqual(labels["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled");
        assert.strictEqual(labels["platform.io/monitoring"], "enabled");
        const off = at(object(pinned, NS, "team").i, "metadata.labels") as Record<string, string>;
        assert.strictEqual(off["platform.io/monitoring"], undefined);
    });

    it("declares the ResourceQuota from the args", () => {
        const q = object(run, "kubernetes:core/v1:ResourceQuota").i;
        assert.strictEqual(at(q, "metadata.namespace"), "team");
        assert.deepStrictEqual(at(q, "spec.hard"), { "requests.cpu": "8", "requests.memory": "16Gi", "limits.memory": "32Gi", pods: "100" });
    });

    it("declares a LimitRange with default requests and a memory-only default limit", () => {
        const l = object(run, "kubernetes:core/v1:LimitRange").i;
        assert.deepStrictEqual(at(l, "spec.limits"), [
            { type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { memory: "512Mi" }, max: { memory: "4Gi" } },
        ]);
    });

    it("denies all ingress and egress by default", () => {
        const deny = object(run, NETPOL, "default-deny-all").i;
        assert.strictEqual(at(deny, "metadata.namespace"), "team");
        assert.deepStrictEqual(at(deny, "spec"), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    });

    it("allows DNS to kube-dns in kube-system on UDP and TCP 53", () => {
        const dns = object(run, NETPOL, "allow-dns").i;
        assert.deepStrictEqual(at(dns, "spec"), {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
                },
            ],
        });
    });

    it("declares the namespaced objects after the namespace and inside the component", () => {
        const ns = ofType(run, NS)[0];
        const component = ofType(run, "platform:workloads:NamespaceBaseline")[0];
        for (const t of ["kubernetes:core/v1:ResourceQuota", "kubernetes:core/v1:LimitRange", NETPOL]) {
            for (const r of ofType(run, t)) {
                assert.ok(r.dependencies.includes(ns.urn), `${r.name} depends on the namespace`);
                assert.strictEqual(r.parent, component.urn);
            }
        }
    });

    it("rejects bad arguments naming the argument, the expectation and the value", () => {
        const problems = namespaceArgProblems({
            ...namespaceArgs(),
            name: "Team_A",
            podSecurityVersion: "latest",
            quota: { "requests.cpu": "lots", "limits.cpu": "4" },
            limits: { defaultRequest: { cpu: "100m", memory: "1Gi" }, defaultMemoryLimit: "512Mi" },
        });
        assert.deepStrictEqual(problems, [
            'name: expected a DNS-1123 label (lower-case alphanumerics and "-", at most 63 characters), found "Team_A"',
            'podSecurityVersion: expected a Kubernetes minor version like "1.35", found "latest"',
            'quota.requests.cpu: expected a Kubernetes quantity, found "lots"',
            'quota.limits.cpu: expected no CPU-limit quota (the LimitRange sets no default CPU limit, so every pod without one would be rejected), found "4"',
            "limits.defaultMemoryLimit: expected at least the default memory request (1Gi), found 512Mi",
        ]);
        assert.throws(() => new NamespaceBaseline("bad", { ...namespaceArgs(), name: "Bad" }), (e: Error) => e instanceof NamespaceArgsError && /NamespaceBaseline "bad"/.test(e.message));
    });
});
