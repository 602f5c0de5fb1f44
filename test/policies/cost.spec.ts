// Cost and supply-chain policies: NodePool limits, gp3, instance allow-lists, Helm pinning and sources.
import { strict as assert } from "assert";
import { isExactSemver } from "../../policies/cost";
import { Json, check, names, of, resource } from "./helpers";

const TAGS = { "platform:stack": "prod", "platform:environment": "prod", "cost-center": "platform" };

describe("policies: cost and supply chain", () => {
    it("Karpenter NodePools must cap cpu and memory", async () => {
        const np = (limits?: Json) => resource("kubernetes:karpenter.sh/v1:NodePool", "np", { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "general" }, spec: { template: { spec: {} }, ...(limits ? { limits } : {}) } });
        assert.deepEqual(await check([np({ cpu: "100", memory: "400Gi" })]), []);
        assert.match(of(await check([np({ cpu: "100" })]), "karpenter-nodepool-limits")[0].message, /spec.limits must set memory/);
        assert.match(of(await check([np()]), "karpenter-nodepool-limits")[0].message, /cpu and memory/);
    });

    describe("ebs-volume-type", () => {
        it("EBS volumes: gp3 passes; gp2, io1 and the unset default (gp2) fail unless justified", async () => {
            const vol = (extra: Json, tags: Json = TAGS) => resource("aws:ebs/volume:Volume", "v", { availabilityZone: "eu-west-1a", size: 10, tags, ...extra }, { protect: true });
            assert.deepEqual(await check([vol({ type: "gp3" })]), []);
            assert.deepEqual(names(await check([vol({ type: "io1" })])), ["ebs-volume-type"]);
            assert.match(of(await check([vol({})]), "ebs-volume-type")[0].message, /unset \(gp2\)/);
            assert.deepEqual(await check([vol({ type: "io1" }, { ...TAGS, "platform.io/volume-type-justification": "latency SLO needs provisioned IOPS" })]), []);
        });
        it("launch templates, EBS StorageClasses and EC2NodeClasses", async () => {
            const lt = resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { tags: TAGS, metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp2" } }] });
            const sc = (params: Json, provisioner = "ebs.csi.aws.com", annotations: Json = {}) => resource("kubernetes:storage.k8s.io/v1:StorageClass", "sc", { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "s", annotations }, provisioner, parameters: params });
            const nc = resource("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "nc", { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "n" }, spec: { metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeType: "io1" } }] } });
            const vs = await check([lt, sc({ type: "gp2" }), sc({}), sc({}, "kubernetes.io/aws-ebs"), sc({ type: "io1" }, "ebs.csi.aws.com", { "platform.io/volume-type-justification": "legacy" }), nc]);
            assert.equal(of(vs, "ebs-volume-type").length, 4);
            assert.ok(of(vs, "ebs-volume-type").every((v) => v.enforcement === "advisory"));
        });
    });

    it("instance classes come from the stack's allow-lists", async () => {
        const db = (cls: string) => resource("aws:rds/instance:Instance", "db", { instanceClass: cls, storageEncrypted: true, backupRetentionPeriod: 7, multiAz: true, deletionProtection: true, tags: TAGS });
        const ng = (types: string[]) => resource("aws:eks/nodeGroup:NodeGroup", "ng", { tags: TAGS, instanceTypes: types, launchTemplate: { id: "lt" } });
        assert.deepEqual(await check([db("db.r7g.large"), ng(["m7i.large"])]), []);
        const vs = await check([db("db.x2g.16xlarge"), ng(["m7i.large", "p5.48xlarge"])]);
        assert.deepEqual(of(vs, "instance-class-allow-list").map((v) => v.message.split("\n")[1].split(" is not")[0]), ['instanceClass "db.x2g.16xlarge"', 'instanceTypes "p5.48xlarge"']);
        const cfg = { "instance-class-allow-list": { rdsInstanceClasses: ["db.x2g.*"], nodeInstanceTypes: ["*"], elasticacheNodeTypes: [] } };
        assert.equal(of(await check([db("db.x2g.16xlarge"), ng(["p5.48xlarge"])], cfg), "instance-class-allow-list").length, 0);
    });

    describe("Helm releases", () => {
        const release = (extra: Json) => resource("kubernetes:helm.sh/v3:Release", "r", { chart: "metrics-server", version: "3.13.1", repositoryOpts: { repo: "https://kubernetes-sigs.github.io/metrics-server/" }, ...extra });
        it("exact semver versions from allow-listed repositories (trailing slash insensitive) pass; OCI charts carry their repository", async () => {
            assert.deepEqual(await check([release({})]), []);
            assert.deepEqual(await check([release({ repositoryOpts: { repo: "https://kubernetes-sigs.github.io/metrics-server" } })]), []);
            assert.deepEqual(await check([release({ chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1", repositoryOpts: undefined })]), []);
        });
        it("ranges, missing versions and unknown repositories fail", async () => {
            assert.ok(isExactSemver("1.2.3-rc.1+build.5"));
            for (const v of ["^3.13.1", "~3.13", "3.x", ">=3.0.0", "3.13", "v3.13.1"]) assert.ok(!isExactSemver(v), v);
            assert.deepEqual(names(await check([release({ version: "^3.13.1" })])), ["helm-chart-version-pinned"]);
            assert.deepEqual(names(await check([release({ version: undefined })])), ["helm-chart-version-pinned"]);
            assert.match(of(await check([release({ repositoryOpts: { repo: "https://charts.bitnami.com/bitnami" } })]), "helm-repository-allowed")[0].message, /not an allow-listed repository/);
            assert.match(of(await check([release({ chart: "oci://registry-1.docker.io/bitnamicharts/redis", repositoryOpts: undefined })]), "helm-repository-allowed")[0].message, /oci:\/\/registry-1.docker.io\/bitnamicharts/);
            assert.match(of(await check([release({ chart: "./charts/local", repositoryOpts: undefined })]), "helm-repository-allowed")[0].message, /names no repository/);
        });
    });
});
