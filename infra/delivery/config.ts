// Config of the delivery layer: one `platform:delivery` object.
//
//   platform:delivery:
//     github:                          # the repository whose workflows may assume the roles; unset = no OIDC roles
//       org: acme                      # owner, spelt as GitHub shows it (the sub claim is compared case-sensitively)
//       repo: platform
//       orgId: 1234567                 # optional: numeric ids for GitHub's immutable sub claim
//       repoId: 7654321                #   (repo:acme@1234567/platform@7654321:...); set both or neither
//     oidcProvider: create             # create | lookup (the account already has token.actions.githubusercontent.com)
//     previewBranch: main              # pushes to this branch (besides pull requests) may use the preview role
//     deployEnvironment: prod          # GitHub environment whose jobs may assume the deploy role
//     deployBranch: main               # optional: jobs on this branch without an environment may too (dev only)
//     deployManagedPolicies: [AdministratorAccess]
//     deployPermissionsBoundaryArn: arn:aws:iam::123456789012:policy/PlatformDeployBoundary   # optional
//     stateBackend:                    # optional: the DIY state bucket the preview role reads
//       bucket: acme-pulumi-state
//       prefix: platform/              # optional key prefix of this project's state
//       kmsKeyArns: []                 # keys the preview must decrypt with (bucket SSE-KMS, awskms secrets provider)
//     ecr:
//       repositories: [apps/quotes]    # application image repositories
//       keepTaggedImages: 30
//       untaggedExpiryDays: 7
//       publishers: [acme/quotes]      # other repositories whose workflows may push images (main branch and deploy environment)
import { z } from "zod";
import { type ConfigProblem, type Environment, awsArn, configSection } from "../lib/configSchema";

// GitHub user/organization names: alphanumerics and single hyphens, at most 39 characters.
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
// Repository names: letters, digits, ".", "-", "_", at most 100 characters ("." and ".." are reserved).
const GITHUB_REPO = /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
/** A git branch name without wildcards: the trust policy compares the sub claim with StringEquals. */
const BRANCH = /^(?!\/)(?!.*\/\/)(?!.*\.\.)[A-Za-z0-9._/-]{1,244}(?<![/.])$/;
/** A GitHub environment name without wildcards or ":" (the sub claim uses ":" as its separator). */
const ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
/** ECR repository name (CreateRepository: 2-256 characters, optionally namespaced with "/"). */
export const ECR_REPOSITORY = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** S3 bucket name rules (general purpose buckets). */
const S3_BUCKET = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const github = z.strictObject({
    org: z.string().regex(GITHUB_OWNER, { message: "expected a GitHub organization or user name like acme" }),
    repo: z.string().regex(GITHUB_REPO, { message: "expected a GitHub repository name like platform" }),
    orgId: z.number().int().positive().optional(),
    repoId: z.number().int().positive().optional(),
});

const delivery = z.strictObject({
    github: github.optional(),
    oidcProvider: z.enum(["create", "lookup"]),
    previewBranch: z.string().regex(BRANCH, { message: "expected a branch name like main (no wildcards)" }),
    deployEnvironment: z.string().regex(ENVIRONMENT, { message: "expected a GitHub environment name like prod (letters, digits, . _ -)" }),
    deployBranch: z.string().regex(BRANCH, { message: "expected a branch name like main (no wildcards)" }).optional(),
    deployManagedPolicies: z
        .array(z.string().regex(/^[\w+=,.@/-]{1,128}$/, { message: "expected an AWS managed policy name like AdministratorAccess" }))
        .min(1, { message: "expected at least one managed policy" }),
    deployPermissionsBoundaryArn: awsArn.optional(),
    stateBackend: z
        .strictObject({
            bucket: z.string().regex(S3_BUCKET, { message: "expected an S3 bucket name like acme-pulumi-state" }),
            prefix: z.string().regex(/^(?!\/)[\w!.*'()/-]*$/, { message: "expected a key prefix like platform/ (no leading slash)" }),
            kmsKeyArns: z.array(awsArn),
        })
        .optional(),
    ecr: z.strictObject({
        repositories: z.array(z.string().regex(ECR_REPOSITORY, { message: "expected an ECR repository name like apps/quotes (lower case, 2-256 characters)" })),
        // ECR lifecycle rule countNumber / countUnit days: integers of at least 1.
        keepTaggedImages: z.number().int().min(1, { message: "expected at least 1" }).max(10_000),
        untaggedExpiryDays: z.number().int().min(1, { message: "expected at least 1 day" }).max(3650),
        publishers: z.array(z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, { message: "expected a GitHub repository like acme/quotes" })),
    }),
});

export type DeliverySettings = z.infer<typeof delivery>;
const shape = { delivery };

const common = {
    oidcProvider: "create",
    previewBranch: "main",
    deployManagedPolicies: ["AdministratorAccess"],
    ecr: { repositories: [], keepTaggedImages: 30, untaggedExpiryDays: 7, publishers: [] },
};

export function deliveryChecks(d: DeliverySettings): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    if (d.github && (d.github.orgId === undefined) !== (d.github.repoId === undefined)) {
        out.push({
            key: "delivery.github",
            message: `expected both orgId and repoId (GitHub's immutable sub claim carries both) or neither, found only ${d.github.orgId === undefined ? "repoId" : "orgId"}`,
        });
    }
    const seen = new Set<string>();
    for (const r of d.ecr.repositories) {
        if (seen.has(r)) out.push({ key: "delivery.ecr.repositories", message: `expected unique repository names, found ${JSON.stringify(r)} twice` });
        seen.add(r);
    }
    if (d.ecr.publishers.length > 0 && d.github === undefined) {
        out.push({ key: "delivery.ecr.publishers", message: "expected delivery.github to be set too (publishers assume a role through the GitHub OIDC provider), found no github" });
    }
    return out;
}

export const deliverySection = configSection({
    shape,
    defaults: {
        // dev: main deploys without reviewers, so jobs on main may assume the deploy role; prod: only jobs of the
        // `prod` environment (required reviewers, deployment branch main) may.
        dev: { delivery: { ...common, deployEnvironment: "dev", deployBranch: "main" } },
        prod: { delivery: { ...common, deployEnvironment: "prod" } },
    } as Record<Environment, Partial<Record<keyof typeof shape, unknown>>>,
    checks: (v) => deliveryChecks(v.delivery),
});
