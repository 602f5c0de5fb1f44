// TypeScript loader for the tests, the plan and the tools: transpile-only (types are checked once by
// `tsc --noEmit`) and fast: it hooks only .ts files, keeps dynamic `import()` (ESM-only packages still load),
// and caches each file's output under node_modules/.cache keyed by the file's content, so repeated runs skip
// the transpiler. Delete that folder to clear it; a stale entry cannot be used because the key is the content.
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { addHook } = require("pirates");

const OPTIONS = { transforms: ["imports", "typescript"], preserveDynamicImport: true };
const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "platform-ts");
let transform;
let cacheUsable = true;

function compile(code, filename) {
    const key = crypto.createHash("sha1").update(`${JSON.stringify(OPTIONS)}\0${filename}\0${code}`).digest("hex");
    const file = path.join(cacheDir, `${key}.js`);
    if (cacheUsable) {
        try {
            return fs.readFileSync(file, "utf8");
        } catch {
            // not cached yet
        }
    }
    transform = transform || require("sucrase").transform;
    const out = transform(code, { ...OPTIONS, filePath: filename }).code;
    if (cacheUsable) {
        try {
            fs.mkdirSync(cacheDir, { recursive: true });
            fs.writeFileSync(`${file}.${process.pid}`, out);
            fs.renameSync(`${file}.${process.pid}`, file);
        } catch {
            cacheUsable = false; // read-only tree: transpile every time
        }
    }
    return out;
}

addHook(compile, { exts: [".ts"], ignoreNodeModules: true });

// @pulumi/pulumi's runtime loads its function-serialization machinery eagerly: the TypeScript compiler (closure/
// parseFunction.js) and npm's Arborist (closure/codePaths.js), together about half the SDK's load time. The offline
// plan and the tests never serialize a function (no dynamic providers, no callbacks), so those two requires get a
// proxy that loads the real module on first use. The real CLI path (Pulumi's language host) does not use this file.
const Module = require("module");
const DEFERRED = [
    { request: "@npmcli/arborist", from: /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]closure[\\/]codePaths\.js$/ },
    { request: "../../typescript-shim", from: /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]closure[\\/][^\\/]+\.js$/ },
];
const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
    const deferred = parent && DEFERRED.find((d) => d.request === request && d.from.test(parent.filename || ""));
    if (!deferred) return originalLoad.apply(this, arguments);
    let real;
    const target = () => real || (real = originalLoad.call(this, request, parent, isMain));
    return new Proxy(
        {},
        {
            // `__esModule` lets TypeScript's __importStar hand the proxy through without enumerating it.
            get: (_, key) => (key === "__esModule" ? true : target()[key]),
            has: (_, key) => key in target(),
            ownKeys: () => Reflect.ownKeys(target()),
            getOwnPropertyDescriptor: (_, key) => {
                const d = Object.getOwnPropertyDescriptor(target(), key);
                return d && { ...d, configurable: true };
            },
        },
    );
};
