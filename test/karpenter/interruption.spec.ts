// Interruption handling end to end: the queue, its policy, the five EventBridge rules and their targets,
// and the chart reading the same queue by name. Plus the discovery tags Karpenter selects by.
import { strict as assert } from "assert";
import { plainValue } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { ACCOUNT_ID } from "../../tools/offline/mocks";
import { QUEUE_TARGET_ID, interruptionQueueName } from "../../infra/karpenter";
import { DISCOVERY_TAG } from "../../infra/karpenter/manifests";
import { inputs, one, ofType, planStack } from "../helpers";

/** The EventBridge patterns of cloudformation.yaml @ v1.14.1 (ScheduledChangeRule ... CapacityReservationInterruptionRule). */
const OFFICIAL_RULES = [
    { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
    { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
    { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
    { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
    { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
];

for (const stack of ["dev", "prod"] as const) {
    describe(`karpenter: interruption handling (${stack})`, () => {
        let run: ProgramRun;
        const clusterName = `platform-${stack}`;
        before(async () => {
            run = await planStack(stack);
        });

        it("creates the queue with 300 s retention and SQS-managed encryption", () => {
            const q = inputs(one(run, "aws:sqs/queue:Queue", "karpenter-interruption"));
            assert.equal(q["name"], interruptionQueueName(clusterName));
            assert.equal(q["name"], `${clusterName}-karpenter`);
            assert.equal(q["messageRetentionSeconds"], 300);
            assert.equal(q["sqsManagedSseEnabled"], true);
        });

        it("passes the queue NAME (not the ARN or URL) to the chart, the same value the queue was created with", () => {
            const q = inputs(one(run, "aws:sqs/queue:Queue", "karpenter-interruption"));
            const values = inputs(one(run, "kubernetes:helm.sh/v3:Release", "karpenter"))["values"] as { settings: Record<string, unknown> };
            assert.equal(values.settings["interruptionQueue"], q["name"]);
            assert.doesNotMatch(String(values.settings["interruptionQueue"]), /^(arn:|https:)/);
            assert.equal(values.settings["clusterName"], clusterName);
            const outputs = plainValue(run.outputs) as Record<string, unknown>;
            assert.equal(outputs["karpenterInterruptionQueueName"], q["name"]);
        });

        it("attaches the queue policy (EventBridge may send, no plain HTTP) to this queue", () => {
            const policy = inputs(one(run, "aws:sqs/queuePolicy:QueuePolicy", "karpenter-interruption"));
            assert.equal(policy["queueUrl"], `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT_ID}/${clusterName}-karpenter`);
            const doc = JSON.parse(String(policy["policy"])) as { Statement: { Sid: string; Effect: string; Resource: string; Principal: unknown }[] };
            const queueArn = `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:${clusterName}-karpenter`;
            assert.deepEqual(doc.Statement.map((s) => [s.Effect, s.Resource]), [["Allow", queueArn], ["Deny", queueArn]]);
            assert.deepEqual(doc.Statement[0].Principal, { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] });
        });

        it("declares exactly the five official EventBridge rules, detail-types spelt as AWS emits them", () => {
            const patterns = ofType(run, "aws:cloudwatch/eventRule:EventRule")
                .filter((r) => r.name.startsWith("karpenter-"))
                .map((r) => JSON.parse(String(inputs(r)["eventPattern"])) as Record<string, string[]>);
            const key = (p: Record<string, string[]>) => JSON.stringify([p["source"], p["detail-type"]]);
            assert.deepEqual(patterns.map(key).sort(), OFFICIAL_RULES.map(key).sort());
            for (const p of patterns) assert.deepEqual(Object.keys(p).sort(), ["detail-type", "source"], "no extra filters");
        });

        it("targets every rule at the queue", () => {
            const rules = ofType(run, "aws:cloudwatch/eventRule:EventRule").filter((r) => r.name.startsWith("karpenter-"));
            const targets = ofType(run, "aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.name.startsWith("karpenter-"));
            assert.equal(targets.length, 5);
            const queueArn = `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:${clusterName}-karpenter`;
            for (const rule of rules) {
                const target = targets.find((t) => t.name === rule.name);
                assert.ok(target, `no target for ${rule.name}`);
                const t = inputs(target);
                assert.equal(t["arn"], queueArn);
                assert.equal(t["targetId"], QUEUE_TARGET_ID);
                assert.ok(target.propertyDependencies["rule"]?.includes(rule.urn), `${target.name} targets its own rule`);
            }
        });

        it("tags the private subnets (and no other subnet) for discovery", () => {
            const subnets = ofType(run, "aws:ec2/subnet:Subnet");
            const tagged = subnets.filter((s) => (inputs(s)["tags"] as Record<string, string>)[DISCOVERY_TAG] !== undefined);
            assert.deepEqual(tagged.map((s) => s.name).sort(), subnets.filter((s) => /-private-\d$/.test(s.name)).map((s) => s.name).sort());
            assert.equal(tagged.length, stack === "dev" ? 2 : 3);
            for (const s of tagged) assert.equal((inputs(s)["tags"] as Record<string, string>)[DISCOVERY_TAG], clusterName);
        });

        it("tags exactly one security group for discovery: the EKS cluster security group", () => {
            const tagResources = ofType(run, "aws:ec2/tag:Tag").filter((t) => inputs(t)["key"] === DISCOVERY_TAG);
            assert.equal(tagResources.length, 1);
            const tag = inputs(tagResources[0]);
            assert.equal(tag["value"], clusterName);
            const clusterSg = (plainValue(run.outputs) as Record<string, unknown>)["clusterSecurityGroupId"];
            assert.equal(tag["resourceId"], clusterSg);
            // No security group (or anything else besides the private subnets) carries the tag in its own tags.
            const others = run.resources.filter((r) => {
                const tags = inputs(r)["tags"];
                return r.type !== "aws:ec2/subnet:Subnet" && tags !== null && typeof tags === "object" && DISCOVERY_TAG in (tags as object);
            });
            assert.deepEqual(others.map((r) => `${r.type} ${r.name}`), []);
        });

        it("selects nodes' subnets and security group by that same tag in the EC2NodeClass", () => {
            const spec = inputs(one(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-node-class"))["spec"] as Record<string, unknown>;
            assert.deepEqual(spec["subnetSelectorTerms"], [{ tags: { [DISCOVERY_TAG]: clusterName } }]);
            assert.deepEqual(spec["securityGroupSelectorTerms"], [{ tags: { [DISCOVERY_TAG]: clusterName } }]);
        });
    });
}
