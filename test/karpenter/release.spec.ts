// The charts (pinned, values keys from charts/karpenter/values.yaml @ v1.14.1) and the order Pulumi
// creates things in: the controller after everything it needs, the custom resources after their CRDs.
import { strict as assert } from "assert";
import { RecordedResource } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { charts } from "../../infra/lib/charts";
import { SYSTEM_NODE_TOLERATION } from "../../infra/lib/placement";
import { inputs, one, planStack } from "../helpers";

function assertDependsOn(r: RecordedResource, on: RecordedResource, what: string): void {
    assert.ok(r.dependencies.includes(on.urn), `${r.name} should depend on ${what} (${on.urn})`);
}

for (const stack of ["dev", "prod"] as const) {
    describe(`karpenter: charts and ordering (${stack})`, () => {
        let run: ProgramRun;
        let release: RecordedResource;
        let crd: RecordedResource;
        before(async () => {
            run = await planStack(stack);
            release = one(run, "kubernetes:helm.sh/v3:Release", "karpenter");
            crd = one(run, "kubernetes:helm.sh/v3:Release", "karpenter-crd");
        });

        it("installs karpenter-crd and karpenter 1.14.1 from public ECR into kube-system", () => {
            const c = inputs(crd);
            assert.equal(c["chart"], "oci://public.ecr.aws/karpenter/karpenter-crd");
            assert.equal(c["version"], "1.14.1");
            assert.equal(c["namespace"], "kube-system");
            const r = inputs(release);
            assert.equal(r["chart"], "oci://public.ecr.aws/karpenter/karpenter");
            assert.equal(r["version"], "1.14.1");
            assert.equal(r["namespace"], "kube-system");
            assert.equal(r["name"], "karpenter");
            assert.equal(r["skipCrds"], true, "the CRD chart owns the CRDs");
            assert.equal(r["repositoryOpts"], undefined);
            assert.equal(charts.karpenter.version, charts.karpenterCrd.version);
        });

        it("sets the values a working install needs", () => {
            const v = inputs(release)["values"] as Record<string, Record<string, unknown>>;
            assert.deepEqual(v["settings"], {
                clusterName: `platform-${stack}`,
                interruptionQueue: `platform-${stack}-karpenter`,
                featureGates: { spotToSpotConsolidation: true },
            });
            assert.equal(v["replicas"], 2);
            assert.deepEqual(v["topologySpreadConstraints"], [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }]);
            assert.deepEqual(v["tolerations"], [SYSTEM_NODE_TOLERATION]);
            assert.deepEqual(v["nodeSelector"], { "kubernetes.io/os": "linux", "platform.io/node-pool": "system" });
            assert.deepEqual(v["controller"], { resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } } });
            assert.deepEqual(Object.keys(v).sort(), ["controller", "nodeSelector", "replicas", "serviceAccount", "settings", "tolerations", "topologySpreadConstraints"]);
        });

        it("creates the controller release after the queue, roles, access entry, association, node group and CRDs", () => {
            const prerequisites: [string, string][] = [
                ["aws:sqs/queue:Queue", "karpenter-interruption"],
                ["aws:sqs/queuePolicy:QueuePolicy", "karpenter-interruption"],
                ["aws:iam/role:Role", "karpenter-controller"],
                ["aws:iam/rolePolicy:RolePolicy", "karpenter-controller"],
                ["aws:iam/role:Role", "karpenter-node"],
                ["aws:eks/accessEntry:AccessEntry", "karpenter-node"],
                ["aws:eks/podIdentityAssociation:PodIdentityAssociation", "karpenter-controller"],
                ["aws:eks/nodeGroup:NodeGroup", "cluster-system"],
                ["kubernetes:helm.sh/v3:Release", "karpenter-crd"],
            ];
            for (const [type, name] of prerequisites) assertDependsOn(release, one(run, type, name), `${type} ${name}`);
            assertDependsOn(crd, one(run, "aws:eks/nodeGroup:NodeGroup", "cluster-system"), "the system node group");
        });

        it("creates the EC2NodeClass and NodePool after the CRD release and the controller", () => {
            const nodeClass = one(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-node-class");
            const nodePool = one(run, "kubernetes:karpenter.sh/v1:NodePool", "karpenter-node-pool");
            for (const cr of [nodeClass, nodePool]) {
                assertDependsOn(cr, crd, "the CRD release");
                assertDependsOn(cr, release, "the controller release");
            }
            assertDependsOn(nodePool, nodeClass, "its EC2NodeClass");
            assertDependsOn(nodeClass, one(run, "aws:eks/accessEntry:AccessEntry", "karpenter-node"), "the node access entry");
        });

        it("the dependency check can fail", () => {
            assert.throws(() => assertDependsOn(crd, release, "the controller"), /should depend on/);
        });
    });
}
