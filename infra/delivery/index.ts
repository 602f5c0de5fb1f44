// The delivery layer: how CI reaches the account. The GitHub Actions OIDC provider (created, or looked up when the
// account already has one), three roles GitHub workflows assume through it (preview: read-only plus the state
// backend; deploy: the stack's deployer; publish: push/pull of the application images), and the ECR repositories
// for application images (scan on push, immutable tags, customer-key encryption, lifecycle).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountContext } from "../lib/account";
import { managedPolicyArn } from "../lib/iamDocuments";
import { customerKey } from "../lib/kms";
import { Tags } from "../lib/naming";
import { DeliverySettings } from "./config";
import { DeliveryContract } from "./contract";
import { lifecyclePolicy } from "./ecr";
import { GITHUB_OIDC_URL, deploySubjects, ecrPublishPolicy, githubTrustPolicy, previewSubjects, publisherSubjects, stateReadPolicy, stsAudience } from "./iam";

export interface DeliveryArgs {
    /** `<project>-<stack>`: prefix of the role names and the KMS alias. */
    clusterName: string;
    settings: DeliverySettings;
    account: AccountContext;
    /** ECR repositories and their key are `protect`ed (prod). */
    protectStateful: boolean;
    tags: Tags;
}

/** The flat stack outputs this layer owns. */
export interface DeliveryOutputs {
    /** ECR repository name → URL. */
    ecrRepositoryUrls: Record<string, pulumi.Output<string>>;
    /** Present when platform:delivery.github is set. */
    githubOidcProviderArn?: pulumi.Output<string>;
    ciPreviewRoleArn?: pulumi.Output<string>;
    ciDeployRoleArn?: pulumi.Output<string>;
    ciPublishRoleArn?: pulumi.Output<string>;
}

/** Role names of the stack (`<cluster>-github-<purpose>`), fixed so that workflows and access entries can name them. */
export function ciRoleName(clusterName: string, purpose: "preview" | "deploy" | "publish"): string {
    return `${clusterName}-github-${purpose}`;
}

export class Delivery extends pulumi.ComponentResource {
    readonly outputs: DeliveryOutputs;
    readonly notices: string[];
    readonly contract: DeliveryContract;

