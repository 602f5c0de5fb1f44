import { strict as assert } from "assert";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { STATEFUL_TYPES as PROTECTED_TYPES } from "../../policies/stack";
import { RecordedResource, engineUrn, parseUrn, resolveAliases } from "../../tools/offline/recorder";
import { isStateful } from "../../tools/insight/stateful";
import { UrnSnapshot, replacedStateful, takeSnapshot } from "../../tools/insight/urns";
import { snapshotFile } from "../../tools/urns";
import { planStack } from "../helpers";

function resolved<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

const P = "urn:pulumi:prod::platform::";

describe("engine-exact URNs", () => {
    it("a nested resource's plan URN is the one the SDK's createUrn computes for the same parent chain", async () => {
        const run = await planStack("prod");
        const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
        const rds = run.resources.find((r) => r.type === "aws:rds/instance:Instance");
        assert.ok(rds?.parent);
        // Walk the chain from the stack down: each URN is createUrn(name, type, parent URN).
        const chain: RecordedResource[] = [];
        for (let cur: RecordedResource | undefined = rds; cur; cur = cur.parent ? byUrn.get(cur.parent) : undefined) chain.unshift(cur);
        assert.equal(chain[0].type, "pulumi:pulumi:Stack");
        assert.ok(chain.length >= 4, `expected a nested resource, found a chain of ${chain.length}`);
        let parentUrn: string | undefined;
        for (const r of chain) {
            const expected = await resolved(pulumi.createUrn(r.name, r.type, parentUrn, "platform", "prod"));
            assert.equal(r.urn, expected);
            parentUrn = r.urn;
        }
        // The whole type chain below the stack, not just the immediate parent's type (the mock monitor's form).
        const types = chain.slice(1).map((r) => r.type);
        assert.equal(rds.urn, `${P}${types.join("$")}::${rds.name}`);
        assert.ok(!rds.urn.includes("pulumi:pulumi:Stack"));
        // Parents, dependencies and provider references use the same URNs.
        for (const r of run.resources) {
            if (r.parent) assert.ok(byUrn.has(r.parent), `${r.urn}: parent ${r.parent} was not registered under that URN`);
            for (const d of r.dependencies) assert.ok(byUrn.has(d), `${r.urn}: dependency ${d} was not registered under that URN`);
            for (const ds of Object.values(r.propertyDependencies)) for (const d of ds) assert.ok(byUrn.has(d), `${r.urn}: property dependency ${d} unknown`);
            if (r.provider) assert.ok(byUrn.has(r.provider.slice(0, r.provider.lastIndexOf("::"))), `${r.urn}: provider ${r.provider} unknown`);
        }
    });

    it("builds URNs as the engine's NewURN: root-stack parents add no prefix", () => {
        const stack = `${"urn:pulumi:dev::platform::"}pulumi:pulumi:Stack::platform-dev`;
        assert.equal(engineUrn("dev", "platform", stack, "t:m:A", "a"), "urn:pulumi:dev::platform::t:m:A::a");
        assert.equal(engineUrn("dev", "platform", null, "t:m:A", "a"), "urn:pulumi:dev::platform::t:m:A::a");
        const a = engineUrn("dev", "platform", null, "t:m:A", "a");
        const b = engineUrn("dev", "platform", a, "t:m:B", "b");
        assert.equal(engineUrn("dev", "platform", b, "t:m:C", "c::with::colons"), "urn:pulumi:dev::platform::t:m:A$t:m:B$t:m:C::c::with::colons");
        assert.deepEqual(parseUrn("urn:pulumi:dev::platform::t:m:A$t:m:B$t:m:C::c::with::colons"), {
            stack: "dev",
            project: "platform",
            qualifiedType: "t:m:A$t:m:B$t:m:C",
            type: "t:m:C",
            name: "c::with::colons",
        });
    });

    it("resolves aliases like the engine: spec fields default to the resource's, children inherit the parent's aliases", () => {
        const comp = `${P}my:x:New::web`;
        const aliasesOf = (u: string) => (u === comp ? [`${P}my:x:Old::web`, `${P}my:x:Outer$my:x:Old::web`] : []);
        // The child kept its name; its parent component was renamed (type) with an alias.
        const child = resolveAliases({ type: "aws:s3/bucket:Bucket", name: "web-logs", parent: comp, aliasSpecs: [] }, aliasesOf, "prod", "platform");
        assert.deepEqual(child, [`${P}my:x:Old$aws:s3/bucket:Bucket::web-logs`, `${P}my:x:Outer$my:x:Old$aws:s3/bucket:Bucket::web-logs`]);
        // noParent: the resource used to live at the root (the SDK sends noParent for `parent: undefined`).
        const moved = resolveAliases(
            { type: "aws:kms/key:Key", name: "k", parent: comp, aliasSpecs: [{ name: "", type: "", stack: "", project: "", parentUrn: "", noParent: true }] },
            () => [],
            "prod",
            "platform",
        );
        assert.deepEqual(moved, [`${P}aws:kms/key:Key::k`]);
        // A renamed resource (spec name only; the SDK passes the resource's parent along).
        const renamed = resolveAliases(
            { type: "aws:kms/key:Key", name: "new", parent: comp, aliasSpecs: [{ name: "old", type: "", stack: "", project: "", parentUrn: comp, noParent: false }] },
            () => [],
            "prod",
            "platform",
        );
        assert.deepEqual(renamed, [`${P}my:x:New$aws:kms/key:Key::old`]);
        // A child named after its parent follows the parent's renamed prefix (inheritedChildAlias).
        const prefixed = resolveAliases({ type: "aws:kms/key:Key", name: "web-key", parent: comp, aliasSpecs: [] }, () => [`${P}my:x:New::site`], "prod", "platform");
        assert.deepEqual(prefixed, [`${P}my:x:New$aws:kms/key:Key::site-key`]);
    });
});

