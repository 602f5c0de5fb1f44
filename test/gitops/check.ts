// Small checkers the gitops specs share: values key paths against the charts' declared keys, a structural
// openAPIV3Schema check for the CRD specs, and the Argo Rollouts controller's own spec rules.
import { Schema } from "./fixtures/upstream";
import { isMap, unknownKeys } from "../lib/upstream";
export { isMap, unknownKeys };


/** A structural openAPIV3Schema check: unknown fields, types, enums, patterns, bounds and required fields. */
export function validate(value: unknown, schema: Schema, at: string): string[] {
    if (schema.intOrString) return typeof value === "string" || Number.isInteger(value) ? [] : [`${at}: expected an integer or a string, found ${JSON.stringify(value)}`];
    const problems: string[] = [];
    switch (schema.type) {
        case "object": {
            if (!isMap(value)) return [`${at}: expected an object, found ${JSON.stringify(value)}`];
            for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${at}.${r}: required`);
            for (const [k, v] of Object.entries(value)) {
                const sub = schema.properties?.[k] ?? schema.additionalProperties;
                if (sub) problems.push(...validate(v, sub, `${at}.${k}`));
                else if (!schema.preserveUnknownFields) problems.push(`${at}.${k}: not in the schema`);
            }
            return problems;
        }
        case "array":
            if (!Array.isArray(value)) return [`${at}: expected an array, found ${JSON.stringify(value)}`];
            return value.flatMap((v, i) => (schema.items ? validate(v, schema.items, `${at}[${i}]`) : []));
        case "string":
            if (typeof value !== "string") return [`${at}: expected a string, found ${JSON.stringify(value)}`];
            if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
            if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${value} not in ${schema.enum.join(", ")}`);
            if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${at}: ${value} does not match ${schema.pattern}`);
            return problems;
        case "integer":
        case "number":
            if (typeof value !== "number" || (schema.type === "integer" && !Number.isInteger(value))) return [`${at}: expected an ${schema.type}, found ${JSON.stringify(value)}`];
            if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at}: below ${schema.minimum}`);
            if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${at}: above ${schema.maximum}`);
            return problems;
        case "boolean":
            return typeof value === "boolean" ? [] : [`${at}: expected a boolean, found ${JSON.stringify(value)}`];
        case undefined:
            // No type: x-kubernetes-preserve-unknown-fields without a schema of its own (e.g. pod volumes).
            return schema.preserveUnknownFields ? [] : [`${at}: schema without a type`];
        default:
            return [`${at}: schema type ${String(schema.type)} not handled by this check`];
    }
}

/**
 * The rules the Argo Rollouts controller applies to a Rollout spec before it acts on it (ValidateRolloutStrategyCanary
 * and the blue-green service check, pkg/apis/rollouts/validation/validation.go @ v1.9.0), for the fields the platform
 * uses. The API server does not enforce them: a Rollout that breaks one is accepted and then reported InvalidSpec.
 */
export function rolloutSpecProblems(spec: Record<string, unknown>): string[] {
    const out: string[] = [];
    const strategy = isMap(spec["strategy"]) ? spec["strategy"] : {};
    const canary = isMap(strategy["canary"]) ? strategy["canary"] : undefined;
    const blueGreen = isMap(strategy["blueGreen"]) ? strategy["blueGreen"] : undefined;
    if (canary && blueGreen) out.push("Multiple Strategies can not be listed");
    if (blueGreen && blueGreen["activeService"] === blueGreen["previewService"]) out.push("the same service for the active and preview services");
    if (canary) {
        const tr = isMap(canary["trafficRouting"]) ? canary["trafficRouting"] : undefined;
        if (canary["maxSurge"] === 0 && canary["maxUnavailable"] === 0) out.push("MaxSurge and MaxUnavailable both can not be zero");
        if (canary["stableService"] !== undefined && canary["stableService"] === canary["canaryService"]) out.push("the same service for the stable and canary services");
        if (tr && isMap(tr["alb"]) && (!canary["stableService"] || !canary["canaryService"])) out.push("Canary service and Stable service must to be set to use Traffic Routing");
        if (!tr && canary["dynamicStableScale"]) out.push("Canary dynamicStableScale can only be used with traffic routing");
        if (!tr && canary["scaleDownDelaySeconds"] !== undefined) out.push("Canary scaleDownDelaySeconds can only be used with traffic routing");
        if (tr && canary["dynamicStableScale"] && canary["scaleDownDelaySeconds"] !== undefined) out.push("Canary dynamicStableScale cannot be used with scaleDownDelaySeconds");
        const steps = Array.isArray(canary["steps"]) ? (canary["steps"] as Record<string, unknown>[]) : [];
        for (const [i, step] of steps.entries()) {
            const kinds = ["setWeight", "pause", "analysis", "experiment", "setCanaryScale", "setHeaderRoute", "setMirrorRoute", "plugin"].filter((k) => step[k] !== undefined);
            if (kinds.length !== 1) out.push(`steps[${i}]: a step has exactly one of experiment, setWeight, setCanaryScale, plugin or pause`);
            const w = step["setWeight"];
            if (typeof w === "number" && (w < 0 || w > 100)) out.push(`steps[${i}]: SetWeight needs to be between 0 and 100`);
        }
    }
    return out;
}
