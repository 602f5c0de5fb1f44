// Config section of the workloads layer: the sample "quotes" service, per stack.
// Keys: platform:quotes = { imageTag, replicas, autoscaling: { enabled, minReplicas, maxReplicas }, resources: { cpu, memory, memoryLimit },
// delivery: deployment | canary | blueGreen }.
import { z } from "zod";
import { configSection, positiveQuantity } from "../lib/configSchema";
import { parseQuantity } from "./quantity";

const quotes = z.strictObject({
    /** nginxinc/nginx-unprivileged tag; `latest` is refused (the component also checks). */
    imageTag: z
        .string()
        .regex(/^[\w][\w.-]{0,127}$/, { message: "expected an image tag like 1.29.5-alpine" })
        .refine((t) => t !== "latest", { message: "expected a pinned tag, not latest" }),
    /** Fixed replica count when autoscaling is off. */
    replicas: z.number().int().min(1, { message: "expected at least 1" }),
    autoscaling: z.strictObject({
        enabled: z.boolean(),
        minReplicas: z.number().int().min(1, { message: "expected at least 1" }),
        maxReplicas: z.number().int().min(1, { message: "expected at least 1" }).max(100),
    }),
    resources: z.strictObject({ cpu: positiveQuantity, memory: positiveQuantity, memoryLimit: positiveQuantity }),
    /** How a new version is released: a Deployment's rolling update, or Argo Rollouts (canary on the ALB, or blue/green). */
    delivery: z.enum(["deployment", "canary", "blueGreen"]),
});

const shape = { quotes };
export type QuotesSettings = z.infer<typeof quotes>;

export const workloadsSection = configSection({
    shape,
    defaults: {
        dev: {
            quotes: {
                imageTag: "1.29.5-alpine",
                replicas: 2,
                autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 4 },
                resources: { cpu: "50m", memory: "64Mi", memoryLimit: "128Mi" },
                delivery: "deployment",
            },
        },
        prod: {
            quotes: {
                imageTag: "1.29.5-alpine",
                replicas: 3,
                autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 12 },
                resources: { cpu: "100m", memory: "128Mi", memoryLimit: "128Mi" },
                delivery: "deployment",
            },
        },
    },
    checks: (v, environment) => {
        const out: { key: string; message: string }[] = [];
        const q = v.quotes;
        const min = environment === "prod" ? 2 : 1;
        if (!q.autoscaling.enabled && q.replicas < min) {
            out.push({ key: "quotes.replicas", message: `expected at least ${min} in ${environment} (3 recommended in prod), found ${q.replicas}` });
        }
        if (q.autoscaling.enabled && q.autoscaling.minReplicas < min) {
            out.push({ key: "quotes.autoscaling.minReplicas", message: `expected at least ${min} in ${environment}, found ${q.autoscaling.minReplicas}` });
        }
        if (q.autoscaling.minReplicas > q.autoscaling.maxReplicas) {
            out.push({ key: "quotes.autoscaling", message: `expected minReplicas <= maxReplicas, found ${q.autoscaling.minReplicas} > ${q.autoscaling.maxReplicas}` });
        }
        const mem = parseQuantity(q.resources.memory);
        const lim = parseQuantity(q.resources.memoryLimit);
        if (mem !== undefined && lim !== undefined && lim < mem) {
            out.push({ key: "quotes.resources.memoryLimit", message: `expected at least the memory request (${q.resources.memory}), found ${q.resources.memoryLimit}` });
        }
        return out;
    },
});
