// A small structural openAPIV3Schema validator (enough for the Velero CRDs: objects, maps, arrays, strings, integers,
// booleans, enums, nullable) and what the Velero chart renders from our values (the parts the tests validate).
import { Schema } from "./fixtures/upstream";
import { isMap, unknownKeys } from "../lib/upstream";
export { isMap, unknownKeys };

/** Every problem of `value` against `schema`, each naming the path. An object's unknown fields are problems. */
export function validate(value: unknown, schema: Schema, at = "spec"): string[] {
    if (value === null) return schema.nullable ? [] : [`${at}: null is not allowed`];
    const problems: string[] = [];
    switch (schema.type) {
        case "object": {
            if (!isMap(value)) return [`${at}: expected an object, found ${JSON.stringify(value)}`];
            for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${at}.${r}: required`);
            for (const [k, v] of Object.entries(value)) {
                const sub = schema.properties?.[k] ?? schema.additionalProperties;
                if (!sub) problems.push(`${at}.${k}: not in the schema`);
                else problems.push(...validate(v, sub, `${at}.${k}`));
            }
            return problems;
        }
        case "array":
            if (!Array.isArray(value)) return [`${at}: expected an array, found ${JSON.stringify(value)}`];
            return value.flatMap((v, i) => (schema.items ? validate(v, schema.items, `${at}[${i}]`) : []));
        case "string":
            if (typeof value !== "string") return [`${at}: expected a string, found ${JSON.stringify(value)}`];
            if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${value} not in ${schema.enum.join(", ")}`);
            if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${at}: ${value} does not match ${schema.pattern}`);
            return problems;
        case "integer":
            return Number.isInteger(value) ? [] : [`${at}: expected an integer, found ${JSON.stringify(value)}`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${at}: expected a boolean, found ${JSON.stringify(value)}`];
        default:
            return [`${at}: schema type ${String(schema.type)} not handled by this check`];
    }
}


/**
 * The `spec` charts/velero/templates/schedule.yaml @ velero-12.1.0 renders from one `schedules` entry: paused,
 * useOwnerReferencesInBackup and skipImmediately only when truthy, schedule always, template verbatim.
 */
export function renderScheduleSpec(entry: Record<string, unknown>): Record<string, unknown> {
    return {
        ...(entry["paused"] ? { paused: entry["paused"] } : {}),
        ...(entry["useOwnerReferencesInBackup"] ? { useOwnerReferencesInBackup: entry["useOwnerReferencesInBackup"] } : {}),
        ...(entry["skipImmediately"] ? { skipImmediately: entry["skipImmediately"] } : {}),
        schedule: String(entry["schedule"]),
        ...(entry["template"] !== undefined ? { template: entry["template"] } : {}),
    };
}

/**
 * The `spec` charts/velero/templates/backupstoragelocation.yaml @ velero-12.1.0 renders from one list element:
 * provider, accessMode (default ReadWrite), default/validationFrequency/backupSyncPeriod when set, objectStorage
 * {bucket, prefix, caCert}, config values quoted (strings).
 */
export function renderBackupStorageLocationSpec(item: Record<string, unknown>): Record<string, unknown> {
    const config = isMap(item["config"]) ? item["config"] : {};
    return {
        provider: item["provider"],
        accessMode: item["accessMode"] ?? "ReadWrite",
        ...(item["default"] ? { default: item["default"] } : {}),
        ...(item["validationFrequency"] ? { validationFrequency: item["validationFrequency"] } : {}),
        ...(item["backupSyncPeriod"] ? { backupSyncPeriod: item["backupSyncPeriod"] } : {}),
        objectStorage: {
            bucket: String(item["bucket"]),
            ...(item["prefix"] ? { prefix: String(item["prefix"]) } : {}),
            ...(item["caCert"] ? { caCert: item["caCert"] } : {}),
        },
        ...(Object.keys(config).length > 0 ? { config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])) } : {}),
    };
}
