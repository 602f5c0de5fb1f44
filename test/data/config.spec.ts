// Config of the data tier: defaults per stack and every error path, with the full key in the message.
import { strict as assert } from "assert";
import { ENVIRONMENT_DEFAULTS, parsePlatformConfig } from "../../infra/config";
import { minMaxAllocatedStorageGiB, postgresFamily, valkeyFamily, windowsOverlap } from "../../infra/data/config";
import { fakeSource as source, withRequired as withDomain } from "../configSource";
import { planStack, rejection } from "../helpers";

function parse(values: Record<string, unknown>) {
    return parsePlatformConfig({ source: source(withDomain(values)), project: "platform", stack: "t", region: "eu-west-1" });
}

function problems(values: Record<string, unknown>): string {
    try {
        parse(values);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected the config to be rejected");
}

describe("data config", () => {
    it("defaults: dev small and single-AZ, prod Multi-AZ with longer retention and a replica", () => {
        const dev = parse({ environment: "dev" });
        const prod = parse({ environment: "prod" });
        assert.equal(dev.database.multiAz, false);
        assert.equal(dev.database.instanceClass, "db.t4g.medium");
        assert.equal(dev.database.backupRetentionDays, 7);
        assert.equal(dev.cache.replicas, 0);
        assert.equal(prod.database.multiAz, true);
        assert.equal(prod.database.backupRetentionDays, 30);
        assert.ok(prod.cache.replicas >= 1);
        assert.match(prod.database.engineVersion, /^17\.\d+$/);
        assert.deepEqual(dev.alarms.emails, []);
        assert.ok(ENVIRONMENT_DEFAULTS.prod.database);
    });

    it("stack values override the defaults key by key", () => {
        const c = parse({ environment: "dev", database: { instanceClass: "db.r7g.large" } });
        assert.equal(c.database.instanceClass, "db.r7g.large");
        assert.equal(c.database.engineVersion, "17.7");
    });

    it("accepts majors 15 to 17 pinned to a minor", () => {
        for (const v of ["15.10", "16.6", "17.6"]) assert.equal(parse({ environment: "dev", database: { engineVersion: v } }).database.engineVersion, v);
    });

    for (const bad of ["14.12", "18.1", "17", "17.6.1", "latest"]) {
        it(`rejects engine version ${bad}`, () => {
            const m = problems({ environment: "dev", database: { engineVersion: bad } });
            assert.match(m, /platform:database\.engineVersion: expected a pinned PostgreSQL version major\.minor with major 15, 16, 17/);
            assert.ok(m.includes(JSON.stringify(bad)), m);
        });
    }

    for (const bad of ["m7g.large", "db.m7g", "DB.m7g.large", "db.m7g.large.x"]) {
        it(`rejects instance class ${bad}`, () => {
            assert.match(problems({ environment: "dev", database: { instanceClass: bad } }), /platform:database\.instanceClass: expected an RDS instance class db\.<family>\.<size>/);
        });
    }

    it("rejects backup retention outside 0-35 (what RDS accepts)", () => {
        assert.match(problems({ environment: "dev", database: { backupRetentionDays: 36 } }), /platform:database\.backupRetentionDays: expected 0 to 35 days .*found 36/);
        assert.match(problems({ environment: "dev", database: { backupRetentionDays: -1 } }), /platform:database\.backupRetentionDays: expected 0 to 35 days .*found -1/);
    });

    it("rejects backup retention below the platform's 7 days, including 0 (backups off)", () => {
        for (const d of [0, 6]) {
            assert.match(problems({ environment: "dev", database: { backupRetentionDays: d } }), new RegExp(`platform:database\\.backupRetentionDays: expected at least 7 days.*found ${d}`));
        }
        assert.equal(parse({ environment: "dev", database: { backupRetentionDays: 35 } }).database.backupRetentionDays, 35);
    });

    it("rejects a cache node type that is not cache.<family>.<size>", () => {
        assert.match(problems({ environment: "dev", cache: { nodeType: "t4g.small" } }), /platform:cache\.nodeType: expected an ElastiCache node type cache\.<family>\.<size>/);
    });

    it("rejects an unknown Valkey version", () => {
        assert.match(problems({ environment: "dev", cache: { engineVersion: "6.2" } }), /platform:cache\.engineVersion:/);
    });

    it("rejects misspelt keys inside the sections", () => {
        assert.match(problems({ environment: "dev", database: { multiAZ: true } }), /platform:database\.multiAZ: not a known setting/);
    });

    it("rejects an invalid alarm email and an out-of-range threshold", () => {
        const m = problems({ environment: "dev", alarms: { emails: ["oncall"], databaseCpuPercent: 120 } });
        assert.match(m, /platform:alarms\.emails\[0\]: expected an email address/);
        assert.match(m, /platform:alarms\.databaseCpuPercent:/);
    });

    it("requires room for storage autoscaling", () => {
        assert.match(
            problems({ environment: "dev", database: { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 100 } }),
            /platform:database\.maxAllocatedStorageGiB: expected at least 110 \(10% more than allocatedStorageGiB 100/,
        );
    });

    // RDS User Guide, USER_PIOPS.Autoscaling: "You must set the maximum storage threshold to at least 10% more than
    // the current allocated storage ... 1000 GiB of allocated storage, then set the maximum storage threshold to at
    // least 1100 GiB. If you don't, you get an error such as Invalid max storage size".
    it("requires the autoscaling ceiling to be at least 10% above the allocated storage, as RDS does", () => {
        assert.match(
            problems({ environment: "dev", database: { allocatedStorageGiB: 1000, maxAllocatedStorageGiB: 1050 } }),
            /platform:database\.maxAllocatedStorageGiB: expected at least 1100 .*found 1050/,
        );
        assert.doesNotThrow(() => parse({ environment: "dev", database: { allocatedStorageGiB: 1000, maxAllocatedStorageGiB: 1100 } }));
        assert.equal(minMaxAllocatedStorageGiB(20), 22);
        assert.equal(minMaxAllocatedStorageGiB(25), 28);
    });

    it("requires Multi-AZ and a cache replica in prod", () => {
        const m = problems({ environment: "prod", database: { multiAz: false }, cache: { replicas: 0 } });
        assert.match(m, /platform:database\.multiAz: expected true in prod/);
        assert.match(m, /platform:cache\.replicas: expected at least 1 in prod/);
    });

    it("rejects a backup window that overlaps the maintenance window", () => {
        assert.match(
            problems({ environment: "dev", database: { backupWindow: "04:00-05:00", maintenanceWindow: "sun:04:30-sun:05:30" } }),
            /platform:database\.backupWindow: expected a window that does not overlap/,
        );
        assert.match(problems({ environment: "dev", database: { backupWindow: "3am" } }), /platform:database\.backupWindow: expected a daily UTC window/);
    });

    it("windowsOverlap handles windows across midnight and the end of the week", () => {
        assert.equal(windowsOverlap("03:00-04:00", "sun:04:30-sun:05:30"), false);
        assert.equal(windowsOverlap("04:00-05:00", "sun:04:30-sun:05:30"), true);
        assert.equal(windowsOverlap("23:30-00:30", "mon:00:00-mon:01:00"), true);
        assert.equal(windowsOverlap("23:30-00:30", "sun:23:50-mon:00:10"), true);
        assert.equal(windowsOverlap("01:00-02:00", "sun:23:00-mon:00:30"), false);
    });

    it("derives the parameter group families from the versions", () => {
        assert.equal(postgresFamily("17.6"), "postgres17");
        assert.equal(postgresFamily("15.10"), "postgres15");
        assert.equal(valkeyFamily("8.2"), "valkey8");
        assert.equal(valkeyFamily("7.2"), "valkey7");
    });

    it("the program refuses to run with an invalid data config and names the key", async () => {
        const m = await rejection(planStack("dev", { "platform:database": { engineVersion: "14.2", backupRetentionDays: 40 } }));
        assert.match(m, /platform:database\.engineVersion: expected a pinned PostgreSQL version/);
        assert.match(m, /platform:database\.backupRetentionDays: expected 0 to 35 days/);
    });
});
