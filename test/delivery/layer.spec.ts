// The delivery layer as planned: the OIDC provider, the trust of each role (audience, repository, branch,
// environment) per stack, the roles' permissions, the ECR repositories and their lifecycle; and the component on
// its own for the lookup and no-repository cases.
import * as assert from "assert";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { DeliverySettings } from "../../infra/delivery/config";
import { Delivery } from "../../infra/delivery";
import { fakeAccount } from "../fakeContracts";
import { Inputs, inputs, one, ofType, planStack, stackOutputs } from "../helpers";
import { ProgramRun } from "../../tools/offline/run";
import { render } from "../workloads/render";

type Trust = { Statement: { Principal: { Federated: string }; Action: string; Condition: { StringEquals: Record<string, string | string[]> } }[] };

function trust(run: ProgramRun, role: string): { principal: string; action: string; aud: string; sub: string[] } {
    const doc = JSON.parse(inputs(one(run, "aws:iam/role:Role", role))["assumeRolePolicy"] as string) as Trust;
    assert.strictEqual(doc.Statement.length, 1);
    const s = doc.Statement[0];
    const sub = s.Condition.StringEquals["token.actions.githubusercontent.com:sub"];
    assert.deepStrictEqual(Object.keys(s.Condition), ["StringEquals"], "only StringEquals: no wildcard matching");
    return { principal: s.Principal.Federated, action: s.Action, aud: s.Condition.StringEquals["token.actions.githubusercontent.com:aud"] as string, sub: Array.isArray(sub) ? sub : [sub] };
}

function attachments(run: ProgramRun, prefix: string): string[] {
    return ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((r) => r.name.startsWith(prefix))
        .map((r) => inputs(r)["policyArn"] as string)
        .sort();
}

