// Entry point the Pulumi CLI runs for `pulumi preview --policy-pack ./policies`. Constructing the
// PolicyPack starts the analyzer server, so nothing else (tests, tools) may import this file.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./pack";

new PolicyPack(PACK_NAME, { policies, enforcementLevel: "advisory" });
