// Runs CrossGuard policies offline through @pulumi/policy's own analyzer entry points (the functions the
// gRPC server calls when the Pulumi CLI asks it to analyze a resource or a stack). Enforcement levels,
// type filtering, unknown-value handling and `getConfig` therefore behave exactly as under
// `pulumi preview --policy-pack`.
import * as path from "path";
import type { Policies, PolicyConfigSchema } from "@pulumi/policy";
import { typeFilterOf } from "../../policies/lib";
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

// ---------------------------------------------------------------------------------------------------------
// Plain-object requests. The server's Analyze / AnalyzeStack handlers read a request only through getters
// (getType, getUrn, getProperties().toJavaScript(), getOptions().getProtect(), ...: @pulumi/policy
// server.js, makeAnalyzeRpcFun / makeAnalyzeStackRpcFun / getResourceOptions / getPropertyDependencies).
// Building real protobuf messages costs a Struct encoding of every object's inputs and a decoding per policy
// (45 policies: 45 decodings); these views answer the same getters from the plain inputs, so the handlers,
// and with them enforcement levels, config, type filtering and unknown-value handling, are the library's
// own code. `toJavaScript()` hands over the inputs as they are: the library's deserializeProperties copies
// them for every policy (as it copies a decoded Struct), so no policy can change them. Inputs must be
// JSON values (no `undefined`, functions, dates): what a Struct could carry.
// ---------------------------------------------------------------------------------------------------------

const NO_STRINGS: readonly string[] = Object.freeze([]);

class OptionsView {
    constructor(private readonly r: AnalyzableResource) {}
    getProtect(): boolean {
        return this.r.protect;
    }
    getParent(): string {
        return this.r.parent ?? "";
    }
    getIgnorechangesList(): readonly string[] {
        return NO_STRINGS;
    }
    getAliasesList(): readonly string[] {
        return NO_STRINGS;
    }
    getAdditionalsecretoutputsList(): readonly string[] {
        return NO_STRINGS;
    }
    getCustomtimeouts(): undefined {
        return undefined;
    }
    getDeletebeforereplacedefined(): boolean {
        return false;
    }
    getDeletebeforereplace(): boolean {
        return false;
    }
}

class PropertiesView {
    constructor(private readonly inputs: Record<string, unknown>) {}
    toJavaScript(): Record<string, unknown> {
        return this.inputs;
    }
}

/**
 * A resource to keep for the stack policies, its inputs re-created by JSON.parse: V8 lays such objects out
 * compactly (about the size of their JSON text), where objects built key by key, as a YAML parser builds
 * them, take two to three times that. The YAML checker keeps tens of thousands.
 */
export function compactResource(r: AnalyzableResource): AnalyzableResource {
    return { ...r, inputs: JSON.parse(JSON.stringify(r.inputs)) as Record<string, unknown> };
}

/** Answers what the handlers read from an AnalyzeRequest and from each AnalyzerResource of an AnalyzeStackRequest. */
class ResourceView {
    /** `stack`: a resource of an AnalyzeStackRequest, whose properties are its stackProperties when it has them. */
    constructor(
        private readonly r: AnalyzableResource,
        private readonly stack = false,
    ) {}
    getType(): string {
        return this.r.type;
    }
    getName(): string {
        return this.r.name;
    }
    getUrn(): string {
        return this.r.urn;
    }
    getProperties(): PropertiesView {
        return new PropertiesView(this.stack && this.r.stackProperties ? this.r.stackProperties : this.r.inputs);
    }
    getOptions(): OptionsView {
        return new OptionsView(this.r);
    }
    getProvider(): undefined {
        return undefined;
    }
    getParent(): string {
        return this.r.parent ?? "";
    }
    getDependenciesList(): string[] {
        return this.r.dependencies;
    }
    getPropertydependenciesMap(): undefined {
        return undefined;
    }
}

class StackRequestView {
    constructor(private readonly resources: ResourceView[]) {}
    getResourcesList(): ResourceView[] {
        return this.resources;
    }
}

/** From this many resources decoded for one stack policy on, memory is released after it. */
const LARGE_STACK = 10_000;

/**
 * A full garbage collection, when the process was started with `--expose-gc` (`npm run policy` is). The
 * library decodes every resource again for each stack policy (makeAnalyzeStackRpcFun's intermediates);
 * with tens of thousands of manifests V8 would otherwise let several policies' worth of dead copies pile
 * up before collecting, and the checker's peak memory would grow with the number of stack policies.
 */
function releaseMemory(): void {
    (globalThis as { gc?: () => void }).gc?.();
}

/** The server keeps one policy configuration per process; the session (by id) that applied it last. */
let configuredBy: symbol | undefined;

type Policy = Policies[number];

function isStackPolicy(p: Policy): boolean {
    return typeof (p as { validateStack?: unknown }).validateStack === "function"; // policy.js isStackPolicy
}

