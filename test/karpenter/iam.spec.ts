// The controller policy against the official CloudFormation template (v1.14.1), statement by statement,
// both as a pure document and as the inline policy the program actually attaches; plus the node role,
// its access entry and the controller's Pod Identity association.
import { strict as assert } from "assert";
import { plainValue } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { ACCOUNT_ID } from "../../tools/offline/mocks";
import { Statement } from "../../infra/lib/iamDocuments";
import { NODE_ROLE_MANAGED_POLICIES, controllerPolicy, interruptionQueuePolicy } from "../../infra/karpenter/iam";
import { INLINE_POLICY_LIMIT, KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT } from "../../infra/karpenter";
import { inputs, one, ofType, planStack } from "../helpers";
import { CloudFormationVariables, cloudFormationStatements } from "./fixtures/cloudformation";

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? [...v] : [v]);
const sorted = (v: unknown): string[] => asList(v).map(String).sort();

/** Condition blocks with single values and one-element lists treated alike (IAM reads them the same). */
function normalizeCondition(c: unknown): Record<string, Record<string, string[]>> {
    const out: Record<string, Record<string, string[]>> = {};
    for (const [op, block] of Object.entries((c ?? {}) as Record<string, Record<string, unknown>>)) {
        out[op] = {};
        for (const [key, value] of Object.entries(block)) out[op][key] = sorted(value);
    }
    return out;
}

/** Compares every official statement with ours (same Sid), and that we grant nothing else. */
function assertMatchesOfficial(ours: Record<string, unknown>[], vars: CloudFormationVariables): void {
    const official = Object.values(cloudFormationStatements(vars)).flat();
    assert.equal(official.length, 18, "the v1.14.1 template has 18 controller statements");
    assert.deepEqual(ours.map((s) => s["Sid"]).sort(), official.map((s) => s["Sid"]).sort(), "same statements (Sids)");
    for (const expected of official) {
        const sid = String(expected["Sid"]);
        const actual = ours.find((s) => s["Sid"] === sid);
        assert.ok(actual, `statement ${sid} missing`);
        assert.equal(actual["Effect"], expected["Effect"], `${sid}: Effect`);
        assert.deepEqual(sorted(actual["Action"]), sorted(expected["Action"]), `${sid}: actions`);
        assert.deepEqual(sorted(actual["Resource"]), sorted(expected["Resource"]), `${sid}: resources`);
        assert.deepEqual(normalizeCondition(actual["Condition"]), normalizeCondition(expected["Condition"]), `${sid}: conditions`);
        assert.equal(actual["NotAction"], undefined, `${sid}: no NotAction`);
        assert.equal(actual["NotResource"], undefined, `${sid}: no NotResource`);
    }
}

const PURE_VARS: CloudFormationVariables = {
    partition: "aws-cn",
    region: "cn-north-1",
    accountId: "210987654321",
    clusterName: "shop-prod",
    nodeRoleArn: "arn:aws-cn:iam::210987654321:role/shop-prod-nodes",
    queueArn: "arn:aws-cn:sqs:cn-north-1:210987654321:shop-prod-karpenter",
};

describe("karpenter: controller IAM policy (iam.ts)", () => {
    const doc = controllerPolicy({
        partition: PURE_VARS.partition,
        region: PURE_VARS.region,
        accountId: PURE_VARS.accountId,
        clusterName: PURE_VARS.clusterName,
        clusterArn: `arn:aws-cn:eks:cn-north-1:210987654321:cluster/shop-prod`,
        interruptionQueueArn: PURE_VARS.queueArn,
        nodeRoleArn: PURE_VARS.nodeRoleArn,
    });

    it("matches the official CloudFormation statements one by one (another partition, to catch hard-coded values)", () => {
        assertMatchesOfficial(doc.Statement as unknown as Record<string, unknown>[], PURE_VARS);
    });

    it("scopes launches to cluster-owned, nodepool-tagged resources with the cluster name inside the condition key", () => {
        const s = doc.Statement.find((x) => x.Sid === "AllowScopedEC2InstanceActionsWithTags") as Statement;
        assert.deepEqual(s.Condition?.["StringEquals"], {
            "aws:RequestTag/kubernetes.io/cluster/shop-prod": "owned",
            "aws:RequestTag/eks:eks-cluster-name": "shop-prod",
        });
        assert.deepEqual(s.Condition?.["StringLike"], { "aws:RequestTag/karpenter.sh/nodepool": "*" });
    });

    it("passes only the node role, only to EC2", () => {
        const s = doc.Statement.find((x) => x.Sid === "AllowPassingInstanceRole") as Statement;
        assert.equal(s.Resource, PURE_VARS.nodeRoleArn);
        assert.deepEqual(s.Condition, { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } });
    });

    it("fits IAM's inline policy size limit", () => {
        assert.ok(JSON.stringify(doc).length < INLINE_POLICY_LIMIT, `${JSON.stringify(doc).length} characters`);
    });

    it("the comparison fails when a statement drifts (the test can fail)", () => {
        const drifted = doc.Statement.map((s) => (s.Sid === "AllowScopedDeletion" ? { ...s, Condition: { StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } } } : s));
        assert.throws(() => assertMatchesOfficial(drifted as unknown as Record<string, unknown>[], PURE_VARS), /AllowScopedDeletion: conditions/);
        const extra = [...doc.Statement, { Sid: "AllowEverything", Effect: "Allow", Action: "*", Resource: "*" }];
        assert.throws(() => assertMatchesOfficial(extra as unknown as Record<string, unknown>[], PURE_VARS), /same statements/);
    });
});

function outputsOf(run: ProgramRun): Record<string, unknown> {
    return plainValue(run.outputs) as Record<string, unknown>;
}