describe("delivery layer (planned)", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;
    before(async () => {
        [dev, prod] = await Promise.all([planStack("dev"), planStack("prod")]);
    });

    it("creates GitHub's OIDC provider with the STS audience and no thumbprint (IAM trusts GitHub through its root CA library)", () => {
        for (const run of [dev, prod]) {
            const p = inputs(one(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "delivery-github"));
            assert.strictEqual(p["url"], "https://token.actions.githubusercontent.com");
            assert.deepStrictEqual(p["clientIdLists"], ["sts.amazonaws.com"]);
            assert.strictEqual(p["thumbprintLists"], undefined);
        }
    });

    it("preview role: pull requests and main of this repository only; ReadOnlyAccess plus read of the state bucket", () => {
        for (const run of [dev, prod]) {
            const t = trust(run, "delivery-preview");
            assert.strictEqual(t.principal, "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com");
            assert.strictEqual(t.action, "sts:AssumeRoleWithWebIdentity");
            assert.strictEqual(t.aud, "sts.amazonaws.com");
            assert.deepStrictEqual(t.sub, ["repo:example-org/platform:pull_request", "repo:example-org/platform:ref:refs/heads/main"]);
            assert.deepStrictEqual(attachments(run, "delivery-preview"), ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
            const state = JSON.parse(inputs(one(run, "aws:iam/rolePolicy:RolePolicy", "delivery-preview-state"))["policy"] as string) as {
                Statement: { Sid: string; Action: string | string[]; Resource: string }[];
            };
            assert.deepStrictEqual(
                state.Statement.map((s) => [s.Sid, s.Resource]),
                [
                    ["ListStateObjects", "arn:aws:s3:::example-org-pulumi-state"],
                    ["LocateStateBucket", "arn:aws:s3:::example-org-pulumi-state"],
                    ["ReadStateObjects", "arn:aws:s3:::example-org-pulumi-state/platform/*"],
                ],
            );
            assert.strictEqual(inputs(one(run, "aws:iam/role:Role", "delivery-preview"))["name"], `platform-${run === dev ? "dev" : "prod"}-github-preview`);
        }
    });

    it("deploy role: prod trusts only the prod environment; dev the dev environment and main", () => {
        assert.deepStrictEqual(trust(prod, "delivery-deploy").sub, ["repo:example-org/platform:environment:prod"]);
        assert.deepStrictEqual(trust(dev, "delivery-deploy").sub, ["repo:example-org/platform:environment:dev", "repo:example-org/platform:ref:refs/heads/main"]);
        for (const run of [dev, prod]) {
            assert.strictEqual(trust(run, "delivery-deploy").aud, "sts.amazonaws.com");
            assert.deepStrictEqual(attachments(run, "delivery-deploy"), ["arn:aws:iam::aws:policy/AdministratorAccess"]);
        }
    });

    it("publish role: this repository from main or the deploy environment; push/pull on the platform's repositories only", () => {
        assert.deepStrictEqual(trust(prod, "delivery-publish").sub, ["repo:example-org/platform:ref:refs/heads/main", "repo:example-org/platform:environment:prod"]);
        const doc = JSON.parse(inputs(one(prod, "aws:iam/rolePolicy:RolePolicy", "delivery-publish-ecr"))["policy"] as string) as {
            Statement: { Sid: string; Resource: string | string[] }[];
        };
        assert.deepStrictEqual(doc.Statement[1].Resource, ["arn:aws:ecr:eu-west-1:123456789012:repository/apps/quotes"]);
    });

    it("ECR: immutable tags, scan on push, the layer's customer key; lifecycle 7 days untagged / last 30 tagged; protected in prod only", () => {
        for (const [run, protect] of [
            [dev, false],
            [prod, true],
        ] as const) {
            const repo = one(run, "aws:ecr/repository:Repository", "delivery-ecr-apps-quotes");
            const i: Inputs = inputs(repo);
            assert.strictEqual(i["name"], "apps/quotes");
            assert.strictEqual(i["imageTagMutability"], "IMMUTABLE");
            assert.deepStrictEqual(i["imageScanningConfiguration"], { scanOnPush: true });
            const key = one(run, "aws:kms/key:Key", "delivery-ecr");
            const enc = i["encryptionConfigurations"] as { encryptionType: string; kmsKey: string }[];
            assert.strictEqual(enc.length, 1);
            assert.strictEqual(enc[0].encryptionType, "KMS");
            assert.match(enc[0].kmsKey, /^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/);
            assert.ok(repo.dependencies.includes(key.urn), "the repository is encrypted with the layer's key");
            assert.strictEqual(inputs(key)["enableKeyRotation"], true);
            assert.strictEqual(repo.protect, protect);
            assert.strictEqual(key.protect, protect);
            const lifecycle = JSON.parse(inputs(one(run, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "delivery-ecr-apps-quotes"))["policy"] as string) as {
                rules: { selection: Record<string, unknown> }[];
            };
            assert.deepStrictEqual(
                lifecycle.rules.map((r) => r.selection),
                [
                    { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
                    { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 },
                ],
            );
        }
    });

    it("stack outputs name the roles and the repository URL", () => {
        const out = stackOutputs(prod);
        assert.strictEqual(out["ciPreviewRoleArn"], "arn:aws:iam::123456789012:role/platform-prod-github-preview");
        assert.strictEqual(out["ciDeployRoleArn"], "arn:aws:iam::123456789012:role/platform-prod-github-deploy");
        assert.deepStrictEqual(out["ecrRepositoryUrls"], { "apps/quotes": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/apps/quotes" });
    });
});

describe("delivery component on its own", () => {
    const settings = (over: Partial<DeliverySettings>): DeliverySettings => ({ ...(ENVIRONMENT_DEFAULTS.prod.delivery as DeliverySettings), ...over });

    it("oidcProvider lookup: no provider is created, the roles trust the looked-up provider's ARN", async () => {
        const run = await render(() => {
            new Delivery(
                "lookup",
                {
                    clusterName: "platform-test",
                    settings: settings({ github: { org: "acme", repo: "platform", orgId: 1, repoId: 2 }, oidcProvider: "lookup" }),
                    account: fakeAccount(),
                    protectStateful: false,
                    tags: {},
                },
                {},
            );
        });
        assert.strictEqual(ofType(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").length, 0);
        const t = trust(run, "lookup-deploy");
        assert.strictEqual(t.principal, "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com");
        assert.deepStrictEqual(t.sub, ["repo:acme@1/platform@2:environment:prod"]);
        // No repositories: no key, no publish role.
        assert.strictEqual(ofType(run, "aws:kms/key:Key").length, 0);
        assert.strictEqual(ofType(run, "aws:iam/role:Role").length, 2);
    });

    it("without a GitHub repository: ECR only, and a notice says why there are no roles", () => {
        let notices: string[] = [];
        return render(() => {
            const d = new Delivery(
                "bare",
                {
                    clusterName: "platform-test",
                    settings: settings({ ecr: { repositories: ["apps/a"], keepTaggedImages: 30, untaggedExpiryDays: 7, publishers: [] } }),
                    account: fakeAccount(),
                    protectStateful: false,
                    tags: {},
                },
                {},
            );
            notices = d.notices;
        }).then((run) => {
            assert.strictEqual(ofType(run, "aws:iam/role:Role").length, 0);
            assert.strictEqual(ofType(run, "aws:ecr/repository:Repository").length, 1);
            assert.match(notices.join("\n"), /no GitHub OIDC provider or CI roles: platform:delivery\.github is not set/);
        });
    });
});
