// The stack configuration: every key typed, defaulted per environment, and validated before any
// resource is declared. Keys live in the `platform:` namespace of Pulumi.<stack>.yaml; the region is
// the AWS provider's own `aws:region`, so the program and the provider can never disagree.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    ConfigError,
    ENVIRONMENTS,
    RegisteredSection,
    type Environment,
    ConfigSource,
    awsArn,
    cidr,
    loadConfig,
    logRetentionDays,
    pulumiConfigSource,
} from "./lib/configSchema";
import { networkSection } from "./network/config";
import { karpenterSection } from "./karpenter/config";
import { dataSection } from "./data/config";
import { ingressSection } from "./ingress/config";
import { workloadsSection } from "./workloads/config";
import { deliverySection } from "./delivery/config";
import { secretsSection } from "./secrets/config";
import { loggingSection } from "./logging/config";
import { observabilitySection } from "./observability/config";
import { gitopsSection } from "./gitops/config";
import { backupSection } from "./backup/config";
import { physicalNameProblems } from "./lib/naming";

export { ENVIRONMENTS };
export type { Environment };

/**
 * Config namespaces other than `platform:` that a stack may set: the providers this program uses (package.json
 * @pulumi/aws, eks, kubernetes, random, tls) and Pulumi's own (`pulumi:tags`, `pulumi:disable-default-providers`).
 * A key in any other namespace (`platfrom:azCount`) is a mistake and is reported.
 */
export const PROVIDER_NAMESPACES = ["aws", "eks", "kubernetes", "random", "tls", "pulumi"] as const;

/** EKS versions in standard support when this was pinned; bump together with the add-on versions. */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.32", "1.33", "1.34", "1.35"] as const;

const AWS_REGION = /^(us|eu|ap|ca|sa|me|af|il|mx)-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d$/;

const systemNodes = z.strictObject({
    instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "expected an EC2 instance type like m7i.large" })).min(1),
    minSize: z.number().int().min(2, { message: "expected at least 2 (one per AZ, so controllers survive an AZ loss)" }),
    desiredSize: z.number().int().min(2),
    maxSize: z.number().int().min(2).max(20),
    diskSizeGiB: z.number().int().min(20).max(500),
    amiType: z.enum(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"]),
});

/** RFC 1918 private blocks; a VPC block must lie inside one of them. */
const PRIVATE_BLOCKS: [number, number][] = [
    [0x0a000000, 8], // 10.0.0.0/8
    [0xac100000, 12], // 172.16.0.0/12
    [0xc0a80000, 16], // 192.168.0.0/16
];

function isPrivateBlock(block: string): boolean {
    const [ip, len] = block.split("/");
    const addr = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
    const prefix = Number(len);
    return PRIVATE_BLOCKS.some(([base, bits]) => prefix >= bits && Math.floor(addr / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)));
}

/**
 * Tags the aws-required-tags policy requires beyond the platform:* ones the program adds itself
 * (policies/config/*.json requiredTags; test/foundation keeps the two in step). They have defaults; a stack
 * that empties one is told why it is needed.
 */
export const REQUIRED_USER_TAGS = ["cost-center"] as const;
/** Tags the program adds to every taggable resource (commonTags below). */
const PLATFORM_TAG_COUNT = 4;
/**
 * AWS allows 50 user tags per resource. Besides the platform's 4, a resource carries at most 3 tags of its own
 * today (subnets: Name and two discovery tags; test/foundation measures the planned stacks), so 40 leaves room.
 */
export const MAX_USER_TAGS = 40;

const BUDGET = { message: "expected a whole number of USD a month, like 1500" };

