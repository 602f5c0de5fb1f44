// The Velero and Vault-snapshot policies against the plugin README's policy @ v1.14.2 and the bucket layout.
import * as assert from "assert";
import { KEY_USE_ACTIONS, veleroPolicy, vaultSnapshotPolicy } from "../../infra/backup/iam";
import { Statement } from "../../infra/lib/iamDocuments";
import { UPSTREAM_PLUGIN_POLICY } from "./fixtures/upstream";

const ctx = { partition: "aws", region: "eu-west-1", dnsSuffix: "amazonaws.com" };
const BUCKET = "arn:aws:s3:::platform-prod-backup";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const sorted = (a: string | string[]) => [...(Array.isArray(a) ? a : [a])].sort();
const bySid = (statements: Statement[], sid: string) => {
    const s = statements.find((x) => x.Sid === sid);
    assert.ok(s, `statement ${sid}`);
    return s;
};

describe("velero IAM policy", () => {
    const doc = veleroPolicy({ bucketArn: BUCKET, prefix: "velero", kmsKeyArn: KEY, ctx });

    it("grants exactly the plugin README's actions, statement by statement", () => {
        const [ec2, objects, list] = UPSTREAM_PLUGIN_POLICY.Statement;
        assert.deepStrictEqual(sorted(bySid(doc.Statement, "EbsSnapshots").Action), sorted(ec2.Action));
        assert.strictEqual(bySid(doc.Statement, "EbsSnapshots").Resource, "*");
        assert.deepStrictEqual(sorted(bySid(doc.Statement, "BackupObjects").Action), sorted(objects.Action));
        assert.deepStrictEqual(sorted(bySid(doc.Statement, "ListBackupBucket").Action), sorted(list.Action));
        const upstreamActions = UPSTREAM_PLUGIN_POLICY.Statement.flatMap((s) => sorted(s.Action));
        const ours = doc.Statement.filter((s) => s.Sid !== "UseBackupKeyViaS3").flatMap((s) => sorted(s.Action));
        assert.deepStrictEqual(ours.sort(), upstreamActions.sort());
    });

    it("scopes object actions to Velero's prefix of the bucket and ListBucket to the bucket", () => {
        assert.strictEqual(bySid(doc.Statement, "BackupObjects").Resource, `${BUCKET}/velero/*`);
        assert.strictEqual(bySid(doc.Statement, "ListBackupBucket").Resource, BUCKET);
        assert.ok(doc.Statement.every((s) => s.Effect === "Allow"));
    });

    it("may use the bucket's KMS key only through S3 in the stack's region", () => {
        const k = bySid(doc.Statement, "UseBackupKeyViaS3");
        assert.deepStrictEqual(k.Action, [...KEY_USE_ACTIONS]);
        assert.deepStrictEqual(KEY_USE_ACTIONS, ["kms:GenerateDataKey", "kms:Decrypt"]);
        assert.strictEqual(k.Resource, KEY);
        assert.deepStrictEqual(k.Condition, { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } });
    });

    it("cannot destroy versions or change the bucket", () => {
        const all = doc.Statement.flatMap((s) => sorted(s.Action));
        for (const forbidden of ["s3:DeleteObjectVersion", "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy", "s3:*", "kms:*"]) {
            assert.ok(!all.includes(forbidden), forbidden);
        }
        assert.strictEqual(doc.Statement.length, 4);
    });
});

describe("vault snapshot IAM policy", () => {
    const doc = vaultSnapshotPolicy({ bucketArn: BUCKET, prefix: "vault-raft", kmsKeyArn: KEY, ctx });

    it("may only write objects under its own prefix", () => {
        assert.deepStrictEqual(bySid(doc.Statement, "WriteVaultSnapshots"), {
            Sid: "WriteVaultSnapshots",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
            Resource: `${BUCKET}/vault-raft/*`,
        });
        const all = doc.Statement.flatMap((s) => sorted(s.Action));
        assert.ok(!all.some((a) => /^s3:(Get|Delete|List)/.test(a)), "no read, list or delete");
    });

    it("uses the key only through S3", () => {
        assert.deepStrictEqual(bySid(doc.Statement, "UseBackupKeyViaS3").Condition, { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } });
        assert.strictEqual(doc.Statement.length, 2);
    });
});
