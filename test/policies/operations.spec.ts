// Workload operations policies: resources, probes, images, read-only root, service accounts, replicas.
import { strict as assert } from "assert";
import { imageTag } from "../../policies/kubernetes/operations";
import { DEPLOYMENT, Json, WORKLOAD_KINDS, check, goodContainer, goodPodSpec, hpa, names, of, pdb, workloadResource } from "./helpers";

const kind = (k: string) => WORKLOAD_KINDS.find((w) => w.kind === k)!;

async function opsViolations(podSpec: Json, k = DEPLOYMENT, opts: Parameters<typeof workloadResource>[2] = {}): Promise<string[]> {
    const vs = await check([workloadResource(k, podSpec, opts), pdb(opts.name ?? "app")]);
    return names(vs).filter((n) => n.startsWith("workload-"));
}

describe("policies: workload operations", () => {
    describe("workload-resources", () => {
        it("cpu and memory requests plus a memory limit pass; no CPU limit needed", async () => {
            assert.deepEqual(await opsViolations(goodPodSpec()), []);
        });
        it("a missing memory limit or request fails, for every kind", async () => {
            for (const k of WORKLOAD_KINDS) {
                const spec = goodPodSpec({ containers: [goodContainer("app", { resources: { requests: { cpu: "1" } } })] });
                const vs = await check([workloadResource(k, spec)]);
                assert.match(of(vs, "workload-resources")[0].message, /"app" \(requests.memory, limits.memory\)/, k.kind);
            }
        });
        it("init containers count; ephemeral containers cannot declare resources and are skipped", async () => {
            const init = goodPodSpec({ initContainers: [goodContainer("init", { resources: undefined })] });
            const vs = await check([workloadResource(DEPLOYMENT, init)]);
            assert.match(of(vs, "workload-resources")[0].message, /"init"/);
            const eph = goodPodSpec({ ephemeralContainers: [goodContainer("dbg", { resources: undefined })] });
            assert.deepEqual(await opsViolations(eph, kind("Pod")), []);
        });
    });

    describe("workload-probes", () => {
        const noProbes = goodPodSpec({ containers: [goodContainer("app", { readinessProbe: undefined, livenessProbe: undefined })] });
        it("long-running kinds need readiness and liveness probes", async () => {
            for (const k of WORKLOAD_KINDS.filter((w) => !["Job", "CronJob"].includes(w.kind))) {
                const vs = await check([workloadResource(k, noProbes)]);
                assert.match(of(vs, "workload-probes")[0].message, /"app" \(readinessProbe, livenessProbe\)/, k.kind);
            }
        });
        it("Jobs, CronJobs and run-to-completion Pods are exempt", async () => {
            assert.deepEqual(await opsViolations(noProbes, kind("Job")), []);
            assert.deepEqual(await opsViolations(noProbes, kind("CronJob")), []);
            assert.deepEqual(await opsViolations({ ...noProbes, restartPolicy: "Never" }, kind("Pod")), []);
        });
        it("init containers are exempt", async () => {
            assert.deepEqual(await opsViolations(goodPodSpec({ initContainers: [goodContainer("init", { readinessProbe: undefined, livenessProbe: undefined })] })), []);
        });
        it("only the missing probe is named", async () => {
            const vs = await check([workloadResource(DEPLOYMENT, goodPodSpec({ containers: [goodContainer("app", { livenessProbe: undefined })] }))]);
            assert.match(of(vs, "workload-probes")[0].message, /"app" \(livenessProbe\)$/);
        });
    });

    describe("workload-image-pinned", () => {
        it("parses tags, digests and registry ports", () => {
            assert.equal(imageTag("nginx"), "");
            assert.equal(imageTag("nginx:1.27"), "1.27");
            assert.equal(imageTag("registry.local:5000/team/app"), "");
            assert.equal(imageTag("registry.local:5000/team/app:2.0"), "2.0");
            assert.equal(imageTag("ghcr.io/x/app@sha256:abcd"), undefined);
        });
        it("latest and untagged images fail, in init and ephemeral containers too; digests pass", async () => {
            const img = (image: string) => goodPodSpec({ initContainers: [goodContainer("init", { image })] });
            assert.deepEqual(await opsViolations(img("ghcr.io/x/app@sha256:0123")), []);
            assert.deepEqual(await opsViolations(img("ghcr.io/x/app:latest")), ["workload-image-pinned"]);
            assert.deepEqual(await opsViolations(img("registry.local:5000/app")), ["workload-image-pinned"]);
            const eph = goodPodSpec({ ephemeralContainers: [goodContainer("dbg", { image: "busybox", resources: undefined, readinessProbe: undefined, livenessProbe: undefined })] });
            assert.deepEqual(await opsViolations(eph, kind("Pod")), ["workload-image-pinned"]);
        });
    });

    describe("workload-read-only-root-fs", () => {
        it("every container, init containers included, sets readOnlyRootFilesystem", async () => {
            const spec = goodPodSpec({ initContainers: [goodContainer("init", { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } })] });
            const vs = await check([workloadResource(DEPLOYMENT, spec)]);
            assert.match(of(vs, "workload-read-only-root-fs")[0].message, /container "init"/);
        });
    });

    describe("workload-service-account", () => {
        it("the default service account fails, named or implied", async () => {
            assert.deepEqual(await opsViolations(goodPodSpec({ serviceAccountName: "default" })), ["workload-service-account"]);
            assert.deepEqual(await opsViolations(goodPodSpec({ serviceAccountName: undefined })), ["workload-service-account"]);
        });
        it("a mounted token needs the annotation; with it the token may mount", async () => {
            const mounted = goodPodSpec({ automountServiceAccountToken: undefined });
            assert.deepEqual(await opsViolations(mounted), ["workload-service-account"]);
            assert.deepEqual(await opsViolations(mounted, DEPLOYMENT, { podMeta: { annotations: { "platform.io/needs-service-account-token": "true" } } }), []);
            assert.deepEqual(await opsViolations({ ...mounted, automountServiceAccountToken: true }, DEPLOYMENT, { meta: { annotations: { "platform.io/needs-service-account-token": "true" } } }), []);
        });
    });

    describe("workload-min-replicas (stack)", () => {
        it("prod floor of 2: one replica or unset replicas fail; 2 pass; DaemonSets and Jobs are not judged", async () => {
            const one = await check([workloadResource(DEPLOYMENT, goodPodSpec(), { replicas: 1 })]);
            assert.match(of(one, "workload-min-replicas")[0].message, /Deployment "app": runs 1 replica\(s\); at least 2 required/);
            const unset = workloadResource(DEPLOYMENT, goodPodSpec());
            delete (unset.inputs["spec"] as Json)["replicas"];
            assert.equal(of(await check([unset]), "workload-min-replicas").length, 1);
            assert.equal(of(await check([workloadResource(kind("DaemonSet"), goodPodSpec()), workloadResource(kind("Job"), goodPodSpec())]), "workload-min-replicas").length, 0);
        });
        it("every scalable kind is judged", async () => {
            for (const k of WORKLOAD_KINDS.filter((w) => ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Rollout"].includes(w.kind))) {
                assert.equal(of(await check([workloadResource(k, goodPodSpec(), { replicas: 1 })]), "workload-min-replicas").length, 1, k.kind);
            }
        });
        it("the minReplicas parameter comes from the stack's config", async () => {
            const vs = await check([workloadResource(DEPLOYMENT, goodPodSpec(), { replicas: 1 })], { "workload-min-replicas": { enforcementLevel: "advisory", minReplicas: 1 } });
            assert.equal(of(vs, "workload-min-replicas").length, 0);
        });
        it("an HPA's minReplicas decides for the workload it scales (same namespace, auto-named targets too)", async () => {
            const w = workloadResource(DEPLOYMENT, goodPodSpec(), { replicas: 1 });
            assert.equal(of(await check([w, hpa("app", { kind: "Deployment", name: "app" }, 3)]), "workload-min-replicas").length, 0);
            const low = await check([w, hpa("app", { kind: "Deployment", name: "app" }, undefined)]);
            assert.match(of(low, "workload-min-replicas")[0].message, /HorizontalPodAutoscaler "app" allows 1 replica/);
            assert.equal(of(await check([w, hpa("app", { kind: "Deployment", name: "app" }, 3, "elsewhere")]), "workload-min-replicas").length, 1);
            const auto = workloadResource(DEPLOYMENT, goodPodSpec(), { replicas: 1, name: "web" });
            delete ((auto.inputs["metadata"] as Json)["name"]);
            assert.equal(of(await check([auto, hpa("web", { kind: "Deployment", name: "web-4f2a9c1" }, 2)]), "workload-min-replicas").length, 0);
        });
    });
});
