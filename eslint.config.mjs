// ESLint flat config: typescript-eslint's recommended rules on every TypeScript file, plus the few
// type-aware rules that catch real bugs in this code base (unawaited promises, awaiting non-promises,
// promises passed where a callback's result is ignored). Type information comes from the project
// service (tsconfig.json), built once per run. Formatting is Prettier's job (.prettierrc.json), not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: ["node_modules/**", "**/*.d.ts", "policies/node_modules/**"],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        // Three type-aware rules, everywhere: an unawaited promise in the program loses a resource or an exit
        // code, and in a test it is an assertion that can never fail. Their cost is one TypeScript program
        // build per run (about 12 s of CPU here); the rest of recommendedTypeChecked adds noise, not findings.
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: {
                projectService: true,
                tsconfigRootDir: import.meta.dirname,
            },
        },
        rules: {
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/await-thenable": "error",
            "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
        },
    },
    {
        files: ["**/*.ts"],
        rules: {
            // House convention: a leading underscore marks a deliberately unused binding (rest-sibling omission).
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true }],
            // Stylistic, not a bug: tests match indentation in rendered HCL/YAML, and literal spaces read better than {n}.
            "no-regex-spaces": "off",
            // require() only for Pulumi internals that have no typings (waitForRPCs); everything else imports.
            "@typescript-eslint/no-require-imports": ["error", { allow: ["^@pulumi/pulumi/runtime/settings$"] }],
        },
    },
    {
        // The offline runner re-requires the program after clearing the module cache and resolves the policy
        // server's own gRPC copy: things only require() can do. tools/register.js is the CommonJS loader hook.
        files: ["tools/offline/**/*.ts", "tools/register.js"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
        languageOptions: {
            globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", console: "readonly" },
        },
    },
);
