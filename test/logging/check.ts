// Checks the logging tests share: chart values against transcribed values.yaml keys, and Kubernetes taint
// toleration semantics (for "the DaemonSet reaches every node").
import { ValuesKeys } from "./fixtures/upstream";
import { isMap } from "../lib/upstream";
export { isMap };

/** Every key path of a value (maps only; arrays and scalars end a path). */
export function keyPaths(v: unknown, prefix = ""): string[] {
    if (!isMap(v)) return [];
    return Object.entries(v).flatMap(([k, x]) => {
        const p = prefix ? `${prefix}.${k}` : k;
        return [p, ...keyPaths(x, p)];
    });
}

function allowedBelow(allowed: readonly string[], rel: string): boolean {
    return allowed.includes(rel) || allowed.some((a) => a.endsWith(".*") && rel.startsWith(a.slice(0, -1)));
}

/**
 * Key paths we set that the chart does not know: not declared by values.yaml (or read by a template), and not inside
 * a free-form map or a pass-through map's allowed application keys. Arrays are values, not descended into.
 */
export function unknownValuesKeys(ours: Record<string, unknown>, keys: ValuesKeys, prefix = ""): string[] {
    const out: string[] = [];
    for (const [k, v] of Object.entries(ours)) {
        const key = prefix ? `${prefix}.${k}` : k;
        const pass = keys.passThrough[key];
        if (pass) {
            for (const rel of keyPaths(v)) if (!allowedBelow(pass, rel)) out.push(`${key}.${rel}`);
            continue;
        }
        if (!keys.declared.includes(key)) {
            out.push(key);
            continue;
        }
        if (keys.freeForm.includes(key)) continue;
        if (isMap(v)) out.push(...unknownValuesKeys(v, keys, key));
    }
    return out;
}

export interface Taint {
    key: string;
    value?: string;
    effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}
export interface TolerationSpec {
    key?: string;
    operator?: "Exists" | "Equal";
    value?: string;
    effect?: string;
}

/**
 * core/v1 Toleration semantics (k8s.io/api core/v1 types.go, Toleration.ToleratesTaint): an empty effect matches
 * every effect; an empty key with operator Exists matches every key; Exists ignores the value; Equal (the
 * default operator) compares values.
 */
export function tolerates(tolerations: readonly TolerationSpec[], taint: Taint): boolean {
    return tolerations.some((t) => {
        if (t.effect && t.effect !== taint.effect) return false;
        if (t.key && t.key !== taint.key) return false;
        if (!t.key && t.operator !== "Exists") return false;
        if ((t.operator ?? "Equal") === "Exists") return true;
        return (t.value ?? "") === (taint.value ?? "");
    });
}
