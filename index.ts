// Entry point: load and validate the stack's config, build the platform, export its outputs.
import { loadPlatformConfig } from "./infra/config";
import { Platform } from "./infra/platform";

const platform = new Platform("platform", loadPlatformConfig());

// Every field of PlatformOutputs becomes a stack output (`pulumi stack output clusterName`).
export = platform.outputs;
