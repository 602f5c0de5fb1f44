// Records every resource the program registers with the mock monitor: its URN, type, parent, options
// (protect, retainOnDelete, dependencies) and its inputs exactly as the engine would receive them
// (serialized, with secrets and unknowns marked). The plan and the policy runner read these records.
import * as settings from "@pulumi/pulumi/runtime/settings";

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
}

export class Recorder {
    readonly resources: RecordedResource[] = [];
    /** Wire-form outputs of every component, keyed by URN (the stack's are the stack outputs). */
    readonly outputs = new Map<string, Record<string, WireValue>>();

    /** Wraps the mock monitor installed by `pulumi.runtime.setMocks`. Call right after setMocks. */
    attach(): void {
        const monitor = settings.getMonitor() as unknown as Monitor | undefined;
        if (!monitor) throw new Error("Recorder.attach: no monitor; call pulumi.runtime.setMocks first");
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
        this.resources.push({
            urn,
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || null,
            custom: req.getCustom(),
            remote: req.getRemote(),
            provider: req.getProvider() || null,
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            dependencies: req.getDependenciesList(),
            propertyDependencies,
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

