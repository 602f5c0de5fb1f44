// The data contract as stack outputs: endpoints and credential ARNs, never a credential.
import { strict as assert } from "assert";
import { containsSecret, plainValue } from "../../tools/offline/recorder";
import { planStack } from "../helpers";
import { stackOutputs as plainOutputs, wireOutputs } from "../helpers";

const DATA_OUTPUTS = [
    "databaseAddress",
    "databasePort",
    "databaseName",
    "databaseUsername",
    "databaseCredentialSecretArn",
    "databaseSecurityGroupId",
    "cachePrimaryAddress",
    "cacheReaderAddress",
    "cachePort",
    "cacheAuthTokenSecretArn",
    "cacheSecurityGroupId",
    "dataSubnetCidrs",
    "backupVaultArn",
    "dataAlarmTopicArn",
];

describe("data: outputs", () => {
    for (const stack of ["dev", "prod"] as const) {
        describe(stack, () => {
            it("exports endpoints, ports, secret ARNs, security groups and data subnet CIDRs", async () => {
                const run = await planStack(stack);
                const o = plainOutputs(run);
                for (const k of DATA_OUTPUTS) assert.ok(k in o, `missing output ${k}`);
                assert.match(String(o.databaseAddress), new RegExp(`^platform-${stack}-postgres\\..*\\.rds\\.amazonaws\\.com$`));
                assert.equal(o.databasePort, 5432);
                assert.equal(o.cachePort, 6379);
                assert.match(String(o.databaseCredentialSecretArn), /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-/);
                assert.match(String(o.cacheAuthTokenSecretArn), /^arn:aws:secretsmanager:/);
                assert.match(String(o.databaseSecurityGroupId), /^sg-/);
                assert.deepEqual(o.dataSubnetCidrs, stack === "dev" ? ["10.10.224.0/24", "10.10.225.0/24"] : ["10.20.224.0/24", "10.20.225.0/24", "10.20.226.0/24"]);
            });

            it("no data output is secret or holds a credential", async () => {
                const run = await planStack(stack);
                const wire = wireOutputs(run);
                for (const k of DATA_OUTPUTS) assert.equal(containsSecret(wire[k]), false, `${k} is plain`);
                assert.ok(!Object.keys(wire).some((k) => /^(database|cache|backup|data)/.test(k) && containsSecret(wire[k])));
                // Values only (key names such as cacheAuthTokenSecretArn say what the ARN is for).
                const text = JSON.stringify(Object.values(plainOutputs(run)));
                assert.ok(!/mock-password|"password"|authToken/i.test(text), "no token or password in any output value");
            });

            it("the auth token never appears in plain anywhere in the program's inputs", async () => {
                const run = await planStack(stack);
                const text = JSON.stringify(run.resources.map((r) => plainValue(r.inputs)));
                assert.ok(!text.includes("mock-password-"), "the token appears only inside secrets");
            });
        });
    }
});
