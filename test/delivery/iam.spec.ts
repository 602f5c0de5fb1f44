// Delivery IAM documents: GitHub OIDC trust (audience, repository, branch, environment), the preview role's
// state-backend read, the publishers' ECR access, and the ECR lifecycle policy.
import * as assert from "assert";
import { lifecyclePolicy } from "../../infra/delivery/ecr";
import { deploySubjects, ecrPublishPolicy, githubTrustPolicy, previewSubjects, publisherSubjects, stateReadPolicy, stsAudience, subjectPrefix } from "../../infra/delivery/iam";

const GH = { org: "acme", repo: "platform" };
const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

describe("delivery IAM", () => {
    it("sub claims follow GitHub's formats: pull_request, ref:refs/heads/<branch>, environment:<name>", () => {
        assert.deepStrictEqual(previewSubjects(GH, "main"), ["repo:acme/platform:pull_request", "repo:acme/platform:ref:refs/heads/main"]);
        assert.deepStrictEqual(deploySubjects(GH, "prod", undefined), ["repo:acme/platform:environment:prod"]);
        assert.deepStrictEqual(deploySubjects(GH, "dev", "main"), ["repo:acme/platform:environment:dev", "repo:acme/platform:ref:refs/heads/main"]);
    });

    it("the immutable sub claim form carries the numeric ids after the names", () => {
        assert.strictEqual(subjectPrefix({ ...GH, orgId: 123456, repoId: 789012 }), "repo:acme@123456/platform@789012");
    });

    it("publishers: this repository and each listed one, from main or the deploy environment, without duplicates", () => {
        assert.deepStrictEqual(publisherSubjects(GH, ["acme/quotes", "acme/platform"], "prod"), [
            "repo:acme/platform:ref:refs/heads/main",
            "repo:acme/platform:environment:prod",
            "repo:acme/quotes:ref:refs/heads/main",
            "repo:acme/quotes:environment:prod",
        ]);
    });

    it("the trust allows only AssumeRoleWithWebIdentity from the provider, with StringEquals on aud and sub", () => {
        const doc = githubTrustPolicy(PROVIDER, stsAudience("amazonaws.com"), previewSubjects(GH, "main"));
        assert.deepStrictEqual(doc.Statement, [
            {
                Sid: "GitHubActionsOidc",
                Effect: "Allow",
                Principal: { Federated: PROVIDER },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": ["repo:acme/platform:pull_request", "repo:acme/platform:ref:refs/heads/main"],
                    },
                },
            },
        ]);
        assert.ok(!JSON.stringify(doc).includes("*"), "no wildcard in a trust policy");
        assert.throws(() => githubTrustPolicy(PROVIDER, "sts.amazonaws.com", []), /at least one sub claim/);
        assert.strictEqual(stsAudience("amazonaws.com.cn"), "sts.amazonaws.com.cn");
    });

    it("state read: list under the prefix, locate the bucket, get objects under the prefix, decrypt with the listed keys; no write", () => {
        const key = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
        const doc = stateReadPolicy("aws", { bucket: "acme-state", prefix: "platform/", kmsKeyArns: [key] });
        assert.deepStrictEqual(doc.Statement, [
            { Sid: "ListStateObjects", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::acme-state", Condition: { StringLike: { "s3:prefix": ["platform/*"] } } },
            { Sid: "LocateStateBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: "arn:aws:s3:::acme-state" },
            { Sid: "ReadStateObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: "arn:aws:s3:::acme-state/platform/*" },
            { Sid: "DecryptStateAndSecrets", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: [key] },
        ]);
        const plain = stateReadPolicy("aws-cn", { bucket: "acme-state", prefix: "", kmsKeyArns: [] });
        assert.deepStrictEqual(
            plain.Statement.map((s) => [s.Sid, s.Resource, s.Condition]),
            [
                ["ListStateObjects", "arn:aws-cn:s3:::acme-state", undefined],
                ["LocateStateBucket", "arn:aws-cn:s3:::acme-state", undefined],
                ["ReadStateObjects", "arn:aws-cn:s3:::acme-state/*", undefined],
            ],
        );
        const actions = doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
        assert.ok(!actions.some((a) => /Put|Delete|Encrypt|Create/.test(a)), `read-only: ${actions.join(", ")}`);
    });

    it("publish: the documented push actions plus pull and scan results, on the repositories only; login on *", () => {
        const repos = ["arn:aws:ecr:eu-west-1:123456789012:repository/apps/quotes"];
        const doc = ecrPublishPolicy(repos);
        assert.deepStrictEqual(doc.Statement[0], { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" });
        assert.deepStrictEqual(doc.Statement[1].Resource, repos);
        // AWS "IAM permissions for pushing an image to an Amazon ECR private repository".
        for (const a of ["ecr:CompleteLayerUpload", "ecr:UploadLayerPart", "ecr:InitiateLayerUpload", "ecr:BatchCheckLayerAvailability", "ecr:PutImage", "ecr:BatchGetImage"]) {
            assert.ok((doc.Statement[1].Action as string[]).includes(a), a);
        }
        assert.ok(!(doc.Statement[1].Action as string[]).some((a) => /Delete|SetRepositoryPolicy|PutLifecyclePolicy/.test(a)));
    });

    it("lifecycle: untagged expire 7 days after push (priority 1), tagged beyond the last 30 expire (priority 2)", () => {
        assert.deepStrictEqual(lifecyclePolicy(30, 7), {
            rules: [
                {
                    rulePriority: 1,
                    description: "Expire untagged images 7 days after push",
                    selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
                    action: { type: "expire" },
                },
                {
                    rulePriority: 2,
                    description: "Keep the last 30 tagged images",
                    selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 },
                    action: { type: "expire" },
                },
            ],
        });
    });
});
