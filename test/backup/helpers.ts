// Shared inputs of the backup tests: the parsed defaults and the placements the kit gives the layer.
import { parsePlatformConfig } from "../../infra/config";
import type { BackupSettings } from "../../infra/backup/config";
import type { Toleration } from "../../infra/backup/values";

/** The `platform:backup` defaults of an environment, through the real loader. */
export function settings(environment: "dev" | "prod" = "prod"): BackupSettings {
    const text: Record<string, string> = { environment, ...(environment === "prod" ? { ingress: JSON.stringify({ domain: "apps.example.com" }) } : {}) };
    return parsePlatformConfig({
        source: { get: (k) => text[k], isSecret: () => false, keys: () => Object.keys(text) },
        project: "platform",
        stack: environment,
        region: "eu-west-1",
    }).backup;
}

export const SYSTEM_TOLERATION: Toleration = { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" };
export const PLATFORM_TOLERATION: Toleration = { key: "platform.io/pool", operator: "Equal", value: "platform", effect: "NoSchedule" };
export const SYSTEM = { nodeSelector: { "platform.io/node-pool": "system" }, tolerations: [SYSTEM_TOLERATION] };
