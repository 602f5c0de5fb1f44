import { strict as assert } from "assert";
import { estimateCost } from "../../tools/insight/cost";
import { PlanLike, changedPaths, diffPlans, normalizeUrns, statefulAlarms } from "../../tools/insight/diff";
import { renderMarkdown } from "../../tools/insight/markdown";
import { PlanResource } from "../../tools/insight/model";
import { computeInsight } from "../../tools/insight";
import { replacingFields } from "../../tools/insight/replace";

const P = "urn:pulumi:prod::platform::";
const STACK = `${P}pulumi:pulumi:Stack::platform-prod`;
const PLATFORM = `${P}platform:index:Platform::platform`;
const DATA = `${P}platform:index:Platform$platform:data:Data::data`;
const KEYS = `${P}platform:index:Platform$platform:data:Data$platform:lib:Keys::keys`;

const base: PlanResource[] = [
    { urn: PLATFORM, type: "platform:index:Platform", name: "platform", parent: STACK, custom: false, inputs: {} },
    { urn: DATA, type: "platform:data:Data", name: "data", parent: PLATFORM, custom: false, inputs: {} },
    {
        urn: `${P}platform:index:Platform$platform:data:Data$aws:kms/key:Key::data-key`,
        type: "aws:kms/key:Key",
        name: "data-key",
        parent: DATA,
        custom: true,
        protect: true,
        inputs: { enableKeyRotation: true, description: "data" },
    },
    {
        urn: `${P}platform:index:Platform$platform:data:Data$aws:rds/instance:Instance::db`,
        type: "aws:rds/instance:Instance",
        name: "db",
        parent: DATA,
        custom: true,
        protect: true,
        inputs: { identifier: "platform-prod-postgres", instanceClass: "db.m7g.large", multiAz: true, storageEncrypted: true, allocatedStorage: 100, password: "[secret]", engine: "postgres" },
    },
];
const plan = (resources: PlanResource[], violations: PlanLike["policies"] = { violations: [] }): PlanLike => ({ project: "platform", stack: "prod", resources, policies: violations });

function diff(b: PlanResource[], c: PlanResource[], bv?: PlanLike["policies"], cv?: PlanLike["policies"]) {
    const current = plan(c, cv);
    return diffPlans(plan(b, bv), current, { baseLabel: "base.json", region: "eu-west-1", currentCost: estimateCost(c, { region: "eu-west-1" }).json });
}

function withInputs(r: PlanResource, inputs: Record<string, unknown>): PlanResource {
    return { ...r, inputs: { ...r.inputs, ...inputs } };
}

