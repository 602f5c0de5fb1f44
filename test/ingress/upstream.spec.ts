// What the program hands the charts and the CRD, checked against verbatim copies of the upstream files at the
// pinned versions: every values key must exist in the chart's values.yaml, and the IngressClassParams spec must
// validate against the CRD's openAPIV3Schema (field names, types, enums, patterns, required fields).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { Inputs, inputs, one, planStack } from "../helpers";

const FIXTURES = path.join(__dirname, "fixtures");
// aws/eks-charts stable/aws-load-balancer-controller/values.yaml @ 5239609242f3430be50fb0b714a24d3ef2b47983 (chart 3.5.0)
const LBC_VALUES = "aws-load-balancer-controller-3.5.0-values.yaml";
// kubernetes-sigs/external-dns charts/external-dns/values.yaml @ external-dns-helm-chart-1.21.1
const EXTERNAL_DNS_VALUES = "external-dns-1.21.1-values.yaml";
// kubernetes-sigs/aws-load-balancer-controller config/crd/bases/elbv2.k8s.aws_ingressclassparams.yaml @ v3.5.0
const PARAMS_CRD = "elbv2.k8s.aws_ingressclassparams-v3.5.0.yaml";

function fixture(name: string): unknown {
    return parseYaml(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
}

function isMap(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Key paths we set that upstream's values.yaml does not declare. Free-form upstream maps ({}) end the descent. */
function unknownKeys(ours: Record<string, unknown>, theirs: Record<string, unknown>, prefix = ""): string[] {
    const out: string[] = [];
    for (const [k, v] of Object.entries(ours)) {
        const key = `${prefix}${k}`;
        if (!(k in theirs)) {
            out.push(key);
            continue;
        }
        const upstream = theirs[k];
        if (isMap(v) && isMap(upstream) && Object.keys(upstream).length > 0) out.push(...unknownKeys(v, upstream, `${key}.`));
    }
    return out;
}

interface Schema {
    type?: string;
    properties?: Record<string, Schema>;
    items?: Schema;
    required?: string[];
    enum?: string[];
    pattern?: string;
    format?: string;
    additionalProperties?: Schema;
}

/** A small openAPIV3Schema check: enough for the types this CRD uses. Returns the problems found. */
function validate(value: unknown, schema: Schema, at: string): string[] {
    const problems: string[] = [];
    switch (schema.type) {
        case "object": {
            if (!isMap(value)) return [`${at}: expected an object`];
            for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${at}.${r}: required`);
            for (const [k, v] of Object.entries(value)) {
                const sub = schema.properties?.[k] ?? schema.additionalProperties;
                if (!sub) problems.push(`${at}.${k}: not in the schema`);
                else problems.push(...validate(v, sub, `${at}.${k}`));
            }
            return problems;
        }
        case "array":
            if (!Array.isArray(value)) return [`${at}: expected an array`];
            return value.flatMap((v, i) => (schema.items ? validate(v, schema.items, `${at}[${i}]`) : []));
        case "string":
            if (typeof value !== "string") return [`${at}: expected a string, found ${JSON.stringify(value)}`];
            if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${value} not in ${schema.enum.join(", ")}`);
            if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${at}: ${value} does not match ${schema.pattern}`);
            return problems;
        case "integer":
            return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${at}: expected a boolean`];
        default:
            return [`${at}: schema type ${String(schema.type)} not handled by this check`];
    }
}

function paramsSpecSchema(): Schema {
    const crd = fixture(PARAMS_CRD) as {
        spec: { group: string; names: { kind: string }; scope: string; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
    };
    assert.strictEqual(crd.spec.group, "elbv2.k8s.aws");
    assert.strictEqual(crd.spec.names.kind, "IngressClassParams");
    assert.strictEqual(crd.spec.scope, "Cluster");
    const version = crd.spec.versions.find((v) => v.name === "v1beta1");
    assert.ok(version, "the CRD serves v1beta1");
    const spec = version.schema.openAPIV3Schema.properties?.["spec"];
    assert.ok(spec);
    return spec;
}

describe("ingress: values and spec against the upstream files", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: every aws-load-balancer-controller value is a key of the chart's values.yaml`, async () => {
            const run = await planStack(stack);
            const values = inputs(one(run, "kubernetes:helm.sh/v3:Release", "ingress-lbc"))["values"] as Inputs;
            assert.deepStrictEqual(unknownKeys(values, fixture(LBC_VALUES) as Record<string, unknown>), []);
        });

        it(`${stack}: IngressClassParams validates against the v3.5.0 CRD schema`, async () => {
            const run = await planStack(stack);
            const spec = inputs(one(run, "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams", "ingress-alb-params"))["spec"];
            assert.deepStrictEqual(validate(spec, paramsSpecSchema(), "spec"), []);
        });
    }

    it("prod: every external-dns value is a key of the chart's values.yaml", async () => {
        const run = await planStack("prod");
        const values = inputs(one(run, "kubernetes:helm.sh/v3:Release", "ingress-external-dns"))["values"] as Inputs;
        assert.deepStrictEqual(unknownKeys(values, fixture(EXTERNAL_DNS_VALUES) as Record<string, unknown>), []);
    });

    it("the checks catch a misspelt key and a wrongly typed field", () => {
        assert.deepStrictEqual(unknownKeys({ replicaCount: 2, serviceAccount: { nmae: "x" } }, fixture(LBC_VALUES) as Record<string, unknown>), [
            "serviceAccount.nmae",
        ]);
        const problems = validate({ group: { name: "g" }, sslRedirectPort: 443, scheme: "public", subnets: { ids: ["sub-1"] } }, paramsSpecSchema(), "spec");
        assert.deepStrictEqual(problems, [
            "spec.sslRedirectPort: expected a string, found 443",
            "spec.scheme: public not in internal, internet-facing",
            "spec.subnets.ids[0]: sub-1 does not match subnet-[0-9a-f]+",
        ]);
    });
});
