// Config of the Karpenter layer: one object, `platform:karpenter`, with per-environment defaults.
// Patterns are the ones the v1.14.1 CRDs enforce (pkg/apis/crds/karpenter.sh_nodepools.yaml and
// karpenter.k8s.aws_ec2nodeclasses.yaml in aws/karpenter-provider-aws), so a value that passes here is
// also accepted by the API server; see infra/karpenter/crdRules.ts for the same patterns as code.
import { z } from "zod";
import { configSection, isPositiveQuantity } from "../lib/configSchema";
import { CRD_PATTERNS } from "./crdRules";

/** Capacity types this layer's EC2NodeClass can serve ("reserved" would need capacityReservationSelectorTerms). */
export const CAPACITY_TYPES = ["spot", "on-demand"] as const;

const karpenterQuantity = z
    .string()
    .regex(CRD_PATTERNS.quantity, { message: "expected a Kubernetes quantity like 64, 500m, 256Gi or 1Ti", abort: true })
    // The CRD pattern admits a sign; a zero or negative limit would stop the pool from launching any node.
    .refine(isPositiveQuantity, { message: "expected a limit above zero" });
const disruptionDuration = z.string().regex(CRD_PATTERNS.nodePoolDuration, {
    message: 'expected a duration in s/m/h like 30s, 5m, 720h, or "Never"',
});

const karpenter = z.strictObject({
    /** NodePool `spec.limits`: Karpenter stops launching nodes once the pool's nodes add up to these. */
    limits: z.strictObject({ cpu: karpenterQuantity, memory: karpenterQuantity }),
    /** Capacity types the default NodePool may launch; with both, Karpenter tries spot first. */
    capacityTypes: z
        .array(z.enum(CAPACITY_TYPES, { message: `expected one of ${CAPACITY_TYPES.join(", ")}` }))
        .min(1, { message: "expected at least one capacity type" }),
    /** Largest instance (in vCPUs) the default NodePool may launch: `karpenter.k8s.aws/instance-cpu Lt max+1`. */
    maxInstanceCpu: z.number().int().min(2, { message: "expected at least 2 vCPUs" }).max(192, { message: "expected at most 192 vCPUs" }),
    /** Oldest EC2 generation allowed: `karpenter.k8s.aws/instance-generation Gt min-1`. */
    minInstanceGeneration: z.number().int().min(1, { message: "expected an EC2 generation from 1 to 10" }).max(10, { message: "expected an EC2 generation from 1 to 10" }),
    /** How long a node must be empty or underutilized before consolidation acts (NodePool consolidateAfter). */
    consolidateAfter: disruptionDuration,
    /** Maximum node lifetime (NodePool template.spec.expireAfter); "Never" disables expiry. */
    expireAfter: disruptionDuration,
    /** Share of the pool's nodes that voluntary disruption may take down at once (the default budget). */
    budgetPercent: z
        .number()
        .int({ message: "expected a whole percentage" })
        .min(0, { message: "expected a percentage from 0 to 100" })
        .max(100, { message: "expected a percentage from 0 to 100" }),
    /** Window (UTC cron + duration) in which consolidation of underutilized nodes is blocked. */
    businessHours: z.strictObject({
        schedule: z.string().regex(CRD_PATTERNS.budgetSchedule, {
            message: 'expected a cron schedule of five fields in UTC like "0 8 * * mon-fri" or a macro like @daily',
        }),
        duration: z.string().regex(CRD_PATTERNS.budgetDuration, {
            message: "expected a duration in hours and/or minutes like 10h, 90m or 8h30m",
        }),
    }),
    /** EC2NodeClass AMI alias: al2023@latest or a pinned release (an amazon-eks-ami tag). */
    amiAlias: z.string().regex(/^al2023@(latest|v\d{8})$/, {
        message: "expected al2023@latest or a pinned release like al2023@v20260714",
    }),
    /** Size of each node's encrypted gp3 root volume. */
    rootVolumeGiB: z.number().int().min(20, { message: "expected 20 to 1000 GiB" }).max(1000, { message: "expected 20 to 1000 GiB" }),
    /**
     * Create the EC2 Spot service-linked role (AWSServiceRoleForEC2Spot). It exists once per account, so only
     * one stack in an account may own it; leave off when the role already exists (see docs/karpenter.md).
     */
    createSpotServiceLinkedRole: z.boolean(),
    /**
     * The dedicated NodePool `platform` for heavier or stateful add-ons (Prometheus, Loki, Vault, ...): on-demand
     * only, tainted so only those add-ons land there, its own limits; consolidation only of empty nodes.
     */
    platformPool: z.strictObject({
        limits: z.strictObject({ cpu: karpenterQuantity, memory: karpenterQuantity }),
        maxInstanceCpu: z.number().int().min(2, { message: "expected at least 2 vCPUs" }).max(64, { message: "expected at most 64 vCPUs" }),
    }),
});

export type KarpenterSettings = z.infer<typeof karpenter>;

export const karpenterSection = configSection({
    shape: { karpenter },
    defaults: {
        dev: {
            karpenter: {
                limits: { cpu: "64", memory: "256Gi" },
                capacityTypes: ["spot", "on-demand"],
                maxInstanceCpu: 16,
                minInstanceGeneration: 6,
                consolidateAfter: "30s",
                expireAfter: "168h",
                budgetPercent: 20,
                businessHours: { schedule: "0 8 * * mon-fri", duration: "10h" },
                amiAlias: "al2023@latest",
                rootVolumeGiB: 50,
                createSpotServiceLinkedRole: false,
                platformPool: { limits: { cpu: "32", memory: "128Gi" }, maxInstanceCpu: 8 },
            },
        },
        prod: {
            karpenter: {
                limits: { cpu: "512", memory: "2048Gi" },
                capacityTypes: ["spot", "on-demand"],
                maxInstanceCpu: 32,
                minInstanceGeneration: 6,
                consolidateAfter: "5m",
                expireAfter: "336h",
                budgetPercent: 10,
                businessHours: { schedule: "0 7 * * mon-fri", duration: "12h" },
                amiAlias: "al2023@v20260714",
                rootVolumeGiB: 100,
                createSpotServiceLinkedRole: false,
                platformPool: { limits: { cpu: "96", memory: "384Gi" }, maxInstanceCpu: 16 },
            },
        },
    },
    checks: (v, environment) => {
        const out: { key: string; message: string }[] = [];
        const k = v.karpenter;
        if (new Set(k.capacityTypes).size !== k.capacityTypes.length) {
            out.push({ key: "karpenter.capacityTypes", message: `expected each capacity type once, found ${JSON.stringify(k.capacityTypes)}` });
        }
        // Karpenter's docs "strongly recommend using version pins in production" (tasks/managing-amis.md):
        // with @latest every new AMI release drifts and replaces every node.
        if (environment === "prod" && k.amiAlias.endsWith("@latest")) {
            out.push({ key: "karpenter.amiAlias", message: `expected a pinned AMI release in prod like al2023@v20260714, found "${k.amiAlias}"` });
        }
        return out;
    },
});