for (const stack of ["dev", "prod"] as const) {
    describe(`karpenter: IAM as deployed (${stack})`, () => {
        let run: ProgramRun;
        before(async () => {
            run = await planStack(stack);
        });

        it("attaches exactly the official statements to the controller role, with this stack's values", () => {
            const out = outputsOf(run);
            const clusterName = `platform-${stack}`;
            const policy = one(run, "aws:iam/rolePolicy:RolePolicy", "karpenter-controller");
            const doc = JSON.parse(String(inputs(policy)["policy"])) as { Statement: Record<string, unknown>[] };
            assertMatchesOfficial(doc.Statement, {
                partition: "aws",
                region: "eu-west-1",
                accountId: ACCOUNT_ID,
                clusterName,
                nodeRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/${String(out["karpenterNodeRoleName"])}`,
                queueArn: `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:${String(out["karpenterInterruptionQueueName"])}`,
            });
        });

        it("binds the controller role to kube-system/karpenter through Pod Identity", () => {
            const assoc = inputs(one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "karpenter-controller"));
            assert.equal(assoc["namespace"], "kube-system");
            assert.equal(assoc["serviceAccount"], "karpenter");
            assert.equal(assoc["clusterName"], `platform-${stack}`);
            assert.equal(KARPENTER_NAMESPACE, "kube-system");
            const role = inputs(one(run, "aws:iam/role:Role", "karpenter-controller"));
            const trust = JSON.parse(String(role["assumeRolePolicy"])) as { Statement: Statement[] };
            assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
            assert.deepEqual(trust.Statement[0].Action, ["sts:AssumeRole", "sts:TagSession"]);
            // The chart's service account is the one the association names.
            const values = inputs(one(run, "kubernetes:helm.sh/v3:Release", "karpenter"))["values"] as Record<string, Record<string, unknown>>;
            assert.deepEqual(values["serviceAccount"], { create: true, name: KARPENTER_SERVICE_ACCOUNT });
            assert.equal(assoc["serviceAccount"], values["serviceAccount"]["name"]);
        });

        it("gives the node role an EC2 trust and exactly the four managed policies", () => {
            const role = inputs(one(run, "aws:iam/role:Role", "karpenter-node"));
            const trust = JSON.parse(String(role["assumeRolePolicy"])) as { Statement: Statement[] };
            assert.equal(trust.Statement.length, 1);
            assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
            assert.equal(trust.Statement[0].Action, "sts:AssumeRole");
            const attached = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.name.startsWith("karpenter-node-"))
                .map((a) => String(inputs(a)["policyArn"]))
                .sort();
            assert.deepEqual(attached, NODE_ROLE_MANAGED_POLICIES.map((p) => `arn:aws:iam::aws:policy/${p}`).sort());
            assert.deepEqual([...NODE_ROLE_MANAGED_POLICIES].sort(), [
                "AmazonEC2ContainerRegistryPullOnly",
                "AmazonEKSWorkerNodePolicy",
                "AmazonEKS_CNI_Policy",
                "AmazonSSMManagedInstanceCore",
            ]);
        });

        it("registers the node role with an EC2_LINUX access entry", () => {
            const entry = inputs(one(run, "aws:eks/accessEntry:AccessEntry", "karpenter-node"));
            assert.equal(entry["type"], "EC2_LINUX");
            assert.equal(entry["clusterName"], `platform-${stack}`);
            assert.equal(entry["principalArn"], `arn:aws:iam::${ACCOUNT_ID}:role/${String(outputsOf(run)["karpenterNodeRoleName"])}`);
            assert.equal(entry["kubernetesGroups"], undefined, "EC2_LINUX entries get their groups from EKS");
        });

        it("does not create the spot service-linked role unless asked", () => {
            assert.equal(ofType(run, "aws:iam/serviceLinkedRole:ServiceLinkedRole").length, 0);
        });
    });
}

describe("karpenter: spot service-linked role toggle", () => {
    it("creates AWSServiceRoleForEC2Spot (retained on delete) when createSpotServiceLinkedRole is on", async () => {
        const run = await planStack("dev", { "platform:karpenter": { createSpotServiceLinkedRole: true } });
        const slr = one(run, "aws:iam/serviceLinkedRole:ServiceLinkedRole", "karpenter-spot");
        assert.equal(inputs(slr)["awsServiceName"], "spot.amazonaws.com");
        assert.equal(slr.retainOnDelete, true);
        const release = one(run, "kubernetes:helm.sh/v3:Release", "karpenter");
        assert.ok(release.dependencies.includes(slr.urn), "the controller waits for the role");
    });
});

describe("karpenter: interruption queue policy document", () => {
    const doc = interruptionQueuePolicy("arn:aws:sqs:eu-west-1:123456789012:q");
    it("lets EventBridge and SQS send, as the template's KarpenterInterruptionQueuePolicy", () => {
        const allow = doc.Statement.find((s) => s.Effect === "Allow") as Statement;
        assert.deepEqual(allow.Principal, { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] });
        assert.equal(allow.Action, "sqs:SendMessage");
        assert.equal(allow.Resource, "arn:aws:sqs:eu-west-1:123456789012:q");
        assert.equal(allow.Condition, undefined);
    });
    it("denies every action over plain HTTP", () => {
        const deny = doc.Statement.find((s) => s.Sid === "DenyHTTP") as Statement;
        assert.equal(deny.Effect, "Deny");
        assert.equal(deny.Principal, "*");
        assert.equal(deny.Action, "sqs:*");
        assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": false } });
        assert.equal(doc.Id, "EC2InterruptionPolicy");
        assert.equal(doc.Statement.length, 2);
    });
});