    constructor(name: string, args: DeliveryArgs, opts: pulumi.ComponentResourceOptions) {
        super("platform:delivery:Delivery", name, {}, opts);
        const parent = { parent: this };
        const s = args.settings;
        const notices: string[] = [];

        const repositories = this.repositories(name, args);
        const repositoryUrls = Object.fromEntries(repositories.map((r) => [r.name, r.repo.repositoryUrl]));
        this.contract = { repositoryUrls };
        this.outputs = { ecrRepositoryUrls: repositoryUrls };

        const github = s.github;
        if (!github) {
            notices.push("delivery: no GitHub OIDC provider or CI roles: platform:delivery.github is not set (ECR repositories are still created)");
        } else {
            // The audience configure-aws-credentials requests; the provider's client id list and every trust check it.
            const audience = args.account.dnsSuffix.apply(stsAudience);
            const providerArn =
                s.oidcProvider === "create"
                    ? // No thumbprintList: IAM validates GitHub's JWKS endpoint against its library of trusted root CAs, and
                      // thumbprints, if given, are kept but not used (IAM user guide, OIDC provider creation; the provider
                      // schema's thumbprintLists note; configure-aws-credentials README "Configuring IAM to trust GitHub").
                      new aws.iam.OpenIdConnectProvider(`${name}-github`, { url: GITHUB_OIDC_URL, clientIdLists: [audience], tags: args.tags }, parent).arn
                    : aws.iam.getOpenIdConnectProviderOutput({ url: GITHUB_OIDC_URL }, parent).arn;
            const trust = (subjects: string[]) => pulumi.all([providerArn, audience]).apply(([arn, aud]) => JSON.stringify(githubTrustPolicy(arn, aud, subjects)));
            const attach = (role: aws.iam.Role, id: string, policyName: string) =>
                new aws.iam.RolePolicyAttachment(`${name}-${id}`, { role: role.name, policyArn: args.account.partition.apply((p) => managedPolicyArn(p, policyName)) }, parent);

            const preview = new aws.iam.Role(
                `${name}-preview`,
                {
                    name: ciRoleName(args.clusterName, "preview"),
                    description: `pulumi preview of ${args.clusterName} from GitHub Actions (pull requests and ${s.previewBranch}): read-only`,
                    assumeRolePolicy: trust(previewSubjects(github, s.previewBranch)),
                    maxSessionDuration: 3600,
                    tags: args.tags,
                },
                parent,
            );
            attach(preview, "preview-read-only", "ReadOnlyAccess");
            if (s.stateBackend) {
                const backend = s.stateBackend;
                new aws.iam.RolePolicy(`${name}-preview-state`, { role: preview.id, policy: args.account.partition.apply((p) => JSON.stringify(stateReadPolicy(p, backend))) }, parent);
            } else {
                notices.push("delivery: the preview role reads no state bucket (platform:delivery.stateBackend not set: a Pulumi Cloud backend authenticates with its own token)");
            }

            const deploy = new aws.iam.Role(
                `${name}-deploy`,
                {
                    name: ciRoleName(args.clusterName, "deploy"),
                    description: `pulumi up of ${args.clusterName} from GitHub Actions (environment ${s.deployEnvironment}${s.deployBranch ? ` or branch ${s.deployBranch}` : ""})`,
                    assumeRolePolicy: trust(deploySubjects(github, s.deployEnvironment, s.deployBranch)),
                    maxSessionDuration: 3600 * 2,
                    ...(s.deployPermissionsBoundaryArn ? { permissionsBoundary: s.deployPermissionsBoundaryArn } : {}),
                    tags: args.tags,
                },
                parent,
            );
            s.deployManagedPolicies.forEach((p) => attach(deploy, `deploy-${p.replace(/[^A-Za-z0-9-]/g, "-")}`, p));

            this.outputs.githubOidcProviderArn = providerArn;
            this.outputs.ciPreviewRoleArn = preview.arn;
            this.outputs.ciDeployRoleArn = deploy.arn;

            if (repositories.length > 0) {
                const publish = new aws.iam.Role(
                    `${name}-publish`,
                    {
                        name: ciRoleName(args.clusterName, "publish"),
                        description: `Push and promote application images to the ECR repositories of ${args.clusterName} from GitHub Actions`,
                        assumeRolePolicy: trust(publisherSubjects(github, s.ecr.publishers, s.deployEnvironment)),
                        maxSessionDuration: 3600,
                        tags: args.tags,
                    },
                    parent,
                );
                new aws.iam.RolePolicy(
                    `${name}-publish-ecr`,
                    { role: publish.id, policy: pulumi.all(repositories.map((r) => r.repo.arn)).apply((arns) => JSON.stringify(ecrPublishPolicy(arns))) },
                    parent,
                );
                this.outputs.ciPublishRoleArn = publish.arn;
            }
        }

        this.notices = notices;
        this.registerOutputs({});
    }

    private repositories(name: string, args: DeliveryArgs): { name: string; repo: aws.ecr.Repository }[] {
        const s = args.settings.ecr;
        if (s.repositories.length === 0) return [];
        const parent = { parent: this };
        const key = customerKey(
            `${name}-ecr`,
            { description: `ECR image encryption of ${args.clusterName}`, alias: `${args.clusterName}-ecr`, protect: args.protectStateful, tags: args.tags },
            parent,
        );
        const policy = JSON.stringify(lifecyclePolicy(s.keepTaggedImages, s.untaggedExpiryDays));
        return s.repositories.map((repoName) => {
            const id = `${name}-ecr-${repoName.replace(/[^a-z0-9-]/g, "-")}`;
            const repo = new aws.ecr.Repository(
                id,
                {
                    name: repoName,
                    // A tag, once pushed, always names the same digest; promotion adds tags, never moves them.
                    imageTagMutability: "IMMUTABLE",
                    imageScanningConfiguration: { scanOnPush: true },
                    // The encryption settings of a repository cannot change after creation (ECR replaces it).
                    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
                    forceDelete: false,
                    tags: args.tags,
                },
                { parent: this, protect: args.protectStateful },
            );
            new aws.ecr.LifecyclePolicy(id, { repository: repo.name, policy }, parent);
            return { name: repoName, repo };
        });
    }
}
