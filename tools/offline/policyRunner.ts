// Runs CrossGuard policies offline through @pulumi/policy's own analyzer entry points (the functions the
// gRPC server calls when the Pulumi CLI asks it to analyze a resource or a stack). Enforcement levels,
// type filtering, unknown-value handling and `getConfig` therefore behave exactly as under
// `pulumi preview --policy-pack`.
import * as path from "path";
import type { Policies, PolicyConfigSchema } from "@pulumi/policy";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";

export type Enforcement = "advisory" | "mandatory" | "remediate" | "disabled";

export interface PolicyViolation {
    policy: string;
    enforcement: Enforcement;
    urn: string | null;
    message: string;
}

/** A resource as the engine hands it to an analyzer: type, name, URN, options and wire-form inputs. */
export interface AnalyzableResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    protect: boolean;
    retainOnDelete: boolean;
    dependencies: string[];
    inputs: Record<string, unknown>;
    /**
     * What AnalyzeStack sees instead of the inputs: the engine hands it each resource's outputs, and a
     * component's outputs are what it registered (the Platform's capacity report, read by cost-budget).
     */
    stackProperties?: Record<string, unknown>;
}

export interface PackDefinition {
    name: string;
    version: string;
    policies: Policies;
}

/** The content of a `--policy-pack-config` file: a level per policy, or an object with level and parameters. */
export type PolicyPackConfigFile = Record<string, Enforcement | ({ enforcementLevel?: Enforcement } & Record<string, unknown>)>;

type RpcCallback = (err: Error | null | undefined, resp?: analyzerproto.AnalyzeResponse) => void;
type Rpc<Req> = (call: { request: Req }, cb: RpcCallback) => Promise<void>;
interface ServerModule {
    serve(name: string, version: string, level: Enforcement, args: { policies: Policies }): void;
    makeAnalyzeRpcFun(name: string, version: string, level: Enforcement, policies: Policies): Rpc<analyzerproto.AnalyzeRequest>;
    makeAnalyzeStackRpcFun(name: string, version: string, level: Enforcement, policies: Policies): Rpc<analyzerproto.AnalyzeStackRequest>;
}
type ConfigureRpc = (call: { request: analyzerproto.ConfigureAnalyzerRequest }, cb: (err: Error | undefined) => void) => Promise<void>;

const LEVELS: Record<number, Enforcement> = {
    [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerproto.EnforcementLevel.REMEDIATE]: "remediate",
    [analyzerproto.EnforcementLevel.DISABLED]: "disabled",
};
const LEVEL_ENUM: Record<Enforcement, analyzerproto.EnforcementLevel> = {
    advisory: analyzerproto.EnforcementLevel.ADVISORY,
    mandatory: analyzerproto.EnforcementLevel.MANDATORY,
    remediate: analyzerproto.EnforcementLevel.REMEDIATE,
    disabled: analyzerproto.EnforcementLevel.DISABLED,
};

let configureRpc: ConfigureRpc | undefined;

/**
 * The policy server keeps the pack's configuration in module state that only its `configure` RPC sets.
 * We obtain that handler the way the CLI reaches it: by letting `serve` register its handlers, with the
 * gRPC server's network binding turned off (nothing listens, nothing is printed).
 */
function server(): { mod: ServerModule; configure: ConfigureRpc } {
    const mod = require("@pulumi/policy/server") as ServerModule;
    if (!configureRpc) {
        const grpcPath = require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/policy/server"))] });
        const grpc = require(grpcPath) as { Server: { prototype: { addService: unknown; bindAsync: unknown } } };
        const proto = grpc.Server.prototype;
        const { addService, bindAsync } = proto;
        proto.addService = function (_service: unknown, handlers: { configure: ConfigureRpc }) {
            configureRpc = handlers.configure;
        };
        proto.bindAsync = function () {
            /* no network: the offline runner calls the handlers directly */
        };
        try {
            mod.serve("platform-offline", "0.0.0", "advisory", { policies: [] });
        } finally {
            proto.addService = addService;
            proto.bindAsync = bindAsync;
        }
        if (!configureRpc) throw new Error("could not obtain the policy server's configure handler");
    }
    return { mod, configure: configureRpc };
}

function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema?.properties ?? {})) {
        if (v && typeof v === "object" && "default" in v) out[k] = (v as { default: unknown }).default;
    }
    return out;
}

