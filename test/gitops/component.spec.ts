// The gitops layer as the Platform plans it (both stacks) and with the secrets layer's contract (a stand-in): where the
// releases run, the Pod Identity of the Rollouts controller, prod with no admin login and no automated prune, the
// projects that keep Argo CD out of what Pulumi owns, the Application/AppProject specs against the v3.4.4 CRDs, and the
// ExternalSecrets Argo CD reads its SSO secret, repository credentials and chat webhook from.
import { strict as assert } from "assert";
import { ENVIRONMENT_DEFAULTS } from "../../infra/config";
import { Gitops, GitopsSettings } from "../../infra/gitops";
import { PLATFORM_POOL_LABEL, SYSTEM_NODE_LABEL } from "../../infra/lib/placement";
import { RecordedResource } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { fakeCluster, fakeKarpenter } from "../fakeContracts";
import { Inputs, inputs, ofType, one, planStack, stackOutputs } from "../helpers";
import { fakeSecrets } from "../observability/fakeContracts";
import { at, fakeIngress, render } from "../workloads/render";
import { validate } from "./check";
import { APPLICATION_SPEC_SCHEMA, APP_PROJECT_SPEC_SCHEMA } from "./fixtures/upstream";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const APP = "kubernetes:argoproj.io/v1alpha1:Application";
const PROJECT = "kubernetes:argoproj.io/v1alpha1:AppProject";
const PROJECT_PATCH = "kubernetes:argoproj.io/v1alpha1:AppProjectPatch";
const ES = "kubernetes:external-secrets.io/v1:ExternalSecret";

const values = (run: ProgramRun, name: string) => inputs(one(run, RELEASE, name))["values"] as Inputs;
const spec = (r: RecordedResource) => inputs(r)["spec"] as Inputs;
const projectByName = (run: ProgramRun, name: string) => {
    const p = ofType(run, PROJECT).find((r) => (inputs(r)["metadata"] as Inputs)["name"] === name);
    assert.ok(p, `AppProject ${name}`);
    return p;
};

const PROD_SETTINGS: GitopsSettings = {
    ...(ENVIRONMENT_DEFAULTS.prod["gitops"] as GitopsSettings),
    argocd: {
        ...(ENVIRONMENT_DEFAULTS.prod["gitops"] as GitopsSettings).argocd,
        sso: { issuer: "https://login.example.com", clientId: "argocd", clientSecret: { store: "vault", key: "platform/gitops/argocd-oidc", property: "client-secret" } },
        exposure: "public",
    },
    repository: {
        url: "https://github.com/example-org/platform-apps.git",
        path: "clusters/prod",
        revision: "main",
        credentials: { kind: "https", username: "x-access-token", password: { store: "aws", key: "gitops/repository", property: "token" } },
    },
    teams: [{ name: "quotes", namespaces: ["quotes"], sourceRepos: ["https://github.com/example-org/quotes-deploy.git"], groups: ["quotes-developers"] }],
};

let withSecrets: Promise<ProgramRun> | undefined;
const notices: string[] = [];
/** The layer with the secrets layer's contract (a stand-in) and a public Argo CD, rendered once. */
function renderWithSecrets(): Promise<ProgramRun> {
    withSecrets ??= render(() => {
        new Gitops("gitops", { cluster: fakeCluster("c", "platform-prod"), karpenter: fakeKarpenter(), ingress: fakeIngress("prod"), secrets: fakeSecrets(), settings: PROD_SETTINGS, tags: {} });
    });
    return withSecrets;
}

