// What the program hands the charts and the CRD, checked against upstream facts transcribed in
// fixtures/upstream.ts: every values key must be declared by the chart's values.yaml, and the IngressClassParams
// spec must validate against the CRD's openAPIV3Schema (field names, types, enums, patterns, required fields).
import * as assert from "assert";
import { Inputs, inputs, one, planStack } from "../helpers";
import { EXTERNAL_DNS_VALUES_KEYS, INGRESS_CLASS_PARAMS_SPEC_SCHEMA, LBC_VALUES_KEYS, Schema } from "./fixtures/upstream";
import { isMap, unknownKeys } from "../lib/upstream";


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
    return INGRESS_CLASS_PARAMS_SPEC_SCHEMA;
}

describe("ingress: values and spec against the upstream values keys and CRD schema", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: every aws-load-balancer-controller value is a key of the chart's values.yaml`, async () => {
            const run = await planStack(stack);
            const values = inputs(one(run, "kubernetes:helm.sh/v3:Release", "ingress-lbc"))["values"] as Inputs;
            assert.deepStrictEqual(unknownKeys(values, LBC_VALUES_KEYS), []);
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
        assert.deepStrictEqual(unknownKeys(values, EXTERNAL_DNS_VALUES_KEYS), []);
    });

    it("the checks catch a misspelt key and a wrongly typed field", () => {
        assert.deepStrictEqual(unknownKeys({ replicaCount: 2, serviceAccount: { nmae: "x" } }, LBC_VALUES_KEYS), [
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