describe("insight: plan diff", () => {
    it("an identical plan has no change and no cost delta; the JSON has exactly the documented fields", () => {
        const d = diff(base, base);
        assert.deepEqual(d.json, { base: "base.json", added: [], removed: [], changed: [], policy: { appeared: [], cleared: [] }, costDeltaUsd: 0 });
    });

    it("a move under a new component with an alias is no change (and is listed as moved)", () => {
        const key = base[2];
        const movedKey: PlanResource = { ...key, urn: `${P}platform:index:Platform$platform:data:Data$platform:lib:Keys$aws:kms/key:Key::data-key`, parent: KEYS, aliases: [key.urn] };
        const keys: PlanResource = { urn: KEYS, type: "platform:lib:Keys", name: "keys", parent: DATA, custom: false, inputs: {} };
        const d = diff(base, [base[0], base[1], keys, movedKey, base[3]]);
        assert.deepEqual(d.json.removed, []);
        assert.deepEqual(d.json.changed, []);
        assert.deepEqual(d.json.added, [KEYS], "only the new component is added");
        assert.deepEqual(d.moved, [{ from: key.urn, to: movedKey.urn }]);
        assert.deepEqual(statefulAlarms(d), []);
    });

    it("the same move without an alias deletes the key: called out as a stateful deletion", () => {
        const key = base[2];
        const movedKey: PlanResource = { ...key, urn: `${P}platform:index:Platform$platform:data:Data$platform:lib:Keys$aws:kms/key:Key::data-key`, parent: KEYS };
        const d = diff(base, [base[0], base[1], movedKey, base[3]]);
        assert.deepEqual(d.json.removed, [key.urn]);
        assert.deepEqual(d.json.added, [movedKey.urn]);
        assert.deepEqual(statefulAlarms(d), [`${key.urn} would be DELETED (no longer declared, no alias)`]);
    });

    it("turning off RDS storage encryption is a replacement; a new identifier is an in-place rename (provider v5+)", () => {
        const db = base[3];
        const encrypted = diff(base, [...base.slice(0, 3), withInputs(db, { storageEncrypted: false })]);
        assert.deepEqual(encrypted.json.changed, [{ urn: db.urn, paths: ["storageEncrypted"], replace: true }]);
        assert.deepEqual(encrypted.replacements, [{ urn: db.urn, type: db.type, fields: ["storageEncrypted"], stateful: true }]);
        assert.match(statefulAlarms(encrypted)[0], /would be REPLACED \(changed: storageEncrypted\)/);

        const renamed = diff(base, [...base.slice(0, 3), withInputs(db, { identifier: "platform-prod-pg" })]);
        assert.deepEqual(renamed.json.changed, [{ urn: db.urn, paths: ["identifier"], replace: false }]);
        assert.match(renamed.notes[0].note, /^identifier: renamed in place .* endpoint address changes/);

        const bigger = diff(base, [...base.slice(0, 3), withInputs(db, { instanceClass: "db.m7g.xlarge" })]);
        assert.equal(bigger.json.changed[0].replace, false);
        assert.ok(bigger.json.costDeltaUsd > 0, "a larger class costs more");
    });

    it("secrets compare by presence only", () => {
        const db = base[3];
        assert.deepEqual(diff(base, [...base.slice(0, 3), withInputs(db, { password: "[secret]" })]).json.changed, []);
        const noSecret = { ...db, inputs: Object.fromEntries(Object.entries(db.inputs).filter(([k]) => k !== "password")) };
        assert.deepEqual(diff(base, [...base.slice(0, 3), noSecret]).json.changed[0].paths, ["password"]);
    });

    it("option and nested changes name their paths", () => {
        const key = base[2];
        const d = diff(base, [base[0], base[1], { ...key, protect: false, inputs: { ...key.inputs, description: "keys" } }, base[3]]);
        assert.deepEqual(d.json.changed, [{ urn: key.urn, paths: ["description", "(protect)"], replace: false }]);
        assert.deepEqual(changedPaths({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 3 }], d: 1 } }), ["a.b[1].c", "a.d"]);
        assert.deepEqual(changedPaths({ l: [1, 2] }, { l: [1] }), ["l"]);
    });

    it("replacement rules: conditional force-new fields", () => {
        // Removing envelope encryption replaces an EKS cluster; changing the key ARN does not.
        assert.deepEqual(replacingFields("aws:eks/cluster:Cluster", ["encryptionConfig"], { encryptionConfig: { resources: ["secrets"] } }, {}), ["encryptionConfig"]);
        assert.deepEqual(replacingFields("aws:eks/cluster:Cluster", ["encryptionConfig.provider.keyArn"], { encryptionConfig: { provider: { keyArn: "a" } } }, { encryptionConfig: { provider: { keyArn: "b" } } }), []);
        // ElastiCache: valkey -> redis is a downgrade (replace), redis -> valkey is in place; a version downgrade replaces.
        const rg = "aws:elasticache/replicationGroup:ReplicationGroup";
        assert.deepEqual(replacingFields(rg, ["engine"], { engine: "valkey" }, { engine: "redis" }), ["engine"]);
        assert.deepEqual(replacingFields(rg, ["engine"], { engine: "redis" }, { engine: "valkey" }), []);
        assert.deepEqual(replacingFields(rg, ["engineVersion"], { engineVersion: "8.2" }, { engineVersion: "7.2" }), ["engineVersion"]);
        assert.deepEqual(replacingFields(rg, ["engineVersion"], { engineVersion: "7.2" }, { engineVersion: "8.2" }), []);
        assert.deepEqual(replacingFields("aws:eks/nodeGroup:NodeGroup", ["instanceTypes[0]", "scalingConfig.desiredSize"], { instanceTypes: ["m7i.large"] }, { instanceTypes: ["m6i.large"] }), ["instanceTypes"]);
        assert.deepEqual(replacingFields("aws:s3/bucket:Bucket", ["bucket"], { bucket: "a" }, { bucket: "b" }), ["bucket"]);
        assert.deepEqual(replacingFields("aws:kms/key:Key", ["multiRegion"], {}, { multiRegion: true }), ["multiRegion"]);
    });

    it("policy verdicts that appeared or cleared follow the resources through aliases", () => {
        const key = base[2];
        const movedKey: PlanResource = { ...key, urn: `${P}platform:index:Platform$platform:data:Data$aws:kms/key:Key::data-key-2`, name: "data-key-2", aliases: [key.urn] };
        const v = (policy: string, urn: string) => ({ policy, enforcement: "mandatory" as const, urn, message: "m" });
        const d = diff(base, [base[0], base[1], movedKey, base[3]], { violations: [v("kms-key-rotation", key.urn), v("rds-x", base[3].urn)] }, { violations: [v("kms-key-rotation", movedKey.urn), v("new-one", base[3].urn)] });
        assert.deepEqual(d.json.policy.appeared.map((x) => x.policy), ["new-one"]);
        assert.deepEqual(d.json.policy.cleared.map((x) => x.policy), ["rds-x"]);
        assert.deepEqual(d.json.changed, []);
    });

    it("a base plan with the mock monitor's URNs (immediate parent type only) is normalized to the engine's", () => {
        const old = base.map((r) => ({ ...r }));
        // The mock monitor's form: platform:data:Data$aws:kms/key:Key, without platform:index:Platform$.
        const shortKey = `${P}platform:data:Data$aws:kms/key:Key::data-key`;
        const shortData = `${P}platform:index:Platform$platform:data:Data::data`;
        old[2] = { ...old[2], urn: shortKey, parent: shortData };
        old[1] = { ...old[1], urn: shortData };
        const { plan: normalized } = normalizeUrns(plan(old));
        assert.equal(normalized.resources[2].urn, base[2].urn);
        assert.deepEqual(diff(old, base).json.added, []);
    });

    it("renders a PR comment that calls out a stateful replacement first", () => {
        const db = base[3];
        const current = [...base.slice(0, 3), withInputs(db, { storageEncrypted: false })];
        const insight = computeInsight(current, { region: "eu-west-1" });
        insight.diff = diff(base, current);
        const md = renderMarkdown({ project: "platform", stack: "prod", region: "eu-west-1", resources: current.length, violations: [], insight });
        const lines = md.split("\n");
        assert.match(lines[0], /^### Plan insight: platform\/prod/);
        assert.match(lines[2], /CAUTION/);
        assert.match(md, /Stateful replacement in prod/);
        assert.match(md, /aws:rds\/instance:Instance::db.*storageEncrypted.*\*\*replace\*\*/);
        assert.match(md, /Monthly cost \(estimate\) \| \*\*\$[\d,.]+\*\* \(\$0\.00 vs base\)/);
    });
});