describe("no replacement hidden in a refactor (stateful URNs against test/fixtures/urns)", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: every stateful URN of the snapshot is still planned, under its URN or a recorded alias`, async () => {
            const snap = JSON.parse(fs.readFileSync(snapshotFile(stack), "utf8")) as UrnSnapshot;
            assert.ok(snap.resources.length >= 25, "the snapshot lists the stack's stateful resources");
            const run = await planStack(stack);
            const replaced = replacedStateful(
                snap,
                run.resources.map((r) => ({ urn: r.urn, type: r.type, aliases: r.aliases })),
            );
            assert.deepEqual(
                replaced.map((r) => `${r.urn}: ${r.reason}`),
                [],
                `these stateful resources would be replaced (deleted and recreated) by pulumi up on ${stack}; add aliases, do not regenerate the snapshot`,
            );
        });
    }

    const key = (parent: string, name = "k") => `${parent ? `${parent}$` : ""}aws:kms/key:Key::${name}`;
    const snap: UrnSnapshot = takeSnapshot("prod", "hand-made", [
        { urn: `${P}${key("p:a:Data")}`, type: "aws:kms/key:Key" },
        { urn: `${P}p:a:Data`, type: "p:a:Data" },
    ]);

    it("snapshots only stateful types", () => {
        assert.deepEqual(snap.resources.map((r) => r.type), ["aws:kms/key:Key"]);
    });

    it("passes a move under a new component that carries an alias to the old URN", () => {
        const current = [{ urn: `${P}${key("p:a:Data$p:a:Keys")}`, type: "aws:kms/key:Key", aliases: [`${P}${key("p:a:Data")}`] }];
        assert.deepEqual(replacedStateful(snap, current), []);
    });

    it("fails a move without an alias, naming the old URN and the new one", () => {
        const current = [{ urn: `${P}${key("p:a:Data$p:a:Keys")}`, type: "aws:kms/key:Key", aliases: [] }];
        const [r, ...rest] = replacedStateful(snap, current);
        assert.equal(rest.length, 0);
        assert.equal(r.urn, `${P}${key("p:a:Data")}`);
        assert.match(r.reason, /no planned resource has this URN or an alias to it; it is now urn:pulumi:prod::platform::p:a:Data\$p:a:Keys\$aws:kms\/key:Key::k/);
    });

    it("fails a removed resource and a URN claimed twice", () => {
        assert.match(replacedStateful(snap, [])[0].reason, /would be deleted/);
        const twice = [
            { urn: `${P}${key("p:a:Data")}`, type: "aws:kms/key:Key", aliases: [] },
            { urn: `${P}${key("p:a:Other")}`, type: "aws:kms/key:Key", aliases: [`${P}${key("p:a:Data")}`] },
        ];
        assert.match(replacedStateful(snap, twice)[0].reason, /claimed by 2 resources/);
    });

    it("the policy pack's protected types are a subset of the stateful types", () => {
        for (const t of PROTECTED_TYPES) assert.ok(isStateful(t), `${t} is protected by policy but missing from tools/insight/stateful.ts`);
    });
});