/** Keys of the foundation (network, cluster). Each later layer adds a section through LAYER_SECTIONS. */
const coreShape = {
    environment: z.enum(ENVIRONMENTS),
    vpcCidr: cidr
        .refine((c) => {
            const prefix = Number(c.split("/")[1]);
            return prefix >= 16 && prefix <= 20;
        }, { message: "expected a /16 to /20 block (the subnets are carved out of it)", abort: true })
        .refine(isPrivateBlock, { message: "expected a private block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918, the ranges AWS recommends for VPCs)" }),
    azCount: z.number().int().min(2, { message: "expected 2 or 3" }).max(3, { message: "expected 2 or 3" }),
    natStrategy: z.enum(["single", "perAz"]),
    kubernetesVersion: z.enum(SUPPORTED_KUBERNETES_VERSIONS),
    endpointPublicAccess: z.boolean(),
    publicAccessCidrs: z.array(cidr),
    adminPrincipalArns: z.array(awsArn),
    systemNodes,
    tags: z
        .record(
            z
                .string()
                .regex(/^[\w .:/=+@-]{1,128}$/, { message: "expected a tag key of 1-128 characters" })
                .refine((k) => !/^aws:/i.test(k), { message: 'expected a tag key that does not start with "aws:" (AWS reserves the prefix)' }),
            z
                .string()
                .max(256)
                .refine((v) => !/^aws:/i.test(v), { message: 'expected a tag value that does not start with "aws:" (AWS reserves the prefix)' }),
        )
        .superRefine((tags, ctx) => {
            const n = Object.keys(tags).length;
            if (n > MAX_USER_TAGS) {
                ctx.addIssue({
                    code: "custom",
                    message: `expected at most ${MAX_USER_TAGS} tags (AWS allows 50 per resource; the platform adds its ${PLATFORM_TAG_COUNT} and some resources carry a few of their own)`,
                    input: n,
                });
            }
            for (const key of REQUIRED_USER_TAGS) {
                if (typeof tags[key] !== "string" || tags[key] === "") {
                    ctx.addIssue({
                        code: "custom",
                        path: [key],
                        message: `expected a non-empty ${key} tag: policy aws-required-tags (mandatory) requires it on every taggable resource`,
                        input: tags[key],
                    });
                }
            }
        }),
    logRetentionDays,
    /** Deletion protection, `protect` and final snapshots on databases, buckets and keys. */
    protectStatefulResources: z.boolean(),
    /** Monthly budget in USD; the `cost-budget` policy compares the plan's estimate with it (unset: no check). */
    costBudgetUsd: z.number(BUDGET).int(BUDGET).positive(BUDGET).optional(),
};

// To add a layer's keys: list its section here (infra/<layer>/config.ts); its shape, defaults and checks follow.
const LAYER_SECTIONS = [networkSection, karpenterSection, dataSection, ingressSection, workloadsSection, observabilitySection, secretsSection, loggingSection, backupSection, gitopsSection, deliverySection] as const;

type CoreShape = typeof coreShape;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type LayerShapes = UnionToIntersection<(typeof LAYER_SECTIONS)[number]["shape"]>;
type Shape = CoreShape & LayerShapes;

/** Every key of the platform namespace: the foundation's and each listed section's. */
export const platformShape: Shape = Object.assign({}, coreShape, ...LAYER_SECTIONS.map((l) => l.shape));

const CORE_DEFAULTS: Record<Environment, Partial<Record<keyof CoreShape, unknown>>> = {
    dev: {
        vpcCidr: "10.10.0.0/16",
        azCount: 2,
        natStrategy: "single",
        kubernetesVersion: "1.35",
        // Private by default, as in prod: a public endpoint needs an allow-list (publicAccessCidrs).
        endpointPublicAccess: false,
        publicAccessCidrs: [],
        adminPrincipalArns: [],
        systemNodes: { instanceTypes: ["m7i.large"], minSize: 2, desiredSize: 2, maxSize: 4, diskSizeGiB: 50, amiType: "AL2023_x86_64_STANDARD" },
        // aws-required-tags (mandatory) needs a cost-center on every taggable resource: the platform's own by
        // default; a stack sets its organisation's (objects merge key by key, so other tags keep this one).
        tags: { "cost-center": "platform" },
        logRetentionDays: 14,
        protectStatefulResources: false,
    },
    prod: {
        vpcCidr: "10.20.0.0/16",
        azCount: 3,
        natStrategy: "perAz",
        kubernetesVersion: "1.35",
        endpointPublicAccess: false,
        publicAccessCidrs: [],
        adminPrincipalArns: [],
        systemNodes: { instanceTypes: ["m7i.large", "m6i.large"], minSize: 3, desiredSize: 3, maxSize: 6, diskSizeGiB: 80, amiType: "AL2023_x86_64_STANDARD" },
        // aws-required-tags (mandatory) needs a cost-center on every taggable resource: the platform's own by
        // default; a stack sets its organisation's (objects merge key by key, so other tags keep this one).
        tags: { "cost-center": "platform" },
        logRetentionDays: 90,
        protectStatefulResources: true,
    },
};

/** Per-environment defaults of every key. Stack files override them key by key. */
export const ENVIRONMENT_DEFAULTS: Record<Environment, Partial<Record<keyof Shape, unknown>>> = {
    dev: Object.assign({}, CORE_DEFAULTS.dev, ...LAYER_SECTIONS.map((l) => l.defaults.dev)),
    prod: Object.assign({}, CORE_DEFAULTS.prod, ...LAYER_SECTIONS.map((l) => l.defaults.prod)),
};

export type PlatformSettings = z.infer<z.ZodObject<Shape>>;

