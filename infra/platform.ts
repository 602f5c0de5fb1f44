// The Platform component: composition only. It resolves the account context once, builds each layer from the
// contracts of the layers before it, spreads each layer's own outputs into the stack outputs (their names are a
// public interface) and gathers the layers' notices. It then checks that what is pinned to the system nodes fits.
import * as pulumi from "@pulumi/pulumi";
import { Backup, BackupOutputs } from "./backup";
import { Cluster, ClusterOutputs } from "./cluster";
import { PlatformConfig } from "./config";
import { DataOutputs, DataTier } from "./data";
import { Gitops, GitopsOutputs } from "./gitops";
import { Delivery, DeliveryOutputs } from "./delivery";
import { Ingress, IngressOutputs } from "./ingress";
import { Karpenter, KarpenterOutputs } from "./karpenter";
import { resolveAccountContext } from "./lib/account";
import { NODE_DAEMONSETS, PoolDemand, SystemCapacityReport, checkSystemCapacity, cpuMillis, memoryMiB } from "./lib/capacity";
import { ProblemsError } from "./lib/problems";
import { Logging, LoggingOutputs } from "./logging";
import { Network, NetworkOutputs } from "./network";
import { Observability, ObservabilityOutputs } from "./observability";
import { Secrets, SecretsOutputs } from "./secrets";
import { Workloads, WorkloadsOutputs } from "./workloads";

export type PlatformOutputs = {
    /** What this stack deliberately leaves out, in words (the offline plan prints these). */
    notices: string[];
    region: string;
} & NetworkOutputs &
    ClusterOutputs &
    KarpenterOutputs &
    DataOutputs &
    IngressOutputs &
    GitopsOutputs &
    SecretsOutputs &
    LoggingOutputs &
    ObservabilityOutputs &
    WorkloadsOutputs &
    BackupOutputs &
    DeliveryOutputs;

/** What the plan reports about scheduling: the sums per pool and the system-node check. */
export interface CapacityReport {
    pools: PoolDemand[];
    system: SystemCapacityReport;
    platformPoolLimits: { cpu: string; memory: string };
}

export class Platform extends pulumi.ComponentResource {
    readonly network: Network;
    readonly cluster: Cluster;
    readonly karpenter: Karpenter;
    readonly data: DataTier;
    readonly ingress: Ingress;
    readonly secrets: Secrets;
    readonly logging: Logging;
    readonly observability: Observability;
    readonly gitops: Gitops;
    readonly workloads: Workloads;
    readonly backup: Backup;
    readonly delivery: Delivery;
    readonly outputs: PlatformOutputs;
    readonly capacity: CapacityReport;

