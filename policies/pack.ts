// The policy pack's identity and its policies, as plain data. policies/index.ts constructs the PolicyPack
// from this; the offline plan, the YAML checker and the tests import this module (never index.ts,
// which starts a policy server).
import type { Policies } from "@pulumi/policy";

export const PACK_NAME = "platform-guardrails";
export const PACK_VERSION = "0.1.0";

export const policies: Policies = [];
