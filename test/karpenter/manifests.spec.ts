// The default NodePool and EC2NodeClass per stack, validated two ways: structurally with
// @kubernetes-models/karpenter@2.0.0 (generated from Karpenter 1.12 Go types: no CEL, some patterns missing)
// and with crdRules.ts, the v1.14.1 CRD rules this layer relies on (pkg/apis/crds/karpenter.sh_nodepools.yaml,
// karpenter.k8s.aws_ec2nodeclasses.yaml @ v1.14.1).
import { strict as assert } from "assert";
import type { INodePoolSpec } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePoolSpec";
import type { IEC2NodeClassSpec } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClassSpec";
import { plainValue } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { KarpenterSettings } from "../../infra/karpenter/config";
import { CRD_PATTERNS, ec2NodeClassProblems, nodePoolProblems } from "../../infra/karpenter/crdRules";
import { ec2NodeClassSpec, nodePoolSpec } from "../../infra/karpenter/manifests";
import { inputs, one, planStack, rejection } from "../helpers";

/** Model.validate() lives in @kubernetes-models/base, whose types moduleResolution "node" cannot reach (exports-only package). */
interface Validatable {
    validate(): void;
}

// The package is ESM-only (exports with "import" conditions only): load it with a dynamic import.
async function packageValidate(kind: "NodePool" | "EC2NodeClass", spec: object): Promise<void> {
    if (kind === "NodePool") {
        const { NodePool } = await import("@kubernetes-models/karpenter/karpenter.sh/v1/NodePool");
        (new NodePool({ metadata: { name: "default" }, spec: spec as INodePoolSpec }) as unknown as Validatable).validate();
    } else {
        const { EC2NodeClass } = await import("@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass");
        (new EC2NodeClass({ metadata: { name: "default" }, spec: spec as IEC2NodeClassSpec }) as unknown as Validatable).validate();
    }
}

const EXPECTED = {
    dev: { cpu: "64", memory: "256Gi", budget: "20%", window: ["0 8 * * mon-fri", "10h"], alias: "al2023@latest", maxCpu: "17", consolidateAfter: "30s", expireAfter: "168h", volume: "50Gi" },
    prod: { cpu: "512", memory: "2048Gi", budget: "10%", window: ["0 7 * * mon-fri", "12h"], alias: "al2023@v20260714", maxCpu: "33", consolidateAfter: "5m", expireAfter: "336h", volume: "100Gi" },
} as const;