/** Resolves a policy's effective config as the CLI does: file entry (or "all"), then schema defaults. */
export function resolvePolicyConfig(
    policies: Policies,
    file: PolicyPackConfigFile,
): Map<string, { enforcementLevel?: Enforcement; properties: Record<string, unknown> }> {
    const known = new Set(policies.map((p) => p.name));
    for (const key of Object.keys(file)) {
        if (key !== "all" && !known.has(key)) throw new Error(`policy config names an unknown policy "${key}"`);
    }
    const out = new Map<string, { enforcementLevel?: Enforcement; properties: Record<string, unknown> }>();
    for (const p of policies) {
        const entry = file[p.name] ?? file["all"];
        let level: Enforcement | undefined;
        let props: Record<string, unknown> = {};
        if (typeof entry === "string") level = entry;
        else if (entry && typeof entry === "object") {
            const { enforcementLevel, ...rest } = entry;
            level = enforcementLevel;
            props = rest;
        }
        const properties = { ...schemaDefaults(p.configSchema), ...props };
        for (const req of p.configSchema?.required ?? []) {
            if (!(req in properties)) throw new Error(`policy "${p.name}" requires config property "${req}"`);
        }
        out.set(p.name, { enforcementLevel: level, properties });
    }
    return out;
}

async function configure(policies: Policies, file: PolicyPackConfigFile): Promise<void> {
    const { configure: rpc } = server();
    const req = new analyzerproto.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, cfg] of resolvePolicyConfig(policies, file)) {
        const pc = new analyzerproto.PolicyConfig();
        const level = cfg.enforcementLevel ?? policies.find((p) => p.name === name)?.enforcementLevel;
        if (level) pc.setEnforcementlevel(LEVEL_ENUM[level]);
        pc.setProperties(structproto.Struct.fromJavaScript(cfg.properties as Record<string, structproto.JavaScriptValue>));
        map.set(name, pc);
    }
    await new Promise<void>((resolve, reject) => {
        void rpc({ request: req }, (err) => (err ? reject(err) : resolve()));
    });
}

function options(r: AnalyzableResource): analyzerproto.AnalyzerResourceOptions {
    const o = new analyzerproto.AnalyzerResourceOptions();
    o.setProtect(r.protect);
    if (r.parent) o.setParent(r.parent);
    return o;
}

function diagnostics(resp: analyzerproto.AnalyzeResponse | undefined): PolicyViolation[] {
    return (resp?.getDiagnosticsList() ?? []).map((d) => ({
        policy: d.getPolicyname(),
        enforcement: LEVELS[d.getEnforcementlevel()] ?? "advisory",
        urn: d.getUrn() || null,
        message: d.getMessage(),
    }));
}

function call<Req>(fn: Rpc<Req>, request: Req): Promise<analyzerproto.AnalyzeResponse | undefined> {
    return new Promise((resolve, reject) => {
        void fn({ request }, (err, resp) => (err ? reject(err) : resolve(resp)));
    });
}

/**
 * Analyzes every resource (Analyze) and then the whole stack (AnalyzeStack) with the given pack and
 * config. Resource-level violations carry the analyzed resource's URN.
 */
export async function runPolicies(
    pack: PackDefinition,
    resources: AnalyzableResource[],
    configFile: PolicyPackConfigFile = {},
): Promise<PolicyViolation[]> {
    if (pack.policies.length === 0) return [];
    await configure(pack.policies, configFile);
    const { mod } = server();
    const analyze = mod.makeAnalyzeRpcFun(pack.name, pack.version, "advisory", pack.policies);
    const analyzeStack = mod.makeAnalyzeStackRpcFun(pack.name, pack.version, "advisory", pack.policies);
    const out: PolicyViolation[] = [];
    const stackResources: analyzerproto.AnalyzerResource[] = [];
    for (const r of resources) {
        const props = structproto.Struct.fromJavaScript(r.inputs as Record<string, structproto.JavaScriptValue>);
        const req = new analyzerproto.AnalyzeRequest();
        req.setType(r.type);
        req.setName(r.name);
        req.setUrn(r.urn);
        req.setProperties(props);
        req.setOptions(options(r));
        for (const v of diagnostics(await call(analyze, req))) out.push({ ...v, urn: v.urn ?? r.urn });

        const sr = new analyzerproto.AnalyzerResource();
        sr.setType(r.type);
        sr.setName(r.name);
        sr.setUrn(r.urn);
        sr.setProperties(r.stackProperties ? structproto.Struct.fromJavaScript(r.stackProperties as Record<string, structproto.JavaScriptValue>) : props);
        sr.setOptions(options(r));
        if (r.parent) sr.setParent(r.parent);
        sr.setDependenciesList(r.dependencies);
        stackResources.push(sr);
    }
    const stackReq = new analyzerproto.AnalyzeStackRequest();
    stackReq.setResourcesList(stackResources);
    out.push(...diagnostics(await call(analyzeStack, stackReq)));
    return out;
}
