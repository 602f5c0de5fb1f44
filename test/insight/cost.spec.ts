import { strict as assert } from "assert";
import { albGroups, estimateCost, releaseVolumes } from "../../tools/insight/cost";
import { PlanResource } from "../../tools/insight/model";
import { PRICES } from "../../tools/insight/prices";
import { dependenciesOf } from "../../tools/offline/report";
import { plainValue } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { planStack } from "../helpers";

const P = "urn:pulumi:dev::platform::";
const STACK = `${P}pulumi:pulumi:Stack::platform-dev`;
const PLATFORM = `${P}platform:index:Platform::platform`;

function comp(type: string, name: string, parent = PLATFORM): PlanResource {
    return { urn: `${parent.split("::")[2] === "platform:index:Platform" ? P + "platform:index:Platform$" : P}${type}::${name}`, type, name, parent, custom: false, inputs: {} };
}
function res(type: string, name: string, parent: string, inputs: Record<string, unknown> = {}, extra: Partial<PlanResource> = {}): PlanResource {
    return { urn: `${P}x$${type}::${name}`, type, name, parent, custom: true, dependencies: [], inputs, ...extra };
}

/** The plan JSON's resource records of a program run (plain inputs, dependencies), without running the policies. */
function planResources(run: ProgramRun): PlanResource[] {
    return run.resources
        .filter((r) => r.type !== "pulumi:pulumi:Stack")
        .map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, custom: r.custom, dependencies: dependenciesOf(r), aliases: r.aliases, inputs: plainValue(r.inputs) as Record<string, unknown> }));
}

