// An ExternalSecret (external-secrets.io/v1, served by external-secrets 2.x; v1beta1 is no longer served) as a
// typed recipe: the operator fetches the remote values from a ClusterSecretStore and writes a Kubernetes Secret
// it owns (creationPolicy Owner), optionally templated (e.g. a connection string). Fields per the ExternalSecret
// CRD at external-secrets v2.9.0 (config/crds/bases/external-secrets.io_externalsecrets.yaml).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const EXTERNAL_SECRET_API_VERSION = "external-secrets.io/v1";

export interface ExternalSecretData {
    /** Key in the resulting Kubernetes Secret (or template variable name). */
    secretKey: string;
    /** A Vault path or a Secrets Manager name/ARN (an Output when the secret is created in the same program). */
    remoteRef: { key: pulumi.Input<string>; property?: string };
}

export interface ExternalSecretArgs {
    namespace: pulumi.Input<string>;
    /** Name of the Kubernetes Secret the operator writes. */
    secretName: string;
    store: { name: string; kind: "ClusterSecretStore" | "SecretStore" };
    /** How often the operator re-reads the remote value (Go duration); a rotated value arrives within it. */
    refreshInterval?: string;
    data: ExternalSecretData[];
    /** Templated Secret data: key -> Go template over the `data` keys, e.g. "postgres://{{ .username }}:...". */
    template?: Record<string, pulumi.Input<string>>;
    labels?: Record<string, string>;
    dependsOn: pulumi.Resource[];
    /**
     * Labels of the Secret the operator writes, through the template's metadata. Needed with `template`: the operator
     * copies the ExternalSecret's own labels to the Secret only when there is no template (ApplyTemplate/setMetadata,
     * pkg/controllers/externalsecret/externalsecret_controller_template.go @ v2.9.0).
     */
    secretLabels?: Record<string, string>;
}

export function externalSecretSpec(args: Omit<ExternalSecretArgs, "namespace" | "dependsOn" | "labels">): Record<string, unknown> {
    return {
        refreshInterval: args.refreshInterval ?? "1h",
        secretStoreRef: { name: args.store.name, kind: args.store.kind },
        target: {
            name: args.secretName,
            creationPolicy: "Owner",
            deletionPolicy: "Retain",
            ...(args.template || args.secretLabels
                ? {
                      template: {
                          engineVersion: "v2",
                          // spec.target.template.metadata.labels (ExternalSecretTemplateMetadata in the v1 CRD).
                          ...(args.secretLabels ? { metadata: { labels: { ...args.secretLabels } } } : {}),
                          // Without template data the operator keeps the fetched keys as they are.
                          ...(args.template ? { data: { ...args.template } } : {}),
                      },
                  }
                : {}),
        },
        data: args.data.map((d) => ({
            secretKey: d.secretKey,
            remoteRef: { key: d.remoteRef.key, ...(d.remoteRef.property ? { property: d.remoteRef.property } : {}) },
        })),
    };
}

/** `provider` may be left out inside a component that was given the Kubernetes provider (children inherit it). */
export function externalSecret(name: string, args: ExternalSecretArgs, opts: { parent: pulumi.Resource; provider?: k8s.Provider }): k8s.apiextensions.CustomResource {
    if (args.data.length === 0) throw new Error(`ExternalSecret ${name}: expected at least one data entry`);
    return new k8s.apiextensions.CustomResource(
        name,
        {
            apiVersion: EXTERNAL_SECRET_API_VERSION,
            kind: "ExternalSecret",
            metadata: { name: args.secretName, namespace: args.namespace, ...(args.labels ? { labels: args.labels } : {}) },
            spec: externalSecretSpec(args),
        },
        { parent: opts.parent, ...(opts.provider ? { provider: opts.provider } : {}), dependsOn: args.dependsOn },
    );
}
