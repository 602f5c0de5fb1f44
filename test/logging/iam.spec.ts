// The logging layer's IAM documents against the upstream lists: exactly the S3 actions Loki's and Tempo's docs
// name, on exactly their buckets, plus the two KMS actions SSE-KMS needs, only through S3 in this region.
import * as assert from "assert";
import { LOKI_S3_ACTIONS, SSE_KMS_ACTIONS, TEMPO_S3_ACTIONS, lokiStoragePolicy, tempoStoragePolicy } from "../../infra/logging/iam";
import { Statement } from "../../infra/lib/iamDocuments";

const access = { partition: "aws", region: "eu-west-1", dnsSuffix: "amazonaws.com", kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k-1" };
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resources = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : s.Resource === undefined ? [] : [s.Resource]);

// Transcribed from the docs (fixtures would only repeat the constants): Loki storage.md / aws.md @ v3.7.6 and
// Tempo hosted-storage/s3.md @ v2.10.8.
const LOKI_DOCS = ["s3:ListBucket", "s3:PutObject", "s3:GetObject", "s3:DeleteObject"];
const TEMPO_DOCS = ["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"];

describe("logging IAM", () => {
    it("Loki: exactly the documented S3 actions, bucket-level on the buckets and object-level on their objects", () => {
        const doc = lokiStoragePolicy({ ...access, chunksBucket: "c-bucket", rulerBucket: "r-bucket" });
        assert.deepStrictEqual([...LOKI_S3_ACTIONS].sort(), [...LOKI_DOCS].sort());
        const s3 = doc.Statement.filter((s) => actions(s).some((a) => a.startsWith("s3:")));
        assert.deepStrictEqual(s3.flatMap(actions).sort(), [...LOKI_DOCS].sort());
        const list = doc.Statement.find((s) => s.Sid === "LokiListBuckets");
        assert.deepStrictEqual(list && { a: actions(list), r: resources(list) }, { a: ["s3:ListBucket"], r: ["arn:aws:s3:::c-bucket", "arn:aws:s3:::r-bucket"] });
        const objects = doc.Statement.find((s) => s.Sid === "LokiObjects");
        assert.deepStrictEqual(objects && resources(objects), ["arn:aws:s3:::c-bucket/*", "arn:aws:s3:::r-bucket/*"]);
        assert.ok(doc.Statement.every((s) => s.Effect === "Allow" && !resources(s).includes("*")));
    });

    it("Tempo: exactly the documented S3 actions on its one bucket", () => {
        const doc = tempoStoragePolicy({ ...access, bucket: "t-bucket" });
        assert.deepStrictEqual([...TEMPO_S3_ACTIONS].sort(), [...TEMPO_DOCS].sort());
        const s3 = doc.Statement.filter((s) => actions(s).some((a) => a.startsWith("s3:")));
        assert.deepStrictEqual(s3.flatMap(actions).sort(), [...TEMPO_DOCS].sort());
        assert.deepStrictEqual(s3.flatMap(resources).sort(), ["arn:aws:s3:::t-bucket", "arn:aws:s3:::t-bucket/*"]);
    });

    it("KMS: GenerateDataKey and Decrypt on the bucket key only, only via S3 in the stack's region and partition", () => {
        for (const doc of [
            lokiStoragePolicy({ ...access, chunksBucket: "c", rulerBucket: "r" }),
            tempoStoragePolicy({ ...access, partition: "aws-cn", region: "cn-north-1", dnsSuffix: "amazonaws.com.cn", bucket: "t" }),
        ]) {
            const kms = doc.Statement.filter((s) => actions(s).some((a) => a.startsWith("kms:")));
            assert.strictEqual(kms.length, 1);
            assert.deepStrictEqual(actions(kms[0]), [...SSE_KMS_ACTIONS]);
            assert.deepStrictEqual(resources(kms[0]), [access.kmsKeyArn]);
        }
        const cn = tempoStoragePolicy({ ...access, partition: "aws-cn", region: "cn-north-1", dnsSuffix: "amazonaws.com.cn", bucket: "t" });
        assert.deepStrictEqual(cn.Statement.find((s) => s.Sid === "TempoBucketKey")?.Condition, { StringEquals: { "kms:ViaService": "s3.cn-north-1.amazonaws.com.cn" } });
        assert.ok(cn.Statement.some((s) => resources(s).includes("arn:aws-cn:s3:::t")));
    });
});