    constructor(name: string, cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:Platform", name, {}, opts);
        const tags = cfg.commonTags;
        const parent = { parent: this };
        const account = resolveAccountContext(cfg.region, parent);

        this.network = new Network(
            "network",
            {
                vpcCidr: cfg.vpcCidr,
                azCount: cfg.azCount,
                natStrategy: cfg.natStrategy,
                clusterName: cfg.clusterName,
                region: cfg.region,
                logRetentionDays: cfg.logRetentionDays,
                interfaceEndpoints: cfg.interfaceEndpoints,
                account,
                tags,
            },
            parent,
        );
        const subnets = this.network.subnetPlan;

        this.cluster = new Cluster(
            "cluster",
            {
                clusterName: cfg.clusterName,
                kubernetesVersion: cfg.kubernetesVersion,
                vpcId: this.network.vpcId,
                privateSubnetIds: this.network.privateSubnetIds,
                endpointPublicAccess: cfg.endpointPublicAccess,
                publicAccessCidrs: cfg.publicAccessCidrs,
                adminPrincipalArns: cfg.adminPrincipalArns,
                systemNodes: cfg.systemNodes,
                logRetentionDays: cfg.logRetentionDays,
                protectStateful: cfg.protectStatefulResources,
                account,
                tags,
            },
            parent,
        );
        const cluster = this.cluster.contract;

        this.karpenter = new Karpenter("karpenter", { cluster, tags, config: cfg.karpenter }, parent);
        this.data = new DataTier(
            "data",
            {
                clusterName: cfg.clusterName,
                database: cfg.database,
                cache: cfg.cache,
                alarms: cfg.alarms,
                vpcId: this.network.vpcId,
                dataSubnetIds: this.network.dataSubnetIds,
                dataSubnetCidrs: subnets.data,
                clusterSecurityGroupId: cluster.securityGroupId,
                logRetentionDays: cfg.logRetentionDays,
                protectStatefulResources: cfg.protectStatefulResources,
                account,
                tags,
            },
            parent,
        );
        this.ingress = new Ingress(
            "ingress",
            {
                cluster,
                vpcId: this.network.vpcId,
                publicSubnetIds: this.network.publicSubnetIds,
                publicSubnetCidrs: subnets.public,
                settings: cfg.ingress,
                protectStateful: cfg.protectStatefulResources,
                tags,
            },
            parent,
        );

        this.secrets = new Secrets(
            "secrets",
            {
                cluster,
                karpenter: this.karpenter.contract,
                data: this.data.contract,
                settings: cfg.secrets,
                vpcCidr: cfg.vpcCidr,
                protectStateful: cfg.protectStatefulResources,
                tags,
            },
            parent,
        );

        // Logs and traces; Grafana (observability) gets their datasources from the logging contract.
        this.logging = new Logging(
            "logging",
            { cluster, karpenter: this.karpenter.contract, settings: cfg.logging, protectStateful: cfg.protectStatefulResources, tags },
            parent,
        );
        this.observability = new Observability(
            "observability",
            {
                cluster,
                karpenter: this.karpenter.contract,
                secrets: this.secrets.contract,
                logging: this.logging.contract,
                settings: cfg.observability,
                environment: cfg.environment,
                stack: cfg.stack,
                region: cfg.region,
                tags,
            },
            parent,
        );

        // Backups of everything in the cluster that holds state (docs/backup.md): the Vault snapshot job with the
        // secrets layer's contract, the ServiceMonitor, PodMonitor and alert rules with the observability layer's.
        this.backup = new Backup(
            "backup",
            {
                cluster,
                karpenter: this.karpenter.contract,
                settings: cfg.backup,
                protectStateful: cfg.protectStatefulResources,
                secrets: this.secrets.contract,
                monitoring: this.observability.contract,
                tags,
            },
            parent,
        );

        // Argo CD and Argo Rollouts: Argo CD's SSO client secret, repository credentials and chat webhook come from the
        // secrets layer's stores; the golden path's Rollouts get the Rollouts CRDs through the gitops contract.
        this.gitops = new Gitops(
            "gitops",
            { cluster, karpenter: this.karpenter.contract, ingress: this.ingress.contract, secrets: this.secrets.contract, settings: cfg.gitops, tags },
            { parent: this, dependsOn: [this.ingress] },
        );

        // Pods in namespaces labelled for readiness-gate injection cannot start before the controller's webhook
        // serves (failurePolicy Fail), so the workloads wait for the whole ingress layer.
        this.workloads = new Workloads(
            "workloads",
            {
                cluster,
                environment: cfg.environment,
                ingress: this.ingress.contract,
                data: this.data.contract,
                secrets: this.secrets.contract,
                observability: this.observability.contract,
                rollouts: this.gitops.contract.rollouts,
                quotes: cfg.quotes,
                tags,
            },
            { parent: this, dependsOn: [this.ingress] },
        );

        // CI's way into the account (GitHub OIDC roles) and the application image registry: needs nothing from the cluster.
        this.delivery = new Delivery("delivery", { clusterName: cfg.clusterName, settings: cfg.delivery, account, protectStateful: cfg.protectStatefulResources, tags }, parent);

        const layers = [this.network, this.cluster, this.karpenter, this.data, this.ingress, this.secrets, this.logging, this.observability, this.backup, this.gitops, this.workloads, this.delivery];
        this.capacity = capacityReport(cluster.capacity.demands("system"), cluster.capacity.demands(), cluster.capacity.summary(), cfg);
        this.outputs = {
            notices: [...layers.flatMap((l) => l.notices), ...(this.capacity.system.notice ? [this.capacity.system.notice] : [])],
            region: cfg.region,
            ...this.network.outputs,
            ...this.cluster.outputs,
            ...this.karpenter.outputs,
            ...this.data.outputs,
            ...this.ingress.outputs,
            ...this.secrets.outputs,
            ...this.logging.outputs,
            ...this.observability.outputs,
            ...this.gitops.outputs,
            ...this.workloads.outputs,
            ...this.backup.outputs,
            ...this.delivery.outputs,
        };
        this.registerOutputs({ capacity: JSON.parse(JSON.stringify(this.capacity)) as Record<string, unknown> });
    }
}

/**
 * Sums what each pool must hold and checks the system node group at its minimum size (a plan error with the
 * numbers when it cannot hold what is pinned to it) and the platform pool against its NodePool limits.
 */
function capacityReport(
    system: ReturnType<Platform["cluster"]["contract"]["capacity"]["demands"]>,
    all: ReturnType<Platform["cluster"]["contract"]["capacity"]["demands"]>,
    pools: PoolDemand[],
    cfg: PlatformConfig,
): CapacityReport {
    // DaemonSets run on every node whatever pool they were declared with.
    const perNode = all.filter((d) => d.perNode);
    const report = checkSystemCapacity(cfg.systemNodes.instanceTypes, cfg.systemNodes.minSize, [...system.filter((d) => !d.perNode), ...NODE_DAEMONSETS, ...perNode]);
    const problems = [...report.problems];
    const limits = cfg.karpenter.platformPool.limits;
    const platform = pools.find((p) => p.pool === "platform");
    if (platform && (platform.cpuMillis > cpuMillis(limits.cpu) || platform.memoryMiB > memoryMiB(limits.memory))) {
        problems.push(
            `platform pool: add-ons placed there request ${platform.cpuMillis}m CPU and ${platform.memoryMiB}Mi memory, above the NodePool limits ` +
                `${limits.cpu} CPU / ${limits.memory} (platform:karpenter.platformPool.limits)`,
        );
    }
    if (problems.length > 0) throw new ProblemsError("The platform's pods do not fit the capacity it provisions", problems);
    return { pools, system: report, platformPoolLimits: { ...limits } };
}
