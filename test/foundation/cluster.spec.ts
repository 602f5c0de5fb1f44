import { strict as assert } from "assert";
import { CONTROL_PLANE_LOG_TYPES } from "../../infra/cluster/addons";
import { RecordedResource } from "../../tools/offline/recorder";
import { ProgramRun } from "../../tools/offline/run";
import { inputs, isSecretInput, ofType, one, planStack } from "../helpers";

type Obj = Record<string, unknown>;

function eksCluster(run: ProgramRun): Obj {
    return inputs(one(run, "eks:index:Cluster"));
}

for (const stack of ["dev", "prod"] as const) {
    describe(`cluster (${stack})`, () => {
        it("declares eks.Cluster with API auth, private endpoint, all control-plane logs and KMS secrets encryption", async () => {
            const run = await planStack(stack);
            const c = eksCluster(run);
            assert.equal(c["name"], `platform-${stack}`);
            assert.equal(c["version"], "1.35");
            assert.equal(c["authenticationMode"], "API");
            assert.equal(c["endpointPrivateAccess"], true);
            assert.equal(c["endpointPublicAccess"], stack === "dev");
            if (stack === "dev") assert.deepEqual(c["publicAccessCidrs"], ["203.0.113.0/24"]);
            else assert.equal(c["publicAccessCidrs"], undefined);
            assert.deepEqual(c["enabledClusterLogTypes"], [...CONTROL_PLANE_LOG_TYPES]);
            assert.deepEqual([...CONTROL_PLANE_LOG_TYPES].sort(), ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            assert.match(c["encryptionConfigKeyArn"] as string, /^arn:aws:kms:eu-west-1:123456789012:key\//);
            assert.equal(c["createOidcProvider"], true);
            assert.equal(c["skipDefaultNodeGroup"], true);
            assert.equal(c["deletionProtection"], stack === "prod");
            assert.equal((c["vpcCniOptions"] as Obj)["enableNetworkPolicy"], true);
            assert.equal((c["corednsAddonOptions"] as Obj)["enabled"], false);
            assert.equal((c["privateSubnetIds"] as string[]).length, stack === "dev" ? 2 : 3);
        });

        it("gives each configured admin a cluster-admin access entry", async () => {
            const run = await planStack(stack);
            const entries = eksCluster(run)["accessEntries"] as Record<string, Obj>;
            const expected = stack === "dev" ? 1 : 2;
            assert.equal(Object.keys(entries).length, expected);
            for (const e of Object.values(entries)) {
                assert.match(e["principalArn"] as string, /^arn:aws:iam::123456789012:role\//);
                assert.equal(e["type"], "STANDARD");
                const policies = Object.values(e["accessPolicies"] as Record<string, Obj>);
                assert.deepEqual(policies, [{ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } }]);
            }
        });

        it("encrypts secrets with a rotating customer key, protected in prod", async () => {
            const run = await planStack(stack);
            const key = one(run, "aws:kms/key:Key", "cluster-secrets");
            assert.equal(inputs(key)["enableKeyRotation"], true);
            assert.equal(key.protect, stack === "prod");
        });

        it("creates the control-plane log group before the cluster, with retention", async () => {
            const run = await planStack(stack);
            const lg = one(run, "aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane");
            assert.equal(inputs(lg)["name"], `/aws/eks/platform-${stack}/cluster`);
            assert.ok(one(run, "eks:index:Cluster").dependencies.includes(lg.urn));
        });

        it("runs an on-demand, tainted system node group across the AZs with IMDSv2 and encrypted gp3", async () => {
            const run = await planStack(stack);
            const ng = inputs(one(run, "aws:eks/nodeGroup:NodeGroup"));
            assert.equal(ng["capacityType"], "ON_DEMAND");
            assert.equal(ng["amiType"], "AL2023_x86_64_STANDARD");
            assert.equal((ng["subnetIds"] as string[]).length, stack === "dev" ? 2 : 3);
            const scaling = ng["scalingConfig"] as Obj;
            assert.ok((scaling["minSize"] as number) >= 2);
            assert.deepEqual(ng["taints"], [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]);
            assert.equal(ng["diskSize"], undefined, "disk size belongs in the launch template");
            const lt = inputs(one(run, "aws:ec2/launchTemplate:LaunchTemplate"));
            assert.deepEqual(lt["metadataOptions"], { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
            assert.equal((lt["blockDeviceMappings"] as Obj[]).length, 1, "AL2023 has a single volume");
            const disk = (lt["blockDeviceMappings"] as Obj[])[0];
            assert.equal(disk["deviceName"], "/dev/xvda");
            assert.deepEqual(disk["ebs"], { volumeType: "gp3", volumeSize: stack === "dev" ? 50 : 80, encrypted: "true", deleteOnTermination: "true" });
            assert.equal((ng["launchTemplate"] as Obj)["version"], "1");
        });

        it("Bottlerocket system nodes: sized data volume /dev/xvdb, and the OS volume /dev/xvda encrypted too", async () => {
            // Bottlerocket's volumes: OS /dev/xvda, data /dev/xvdb (karpenter-provider-aws pkg/providers/amifamily/bottlerocket.go).
            const systemNodes = { instanceTypes: ["m7i.large"], minSize: 3, desiredSize: 3, maxSize: 6, diskSizeGiB: 60, amiType: "BOTTLEROCKET_x86_64" };
            const run = await planStack(stack, { "platform:systemNodes": systemNodes });
            const lt = inputs(one(run, "aws:ec2/launchTemplate:LaunchTemplate"));
            assert.deepEqual(lt["blockDeviceMappings"], [
                { deviceName: "/dev/xvda", ebs: { volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
                { deviceName: "/dev/xvdb", ebs: { volumeType: "gp3", volumeSize: 60, encrypted: "true", deleteOnTermination: "true" } },
            ]);
        });

        it("gives the system nodes the worker policies", async () => {
            const run = await planStack(stack);
            const arns = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.name.startsWith("cluster-system-nodes-"))
                .map((a) => inputs(a)["policyArn"]);
            assert.deepEqual(arns.sort(), [
                "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            ]);
        });

        it("installs pod identity agent, coredns and the EBS CSI driver after the node group, the driver with its own Pod Identity role", async () => {
            const run = await planStack(stack);
            const ng = one(run, "aws:eks/nodeGroup:NodeGroup");
            const addons = ofType(run, "aws:eks/addon:Addon");
            assert.deepEqual(addons.map((a) => inputs(a)["addonName"]).sort(), ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent"]);
            for (const a of addons) {
                assert.ok(a.dependencies.includes(ng.urn), `${a.name} does not wait for the node group`);
                assert.match(inputs(a)["addonVersion"] as string, /^v\d/);
            }
            const byName = (n: string) => addons.find((a) => inputs(a)["addonName"] === n) as RecordedResource;
            const agent = byName("eks-pod-identity-agent");
            assert.ok(byName("aws-ebs-csi-driver").dependencies.includes(agent.urn));
            const coredns = JSON.parse(inputs(byName("coredns"))["configurationValues"] as string);
            assert.deepEqual(coredns.tolerations, [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }]);
            assert.ok(coredns.replicaCount >= 2);
            const assoc = inputs(one(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "cluster-ebs-csi"));
            assert.equal(assoc["namespace"], "kube-system");
            assert.equal(assoc["serviceAccount"], "ebs-csi-controller-sa");
            const trust = JSON.parse(inputs(one(run, "aws:iam/role:Role", "cluster-ebs-csi"))["assumeRolePolicy"] as string);
            assert.deepEqual(trust.Statement, [{ Sid: "AllowEksPodIdentity", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }]);
            const attached = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("cluster-ebs-csi"));
            assert.deepEqual(attached.map((a) => inputs(a)["policyArn"]), ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
        });

        it("tags exactly one security group, the cluster's, for Karpenter discovery", async () => {
            const run = await planStack(stack);
            const tags = ofType(run, "aws:ec2/tag:Tag").map(inputs).filter((t) => t["key"] === "karpenter.sh/discovery");
            assert.equal(tags.length, 1);
            assert.equal(tags[0]["value"], `platform-${stack}`);
            assert.match(tags[0]["resourceId"] as string, /^sg-/);
        });

        it("builds the Kubernetes provider from the secret kubeconfig and uses it for every Kubernetes resource", async () => {
            const run = await planStack(stack);
            const provider = one(run, "pulumi:providers:kubernetes");
            assert.ok(isSecretInput(provider, "kubeconfig"), "kubeconfig must be a secret");
            const k8s = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
            assert.ok(k8s.length > 0);
            for (const r of k8s) assert.equal(r.provider?.split("::").slice(0, -1).join("::"), provider.urn, `${r.name} does not use the cluster's provider`);
            const outputs = run.outputs as Record<string, unknown>;
            assert.ok(JSON.stringify(outputs["kubeconfig"] ?? outputs).includes("1b47061264138c4ac30d75fd1eb44270"), "kubeconfig output must be secret");
        });

        it("makes an encrypted gp3 StorageClass the default", async () => {
            const run = await planStack(stack);
            const sc = inputs(one(run, "kubernetes:storage.k8s.io/v1:StorageClass"));
            assert.equal(sc["provisioner"], "ebs.csi.aws.com");
            assert.deepEqual(sc["parameters"], { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" });
            assert.equal((sc["metadata"] as { annotations: Obj }).annotations["storageclass.kubernetes.io/is-default-class"], "true");
            assert.equal(sc["volumeBindingMode"], "WaitForFirstConsumer");
        });

        it("installs metrics-server from the pinned chart on the system nodes, two replicas with a PDB", async () => {
            const run = await planStack(stack);
            const rel = inputs(one(run, "kubernetes:helm.sh/v3:Release", "cluster-metrics-server"));
            assert.equal(rel["chart"], "metrics-server");
            assert.equal(rel["version"], "3.13.1");
            assert.deepEqual(rel["repositoryOpts"], { repo: "https://kubernetes-sigs.github.io/metrics-server/" });
            const values = rel["values"] as Obj;
            assert.equal(values["replicas"], 2);
            assert.deepEqual(values["podDisruptionBudget"], { enabled: true, maxUnavailable: 1 });
            assert.deepEqual(values["tolerations"], [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }]);
            assert.equal(((values["resources"] as Obj)["limits"] as Obj)["memory"], "400Mi");
        });
    });
}

describe("cluster: Pod Identity ordering", () => {
    it("starts every Pod Identity controller release after the pod identity agent add-on", async () => {
        const run = await planStack("prod");
        const agent = ofType(run, "aws:eks/addon:Addon").find((a) => inputs(a)["addonName"] === "eks-pod-identity-agent");
        assert.ok(agent);
        for (const name of ["karpenter", "ingress-lbc", "ingress-external-dns"]) {
            const release = one(run, "kubernetes:helm.sh/v3:Release", name);
            assert.ok(release.dependencies.includes(agent.urn), `${name} does not wait for the pod identity agent`);
        }
    });
});