/**
 * One configured run of a pack: `analyze` per resource (results as soon as each resource is judged), then
 * `analyzeStack` over all of them. Requests are plain-object views (above), answered by the library's own
 * Analyze / AnalyzeStack handlers.
 *
 * Policies that declare the types they judge (policies/lib.ts judgesOnly) are handed only what they can
 * report on: a resource goes to a handler made for its type, with the policies that judge that type, in
 * pack order; a stack policy sees the resources of its types, in order. A declared policy returns at once
 * for any other type (and a stack policy reads nothing but the type of other resources), so the
 * diagnostics are the same as with every policy on every resource; only the calls that cannot report
 * anything (each one a copy of the resource's inputs) are saved. Undeclared policies get everything.
 */
export class PolicySession {
    private readonly analyzeRpcs = new Map<string, Rpc<ResourceView> | null>();
    private readonly properties: Map<string, Record<string, unknown>>;

    private constructor(
        private readonly pack: PackDefinition,
        private readonly configFile: PolicyPackConfigFile,
    ) {
        this.properties = new Map([...resolvePolicyConfig(pack.policies, configFile)].map(([name, c]) => [name, c.properties]));
    }

    static async open(pack: PackDefinition, configFile: PolicyPackConfigFile = {}): Promise<PolicySession> {
        const session = new PolicySession(pack, configFile);
        await session.ensureConfigured();
        return session;
    }

    private readonly id = Symbol("policy session");

    private async ensureConfigured(): Promise<void> {
        if (configuredBy === this.id) return;
        if (this.pack.policies.length > 0) await configure(this.pack.policies, this.configFile);
        configuredBy = this.id;
    }

    private judges(p: Policy, type: string): boolean {
        const filter = typeFilterOf(p);
        return filter === undefined || filter(type, this.properties.get(p.name) ?? {});
    }

    /** The Analyze handler for a type (null when no policy judges it). */
    private analyzeRpcFor(type: string): Rpc<ResourceView> | null {
        let rpc = this.analyzeRpcs.get(type);
        if (rpc === undefined) {
            const applicable = this.pack.policies.filter((p) => !isStackPolicy(p) && this.judges(p, type));
            // The handler only calls the getters the views implement (see above).
            rpc = applicable.length === 0 ? null : (server().mod.makeAnalyzeRpcFun(this.pack.name, this.pack.version, "advisory", applicable) as unknown as Rpc<ResourceView>);
            this.analyzeRpcs.set(type, rpc);
        }
        return rpc;
    }

    /** Resource policies on one resource; violations carry its URN. */
    async analyze(r: AnalyzableResource): Promise<PolicyViolation[]> {
        const rpc = this.analyzeRpcFor(r.type);
        if (!rpc) return [];
        await this.ensureConfigured();
        return diagnostics(await call(rpc, new ResourceView(r))).map((v) => ({ ...v, urn: v.urn ?? r.urn }));
    }

    /**
     * Stack policies over all resources together. The handler for a list of policies runs them one after
     * the other and reports in list order, so one handler per policy, called in pack order, gives the same
     * diagnostics in the same order; in between, the copies of the resources the library made for the
     * previous policy can be collected before the next policy makes its own (see releaseMemory).
     */
    async analyzeStack(resources: readonly AnalyzableResource[]): Promise<PolicyViolation[]> {
        await this.ensureConfigured();
        const { mod } = server();
        const views = resources.map((r) => new ResourceView(r, true));
        const out: PolicyViolation[] = [];
        for (const p of this.pack.policies.filter(isStackPolicy)) {
            const seen = typeFilterOf(p) === undefined ? views : views.filter((v) => this.judges(p, v.getType()));
            const rpc = mod.makeAnalyzeStackRpcFun(this.pack.name, this.pack.version, "advisory", [p]) as unknown as Rpc<StackRequestView>;
            out.push(...diagnostics(await call(rpc, new StackRequestView(seen))));
            if (seen.length >= LARGE_STACK) releaseMemory();
        }
        return out;
    }
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
    const session = await PolicySession.open(pack, configFile);
    const out: PolicyViolation[] = [];
    for (const r of resources) out.push(...(await session.analyze(r)));
    out.push(...(await session.analyzeStack(resources)));
    return out;
}

/**
 * The same run with real protobuf requests, as the policy server receives them from the CLI: every
 * resource's inputs encoded as a Struct (and decoded again by each policy). Kept as the reference the
 * plain-object path is tested against (test/policies/analyzer.spec.ts) and measured against (`npm run bench`).
 */
export async function runPoliciesWire(
    pack: PackDefinition,
    resources: AnalyzableResource[],
    configFile: PolicyPackConfigFile = {},
): Promise<PolicyViolation[]> {
    if (pack.policies.length === 0) return [];
    await configure(pack.policies, configFile);
    configuredBy = undefined;
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
