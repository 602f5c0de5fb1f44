// ecr-repository-settings: the passing repository and each failing setting, through the real pack.
import * as assert from "assert";
import { check, of, resource } from "../policies/helpers";

const TAGS = { "platform:stack": "prod", "platform:environment": "prod", "cost-center": "platform" };
const good = {
    name: "apps/quotes",
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/k" }],
    tags: TAGS,
};
const repo = (extra: Record<string, unknown>) => resource("aws:ecr/repository:Repository", "quotes", { ...good, ...extra });

describe("policies: ecr-repository-settings", () => {
    it("an immutable, scanned, customer-key encrypted repository passes", async () => {
        assert.deepStrictEqual(await check([repo({})]), []);
    });

    it("the provider defaults (mutable, no scan, AES256) fail with one message per setting", async () => {
        const vs = of(await check([resource("aws:ecr/repository:Repository", "bare", { name: "bare", tags: TAGS })]), "ecr-repository-settings");
        assert.deepStrictEqual(
            vs.map((v) => v.message.split("\n")[1]),
            [
                "imageTagMutability is MUTABLE; IMMUTABLE is required (a pushed tag must never move to another digest)",
                "imageScanningConfiguration.scanOnPush must be true",
                "encryptionConfigurations[0].encryptionType is AES256; KMS is required",
            ],
        );
        assert.ok(vs.every((v) => v.enforcement === "mandatory"));
    });

    it("KMS with the AWS managed key fails unless requireCustomerKey is off", async () => {
        const awsManaged = repo({ encryptionConfigurations: [{ encryptionType: "KMS" }] });
        assert.match(of(await check([awsManaged]), "ecr-repository-settings")[0].message, /kmsKey must name a customer-managed KMS key/);
        assert.deepStrictEqual(of(await check([awsManaged], { "ecr-repository-settings": { enforcementLevel: "mandatory", requireCustomerKey: false } }), "ecr-repository-settings"), []);
    });

    it("IMMUTABLE_WITH_EXCLUSION and scanOnPush false fail", async () => {
        const vs = of(await check([repo({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageScanningConfiguration: { scanOnPush: false } })]), "ecr-repository-settings");
        assert.strictEqual(vs.length, 2);
    });
});