for (const stack of ["dev", "prod"] as const) {
    describe(`karpenter: NodePool and EC2NodeClass (${stack})`, () => {
        let run: ProgramRun;
        let pool: Record<string, unknown>;
        let poolSpec: INodePoolSpec;
        let classSpec: IEC2NodeClassSpec;
        const want = EXPECTED[stack];
        before(async () => {
            run = await planStack(stack);
            pool = inputs(one(run, "kubernetes:karpenter.sh/v1:NodePool", "karpenter-node-pool"));
            poolSpec = pool["spec"] as INodePoolSpec;
            classSpec = inputs(one(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-node-class"))["spec"] as IEC2NodeClassSpec;
        });

        it("declares karpenter.sh/v1 NodePool 'default' referring to the EC2NodeClass", () => {
            assert.equal(pool["apiVersion"], "karpenter.sh/v1");
            assert.equal(pool["kind"], "NodePool");
            assert.deepEqual(pool["metadata"], { name: "default" });
            assert.deepEqual(poolSpec.template.spec.nodeClassRef, { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" });
        });

        it("allows spot and on-demand (spot preferred), both architectures, c/m/r of recent generations, capped size", () => {
            assert.deepEqual(poolSpec.template.spec.requirements, [
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
                { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
                { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
                { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
                { key: "karpenter.k8s.aws/instance-cpu", operator: "Lt", values: [want.maxCpu] },
            ]);
            assert.equal(poolSpec.template.spec.expireAfter, want.expireAfter);
        });

        it("consolidates empty or underutilized nodes within the stack's budgets", () => {
            assert.deepEqual(poolSpec.disruption, {
                consolidationPolicy: "WhenEmptyOrUnderutilized",
                consolidateAfter: want.consolidateAfter,
                budgets: [
                    { nodes: want.budget },
                    { nodes: "0", reasons: ["Underutilized"], schedule: want.window[0], duration: want.window[1] },
                ],
            });
        });

        it("limits the pool's total cpu and memory", () => {
            assert.deepEqual(poolSpec.limits, { cpu: want.cpu, memory: want.memory });
        });

        it("declares the EC2NodeClass: node role by name, AMI alias, IMDSv2, encrypted gp3 root, cost tags", () => {
            const nc = inputs(one(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-node-class"));
            assert.equal(nc["apiVersion"], "karpenter.k8s.aws/v1");
            assert.deepEqual(nc["metadata"], { name: "default" });
            const outputs = (plainValue(run.outputs) as Record<string, unknown>);
            assert.equal(classSpec.role, outputs["karpenterNodeRoleName"]);
            assert.doesNotMatch(String(classSpec.role), /^arn:/);
            assert.equal(classSpec.instanceProfile, undefined);
            assert.deepEqual(classSpec.amiSelectorTerms, [{ alias: want.alias }]);
            assert.deepEqual(classSpec.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
            assert.deepEqual(classSpec.blockDeviceMappings, [
                { deviceName: "/dev/xvda", rootVolume: true, ebs: { volumeSize: want.volume, volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
            ]);
            assert.deepEqual(classSpec.tags, {
                "cost-center": "platform",
                owner: "platform-team",
                "platform:project": "platform",
                "platform:stack": stack,
                "platform:environment": stack,
                "platform:managed-by": "pulumi",
            });
        });

        it("passes @kubernetes-models/karpenter structural validation", async () => {
            await packageValidate("NodePool", poolSpec);
            await packageValidate("EC2NodeClass", classSpec);
        });

        it("passes the v1.14.1 CRD rules (patterns and CEL) the package does not check", () => {
            assert.deepEqual(nodePoolProblems(poolSpec), []);
            assert.deepEqual(ec2NodeClassProblems(classSpec), []);
        });
    });
}

describe("karpenter: v1.14.1 CRD rules (crdRules.ts) catch what the API server would reject", () => {
    const settings = ENVIRONMENT_DEFAULTS.prod["karpenter"] as KarpenterSettings;
    const pool = () => nodePoolSpec(settings);
    const nodeClass = () => ec2NodeClassSpec<string>({ role: "r", discoveryValue: "c", amiAlias: "al2023@v20260714", rootVolumeGiB: 100, tags: {} });

    it("budget nodes pattern ^((100|[0-9]{1,2})%|[0-9]+)$ (package agrees)", async () => {
        const p = pool();
        p.disruption!.budgets![0].nodes = "101%";
        assert.match(nodePoolProblems(p).join(), /budgets\[0\]\.nodes/);
        await assert.rejects(packageValidate("NodePool", p), /nodes/);
        p.disruption!.budgets![0].nodes = "10";
        assert.deepEqual(nodePoolProblems(p), []);
    });

    it("budget duration is hours/minutes only (the package accepts 30s; the CRD does not)", async () => {
        const p = pool();
        p.disruption!.budgets![1].duration = "30s";
        assert.match(nodePoolProblems(p).join(), /budgets\[1\]\.duration/);
        await packageValidate("NodePool", p); // the 1.12-generated package misses this pattern
        assert.ok(CRD_PATTERNS.budgetDuration.test("8h30m"));
        assert.ok(!CRD_PATTERNS.budgetDuration.test("1d"));
    });

    it("schedule must come with duration (CEL only)", async () => {
        const p = pool();
        delete p.disruption!.budgets![1].duration;
        assert.match(nodePoolProblems(p).join(), /'schedule' must be set with 'duration'/);
        await packageValidate("NodePool", p);
    });

    it("consolidateAfter and expireAfter patterns", () => {
        const p = pool();
        p.disruption!.consolidateAfter = "1d";
        p.template.spec.expireAfter = "30d";
        const problems = nodePoolProblems(p).join("\n");
        assert.match(problems, /consolidateAfter/);
        assert.match(problems, /expireAfter/);
        assert.ok(CRD_PATTERNS.nodePoolDuration.test("Never"));
    });

    it("requirement keys: restricted karpenter.sh labels and bad patterns (package accepts both)", async () => {
        const p = pool();
        p.template.spec.requirements.push({ key: "karpenter.sh/nodepool", operator: "Exists" }, { key: "foo bar", operator: "Exists" });
        const problems = nodePoolProblems(p).join("\n");
        assert.match(problems, /label domain "karpenter.sh" is restricted/);
        assert.match(problems, /"foo bar" does not match/);
        await packageValidate("NodePool", p);
    });

    it("Gt/Lt need one non-negative integer", () => {
        const p = pool();
        p.template.spec.requirements[4].values = ["six"];
        assert.match(nodePoolProblems(p).join(), /single positive integer/);
    });

    it("alias format and family are CEL rules the package does not evaluate", async () => {
        for (const alias of ["al2023", "ubuntu@v1", "windows2022@v1"]) {
            const c = nodeClass();
            c.amiSelectorTerms = [{ alias }];
            assert.notDeepEqual(ec2NodeClassProblems(c), [], alias);
            await packageValidate("EC2NodeClass", c);
        }
        assert.deepEqual(ec2NodeClassProblems(nodeClass()), []);
    });

    it("restricted tags, role XOR instanceProfile and empty selector terms", () => {
        const c: IEC2NodeClassSpec = { ...nodeClass(), instanceProfile: "p", tags: { "kubernetes.io/cluster/x": "owned" }, subnetSelectorTerms: [] };
        const problems = ec2NodeClassProblems(c).join("\n");
        assert.match(problems, /exactly one of \['role', 'instanceProfile'\]/);
        assert.match(problems, /restricted tag matching kubernetes.io\/cluster\//);
        assert.match(problems, /subnetSelectorTerms cannot be empty/);
    });

    it("refuses restricted tag keys from platform:tags with a message naming the key", async () => {
        const message = await rejection(planStack("dev", { "platform:tags": { "karpenter.sh/nodepool": "x" } }));
        assert.match(message, /platform:tags: the EC2NodeClass cannot carry the tag "karpenter.sh\/nodepool"/);
    });
});
