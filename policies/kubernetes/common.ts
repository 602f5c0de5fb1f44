// Builds a resource policy that runs once per pod-bearing object (every kind in WORKLOAD_TYPES).
import type { EnforcementLevel, PolicyConfigSchema, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { filteredResourcePolicy } from "../lib";
import { PodView, WORKLOAD_TYPES, podOf } from "./workloads";

export type PodCheck = (pod: PodView, report: (message: string) => void, args: ResourceValidationArgs) => void;

export function workloadPolicy(p: {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: PolicyConfigSchema;
    remediationSteps?: string;
    url?: string;
    check: PodCheck;
}): ResourceValidationPolicy {
    const { check, ...rest } = p;
    return filteredResourcePolicy({
        ...rest,
        applies: (type) => type in WORKLOAD_TYPES,
        validate: (args, reportViolation) => {
            const pod = podOf(args.type, args.props, args.name);
            if (!pod) return;
            check(pod, (message) => reportViolation(`${pod.kind} "${pod.name}": ${message}`), args);
        },
    });
}
