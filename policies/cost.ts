// Cost and supply chain: bounded Karpenter pools, gp3 volumes, instance allow-lists, pinned Helm charts
// from allow-listed repositories.
import type { Policies } from "@pulumi/policy";
import { arr, at, globMatch, obj, resourcePolicy, str, stringMap } from "./lib";

export const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
export const EC2_NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const HELM_CHART_V4 = "kubernetes:helm.sh/v4:Chart";
export const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";
/** Tag (AWS) or annotation (Kubernetes) whose non-empty value justifies a non-gp3 volume type. */
export const VOLUME_JUSTIFICATION = "platform.io/volume-type-justification";
const DISCOURAGED_VOLUME_TYPES = new Set(["gp2", "io1"]);

/** The official chart repositories the platform installs from. */
export const OFFICIAL_HELM_REPOSITORIES = [
    "https://aws.github.io/eks-charts",
    "https://kubernetes-sigs.github.io/metrics-server/",
    "oci://public.ecr.aws/karpenter",
    "https://kubernetes-sigs.github.io/external-dns/",
    "https://charts.external-secrets.io",
    "https://helm.releases.hashicorp.com",
    "https://prometheus-community.github.io/helm-charts",
    "https://grafana-community.github.io/helm-charts",
    "https://grafana.github.io/helm-charts",
    "https://argoproj.github.io/argo-helm",
    "https://vmware-tanzu.github.io/helm-charts",
    "https://open-telemetry.github.io/opentelemetry-helm-charts",
];

// https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string (no ranges).
const SEMVER =
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export function isExactSemver(v: string): boolean {
    return SEMVER.test(v);
}

function normaliseRepo(url: string): string {
    return url.trim().replace(/\/+$/, "").toLowerCase();
}

/** Where a Helm release's chart comes from: the repository URL, or the OCI reference minus the chart name. */
export function chartRepository(chart: string | undefined, repo: string | undefined): string | undefined {
    if (chart?.startsWith("oci://")) return chart.slice(0, chart.lastIndexOf("/"));
    return repo;
}

function justified(map: Record<string, string>): boolean {
    return (map[VOLUME_JUSTIFICATION] ?? "").trim() !== "";
}