describe("gitops: the layer in the plan", () => {
    it("prod: Argo CD on the platform pool, Argo Rollouts on the system nodes with a Pod Identity role scoped to upstream's ELB reads", async () => {
        const run = await planStack("prod");
        assert.deepEqual(at(values(run, "gitops-argocd"), "global.nodeSelector"), { "kubernetes.io/os": "linux", ...PLATFORM_POOL_LABEL });
        assert.deepEqual(at(values(run, "gitops-rollouts"), "controller.nodeSelector"), SYSTEM_NODE_LABEL);
        const assoc = one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "gitops-rollouts");
        assert.deepEqual({ ns: inputs(assoc)["namespace"], sa: inputs(assoc)["serviceAccount"] }, { ns: "argo-rollouts", sa: "argo-rollouts" });
        const policy = JSON.parse(inputs(one(run, "aws:iam/rolePolicy:RolePolicy", "gitops-rollouts"))["policy"] as string) as { Statement: { Action: string[] }[] };
        assert.ok(policy.Statement[0].Action.every((a) => a.startsWith("elasticloadbalancing:Describe")));
        // The release waits for its Pod Identity association (credentials are injected at pod creation).
        assert.ok(one(run, RELEASE, "gitops-rollouts").dependencies.includes(assoc.urn));
        assert.deepEqual(inputs(one(run, RELEASE, "gitops-argocd"))["timeout"], 900);
        const out = stackOutputs(run);
        assert.deepEqual({ url: out["argocdUrl"], exposure: out["argocdExposure"], root: out["argocdRootApplication"] }, { url: "http://localhost:8080", exposure: "internal", root: "argocd/root" });
    });

    it("prod has no admin login and no automated prune; dev syncs automatically with prune and self-heal", async () => {
        const prod = await planStack("prod");
        assert.equal((at(values(prod, "gitops-argocd"), "configs.cm") as Inputs)["admin.enabled"], false);
        const prodApp = spec(one(prod, APP));
        assert.equal(at(prodApp, "syncPolicy.automated"), undefined);
        const dev = await planStack("dev");
        assert.deepEqual(at(spec(one(dev, APP)), "syncPolicy.automated"), { enabled: true, prune: true, selfHeal: true, allowEmpty: false });
        assert.equal((at(values(dev, "gitops-argocd"), "configs.cm") as Inputs)["admin.enabled"], true);
    });

    it("the boundary: a team deploys namespaced kinds into its own namespaces, never the platform's quota/limits; the root only Applications; default emptied", async () => {
        const run = await planStack("prod");
        const team = spec(projectByName(run, "quotes"));
        assert.deepEqual(team["destinations"], [{ server: "https://kubernetes.default.svc", namespace: "quotes" }]);
        assert.deepEqual(team["clusterResourceWhitelist"], []);
        assert.deepEqual(team["clusterResourceBlacklist"], [{ group: "*", kind: "*" }]);
        assert.deepEqual(team["namespaceResourceBlacklist"], [{ group: "", kind: "ResourceQuota" }, { group: "", kind: "LimitRange" }]);
        assert.deepEqual(team["syncWindows"], [{ kind: "allow", schedule: "0 8 * * 1-5", duration: "10h", applications: ["*"], timeZone: "UTC" }]);
        const root = spec(projectByName(run, "platform-root"));
        assert.deepEqual(root["namespaceResourceWhitelist"], [{ group: "argoproj.io", kind: "Application" }]);
        assert.deepEqual(root["destinations"], [{ server: "https://kubernetes.default.svc", namespace: "argocd" }]);
        const patch = one(run, PROJECT_PATCH);
        assert.equal((inputs(patch)["metadata"] as Inputs)["name"], "default");
        assert.deepEqual(spec(patch), { description: "Emptied by the platform: every application belongs to a team project", sourceRepos: [], sourceNamespaces: [], destinations: [], clusterResourceWhitelist: [], namespaceResourceBlacklist: [{ group: "*", kind: "*" }] });
        const app = one(run, APP);
        assert.deepEqual(spec(app)["project"], "platform-root");
        assert.deepEqual(at(spec(app), "source"), { repoURL: "https://github.com/example-org/platform-apps.git", path: "clusters/prod", targetRevision: "main", directory: { recurse: true } });
        // Projects and the app wait for the release that installs their CRDs.
        const release = one(run, RELEASE, "gitops-argocd").urn;
        for (const r of [app, patch, ...ofType(run, PROJECT)]) assert.ok(r.dependencies.includes(release), r.name);
    });

    it("the Kubernetes provider applies server-side (the ApplicationSet CRD is too large for client-side apply's annotation)", async () => {
        const run = await planStack("prod");
        const providers = ofType(run, "pulumi:providers:kubernetes").map((r) => inputs(r));
        assert.ok(providers.length > 0);
        for (const p of providers) assert.ok(p["enableServerSideApply"] === true || p["enableServerSideApply"] === "true", JSON.stringify(p["enableServerSideApply"]));
        // The CRDs come with the chart (templates, upgraded with it) and are kept on uninstall.
        assert.deepEqual(at(values(run, "gitops-argocd"), "crds"), { install: true, keep: true });
        assert.deepEqual({ install: values(run, "gitops-rollouts")["installCRDs"], keep: values(run, "gitops-rollouts")["keepCRDs"] }, { install: true, keep: true });
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: the Application and AppProjects validate against the argo-cd v3.4.4 CRD schemas`, async () => {
            const run = await planStack(stack);
            for (const r of ofType(run, APP)) assert.deepEqual(validate(spec(r), APPLICATION_SPEC_SCHEMA, "spec"), [], r.name);
            for (const r of [...ofType(run, PROJECT), ...ofType(run, PROJECT_PATCH)]) assert.deepEqual(validate(spec(r), APP_PROJECT_SPEC_SCHEMA, "spec"), [], r.name);
        });
    }

    it("the schema check catches a misspelt field and a wrong type", () => {
        assert.deepEqual(validate({ project: "p", destination: { server: "s" }, syncPolicy: { automated: { prune: "yes" }, syncOption: [] } }, APPLICATION_SPEC_SCHEMA, "spec"), [
            "spec.syncPolicy.automated.prune: expected a boolean, found \"yes\"",
            "spec.syncPolicy.syncOption: not in the schema",
        ]);
        assert.deepEqual(validate({ destinations: [{ server: "s", namespace: "n", cluster: "x" }] }, APP_PROJECT_SPEC_SCHEMA, "spec"), ["spec.destinations[0].cluster: not in the schema"]);
    });

    it("prod: with the secrets layer wired, Argo CD's SSO secret, repository credentials and chat webhook are ExternalSecrets; dev needs none", async () => {
        const prod = await planStack("prod");
        const names = ofType(prod, ES).map((r) => r.name).filter((n) => n.startsWith("gitops-")).sort();
        assert.deepEqual(names, ["gitops-notifications", "gitops-oidc", "gitops-repository"]);
        assert.match((at(values(prod, "gitops-argocd"), "configs.cm") as Inputs)["oidc.config"] as string, /issuer: https:\/\/login.example.com/);
        assert.equal(at(values(prod, "gitops-argocd"), "notifications.enabled"), true);
        assert.ok(!(stackOutputs(prod)["notices"] as string[]).some((n) => n.startsWith("gitops:")));
        const dev = await planStack("dev");
        assert.deepEqual(ofType(dev, ES).filter((r) => r.name.startsWith("gitops-")), []);
        assert.deepEqual(at(values(dev, "gitops-argocd"), "notifications"), { enabled: false });
    });

    it("without the secrets layer: no ExternalSecret, no oidc.config, and a notice says so", async () => {
        const run = await render(() => {
            const g = new Gitops("gitops", { cluster: fakeCluster("n", "platform-prod"), karpenter: fakeKarpenter(), ingress: fakeIngress("prod"), settings: PROD_SETTINGS, tags: {} });
            notices.push(...g.notices);
        });
        assert.equal(ofType(run, ES).length, 0);
        assert.equal((at(values(run, "gitops-argocd"), "configs.cm") as Inputs)["oidc.config"], undefined);
        assert.ok(notices.some((n) => n.startsWith("gitops: the secrets layer is not wired")), notices.join("\n"));
    });
});

describe("gitops: with the secrets layer", () => {
    it("the SSO client secret, repository credentials and chat webhook are ExternalSecrets Argo CD can read", async () => {
        const run = await renderWithSecrets();
        const byName = new Map(ofType(run, ES).map((r) => [r.name, inputs(r)]));
        const oidc = byName.get("gitops-oidc");
        assert.ok(oidc);
        // Labelled part-of argocd (Argo CD ignores $<secret>:<key> references to other Secrets); no template, so the
        // operator copies the labels to the Secret.
        assert.deepEqual(at(oidc, "metadata.labels"), { "app.kubernetes.io/part-of": "argocd" });
        assert.deepEqual(at(oidc, "spec.target.name"), "argocd-oidc");
        assert.deepEqual(at(oidc, "spec.data"), [{ secretKey: "clientSecret", remoteRef: { key: "platform/gitops/argocd-oidc", property: "client-secret" } }]);
        assert.deepEqual(at(oidc, "spec.secretStoreRef"), { name: "vault", kind: "ClusterSecretStore" });
        const repo = byName.get("gitops-repository");
        assert.ok(repo);
        // A repository Secret: label on the Secret through the template, type and url beside the token.
        assert.deepEqual(at(repo, "spec.target.template"), {
            engineVersion: "v2",
            metadata: { labels: { "argocd.argoproj.io/secret-type": "repository", "app.kubernetes.io/part-of": "argocd" } },
            data: { type: "git", url: "https://github.com/example-org/platform-apps.git", username: "x-access-token", password: "{{ .password }}" },
        });
        // AWS Secrets Manager names are relative to the secrets layer's prefix.
        assert.deepEqual(at(repo, "spec.data"), [{ secretKey: "password", remoteRef: { key: "platform-test/gitops/repository", property: "token" } }]);
        assert.deepEqual(at(repo, "spec.secretStoreRef"), { name: "aws-secrets-manager", kind: "ClusterSecretStore" });
        const chat = byName.get("gitops-notifications");
        assert.ok(chat);
        assert.deepEqual(at(chat, "spec.target.name"), "argocd-notifications-secret");
        assert.deepEqual(at(chat, "spec.data"), [{ secretKey: "slack-webhook-url", remoteRef: { key: "platform/observability/alertmanager", property: "slack-webhook-url" } }]);
        // Argo CD starts after its Secrets exist, and then reads the SSO config and notifications.
        const release = one(run, RELEASE, "gitops-argocd");
        for (const r of ofType(run, ES)) assert.ok(release.dependencies.includes(r.urn), r.name);
        const v = inputs(release)["values"] as Inputs;
        assert.match((at(v, "configs.cm") as Inputs)["oidc.config"] as string, /clientSecret: \$argocd-oidc:clientSecret/);
        assert.equal(at(v, "notifications.enabled"), true);
    });

    it("public: argocd.<domain> through the shared ALB, the argocd namespace labelled for readiness gates", async () => {
        const run = await renderWithSecrets();
        const v = inputs(one(run, RELEASE, "gitops-argocd"))["values"] as Inputs;
        assert.equal(at(v, "server.ingress.hostname"), "argocd.apps.example.com");
        assert.equal((at(v, "configs.cm") as Inputs)["url"], "https://argocd.apps.example.com");
        const ns = ofType(run, "kubernetes:core/v1:Namespace").map((r) => inputs(r)["metadata"] as Inputs).find((m) => m["name"] === "argocd");
        assert.equal((ns?.["labels"] as Inputs)["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled");
        assert.equal((ns?.["labels"] as Inputs)["pod-security.kubernetes.io/enforce"], "baseline");
    });
});
