// The offline analyzer's plain-object path (PolicySession) against the reference path that sends real
// protobuf requests to @pulumi/policy's handlers (runPoliciesWire): the same diagnostics, in the same order,
// for the platform's own plan, every checker fixture, unknown values and every level file; and no protobuf
// encoding per resource.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { PACK_NAME, PACK_VERSION, policies } from "../../policies/pack";
import { typeFilterOf } from "../../policies/lib";
import { AnalyzableResource, PolicyPackConfigFile, runPolicies, runPoliciesWire } from "../../tools/offline/policyRunner";
import { loadManifests, readStackPolicyConfig, resourceOf } from "../../tools/policyCheck";
import { planStack } from "../helpers";
import { DEPLOYMENT, UNKNOWN, goodContainer, goodPodSpec, hpa, pdb, resource, workloadResource } from "./helpers";

const PACK = { name: PACK_NAME, version: PACK_VERSION, policies };
const FIX = path.resolve(__dirname, "..", "fixtures", "policies");

async function same(resources: AnalyzableResource[], config: PolicyPackConfigFile): Promise<number> {
    const reference = await runPoliciesWire(PACK, resources, config);
    const plain = await runPolicies(PACK, resources, config);
    assert.deepEqual(plain, reference);
    return reference.length;
}

function fixtureResources(): AnalyzableResource[] {
    const files: string[] = [];
    for (const dir of fs.readdirSync(FIX)) for (const f of fs.readdirSync(path.join(FIX, dir))) files.push(path.join(FIX, dir, f));
    return loadManifests(files).manifests.map((m) => resourceOf(m, "prod"));
}

describe("offline analyzer: plain-object requests give the library's own verdicts", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`the planned ${stack} stack: identical diagnostics with its levels, with the pack defaults and with everything mandatory`, async () => {
            const run = await planStack(stack);
            // As buildReport hands them over: components with their registered outputs for AnalyzeStack.
            const analyzed: AnalyzableResource[] = run.resources.map((r) => (r.custom ? r : { ...r, stackProperties: run.componentOutputs.get(r.urn) }));
            for (const config of [readStackPolicyConfig(stack), {}, { all: "mandatory" } as PolicyPackConfigFile]) await same(analyzed, config);
        });
    }

    it("every checker fixture, dev and prod levels", async () => {
        const resources = fixtureResources();
        assert.ok((await same(resources, readStackPolicyConfig("prod"))) > 10);
        await same(resources, readStackPolicyConfig("dev"));
    });

    it("unknown values (advisory can't-run diagnostics), disabled policies and stack policies over HPAs and PDBs", async () => {
        const unknownImage = workloadResource(DEPLOYMENT, goodPodSpec({ containers: [goodContainer("app", { image: UNKNOWN })] }), { name: "a" });
        const unknownTemplate = resource(DEPLOYMENT.type, "b", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "b", namespace: "apps" }, spec: { replicas: 3, template: UNKNOWN } });
        const unknownNamespaceHpa = resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "h", {
            metadata: { name: "h", namespace: UNKNOWN },
            spec: { scaleTargetRef: { kind: "Deployment", name: "a" }, minReplicas: 1 },
        });
        const set = [unknownImage, unknownTemplate, workloadResource(DEPLOYMENT, goodPodSpec(), { name: "c", replicas: 1 }), hpa("c", { kind: "Deployment", name: "c" }, 1), pdb("a"), unknownNamespaceHpa];
        assert.ok((await same(set, readStackPolicyConfig("prod"))) > 3);
        await same(set, { ...readStackPolicyConfig("prod"), "pss-privileged": "disabled", "pdb-required": "disabled" });
    });

    it("encodes no protobuf Struct per resource (only the configuration, once per run)", async () => {
        const resources = fixtureResources();
        const original = structproto.Struct.fromJavaScript;
        let calls = 0;
        structproto.Struct.fromJavaScript = function (value) {
            calls++;
            return original.call(this, value);
        };
        try {
            await runPolicies(PACK, resources.slice(0, 1), {});
            const one = calls;
            calls = 0;
            await runPolicies(PACK, resources, {});
            assert.equal(calls, one);
            calls = 0;
            await runPoliciesWire(PACK, resources, {});
            assert.ok(calls >= one + resources.length, "the reference path encodes each resource");
        } finally {
            structproto.Struct.fromJavaScript = original;
        }
    });

    it("every type filter a policy declares is the one its validation applies", async () => {
        // A declared resource policy must not report on (or read) a resource of a type its filter rejects:
        // run each one on such a resource whose every property read throws.
        const trap = new Proxy(
            {},
            {
                get: () => {
                    throw new Error("read");
                },
                has: () => {
                    throw new Error("read");
                },
            },
        );
        let declared = 0;
        for (const p of policies) {
            const filter = typeFilterOf(p);
            if (!filter || !("validateResource" in p) || typeof p.validateResource !== "function") continue;
            declared++;
            for (const type of ["kubernetes:core/v1:ConfigMap", "custom:index:Thing", "aws:s3/bucket:Bucket", "kubernetes:apps/v1:Deployment"]) {
                if (filter(type, {})) continue;
                const reports: unknown[] = [];
                await p.validateResource(
                    { type, props: trap, urn: "urn", name: "n", opts: {}, isType: () => false, asType: () => undefined, getConfig: () => ({}), stackTags: new Map(), notApplicable: () => undefined } as never,
                    (m: unknown) => reports.push(m),
                );
                assert.deepEqual(reports, [], `${p.name} on ${type}`);
            }
        }
        assert.ok(declared >= 30, `${declared} declared resource policies`);
    });
});
