// The policy pack's identity and its policies, as plain data. policies/index.ts constructs the PolicyPack
// from this; the offline plan, the YAML checker and the tests import this module (never index.ts,
// which starts a policy server).
import type { Policies } from "@pulumi/policy";
import { elasticachePolicies } from "./aws/elasticache";
import { ecrPolicies } from "./aws/ecr";
import { eksPolicies } from "./aws/eks";
import { imdsPolicies } from "./aws/imds";
import { kmsPolicies } from "./aws/kms";
import { networkPolicies } from "./aws/network";
import { rdsPolicies } from "./aws/rds";
import { s3Policies } from "./aws/s3";
import { tagPolicies } from "./aws/tags";
import { costPolicies } from "./cost";
import { costBudgetPolicies } from "./costBudget";
import { operationsPolicies } from "./kubernetes/operations";
import { pssPolicies } from "./kubernetes/pss";
import { secretsPolicies } from "./kubernetes/secrets";
import { stackPolicies } from "./stack";

export const PACK_NAME = "platform-guardrails";
export const PACK_VERSION = "0.1.0";

export const policies: Policies = [
    ...pssPolicies,
    ...operationsPolicies,
    ...rdsPolicies,
    ...elasticachePolicies,
    ...s3Policies,
    ...eksPolicies,
    ...networkPolicies,
    ...kmsPolicies,
    ...tagPolicies,
    ...imdsPolicies,
    ...ecrPolicies,
    ...costPolicies,
    ...stackPolicies,
    ...secretsPolicies,
    ...costBudgetPolicies,
];
