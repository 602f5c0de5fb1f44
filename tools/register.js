// TypeScript loader for the tests, the plan and the tools: transpile-only (types are checked once by
// `tsc --noEmit`), and fast, because it hooks only .ts files. Dynamic `import()` is kept as is so ESM-only
// packages can still be loaded with it.
require("sucrase/dist/register").addHook(".ts", {
    transforms: ["imports", "typescript"],
    preserveDynamicImport: true,
});
