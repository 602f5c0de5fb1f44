// `cost-budget`: the stack's monthly cost estimate stays within its budget, `platform:costBudgetUsd`.
// The estimate is the plan's own (tools/insight/cost.ts, the same price table and assumptions). The budget is
// stack config: the Pulumi CLI hands a policy pack the stack's configuration in PULUMI_CONFIG (constructEnv in
// pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go), so `new pulumi.Config("platform")` reads it
// under `pulumi preview --policy-pack` as in the offline plan. No budget set: nothing to check.
import * as pulumi from "@pulumi/pulumi";
import type { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { estimateCost } from "../tools/insight/cost";
import type { PlanResource } from "../tools/insight/model";

/** Type tokens of packages whose resources are cloud resources (everything else is a component of this program). */
const PROVIDER_PACKAGES = new Set(["aws", "kubernetes", "random", "tls", "eks", "command", "pulumi"]);

/** The budget in USD, or a message when the key holds something else; undefined when unset. */
export function readBudget(): { usd: number } | { problem: string } | undefined {
    const raw = new pulumi.Config("platform").get("costBudgetUsd");
    if (raw === undefined || raw === "") return undefined;
    const usd = Number(raw);
    if (!Number.isFinite(usd) || usd <= 0) return { problem: `platform:costBudgetUsd: expected a positive number of USD a month, found ${JSON.stringify(raw)}` };
    return { usd };
}

function planResource(r: PolicyResource): PlanResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent?.urn ?? null,
        // Components are resources of this program's own packages (platform:...); the remote eks:index:Cluster is priced.
        custom: PROVIDER_PACKAGES.has(r.type.split(":")[0]),
        dependencies: r.dependencies.map((d) => d.urn),
        inputs: r.props as Record<string, unknown>,
    };
}

export const costBudget: StackValidationPolicy = {
    name: "cost-budget",
    description: "The stack's monthly cost estimate (the plan's, tools/insight/cost.ts) stays within platform:costBudgetUsd when that is set.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const budget = readBudget();
        if (budget === undefined) return;
        if ("problem" in budget) {
            report(budget.problem);
            return;
        }
        const region = new pulumi.Config("aws").get("region") ?? "";
        // The Platform component reports its pods per node pool (the capacity ledger) in its outputs.
        const platform = args.resources.find((r) => r.type === "platform:index:Platform");
        let estimate;
        try {
            estimate = estimateCost(args.resources.map(planResource), { region, capacity: platform?.props["capacity"] });
        } catch (e) {
            report(`cannot check the budget of ${budget.usd} USD: ${(e as Error).message}`);
            return;
        }
        const total = estimate.json.monthlyUsd;
        if (total <= budget.usd) return;
        const top = Object.entries(estimate.json.byLayer)
            .sort(([, a], [, b]) => b - a)
            .slice(0, 4)
            .map(([layer, usd]) => `${layer} ${usd.toFixed(2)}`)
            .join(", ");
        report(
            `the monthly cost estimate is ${total.toFixed(2)} USD, over the budget platform:costBudgetUsd = ${budget.usd.toFixed(2)} USD by ${(total - budget.usd).toFixed(2)} USD ` +
                `(largest layers: ${top}; prices ${estimate.json.region} as of ${estimate.json.pricesAsOf}; see the plan's cost section for the assumptions)`,
        );
    },
};

export const costBudgetPolicies: Policies = [costBudget];
