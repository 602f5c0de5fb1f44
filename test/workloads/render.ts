// Renders workloads components in a stack of their own under the mock cloud and returns what they
// registered (the same records `planStack` gives for the whole program), so component specs can assert
// the Kubernetes objects and run the policy pack on them without the ingress and data layers.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SecretsContract } from "../../infra/secrets/contract";
import { DataContract } from "../../infra/data/contract";
import { IngressContract } from "../../infra/ingress/contract";
import { MockCloud } from "../../tools/offline/mocks";
import { RecordedResource, Recorder } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { Inputs, inputs, ofType } from "../helpers";

const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

let queue: Promise<unknown> = Promise.resolve();

/** Runs `build` inside a fresh mock stack; resolves with every registered resource. Runs are serialized. */
export function render(build: (provider: k8s.Provider) => void, stack = "test"): Promise<ProgramRun> {
    const run = queue.then(async () => {
        await pulumi.runtime.setMocks(new MockCloud({ region: "eu-west-1", project: "platform", stack }), "platform", stack, true);
        const recorder = new Recorder();
        recorder.attach();
        const failures: unknown[] = [];
        const onRejection = (reason: unknown) => failures.push(reason);
        process.on("unhandledRejection", onRejection);
        try {
            await pulumi.runtime.runInPulumiStack(async () => {
                build(new k8s.Provider("k8s", { kubeconfig: "{}" }));
                return {};
            });
            await waitForRPCs();
            await new Promise((resolve) => setImmediate(resolve));
        } finally {
            process.off("unhandledRejection", onRejection);
            // Leave the runtime as test/setup.ts installed it, for specs that construct components directly.
            await pulumi.runtime.setMocks(new MockCloud({ region: "eu-west-1", project: "platform", stack: "test" }), "platform", "test", true);
        }
        if (failures.length > 0) throw failures[0];
        return {
            stackConfig: { project: "platform", stack, config: {}, secretKeys: [], region: "eu-west-1" },
            resources: recorder.resources,
            outputs: {},
            componentOutputs: recorder.outputs,
        };
    });
    queue = run.catch(() => undefined);
    return run;
}

/** The single Kubernetes object of a kind (type token) whose metadata.name matches (or any, when omitted). */
export function object(run: ProgramRun, type: string, name?: string): { r: RecordedResource; i: Inputs } {
    const all = ofType(run, type).map((r) => ({ r, i: inputs(r) }));
    const matches = name === undefined ? all : all.filter((x) => (x.i["metadata"] as Inputs | undefined)?.["name"] === name);
    if (matches.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${matches.length}`);
    return matches[0];
}

/** Reads a nested property by dotted path (array indices as numbers). */
export function at(v: unknown, path: string): unknown {
    let cur: unknown = v;
    for (const part of path.split(".")) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
}

export const LB_CIDRS = ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"];
export const DATA_CIDRS = ["10.20.48.0/24", "10.20.49.0/24", "10.20.50.0/24"];
export const CERT_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
export const WAF_ARN = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/platform/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

/** A stand-in ingress contract with the shape the ingress layer promises (test data only). */
export function fakeIngress(environment: "dev" | "prod"): IngressContract {
    const prod = environment === "prod";
    return {
        ingressClassName: "alb",
        groupName: `platform-${environment}`,
        domain: prod ? "apps.example.com" : undefined,
        certificateArn: prod ? pulumi.output(CERT_ARN) : undefined,
        wafAclArn: pulumi.output(WAF_ARN),
        readinessGateNamespaceLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
        deregistrationDelaySeconds: 30,
        loadBalancerSubnetCidrs: LB_CIDRS,
    };
}

/** A stand-in data contract (test data only). */
export function fakeData(): DataContract {
    return {
        database: {
            address: pulumi.output("quotes-db.abc123.eu-west-1.rds.amazonaws.com"),
            port: pulumi.output(5432),
            databaseName: "app",
            username: "app",
            credentialSecretArn: pulumi.output("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
            securityGroupId: pulumi.output("sg-0123456789abcdef0"),
        },
        cache: {
            primaryAddress: pulumi.output("master.cache.abc123.euw1.cache.amazonaws.com"),
            readerAddress: pulumi.output("replica.cache.abc123.euw1.cache.amazonaws.com"),
            port: pulumi.output(6379),
            authTokenSecretArn: pulumi.output("arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-AbCdEf"),
            securityGroupId: pulumi.output("sg-0fedcba9876543210"),
        },
        dataSubnetCidrs: DATA_CIDRS,
        kmsKeyArn: pulumi.output("arn:aws:kms:eu-west-1:123456789012:key/0b7d4b3c-data"),
    };
}

/** A SecretsContract stand-in (test data): store names and addresses, nothing to wait for. */
export function fakeSecrets(): SecretsContract {
    return {
        vaultStore: "vault",
        awsStore: "aws-secrets-manager",
        ready: [],
        refreshInterval: "1h",
        kvMount: "platform",
        awsSecretPrefix: "platform-test/",
        kmsKeyArn: pulumi.output("arn:aws:kms:eu-west-1:123456789012:key/0b7d4b3c-secrets"),
        vault: {
            address: "https://vault-active.vault.svc:8200",
            caConfigMap: { name: "vault-ca", key: "ca.crt" },
            caNamespace: "vault",
            kubernetesAuthMount: "kubernetes",
            audience: "vault",
            snapshot: { role: "vault-snapshot", namespace: "velero", serviceAccount: "vault-snapshot" },
        },
        vaultAccessFor: (namespace, serviceAccount) => ({ store: `vault-apps-${namespace}-${serviceAccount}`, pathPrefix: `apps/${namespace}/${serviceAccount}` }),
    };
}
