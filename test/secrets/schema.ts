// A small structural openAPIV3Schema validator for custom resources: enough for the external-secrets CRDs (types,
// properties with unknown fields rejected unless the schema preserves them, required, enum, pattern, lengths,
// int-or-string, additionalProperties maps, arrays). CEL rules are not evaluated.
import { isMap, unknownKeys } from "../lib/upstream";
export { unknownKeys };

export interface Schema {
    type?: string;
    properties?: Record<string, Schema>;
    additionalProperties?: Schema | boolean;
    items?: Schema;
    required?: string[];
    enum?: (string | number | boolean)[];
    pattern?: string;
    format?: string;
    maxLength?: number;
    minLength?: number;
    maxProperties?: number;
    minProperties?: number;
    minItems?: number;
    maxItems?: number;
    minimum?: number;
    maximum?: number;
    "x-kubernetes-int-or-string"?: boolean;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-kubernetes-list-type"?: string;
    "x-kubernetes-map-type"?: string;
    [other: string]: unknown;
}

/** The problems of `value` against `schema`, each as "<path>: <what>". Empty when it validates. */
export function validate(value: unknown, schema: Schema, at: string): string[] {
    if (schema["x-kubernetes-int-or-string"]) {
        return typeof value === "string" || Number.isInteger(value) ? [] : [`${at}: expected an integer or a string, found ${JSON.stringify(value)}`];
    }
    const type = schema.type ?? (schema.properties ? "object" : undefined);
    const problems: string[] = [];
    if (schema.enum && !schema.enum.includes(value as string)) problems.push(`${at}: ${JSON.stringify(value)} not in ${schema.enum.join(", ")}`);
    switch (type) {
        case "object": {
            if (!isMap(value)) return [`${at}: expected an object, found ${JSON.stringify(value)}`];
            for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${at}.${r}: required`);
            const n = Object.keys(value).length;
            if (schema.minProperties !== undefined && n < schema.minProperties) problems.push(`${at}: expected at least ${schema.minProperties} properties`);
            if (schema.maxProperties !== undefined && n > schema.maxProperties) problems.push(`${at}: expected at most ${schema.maxProperties} properties`);
            for (const [k, v] of Object.entries(value)) {
                const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
                if (sub) problems.push(...validate(v, sub, `${at}.${k}`));
                else if (!(schema.additionalProperties === true || schema["x-kubernetes-preserve-unknown-fields"])) problems.push(`${at}.${k}: not in the schema`);
            }
            return problems;
        }
        case "array":
            if (!Array.isArray(value)) return [`${at}: expected an array, found ${JSON.stringify(value)}`];
            if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${at}: expected at least ${schema.minItems} items`);
            return [...problems, ...value.flatMap((v, i) => (schema.items ? validate(v, schema.items, `${at}[${i}]`) : []))];
        case "string":
            if (typeof value !== "string") return [`${at}: expected a string, found ${JSON.stringify(value)}`];
            if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
            if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${at}: longer than ${schema.maxLength}`);
            if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
            return problems;
        case "integer":
            return Number.isInteger(value) ? problems : [`${at}: expected an integer, found ${JSON.stringify(value)}`];
        case "number":
            return typeof value === "number" ? problems : [`${at}: expected a number, found ${JSON.stringify(value)}`];
        case "boolean":
            return typeof value === "boolean" ? problems : [`${at}: expected a boolean, found ${JSON.stringify(value)}`];
        case undefined:
            return schema["x-kubernetes-preserve-unknown-fields"] ? problems : [`${at}: schema without a type`];
        default:
            return [`${at}: schema type ${type} not handled by this check`];
    }
}