describe("insight: cost estimate", () => {
    const eu = PRICES["eu-west-1"];
    const platform: PlanResource = { urn: PLATFORM, type: "platform:index:Platform", name: "platform", parent: STACK, custom: false, inputs: {} };
    const network = comp("platform:network:Network", "network");
    const data = comp("platform:data:Data", "data");
    const cluster = comp("platform:cluster:Cluster", "cluster");

    it("prices a small hand-made plan to the cent, per layer and per type, and lists what it cannot price", () => {
        const resources: PlanResource[] = [
            platform,
            network,
            data,
            cluster,
            res("eks:index:Cluster", "cluster", cluster.urn, {}, { custom: false }),
            res("aws:ec2/natGateway:NatGateway", "nat-0", network.urn),
            res("aws:ec2/natGateway:NatGateway", "nat-1", network.urn),
            res("aws:ec2/eip:Eip", "eip-0", network.urn),
            res("aws:ec2/eip:Eip", "eip-1", network.urn),
            res("aws:ec2/vpc:Vpc", "vpc", network.urn),
            res("aws:iam/role:Role", "role", data.urn),
            res("aws:rds/instance:Instance", "db", data.urn, { engine: "postgres", instanceClass: "db.t4g.medium", multiAz: false, allocatedStorage: 20, backupRetentionPeriod: 7 }),
            res("aws:kms/key:Key", "key", data.urn),
            res("aws:foo/bar:Baz", "mystery", data.urn),
        ];
        const e = estimateCost(resources, { region: "eu-west-1" });
        // Hand-computed with the eu-west-1 table: EKS 730 x 0.10 = 73; NAT 2 x (730 x 0.048 + 100 GB x 0.048) = 79.68;
        // public IPv4 2 x 730 x 0.005 = 7.30; RDS 730 x 0.072 = 52.56 + 20 GiB x 0.127 = 2.54 + 20 x 2% x 7 = 2.8 GB x 0.095 = 0.266;
        // KMS 1.00.
        assert.equal(eu.natGatewayHour.usd, 0.048);
        assert.equal(e.json.byType["eks:index:Cluster"], 73);
        assert.equal(e.json.byType["aws:ec2/natGateway:NatGateway"], 79.68);
        assert.equal(e.json.byType["aws:ec2/eip:Eip"], 7.3);
        assert.equal(e.json.byType["aws:rds/instance:Instance"], 55.37);
        assert.equal(e.json.byLayer["network"], 86.98);
        assert.equal(e.json.byLayer["cluster"], 73);
        assert.equal(e.json.byLayer["data"], 56.37);
        assert.equal(e.json.monthlyUsd, 216.35);
        assert.deepEqual(e.json.notPriced, ["aws:foo/bar:Baz"]);
        assert.equal(e.json.byType["aws:iam/role:Role"], undefined, "IAM has no charge and is not a line");
        assert.equal(e.json.region, "eu-west-1");
        assert.equal(e.json.currency, "USD");
        assert.equal(e.json.pricesAsOf, eu.asOf);
        assert.deepEqual(Object.keys(e.json), ["monthlyUsd", "byLayer", "byType", "region", "currency", "pricesAsOf", "assumptions", "notPriced"]);
        assert.ok(e.json.assumptions.some((a) => /NAT gateways process 100 GB/.test(a)));
    });

    it("Multi-AZ bills the RDS instance and its storage twice; an unknown class is not priced, never zero", () => {
        const db = (multiAz: boolean, cls = "db.m7g.large") => [platform, data, res("aws:rds/instance:Instance", "db", data.urn, { instanceClass: cls, multiAz, allocatedStorage: 100, backupRetentionPeriod: 0 })];
        const single = estimateCost(db(false), { region: "us-east-1" }).json.monthlyUsd;
        const multi = estimateCost(db(true), { region: "us-east-1" }).json.monthlyUsd;
        assert.equal(single, Math.round((0.168 * 730 + 100 * 0.115) * 100) / 100);
        assert.equal(multi, Math.round((0.168 * 730 * 2 + 100 * 0.23) * 100) / 100);
        const unknown = estimateCost(db(false, "db.x9.huge"), { region: "us-east-1" }).json;
        assert.equal(unknown.monthlyUsd, 0);
        assert.deepEqual(unknown.notPriced, ["aws:rds/instance:Instance (postgres db.x9.huge)"]);
        assert.throws(() => estimateCost([], { region: "ap-south-2" }), /no prices for region ap-south-2/);
    });

    it("implied costs: one ALB per group, Karpenter nodes for pool demand and workloads, volumes from chart values", () => {
        const ingress = comp("platform:ingress:Ingress", "ingress");
        const wl = comp("platform:workloads:Workloads", "workloads");
        const k8s = (kind: string, name: string, parent: string, body: Record<string, unknown>) => res(`kubernetes:${kind}`, name, parent, body);
        const resources: PlanResource[] = [
            platform,
            ingress,
            wl,
            k8s("networking.k8s.io/v1:IngressClass", "alb", ingress.urn, { metadata: { name: "alb" }, spec: { controller: "ingress.k8s.aws/alb", parameters: { kind: "IngressClassParams", name: "alb" } } }),
            k8s("elbv2.k8s.aws/v1beta1:IngressClassParams", "params", ingress.urn, { metadata: { name: "alb" }, spec: { group: { name: "shared" } } }),
            k8s("networking.k8s.io/v1:Ingress", "a", wl.urn, { metadata: { name: "a", namespace: "x" }, spec: { ingressClassName: "alb" } }),
            k8s("networking.k8s.io/v1:Ingress", "b", wl.urn, { metadata: { name: "b", namespace: "x" }, spec: { ingressClassName: "alb" } }),
            k8s("networking.k8s.io/v1:Ingress", "nginx", wl.urn, { metadata: { name: "n", namespace: "x" }, spec: { ingressClassName: "nginx" } }),
            k8s("apps/v1:Deployment", "web", wl.urn, { metadata: { name: "web", namespace: "x" }, spec: { replicas: 5, template: { spec: { containers: [{ resources: { requests: { cpu: "500m", memory: "1Gi" } } }] } } } }),
            k8s("autoscaling/v2:HorizontalPodAutoscaler", "web", wl.urn, { metadata: { name: "web", namespace: "x" }, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 4 } }),
            k8s("apps/v1:Deployment", "ctl", wl.urn, { metadata: { name: "ctl", namespace: "kube-system" }, spec: { replicas: 2, template: { spec: { nodeSelector: { "platform.io/node-pool": "system" }, containers: [{ resources: { requests: { cpu: "4", memory: "8Gi" } } }] } } } }),
        ];
        assert.deepEqual(albGroups(resources).map((g) => g.group), ["shared"]);
        const e = estimateCost(resources, { region: "eu-west-1", capacity: [{ pool: "system", cpuMillis: 9000, memoryMiB: 9000 }, { pool: "platform", cpuMillis: 3000, memoryMiB: 6000, perNodeCpuMillis: 180, perNodeMemoryMiB: 152 }] });
        const m7i = 0.1122;
        assert.equal(e.json.byType["(implied) ALB via aws-load-balancer-controller"], Math.round((730 * 0.0252 + 730 * 0.008) * 100) / 100);
        // platform pool: max(ceil(3000 / 1750), ceil(6000 / 6751)) = 2 on-demand; workloads: 4 pods x 500m / 1 GiB = 2000m / 4096 MiB -> 2 nodes at spot.
        const karpenter = e.lines.filter((l) => l.kind === "(implied) Karpenter nodes");
        assert.deepEqual(karpenter.map((l) => [l.layer, Math.round(l.usd * 100) / 100]).sort(), [
            ["karpenter", Math.round(2 * m7i * 730 * 100) / 100],
            ["workloads", Math.round(2 * m7i * 0.35 * 730 * 100) / 100],
        ]);
        assert.ok(karpenter.some((l) => /for 4 pods/.test(l.detail)), "the HPA minimum, not spec.replicas, counts");
    });

    it("a pool holds at least one node per Vault replica its default required anti-affinity keeps apart", () => {
        const vault = (values: Record<string, unknown>) => [platform, res("kubernetes:helm.sh/v3:Release", "vault", PLATFORM, { chart: "vault", name: "vault", values })];
        const capacity = [{ pool: "platform", cpuMillis: 1500, memoryMiB: 1536 }];
        const ha = { server: { ha: { enabled: true, replicas: 3 }, nodeSelector: { "platform.io/node-pool": "platform" }, dataStorage: { size: "1Gi" } } };
        const nodes = (values: Record<string, unknown>) => estimateCost(vault(values), { region: "us-east-1", capacity }).lines.find((l) => l.kind === "(implied) Karpenter nodes")?.detail;
        assert.match(nodes(ha) ?? "", /^pool "platform": 3 x m7i.large on-demand .*\(vault: 3 replicas kept apart by a required pod anti-affinity\)/);
        assert.match(nodes({ server: { ...ha.server, affinity: {} } }) ?? "", /^pool "platform": 1 x m7i.large/);
    });

    it("reads add-on volume sizes from the charts' well-known values keys", () => {
        assert.deepEqual(releaseVolumes({ chart: "vault", values: { server: { ha: { enabled: true, replicas: 3 }, dataStorage: { size: "20Gi" } } } })?.map((v) => [v.claim, v.count, v.gib]), [["data", 3, 20]]);
        assert.deepEqual(releaseVolumes({ chart: "vault", values: {} })?.map((v) => [v.claim, v.count, v.gib]), [["data", 1, 10]]);
        assert.deepEqual(releaseVolumes({ chart: "oci://ghcr.io/grafana-community/helm-charts/loki", values: {} })?.map((v) => [v.claim, v.count, v.gib]), [["single-binary", 1, 10]]);
        assert.deepEqual(releaseVolumes({ chart: "loki", values: { deploymentMode: "Distributed" } }), []);
        const kps = releaseVolumes({
            chart: "kube-prometheus-stack",
            values: { prometheus: { prometheusSpec: { replicas: 2, storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "50Gi" } } } } } } }, grafana: { persistence: { enabled: true } } },
        });
        assert.deepEqual(kps?.map((v) => [v.claim, v.count, v.gib]), [["prometheus", 2, 50], ["grafana", 1, 10]]);
        assert.equal(releaseVolumes({ chart: "external-dns", values: {} }), undefined);
    });

    describe("on the planned stacks", () => {
        let dev: PlanResource[];
        let prod: PlanResource[];
        let devChanged: PlanResource[];
        before(async function () {
            this.timeout(60000);
            dev = planResources(await planStack("dev"));
            prod = planResources(await planStack("prod"));
            // One extra program run: 3 AZs with a NAT gateway each, and a Multi-AZ database.
            devChanged = planResources(await planStack("dev", { "platform:azCount": 3, "platform:natStrategy": "perAz", "platform:database": { multiAz: true } }));
        });

        it("both stacks produce figures in eu-west-1, with nothing silently unpriced", () => {
            for (const rs of [dev, prod]) {
                const e = estimateCost(rs, { region: "eu-west-1" });
                assert.ok(e.json.monthlyUsd > 300, `${e.json.monthlyUsd}`);
                for (const layer of ["network", "cluster", "data", "ingress"]) assert.ok((e.json.byLayer[layer] ?? 0) > 0, `${layer} has a cost`);
                const priced = new Set(Object.keys(e.json.byType));
                for (const t of ["eks:index:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:ec2/natGateway:NatGateway", "(implied) ALB via aws-load-balancer-controller"]) {
                    assert.ok(priced.has(t), `${t} is priced`);
                }
                assert.deepEqual(e.json.notPriced.filter((t) => !t.startsWith("aws:backup/vault:Vault")), []);
            }
            assert.ok(estimateCost(prod, { region: "eu-west-1" }).json.monthlyUsd > estimateCost(dev, { region: "eu-west-1" }).json.monthlyUsd);
        });

        it("moves in the expected direction: 3 NAT gateways cost 3x one; Multi-AZ about doubles the RDS instance", () => {
            const before = estimateCost(dev, { region: "eu-west-1" });
            const after = estimateCost(devChanged, { region: "eu-west-1" });
            const nat = (e: typeof before) => e.json.byType["aws:ec2/natGateway:NatGateway"];
            assert.equal(nat(after), Math.round(3 * nat(before) * 100) / 100);
            const rdsInstance = (e: typeof before) => e.lines.find((l) => l.kind === "aws:rds/instance:Instance")?.usd ?? 0;
            const ratio = rdsInstance(after) / rdsInstance(before);
            assert.ok(ratio > 1.9 && ratio <= 2.05, `Multi-AZ / Single-AZ = ${ratio}`);
        });
    });
});
