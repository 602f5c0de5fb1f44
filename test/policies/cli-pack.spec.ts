// The pack as the Pulumi CLI runs it: `pulumi preview --policy-pack ./policies` starts
// @pulumi/pulumi/cmd/run-policy-pack in the pack folder (TypeScript compiled on the fly, dependencies
// resolved from the root node_modules). We start that same command and ask the analyzer for its info.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type { AnalyzerInfo } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { PACK_NAME, PACK_VERSION, policies } from "../../policies/pack";

const PACK_DIR = path.resolve(__dirname, "..", "..", "policies");

describe("policies: the pack under the CLI's policy-pack runner", function () {
    this.timeout(120000);
    let child: ChildProcess | undefined;
    after(() => {
        if (child && child.exitCode === null) child.kill();
    });

    it("compiles, serves, and reports the pack's name, version and every policy", async () => {
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
        // First argument: the engine address (unused until an RPC needs the engine), second: the pack folder.
        child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<string>((resolve, reject) => {
            child?.stdout?.once("data", (d: Buffer) => resolve(d.toString().trim()));
            child?.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        });
        assert.match(port, /^\d+$/);
        const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const info = await new Promise<AnalyzerInfo>((resolve, reject) => client.getAnalyzerInfo(new Empty(), (err, resp) => (err || !resp ? reject(err) : resolve(resp))));
        client.close();
        assert.equal(info.getName(), PACK_NAME);
        assert.equal(info.getVersion(), PACK_VERSION);
        assert.deepEqual(info.getPoliciesList().map((p) => p.getName()), policies.map((p) => p.name));
    });
});
