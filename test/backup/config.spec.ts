// platform:backup: defaults per environment, the cron reader, and every error path through the real loader.
import * as assert from "assert";
import { PlatformConfig, parsePlatformConfig } from "../../infra/config";
import { firesEveryDay, longestGapHours, parseCron } from "../../infra/backup/cron";
import { withRequired } from "../configSource";

function parse(environment: "dev" | "prod", backup?: unknown): PlatformConfig {
    const values = withRequired({ environment, ...(backup !== undefined ? { backup } : {}) });
    const text: Record<string, string> = Object.fromEntries(
        Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    return parsePlatformConfig({
        source: { get: (k) => text[k], isSecret: () => false, keys: () => Object.keys(text) },
        project: "platform",
        stack: environment,
        region: "eu-west-1",
    });
}

function problems(environment: "dev" | "prod", backup: unknown): string {
    try {
        parse(environment, backup);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected a config error");
}

describe("backup config", () => {
    it("defaults follow the operators' plan: daily 7 d, weekly 28 d, monthly 365 d, RPO 24 h, RTO 1 h", () => {
        for (const env of ["dev", "prod"] as const) {
            const b = parse(env).backup;
            assert.deepStrictEqual(b.schedules, {
                appsDaily: { cron: "0 1 * * *", ttl: "168h" },
                appsWeekly: { cron: "0 2 * * 0", ttl: "672h" },
                appsMonthly: { cron: "0 3 1 * *", ttl: "8760h" },
                clusterDaily: { cron: "30 0 * * *", ttl: "168h" },
            });
            assert.deepStrictEqual(b.objectives, { rpoHours: 24, rtoMinutes: 60 });
            assert.ok(b.platformNamespaces.includes("velero") && b.platformNamespaces.includes("kube-system"));
            assert.strictEqual(b.vaultSnapshot.cron, "15 */6 * * *");
            assert.strictEqual(b.bucket.objectLock, undefined);
        }
        assert.strictEqual(parse("dev").backup.vaultSnapshot.retentionDays, 14);
        assert.strictEqual(parse("prod").backup.vaultSnapshot.retentionDays, 90);
        assert.strictEqual(parse("prod").backup.bucket.noncurrentVersionExpirationDays, 30);
    });

    it("a stack file overrides one field and keeps the rest", () => {
        const b = parse("prod", { schedules: { appsDaily: { cron: "0 23 * * *" } }, bucket: { objectLock: { days: 7 } } }).backup;
        assert.deepStrictEqual(b.schedules.appsDaily, { cron: "0 23 * * *", ttl: "168h" });
        assert.deepStrictEqual(b.bucket.objectLock, { days: 7 });
        assert.strictEqual(b.bucket.transitionToInfrequentAccessDays, 30);
    });

    it("names the key, the expectation and the value for malformed cron, TTL and namespace values", () => {
        const msg = problems("dev", { schedules: { appsDaily: { cron: "0 25 * * *", ttl: "7d" } }, platformNamespaces: ["Velero"] });
        assert.match(msg, /platform:backup\.schedules\.appsDaily\.cron: expected a five-field cron expression in UTC like "0 1 \* \* \*" \(hour: expected values from 0 to 23, found "25"\), found "0 25 \* \* \*"/);
        assert.match(msg, /platform:backup\.schedules\.appsDaily\.ttl: expected a whole number of hours like 168h \(7 days\), found "7d"/);
        assert.match(msg, /platform:backup\.platformNamespaces\[0\]: expected a namespace name \(a DNS-1123 label\), found "Velero"/);
        assert.match(problems("dev", { schedules: { appsWeekly: { cron: "0 2 * *" } } }), /appsWeekly\.cron: .*found 4/);
    });

    it("rejects unknown keys inside the section", () => {
        assert.match(problems("dev", { schedule: {} }), /platform:backup\.schedule: not a known setting/);
    });

    it("cross-checks: daily schedules and the Vault snapshot must meet the RPO, TTLs must bridge to the next run", () => {
        const msg = problems("prod", {
            schedules: { appsDaily: { cron: "0 1 * * 1-5" }, appsWeekly: { ttl: "100h" } },
            vaultSnapshot: { cron: "0 0 */2 * *" },
            objectives: { rpoHours: 24 },
        });
        assert.match(msg, /platform:backup\.schedules\.appsDaily\.cron: expected a schedule that runs at least every 24 hours \(objectives\.rpoHours\), found "0 1 \* \* 1-5"/);
        assert.match(msg, /platform:backup\.vaultSnapshot\.cron: expected a schedule that runs at least every 24 hours/);
        assert.match(msg, /platform:backup\.schedules\.appsWeekly\.ttl: expected at least 168h .*found "100h"/);
        const tight = problems("dev", { objectives: { rpoHours: 4 } });
        assert.match(tight, /appsDaily\.cron: expected a schedule that runs at least every 4 hours/);
        assert.match(tight, /vaultSnapshot\.cron: expected a schedule that runs at least every 4 hours .*found "15 \*\/6 \* \* \*"/);
    });

    it("cross-checks: velero stays a platform namespace, no duplicates, GLACIER_IR 30 days after STANDARD_IA", () => {
        const msg = problems("dev", {
            platformNamespaces: ["kube-system", "kube-system"],
            bucket: { transitionToInfrequentAccessDays: 60, transitionToGlacierInstantRetrievalDays: 70 },
        });
        assert.match(msg, /platform:backup\.platformNamespaces: expected the list to contain "velero"/);
        assert.match(msg, /platform:backup\.platformNamespaces: expected each namespace once/);
        assert.match(msg, /transitionToGlacierInstantRetrievalDays: expected at least 30 days after transitionToInfrequentAccessDays \(60\), i\.e\. at least 90, found 70/);
        assert.match(problems("dev", { bucket: { transitionToInfrequentAccessDays: 10 } }), /transitionToInfrequentAccessDays: expected at least 30 days \(the S3 minimum before STANDARD_IA\), found 10/);
    });
});

describe("cron expressions", () => {
    it("reads the five numeric fields, ranges, lists and steps", () => {
        const c = parseCron("15 */6 * * *");
        assert.ok(typeof c !== "string");
        assert.deepStrictEqual(c.fields[0], [15]);
        assert.deepStrictEqual(c.fields[1], [0, 6, 12, 18]);
        const w = parseCron("0 2 * * 0");
        assert.ok(typeof w !== "string");
        assert.deepStrictEqual(w.fields[4], [0]);
        assert.ok(typeof parseCron("0 8-18/2,20 * * 1-5") !== "string");
    });

    it("says what is wrong", () => {
        assert.strictEqual(parseCron("0 1 * *"), "expected five fields (minute hour day-of-month month day-of-week), found 4");
        assert.strictEqual(parseCron("61 1 * * *"), 'minute: expected values from 0 to 59, found "61"');
        assert.strictEqual(parseCron("0 1 * * MON"), 'day of week: expected a number, a range a-b, * or a step like */6, found "MON"');
        assert.strictEqual(parseCron("0 */0 * * *"), 'hour: expected a step of at least 1, found "*/0"');
    });

    it("knows which expressions fire daily and their longest gap", () => {
        assert.strictEqual(longestGapHours("0 1 * * *"), 24);
        assert.strictEqual(longestGapHours("15 */6 * * *"), 6);
        assert.strictEqual(longestGapHours("0 1,22 * * *"), 21);
        assert.strictEqual(firesEveryDay("0 2 * * 0"), false);
        assert.strictEqual(longestGapHours("0 3 1 * *"), undefined);
    });
});
