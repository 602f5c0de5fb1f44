// The v1.14.1 CRD rules this layer's NodePool and EC2NodeClass rely on, as code. They are copied from
// aws/karpenter-provider-aws @ v1.14.1 (bde00654):
//   pkg/apis/crds/karpenter.sh_nodepools.yaml        (openAPIV3Schema patterns + x-kubernetes-validations)
//   pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml
// Why not only @kubernetes-models/karpenter@2.0.0's validate(): that package is generated from the 1.12 Go
// types, evaluates no CEL rules and misses some patterns (budget duration, requirement key, alias format,
// restricted tags, empty selector terms); see docs/karpenter.md. The tests run both.
import type { INodePoolSpec } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePoolSpec";
import type { IEC2NodeClassSpec } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClassSpec";

export const CRD_PATTERNS = {
    /** nodepools: spec.limits.<resource> (resource.Quantity). */
    quantity: /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/,
    /** nodepools: spec.disruption.consolidateAfter and spec.template.spec.expireAfter. */
    nodePoolDuration: /^(([0-9]+(s|m|h))+|Never)$/,
    /** nodepools: spec.disruption.budgets[].nodes. */
    budgetNodes: /^((100|[0-9]{1,2})%|[0-9]+)$/,
    /** nodepools: spec.disruption.budgets[].duration (minutes and hours only). */
    budgetDuration: /^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/,
    /** nodepools: spec.disruption.budgets[].schedule. */
    budgetSchedule: /^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/,
    /** nodepools: spec.template.spec.requirements[].key (maxLength 316). */
    requirementKey: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/,
    /** ec2nodeclasses: amiSelectorTerms[].alias CEL `self.matches('^[a-zA-Z0-9]+@.+$')` (maxLength 30). */
    alias: /^[a-zA-Z0-9]+@.+$/,
    /** ec2nodeclasses: blockDeviceMappings[].ebs.volumeSize. */
    volumeSize: /^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$/,
} as const;

