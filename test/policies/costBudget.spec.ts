// cost-budget: the plan's cost estimate against platform:costBudgetUsd (stack config, as the CLI hands it to the pack).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parsePlatformConfig } from "../../infra/config";
import { PolicyPackConfigFile } from "../../tools/offline/policyRunner";
import { buildReport } from "../../tools/offline/report";
import { fakeSource, withRequired } from "../configSource";
import { planStack } from "../helpers";
import { check, of, resource } from "./helpers";

const CONFIG_DIR = path.resolve(__dirname, "..", "..", "policies", "config");
const packConfig = (stack: string) => JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${stack}.json`), "utf8")) as PolicyPackConfigFile;

/** Runs `fn` with extra stack config, then puts the runtime's config back as it was. */
async function withConfig<T>(extra: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const saved = pulumi.runtime.allConfig();
    pulumi.runtime.setAllConfig({ ...saved, ...extra });
    try {
        return await fn();
    } finally {
        pulumi.runtime.setAllConfig(saved);
    }
}

// eu-west-1: EKS control plane 730 h x $0.10 = 73.00; NAT 730 h x $0.048 + 100 GB x $0.048 = 39.84. Total 112.84.
const stack = [resource("eks:index:Cluster", "cluster", { name: "c" }), resource("aws:ec2/natGateway:NatGateway", "nat", { subnetId: "s" })];

describe("policies: cost-budget", () => {
    it("passes within the budget and when no budget is set", async () => {
        assert.deepEqual(of(await withConfig({ "aws:region": "eu-west-1", "platform:costBudgetUsd": "120" }, () => check(stack, packConfig("prod"))), "cost-budget"), []);
        assert.deepEqual(of(await withConfig({ "aws:region": "eu-west-1" }, () => check(stack, packConfig("prod"))), "cost-budget"), []);
    });

    it("fails over the budget with the figures: mandatory in prod, advisory in dev", async () => {
        const prod = of(await withConfig({ "aws:region": "eu-west-1", "platform:costBudgetUsd": "100" }, () => check(stack, packConfig("prod"))), "cost-budget");
        assert.equal(prod.length, 1);
        assert.equal(prod[0].enforcement, "mandatory");
        assert.match(prod[0].message, /estimate is 112\.84 USD, over the budget platform:costBudgetUsd = 100\.00 USD by 12\.84 USD/);
        assert.match(prod[0].message, /prices eu-west-1 as of/);
        const dev = of(await withConfig({ "aws:region": "eu-west-1", "platform:costBudgetUsd": "100" }, () => check(stack, packConfig("dev"))), "cost-budget");
        assert.equal(dev[0].enforcement, "advisory");
    });

    it("names the key when the budget is not a positive number, and a region without prices", async () => {
        const bad = of(await withConfig({ "aws:region": "eu-west-1", "platform:costBudgetUsd": "lots" }, () => check(stack, packConfig("prod"))), "cost-budget");
        assert.equal(bad[0].message.split("\n").pop(), 'platform:costBudgetUsd: expected a positive number of USD a month, found "lots"');
        const region = of(await withConfig({ "aws:region": "ap-south-2", "platform:costBudgetUsd": "100" }, () => check(stack, packConfig("prod"))), "cost-budget");
        assert.match(region[0].message, /cannot check the budget of 100 USD: no prices for region ap-south-2/);
    });

    it("the program validates platform:costBudgetUsd with the other config, naming the key", () => {
        const load = (v: unknown) => parsePlatformConfig({ source: fakeSource(withRequired({ environment: "prod", costBudgetUsd: v })), project: "platform", stack: "prod", region: "eu-west-1" });
        assert.equal(load(1500).costBudgetUsd, 1500);
        assert.throws(() => load(0), /platform:costBudgetUsd: expected a whole number of USD a month, like 1500, found 0/);
        assert.throws(() => load("lots"), /platform:costBudgetUsd: expected a whole number of USD a month, like 1500, found "lots"/);
    });

    it("on the planned prod stack: the policy's estimate is the plan's own, and a budget below it fails the plan", async function () {
        this.timeout(60000);
        // The memoized prod run, analyzed with a budget in its stack config (no extra program run: the program does
        // not read the key; parsePlatformConfig's validation of it is tested above). buildReport installs the run's
        // config for the pack, as the CLI does; put the previous config back so later checks do not inherit the budget.
        const run = await planStack("prod");
        const saved = pulumi.runtime.allConfig();
        let report;
        try {
            report = await buildReport({ ...run, stackConfig: { ...run.stackConfig, config: { ...run.stackConfig.config, "platform:costBudgetUsd": "500" } } }, path.join(CONFIG_DIR, "prod.json"));
        } finally {
            pulumi.runtime.setAllConfig(saved);
        }
        const [v, ...rest] = of(report.policies.violations, "cost-budget");
        assert.equal(rest.length, 0);
        assert.equal(v.enforcement, "mandatory");
        assert.ok(v.message.includes(`estimate is ${report.json.cost.monthlyUsd.toFixed(2)} USD, over the budget platform:costBudgetUsd = 500.00 USD`), v.message);
    });
});