export const costPolicies: Policies = [
    resourcePolicy({
        name: "karpenter-nodepool-limits",
        description: "Karpenter NodePools cap their capacity (spec.limits.cpu and spec.limits.memory).",
        enforcementLevel: "mandatory",
        types: [NODE_POOL],
        validate: (args, report) => {
            const missing = ["cpu", "memory"].filter((k) => at(args.props, "spec", "limits", k) === undefined);
            if (missing.length > 0) report(`spec.limits must set ${missing.join(" and ")} (an unbounded NodePool can scale without limit)`);
        },
    }),
    resourcePolicy({
        name: "ebs-volume-type",
        description: `EBS volumes use gp3, not gp2 or io1 (EBS volumes, launch templates, EBS StorageClasses, EC2NodeClasses), unless justified by a non-empty \`${VOLUME_JUSTIFICATION}\` tag or annotation.`,
        enforcementLevel: "advisory",
        types: ["aws:ebs/volume:Volume", "aws:ec2/launchTemplate:LaunchTemplate", STORAGE_CLASS, EC2_NODE_CLASS],
        validate: (args, report) => {
            const p = args.props;
            switch (args.type) {
                case "aws:ebs/volume:Volume": {
                    if (justified(stringMap(p["tags"]))) return;
                    const type = str(p["type"]) ?? "gp2"; // provider default: gp2
                    if (DISCOURAGED_VOLUME_TYPES.has(type)) report(`type is ${str(p["type"]) ? `"${type}"` : "unset (gp2)"}; use gp3`);
                    return;
                }
                case "aws:ec2/launchTemplate:LaunchTemplate": {
                    if (justified(stringMap(p["tags"]))) return;
                    for (const m of arr(p["blockDeviceMappings"])) {
                        const ebs = obj(at(m, "ebs"));
                        if (!ebs) continue;
                        const type = str(ebs["volumeType"]);
                        if (type === undefined) report(`blockDeviceMappings "${str(at(m, "deviceName")) ?? "?"}": volumeType unset (the AMI's default, usually gp2); set gp3`);
                        else if (DISCOURAGED_VOLUME_TYPES.has(type)) report(`blockDeviceMappings "${str(at(m, "deviceName")) ?? "?"}": volumeType "${type}"; use gp3`);
                    }
                    return;
                }
                case STORAGE_CLASS: {
                    if (justified(stringMap(at(p, "metadata", "annotations")))) return;
                    const provisioner = str(p["provisioner"]);
                    const type = str(at(p, "parameters", "type"));
                    // ebs.csi.aws.com defaults to gp3; the in-tree kubernetes.io/aws-ebs provisioner to gp2.
                    const effective = type ?? (provisioner === "kubernetes.io/aws-ebs" ? "gp2" : provisioner === "ebs.csi.aws.com" ? "gp3" : undefined);
                    if (effective && DISCOURAGED_VOLUME_TYPES.has(effective)) report(`parameters.type is ${type ? `"${type}"` : "unset (gp2)"}; use gp3`);
                    return;
                }
                case EC2_NODE_CLASS: {
                    if (justified(stringMap(at(p, "metadata", "annotations"))) || justified(stringMap(at(p, "spec", "tags")))) return;
                    for (const m of arr(at(p, "spec", "blockDeviceMappings"))) {
                        const type = str(at(m, "ebs", "volumeType"));
                        if (type && DISCOURAGED_VOLUME_TYPES.has(type)) report(`spec.blockDeviceMappings "${str(at(m, "deviceName")) ?? "?"}": volumeType "${type}"; use gp3`);
                    }
                    return;
                }
            }
        },
    }),
    resourcePolicy({
        name: "instance-class-allow-list",
        description: "RDS instance classes, ElastiCache node types and EKS node instance types come from the stack's allow-lists (glob patterns).",
        enforcementLevel: "advisory",
        types: ["aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:eks/nodeGroup:NodeGroup", "eks:index:ManagedNodeGroup", "aws:ec2/launchTemplate:LaunchTemplate"],
        configSchema: {
            properties: {
                rdsInstanceClasses: { type: "array", items: { type: "string" }, default: ["db.t4g.*", "db.m7g.*", "db.m8g.*", "db.r7g.*", "db.r8g.*", "db.m7i.*", "db.r7i.*"] },
                elasticacheNodeTypes: { type: "array", items: { type: "string" }, default: ["cache.t4g.*", "cache.m7g.*", "cache.r7g.*"] },
                nodeInstanceTypes: { type: "array", items: { type: "string" }, default: ["m7i.*", "m7g.*", "m6i.*", "m6g.*", "c7i.*", "c7g.*", "r7i.*", "r7g.*", "t3.*", "t4g.*"] },
            },
        },
        validate: (args, report) => {
            const cfg = args.getConfig<{ rdsInstanceClasses: string[]; elasticacheNodeTypes: string[]; nodeInstanceTypes: string[] }>();
            const check = (value: string | undefined, allowed: string[], field: string) => {
                if (value !== undefined && !allowed.some((a) => globMatch(a, value))) report(`${field} "${value}" is not in the stack's allow-list (${allowed.join(", ")})`);
            };
            switch (args.type) {
                case "aws:rds/instance:Instance":
                    return check(str(args.props["instanceClass"]), cfg.rdsInstanceClasses, "instanceClass");
                case "aws:elasticache/replicationGroup:ReplicationGroup":
                    return check(str(args.props["nodeType"]), cfg.elasticacheNodeTypes, "nodeType");
                case "aws:ec2/launchTemplate:LaunchTemplate":
                    return check(str(args.props["instanceType"]), cfg.nodeInstanceTypes, "instanceType");
                default:
                    for (const t of arr(args.props["instanceTypes"])) check(str(t), cfg.nodeInstanceTypes, "instanceTypes");
            }
        },
    }),
    resourcePolicy({
        name: "helm-chart-version-pinned",
        description: "Helm releases pin an exact chart version (semver, no ranges).",
        enforcementLevel: "mandatory",
        types: [HELM_RELEASE, HELM_CHART_V4],
        validate: (args, report) => {
            const v = str(args.props["version"]);
            if (v === undefined || v === "") report(`chart "${str(args.props["chart"]) ?? "?"}" has no version (Helm would install the newest)`);
            else if (!isExactSemver(v)) report(`chart "${str(args.props["chart"]) ?? "?"}" version "${v}" is not an exact semantic version`);
        },
    }),
    resourcePolicy({
        name: "helm-repository-allowed",
        description: "Helm charts come from an allow-listed repository (`repositories`; OCI charts carry the repository in `chart`).",
        enforcementLevel: "mandatory",
        types: [HELM_RELEASE, HELM_CHART_V4],
        configSchema: { properties: { repositories: { type: "array", items: { type: "string" }, default: OFFICIAL_HELM_REPOSITORIES } } },
        validate: (args, report) => {
            const { repositories } = args.getConfig<{ repositories: string[] }>();
            const chart = str(args.props["chart"]);
            const repo = chartRepository(chart, str(at(args.props, "repositoryOpts", "repo")));
            if (repo === undefined) {
                report(`chart "${chart ?? "?"}" names no repository (repositoryOpts.repo or an oci:// chart); local or alias charts are not allowed`);
                return;
            }
            const allowed = new Set(repositories.map(normaliseRepo));
            if (!allowed.has(normaliseRepo(repo))) report(`chart "${chart}" comes from "${repo}", which is not an allow-listed repository`);
        },
    }),
];