/** ec2nodeclasses CEL: alias family list. */
export const ALIAS_FAMILIES = ["al2", "al2023", "bottlerocket", "windows2019", "windows2022", "windows2025"] as const;
/** nodepools: requirements[].operator enum (Gte/Lte are new in 1.14 and missing from the 1.12 package). */
export const REQUIREMENT_OPERATORS = ["Gte", "Lte", "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] as const;
/** nodepools: spec.disruption.consolidationPolicy enum at v1.14.1. */
export const CONSOLIDATION_POLICIES = ["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"] as const;
/** nodepools: budgets[].reasons enum. */
export const DISRUPTION_REASONS = ["Underutilized", "Empty", "Drifted"] as const;

/** ec2nodeclasses CEL on spec.tags: keys Karpenter sets itself and refuses from users. */
export function restrictedTagProblem(key: string): string | undefined {
    if (key === "") return "empty tag keys aren't supported";
    if (key === "eks:eks-cluster-name" || key === "karpenter.sh/nodepool" || key === "karpenter.sh/nodeclaim" || key === "karpenter.k8s.aws/ec2nodeclass") {
        return `tag contains a restricted tag matching ${key}`;
    }
    if (key.startsWith("kubernetes.io/cluster")) return "tag contains a restricted tag matching kubernetes.io/cluster/";
    return undefined;
}

/** Labels in the karpenter.k8s.aws domain a requirement may use (the CEL allow-list, the ones used here). */
const AWS_DOMAIN_LABELS = new Set([
    "karpenter.k8s.aws/instance-category",
    "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-generation",
    "karpenter.k8s.aws/instance-size",
    "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-memory",
    "karpenter.k8s.aws/instance-hypervisor",
    "karpenter.k8s.aws/instance-cpu-manufacturer",
    "karpenter.k8s.aws/instance-local-nvme",
    "karpenter.k8s.aws/instance-network-bandwidth",
    "karpenter.k8s.aws/instance-encryption-in-transit-supported",
]);

function domainOf(key: string): string {
    return key.includes("/") ? key.split("/")[0] : "";
}

/** Problems the v1.14.1 API server would report for a NodePool spec (the rules this layer relies on). */
export function nodePoolProblems(spec: INodePoolSpec): string[] {
    const out: string[] = [];
    const t = spec.template.spec;
    if (!t.nodeClassRef.group || t.nodeClassRef.group.includes("/")) out.push("spec.template.spec.nodeClassRef.group: may not be empty or contain '/'");
    if (!t.nodeClassRef.kind) out.push("spec.template.spec.nodeClassRef.kind: kind may not be empty");
    if (!t.nodeClassRef.name) out.push("spec.template.spec.nodeClassRef.name: name may not be empty");
    if (t.expireAfter !== undefined && !CRD_PATTERNS.nodePoolDuration.test(t.expireAfter)) {
        out.push(`spec.template.spec.expireAfter: "${t.expireAfter}" does not match ${CRD_PATTERNS.nodePoolDuration}`);
    }
    if (t.requirements.length > 100) out.push("spec.template.spec.requirements: more than 100 items");
    t.requirements.forEach((r, i) => {
        const at = `spec.template.spec.requirements[${i}]`;
        if (r.key.length > 316 || !CRD_PATTERNS.requirementKey.test(r.key)) out.push(`${at}.key: "${r.key}" does not match the label key pattern`);
        const domain = domainOf(r.key);
        if (domain.endsWith("karpenter.sh") && r.key !== "karpenter.sh/capacity-type") out.push(`${at}.key: label domain "karpenter.sh" is restricted`);
        if (r.key === "kubernetes.io/hostname") out.push(`${at}.key: label "kubernetes.io/hostname" is restricted`);
        if (domain.endsWith("karpenter.k8s.aws") && !AWS_DOMAIN_LABELS.has(r.key)) out.push(`${at}.key: label domain "karpenter.k8s.aws" is restricted`);
        if (!(REQUIREMENT_OPERATORS as readonly string[]).includes(r.operator)) out.push(`${at}.operator: "${r.operator}" is not one of ${REQUIREMENT_OPERATORS.join(", ")}`);
        const values = r.values ?? [];
        if (r.operator === "In" && values.length === 0) out.push(`${at}: requirements with operator 'In' must have a value defined`);
        if (["Gt", "Lt", "Gte", "Lte"].includes(r.operator) && !(values.length === 1 && /^[0-9]+$/.test(values[0]))) {
            out.push(`${at}: requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value`);
        }
        if (r.minValues !== undefined && (r.minValues < 1 || r.minValues > 50 || (r.operator === "In" && values.length < r.minValues))) {
            out.push(`${at}.minValues: must be 1..50 and no more than the number of values`);
        }
    });
    const d = spec.disruption;
    if (d) {
        if (!CRD_PATTERNS.nodePoolDuration.test(d.consolidateAfter)) out.push(`spec.disruption.consolidateAfter: "${d.consolidateAfter}" does not match ${CRD_PATTERNS.nodePoolDuration}`);
        if (d.consolidationPolicy !== undefined && !(CONSOLIDATION_POLICIES as readonly string[]).includes(d.consolidationPolicy)) {
            out.push(`spec.disruption.consolidationPolicy: "${d.consolidationPolicy}" is not one of ${CONSOLIDATION_POLICIES.join(", ")}`);
        }
        const budgets = d.budgets ?? [];
        if (budgets.length > 50) out.push("spec.disruption.budgets: more than 50 items");
        budgets.forEach((b, i) => {
            const at = `spec.disruption.budgets[${i}]`;
            if (!CRD_PATTERNS.budgetNodes.test(b.nodes)) out.push(`${at}.nodes: "${b.nodes}" does not match ${CRD_PATTERNS.budgetNodes}`);
            if (b.duration !== undefined && !CRD_PATTERNS.budgetDuration.test(b.duration)) out.push(`${at}.duration: "${b.duration}" does not match ${CRD_PATTERNS.budgetDuration}`);
            if (b.schedule !== undefined && !CRD_PATTERNS.budgetSchedule.test(b.schedule)) out.push(`${at}.schedule: "${b.schedule}" does not match ${CRD_PATTERNS.budgetSchedule}`);
            if ((b.schedule === undefined) !== (b.duration === undefined)) out.push(`${at}: 'schedule' must be set with 'duration'`);
            for (const reason of b.reasons ?? []) {
                if (!(DISRUPTION_REASONS as readonly string[]).includes(reason)) out.push(`${at}.reasons: "${reason}" is not one of ${DISRUPTION_REASONS.join(", ")}`);
            }
        });
    }
    for (const [resource, value] of Object.entries(spec.limits ?? {})) {
        if (typeof value === "string" && !CRD_PATTERNS.quantity.test(value)) out.push(`spec.limits.${resource}: "${value}" is not a quantity`);
    }
    if (spec.weight !== undefined && (spec.weight < 1 || spec.weight > 100)) out.push("spec.weight: must be 1..100");
    return out;
}

/** Problems the v1.14.1 API server would report for an EC2NodeClass spec (the rules this layer relies on). */
export function ec2NodeClassProblems(spec: IEC2NodeClassSpec): string[] {
    const out: string[] = [];
    const hasRole = spec.role !== undefined;
    const hasProfile = spec.instanceProfile !== undefined;
    if (hasRole === hasProfile) out.push("spec: must specify exactly one of ['role', 'instanceProfile']");
    if (spec.role === "") out.push("spec.role: role cannot be empty");
    const terms = spec.amiSelectorTerms;
    if (terms.length < 1 || terms.length > 30) out.push("spec.amiSelectorTerms: expected 1 to 30 terms");
    const aliases = terms.filter((t) => t.alias !== undefined);
    if (aliases.length > 0 && terms.length !== 1) out.push("spec.amiSelectorTerms: 'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms");
    for (const t of aliases) {
        const alias = t.alias as string;
        if (alias.length > 30) out.push(`spec.amiSelectorTerms[].alias: "${alias}" is longer than 30 characters`);
        if (!CRD_PATTERNS.alias.test(alias)) out.push(`spec.amiSelectorTerms[].alias: "${alias}" is improperly formatted, must match the format 'family@version'`);
        const [family, version] = alias.split("@");
        if (!(ALIAS_FAMILIES as readonly string[]).includes(family)) out.push(`spec.amiSelectorTerms[].alias: family "${family}" is not supported, must be one of ${ALIAS_FAMILIES.join(", ")}`);
        if (family.startsWith("windows") && version !== "latest") out.push("spec.amiSelectorTerms[].alias: windows families may only specify version 'latest'");
        if (t.id !== undefined || t.tags !== undefined || t.name !== undefined || t.owner !== undefined) {
            out.push("spec.amiSelectorTerms[]: 'alias' is mutually exclusive, cannot be set with a combination of other fields");
        }
    }
    if (aliases.length === 0 && spec.amiFamily === undefined) out.push("spec: must specify amiFamily if amiSelectorTerms does not contain an alias");
    const selectors: [string, { tags?: Record<string, string>; id?: string }[]][] = [
        ["subnetSelectorTerms", spec.subnetSelectorTerms],
        ["securityGroupSelectorTerms", spec.securityGroupSelectorTerms],
    ];
    for (const [field, list] of selectors) {
        if (list.length === 0) out.push(`spec.${field}: ${field} cannot be empty`);
        if (list.length > 30) out.push(`spec.${field}: more than 30 terms`);
        list.forEach((term, i) => {
            if (term.tags === undefined && term.id === undefined && !("name" in term)) out.push(`spec.${field}[${i}]: expected at least one of tags, id`);
            for (const [k, v] of Object.entries(term.tags ?? {})) {
                if (k === "" || v === "") out.push(`spec.${field}[${i}].tags: empty tag keys or values aren't supported`);
            }
        });
    }
    const mo = spec.metadataOptions;
    if (mo) {
        if (mo.httpPutResponseHopLimit !== undefined && (mo.httpPutResponseHopLimit < 1 || mo.httpPutResponseHopLimit > 64)) out.push("spec.metadataOptions.httpPutResponseHopLimit: must be 1..64");
        if (mo.httpTokens !== undefined && !["required", "optional"].includes(mo.httpTokens)) out.push("spec.metadataOptions.httpTokens: must be required or optional");
        if (mo.httpEndpoint !== undefined && !["enabled", "disabled"].includes(mo.httpEndpoint)) out.push("spec.metadataOptions.httpEndpoint: must be enabled or disabled");
        if (mo.httpProtocolIPv6 !== undefined && !["enabled", "disabled"].includes(mo.httpProtocolIPv6)) out.push("spec.metadataOptions.httpProtocolIPv6: must be enabled or disabled");
    }
    const bdms = spec.blockDeviceMappings ?? [];
    if (bdms.filter((b) => b.rootVolume === true).length > 1) out.push("spec.blockDeviceMappings: must have only one blockDeviceMappings with rootVolume");
    bdms.forEach((b, i) => {
        if (!b.ebs) return;
        if (b.ebs.snapshotID === undefined && b.ebs.volumeSize === undefined) out.push(`spec.blockDeviceMappings[${i}].ebs: snapshotID or volumeSize must be defined`);
        if (b.ebs.volumeSize !== undefined && !CRD_PATTERNS.volumeSize.test(b.ebs.volumeSize)) out.push(`spec.blockDeviceMappings[${i}].ebs.volumeSize: "${b.ebs.volumeSize}" does not match the size pattern`);
    });
    for (const key of Object.keys(spec.tags ?? {})) {
        const problem = restrictedTagProblem(key);
        if (problem) out.push(`spec.tags: ${problem}`);
    }
    return out;
}
