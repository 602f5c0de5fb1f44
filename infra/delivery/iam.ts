// IAM documents of the delivery layer as pure data: the GitHub OIDC trust of the preview, deploy and image
// publisher roles, the preview role's read of the Pulumi state backend, and the publishers' ECR access.
import { PolicyDocument, Statement, policyDocument } from "../lib/iamDocuments";
import type { DeliverySettings } from "./config";

/** GitHub's OIDC issuer host; IAM condition keys are `<host>:aud` and `<host>:sub`. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
/**
 * The token audience: aws-actions/configure-aws-credentials requests `sts.amazonaws.com` by default and
 * `sts.amazonaws.com.cn` in the China partition (its `audience` input; README "OIDC Audience", v6.2.3).
 */
export function stsAudience(dnsSuffix: string): string {
    return `sts.${dnsSuffix}`;
}

type GitHub = NonNullable<DeliverySettings["github"]>;

/**
 * `repo:<org>/<repo>`, or GitHub's immutable form `repo:<org>@<orgId>/<repo>@<repoId>` when the ids are configured
 * (repositories created on or after 15 July 2026, or opted in, emit it: configure-aws-credentials README v6.2.3,
 * "Immutable subject claims"). A trust on the name-only form fails for such repositories.
 */
export function subjectPrefix(github: GitHub): string {
    const ids = github.orgId !== undefined && github.repoId !== undefined;
    return ids ? `repo:${github.org}@${github.orgId}/${github.repo}@${github.repoId}` : `repo:${github.org}/${github.repo}`;
}

/**
 * Sub claims (GitHub "OpenID Connect reference", subject claim examples): a job of a pull_request workflow is
 * `repo:o/r:pull_request`; a job on a branch without an environment `repo:o/r:ref:refs/heads/<branch>`; a job that
 * references an environment `repo:o/r:environment:<name>` (whatever its branch: the environment's deployment
 * branch policy is what ties it to main).
 */
export function previewSubjects(github: GitHub, previewBranch: string): string[] {
    const p = subjectPrefix(github);
    return [`${p}:pull_request`, `${p}:ref:refs/heads/${previewBranch}`];
}

export function deploySubjects(github: GitHub, deployEnvironment: string, deployBranch: string | undefined): string[] {
    const p = subjectPrefix(github);
    return [`${p}:environment:${deployEnvironment}`, ...(deployBranch === undefined ? [] : [`${p}:ref:refs/heads/${deployBranch}`])];
}

/** This repository and the configured publishers, each from its main branch or the deploy environment (promotion). */
export function publisherSubjects(github: GitHub, publishers: string[], deployEnvironment: string): string[] {
    const prefixes = [subjectPrefix(github), ...publishers.map((p) => `repo:${p}`)];
    return [...new Set(prefixes)].flatMap((p) => [`${p}:ref:refs/heads/main`, `${p}:environment:${deployEnvironment}`]);
}

/**
 * Trust for GitHub Actions through the account's OIDC provider. StringEquals on both keys (never StringLike with
 * wildcards, never ForAllValues: which passes when the claim is absent); a list under one key matches any of them.
 */
export function githubTrustPolicy(providerArn: string, audience: string, subjects: string[]): PolicyDocument {
    if (subjects.length === 0) throw new Error("a GitHub OIDC trust needs at least one sub claim");
    return policyDocument([
        {
            Sid: "GitHubActionsOidc",
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${GITHUB_OIDC_HOST}:aud`]: audience,
                    [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
                },
            },
        },
    ]);
}

/**
 * What `pulumi preview` needs from a DIY S3 backend beyond ReadOnlyAccess: list and read the state objects, and
 * decrypt with the bucket's SSE-KMS key and an awskms secrets provider's key. Preview takes no lock in the DIY
 * backend (pulumi/pulumi pkg/backend/diy/backend.go: Preview calls apply with DryRun and no b.Lock, unlike
 * Update/Refresh/Destroy), so no write is needed.
 */
export function stateReadPolicy(partition: string, backend: NonNullable<DeliverySettings["stateBackend"]>): PolicyDocument {
    const bucketArn = `arn:${partition}:s3:::${backend.bucket}`;
    const statements: Statement[] = [
        {
            Sid: "ListStateObjects",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: bucketArn,
            ...(backend.prefix === "" ? {} : { Condition: { StringLike: { "s3:prefix": [`${backend.prefix}*`] } } }),
        },
        // GetBucketLocation carries no s3:prefix key, so it cannot share the statement above.
        { Sid: "LocateStateBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: bucketArn },
        { Sid: "ReadStateObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${bucketArn}/${backend.prefix}*` },
    ];
    if (backend.kmsKeyArns.length > 0) {
        statements.push({ Sid: "DecryptStateAndSecrets", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: backend.kmsKeyArns });
    }
    return policyDocument(statements);
}

/**
 * Push (AWS "IAM permissions for pushing an image to an Amazon ECR private repository": CompleteLayerUpload,
 * UploadLayerPart, InitiateLayerUpload, BatchCheckLayerAvailability, PutImage, BatchGetImage), pull for promotion
 * (GetDownloadUrlForLayer), and reading scan results and digests; limited to the layer's repositories.
 * GetAuthorizationToken has no resource-level permissions. No KMS permission: ECR encrypts through the grant it
 * creates on the key when the repository is created ("Encryption at rest", Amazon ECR user guide).
 */
export function ecrPublishPolicy(repositoryArns: string[]): PolicyDocument {
    return policyDocument([
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
            Sid: "EcrPushPullScanResults",
            Effect: "Allow",
            Action: [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:CompleteLayerUpload",
                "ecr:DescribeImageScanFindings",
                "ecr:DescribeImages",
                "ecr:GetDownloadUrlForLayer",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart",
            ],
            Resource: repositoryArns,
        },
    ]);
}