export interface PlatformConfig extends PlatformSettings {
    project: string;
    stack: string;
    region: string;
    /** `<project>-<stack>`: the EKS cluster name and the prefix of every physical name. */
    clusterName: string;
    /** Tags every taggable resource carries: the stack's tags plus the ones cost allocation needs. */
    commonTags: Record<string, string>;
    /** Keys whose values came from `secure:` config; read them with `pulumi.secret`. */
    secretKeys: ReadonlySet<string>;
}

/**
 * Cross-field checks of the foundation's keys. They receive only the keys that are valid by themselves (the
 * loader leaves invalid ones out so that all problems are reported together) and skip what they cannot judge.
 */
function crossChecks(v: Partial<PlatformSettings>): { key: string; message: string }[] {
    const out: { key: string; message: string }[] = [];
    const n = v.systemNodes;
    if (n && !(n.minSize <= n.desiredSize && n.desiredSize <= n.maxSize)) {
        out.push({ key: "systemNodes", message: `expected minSize <= desiredSize <= maxSize, found ${n.minSize} / ${n.desiredSize} / ${n.maxSize}` });
    }
    if (n && v.azCount !== undefined && n.minSize < v.azCount && v.environment === "prod") {
        out.push({ key: "systemNodes.minSize", message: `expected at least one system node per AZ in prod (azCount ${v.azCount}), found ${n.minSize}` });
    }
    // The eks-private-endpoint policy (mandatory everywhere) refuses a public endpoint without an allow-list:
    // EKS then opens the API server to 0.0.0.0/0. Said here with the same reason, before anything is planned.
    if (v.endpointPublicAccess === true && v.publicAccessCidrs !== undefined && v.publicAccessCidrs.length === 0) {
        out.push({
            key: "publicAccessCidrs",
            message:
                "expected a CIDR allow-list when endpointPublicAccess is true, found an empty list (EKS would open the public endpoint to 0.0.0.0/0; policy eks-private-endpoint): list your networks, or set endpointPublicAccess: false",
        });
    }
    if (v.endpointPublicAccess === true && v.publicAccessCidrs?.includes("0.0.0.0/0")) {
        out.push({ key: "publicAccessCidrs", message: 'expected specific CIDR blocks, found "0.0.0.0/0" (the API server would be open to the internet)' });
    }
    return out;
}

export interface LoadInput {
    source: ConfigSource;
    project: string;
    stack: string;
    region: string | undefined;
}

export function parsePlatformConfig(input: LoadInput): PlatformConfig {
    const regionProblem =
        input.region === undefined
            ? "aws:region: expected an AWS region like eu-west-1, found nothing (the key is not set)"
            : AWS_REGION.test(input.region)
              ? undefined
              : `aws:region: expected an AWS region like eu-west-1, found ${JSON.stringify(input.region)}`;
    // Physical names derived from the project and stack names (RDS id, Valkey group, buckets...): checked with the
    // other problems so that one report lists them all. The PostgreSQL major only sets the parameter group's suffix.
    const names = (postgresMajor: string) =>
        physicalNameProblems({ project: input.project, stack: input.stack, region: input.region ?? "us-east-1", postgresMajor });
    const early = [...(regionProblem ? [regionProblem] : [])];
    let loaded: ReturnType<typeof loadConfig<Shape, Environment>>;
    try {
        loaded = loadConfig(input.source, {
            shape: platformShape,
            environmentKey: "environment",
            environments: ENVIRONMENTS,
            defaults: ENVIRONMENT_DEFAULTS,
            otherNamespaces: PROVIDER_NAMESPACES,
            refine: (v) => {
                const environment = v.environment;
                if (environment === undefined) return [];
                return [...crossChecks(v), ...LAYER_SECTIONS.flatMap((l: RegisteredSection) => l.check(v, environment))];
            },
        });
    } catch (e) {
        if (e instanceof ConfigError) throw new ConfigError([...early, ...names("17"), ...e.problems]);
        throw e;
    }
    const v = loaded.value;
    const late = [...early, ...names(v.database.engineVersion.split(".")[0])];
    if (late.length > 0) throw new ConfigError(late);
    const clusterName = `${input.project}-${input.stack}`;
    return {
        ...v,
        project: input.project,
        stack: input.stack,
        region: input.region as string,
        clusterName,
        commonTags: {
            ...v.tags,
            "platform:project": input.project,
            "platform:stack": input.stack,
            "platform:environment": v.environment,
            "platform:managed-by": "pulumi",
        },
        secretKeys: loaded.secretKeys,
    };
}

/** Loads the current stack's config through the Pulumi runtime. */
export function loadPlatformConfig(): PlatformConfig {
    return parsePlatformConfig({
        source: pulumiConfigSource(),
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        region: new pulumi.Config("aws").get("region"),
    });
}
