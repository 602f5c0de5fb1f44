// Records every resource the program registers with the mock monitor: its URN, type, parent, options
// (protect, retainOnDelete, dependencies, aliases) and its inputs exactly as the engine would receive them
// (serialized, with secrets and unknowns marked). The plan and the policy runner read these records.
//
// URNs are the engine's, not the mock monitor's. Pulumi's MockMonitor (@pulumi/pulumi runtime/mocks.js,
// `newUrn`) names a child `<immediate parent type>$<type>::<name>`; the engine qualifies it with the parent's
// WHOLE type chain and leaves out the root `pulumi:pulumi:Stack` (resource.NewURN in
// sdk/go/common/resource/urn.go, called by stepGenerator.generateURN with the parent's QualifiedType; the
// SDK's own `createUrn` in @pulumi/pulumi resource.js does the same). `attach` installs that rule in the mock
// monitor itself, so every URN the program, the parents, the dependencies, the property dependencies, the
// provider references and the resource references in inputs carry is the engine's, consistent by construction.
import * as settings from "@pulumi/pulumi/runtime/settings";
import { type AliasSpec, engineUrn, resolveAliases } from "./urn";

export type { AliasSpec } from "./urn";
export { ROOT_STACK_TYPE, engineUrn, parseUrn, resolveAliases } from "./urn";

/** A serialized property value as it crosses the wire (secrets wrapped, resources as references). */
export type WireValue = unknown;

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    custom: boolean;
    remote: boolean;
    /** Provider reference `<provider urn>::<id>`, or null for the default provider. */
    provider: string | null;
    protect: boolean;
    retainOnDelete: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** The aliases as the program sent them (RegisterResourceRequest `aliases`, or the older `aliasURNs`). */
    aliasSpecs: AliasSpec[];
    /**
     * Every URN under which the engine could find this resource in an earlier state: its own aliases collapsed
     * to URNs and the aliases it inherits from its parent's (stepGenerator.generateAliases / collapseAliasToUrn /
     * inheritedChildAlias in pkg/resource/deploy/step_generator.go). Without a state to match against, this is
     * the union over every alias the parent may have matched.
     */
    aliases: string[];
    /** Inputs in wire form (google.protobuf.Struct as JavaScript). */
    inputs: Record<string, WireValue>;
}

export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface ProtoStruct {
    toJavaScript(): Record<string, unknown>;
}
interface PropertyDependencies {
    getUrnsList(): string[];
}
interface AliasProto {
    getUrn(): string;
    getSpec(): AliasSpecProto | undefined;
}
interface AliasSpecProto {
    getName(): string;
    getType(): string;
    getStack(): string;
    getProject(): string;
    getParenturn(): string;
    getNoparent(): boolean;
}
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getRemote(): boolean;
    getProvider(): string;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (v: PropertyDependencies, k: string) => void): void };
    getAliasesList(): AliasProto[];
    getAliasurnsList(): string[];
    getObject(): ProtoStruct | undefined;
}
interface RegisterResponse {
    getUrn(): string;
}
interface OutputsRequest {
    getUrn(): string;
    getOutputs(): ProtoStruct | undefined;
}
type Callback<T> = (err: Error | null, resp?: T) => void;
interface Monitor {
    registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): Promise<void> | void;
    registerResourceOutputs(req: OutputsRequest, cb: Callback<unknown>): void;
    /** MockMonitor's URN minting (runtime/mocks.js); replaced by the engine's rule in `attach`. */
    newUrn?(parent: string, type: string, name: string): string;
}

export class Recorder {
    readonly resources: RecordedResource[] = [];
    /** Wire-form outputs of every component, keyed by URN (the stack's are the stack outputs). */
    readonly outputs = new Map<string, Record<string, WireValue>>();
    private readonly aliasesByUrn = new Map<string, string[]>();
    private stack = "";
    private project = "";

    /** Stack and project default to the ones `setMocks` installed. */
    constructor(
        private readonly stackName?: string,
        private readonly projectName?: string,
    ) {}

    /** Wraps the mock monitor installed by `pulumi.runtime.setMocks`. Call right after setMocks. */
    attach(): void {
        const monitor = settings.getMonitor() as unknown as Monitor | undefined;
        if (!monitor) throw new Error("Recorder.attach: no monitor; call pulumi.runtime.setMocks first");
        if (typeof monitor.newUrn !== "function") throw new Error("Recorder.attach: the monitor is not @pulumi/pulumi's MockMonitor (no newUrn)");
        this.stack = this.stackName ?? settings.getStack();
        this.project = this.projectName ?? settings.getProject();
        monitor.newUrn = (parent, type, name) => engineUrn(this.stack, this.project, parent || null, type, name);
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, cb) =>
            register(req, (err, resp) => {
                if (!err && resp) this.record(req, resp.getUrn());
                cb(err, resp);
            });
        const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
        monitor.registerResourceOutputs = (req, cb) => {
            this.outputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
            registerOutputs(req, cb);
        };
    }

    private record(req: RegisterRequest, urn: string): void {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => {
            propertyDependencies[k] = v.getUrnsList();
        });
        const aliasSpecs: AliasSpec[] = [
            ...req.getAliasesList().map((a): AliasSpec => {
                const spec = a.getSpec();
                if (!spec) return { urn: a.getUrn() };
                return { name: spec.getName(), type: spec.getType(), stack: spec.getStack(), project: spec.getProject(), parentUrn: spec.getParenturn(), noParent: spec.getNoparent() };
            }),
            ...req.getAliasurnsList().map((u) => ({ urn: u })),
        ];
        const parent = req.getParent() || null;
        const aliases = resolveAliases({ type: req.getType(), name: req.getName(), parent, aliasSpecs }, (u) => this.aliasesByUrn.get(u) ?? [], this.stack, this.project);
        this.aliasesByUrn.set(urn, aliases);
        this.resources.push({
            urn,
            type: req.getType(),
            name: req.getName(),
            parent,
            custom: req.getCustom(),
            remote: req.getRemote(),
            provider: req.getProvider() || null,
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            aliasSpecs,
            aliases,
            inputs: req.getObject()?.toJavaScript() ?? {},
        });
    }
}

/**
 * Turns a wire value into plain JSON for people and pipelines: secrets become "[secret]", unknowns
 * "[unknown]", resource references their URN, output values their plain value.
 */
export function plainValue(v: WireValue): unknown {
    if (v === UNKNOWN) return "[unknown]";
    if (Array.isArray(v)) return v.map(plainValue);
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        const sig = o[SPECIAL_SIG_KEY];
        if (sig === SECRET_SIG) return "[secret]";
        if (sig === RESOURCE_SIG) return o["urn"];
        if (sig === OUTPUT_SIG) {
            if (o["secret"] === true) return "[secret]";
            return "value" in o ? plainValue(o["value"]) : "[unknown]";
        }
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(o).sort()) out[k] = plainValue(o[k]);
        return out;
    }
    return v;
}

/** True when a wire value is, or contains, a secret. */
export function containsSecret(v: WireValue): boolean {
    if (Array.isArray(v)) return v.some(containsSecret);
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SPECIAL_SIG_KEY] === SECRET_SIG) return true;
        if (o[SPECIAL_SIG_KEY] === OUTPUT_SIG && o["secret"] === true) return true;
        return Object.values(o).some(containsSecret);
    }
    return false;
}

