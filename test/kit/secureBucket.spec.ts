// SecureBucket and customerKey: the settings every platform bucket and key must have, from the resources they
// register; and the ALB access-log bucket built with the recipe.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { customerKey } from "../../infra/lib/kms";
import { secureBucket } from "../../infra/lib/secureBucket";
import { fakeAccount } from "../fakeContracts";
import { inputs, one, planStack } from "../helpers";
import { render } from "../workloads/render";

class Holder extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:kit:Holder", name, {});
    }
}

describe("kit: secureBucket and customerKey", () => {
    it("KMS bucket: encryption with the key, public access blocked, owner enforced, versioning, object lock, lifecycle, TLS-only plus the caller's statements, protect", async () => {
        const run = await render(() => {
            const holder = new Holder("holder");
            const key = customerKey("backups", { description: "backups", alias: "test-backups", protect: true, tags: { a: "b" } }, { parent: holder });
            secureBucket(
                "backups",
                {
                    bucketName: "test-backups-bucket",
                    encryption: { sse: "aws:kms", kmsKeyArn: key.arn },
                    versioning: true,
                    objectLock: { mode: "GOVERNANCE", days: 7 },
                    lifecycleRules: [{ id: "cold", status: "Enabled", filter: {}, transitions: [{ days: 30, storageClass: "GLACIER_IR" }] }],
                    statements: (arn) => [{ Sid: "ReadByRole", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/r" }, Action: "s3:GetObject", Resource: `${arn}/*` }],
                    protect: true,
                    tags: { a: "b" },
                },
                fakeAccount(),
                { parent: holder },
            );
        });
        const bucket = one(run, "aws:s3/bucket:Bucket", "backups");
        assert.strictEqual(bucket.protect, true);
        assert.strictEqual(inputs(bucket)["objectLockEnabled"], true);
        assert.strictEqual(inputs(bucket)["forceDestroy"], false);
        const key = one(run, "aws:kms/key:Key", "backups");
        assert.strictEqual(key.protect, true);
        assert.strictEqual(inputs(key)["enableKeyRotation"], true);
        assert.strictEqual(inputs(one(run, "aws:kms/alias:Alias", "backups"))["name"], "alias/test-backups");
        const sse = inputs(one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "backups"))["rules"] as {
            applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string };
            bucketKeyEnabled: boolean;
        }[];
        assert.strictEqual(sse[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.strictEqual(sse[0].applyServerSideEncryptionByDefault.kmsMasterKeyId, await new Promise((r) => pulumi.output(key.urn).apply(() => r(sse[0].applyServerSideEncryptionByDefault.kmsMasterKeyId))));
        assert.match(sse[0].applyServerSideEncryptionByDefault.kmsMasterKeyId, /^arn:aws:kms:/);
        assert.strictEqual(sse[0].bucketKeyEnabled, true);
        assert.deepStrictEqual(
            inputs(one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "backups")),
            { blockPublicAcls: true, blockPublicPolicy: true, bucket: inputs(one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "backups"))["bucket"], ignorePublicAcls: true, restrictPublicBuckets: true },
        );
        assert.deepStrictEqual((inputs(one(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "backups"))["rule"] as object), { objectOwnership: "BucketOwnerEnforced" });
        assert.deepStrictEqual(inputs(one(run, "aws:s3/bucketVersioning:BucketVersioning", "backups"))["versioningConfiguration"], { status: "Enabled" });
        assert.deepStrictEqual(inputs(one(run, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "backups"))["rule"], { defaultRetention: { days: 7, mode: "GOVERNANCE" } });
        const lifecycle = inputs(one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "backups"))["rules"] as { id: string }[];
        assert.deepStrictEqual(lifecycle.map((r) => r.id), ["cold"]);
        const policy = JSON.parse(inputs(one(run, "aws:s3/bucketPolicy:BucketPolicy", "backups"))["policy"] as string) as { Statement: { Sid: string; Effect: string; Condition?: unknown; Resource: unknown }[] };
        assert.deepStrictEqual(policy.Statement.map((s) => s.Sid), ["ReadByRole", "DenyInsecureTransport"]);
        const deny = policy.Statement[1];
        assert.strictEqual(deny.Effect, "Deny");
        assert.deepStrictEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.deepStrictEqual(deny.Resource, ["arn:aws:s3:::test-backups-bucket", "arn:aws:s3:::test-backups-bucket/*"]);
    });

    it("refuses object lock without versioning", async () => {
        await assert.rejects(
            render(() => {
                secureBucket("x", { bucketName: "x-bucket", encryption: { sse: "AES256" }, objectLock: { mode: "GOVERNANCE", days: 1 }, protect: false, tags: {} }, fakeAccount(), { parent: new Holder("h2") });
            }),
            /bucket x: object lock needs versioning/,
        );
    });

    it("the ALB access-log bucket uses the recipe: SSE-S3, log delivery for this account, TLS-only, protected in prod", async () => {
        const run = await planStack("prod");
        const bucket = one(run, "aws:s3/bucket:Bucket", "ingress-alb-logs");
        assert.strictEqual(bucket.protect, true);
        const policy = JSON.parse(inputs(one(run, "aws:s3/bucketPolicy:BucketPolicy", "ingress-alb-logs"))["policy"] as string) as { Statement: { Sid: string }[] };
        assert.deepStrictEqual(policy.Statement.map((s) => s.Sid), ["AllowElbLogDelivery", "DenyInsecureTransport"]);
        const sse = inputs(one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "ingress-alb-logs"))["rules"];
        assert.deepStrictEqual(sse, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    });
});
