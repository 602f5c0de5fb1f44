// The Alloy configuration files in infra/logging/alloy/: every required component is there, every reference
// resolves to a component the file defines, the opt-out annotation is the documented one, and nothing in them would
// be mangled by the chart's `tpl`.
import * as assert from "assert";
import { LOG_OPT_OUT_ANNOTATION, alloyConfig } from "../../infra/logging/values";

interface Block {
    /** Component name, e.g. loki.source.file. */
    component: string;
    label: string;
    body: string;
}

/** Top-level component blocks `name "label" { ... }` with their bodies (braces balanced, comments and strings skipped). */
function blocks(text: string): Block[] {
    const out: Block[] = [];
    const header = /^([a-z_]+(?:\.[a-z_]+)+)\s+"([A-Za-z0-9_]+)"\s*\{/gm;
    for (let m = header.exec(text); m; m = header.exec(text)) {
        let depth = 1;
        let i = header.lastIndex;
        let quote: string | undefined;
        while (depth > 0 && i < text.length) {
            const ch = text[i];
            if (quote) {
                if (ch === "\\" && quote === '"') i++;
                else if (ch === quote) quote = undefined;
            } else if (ch === '"' || ch === "`") quote = ch;
            else if (ch === "/" && text[i + 1] === "/") i = text.indexOf("\n", i) - 1;
            else if (ch === "{") depth++;
            else if (ch === "}") depth--;
            i++;
        }
        assert.strictEqual(depth, 0, `unbalanced braces in ${m[1]} "${m[2]}"`);
        out.push({ component: m[1], label: m[2], body: text.slice(header.lastIndex, i - 1) });
        header.lastIndex = i;
    }
    return out;
}

/** Exports other components reference: <component>.<label>.<export>. */
function references(text: string): { component: string; label: string; field: string }[] {
    const noComments = text.replace(/\/\/.*$/gm, "");
    const re = /\b((?:discovery|local|loki)\.[a-z_]+(?:\.[a-z_]+)*)\.([A-Za-z0-9_]+)\.(receiver|targets|output)\b/g;
    return [...noComments.matchAll(re)].map((m) => ({ component: m[1], label: m[2], field: m[3] }));
}

const pods = alloyConfig("pods");
const events = alloyConfig("events");

describe("Alloy configuration files", () => {
    it("pods.alloy has the pipeline: node-local discovery, relabel, file match, file source, CRI + JSON processing, write", () => {
        const names = blocks(pods).map((b) => b.component);
        assert.deepStrictEqual(names, ["discovery.kubernetes", "discovery.relabel", "local.file_match", "loki.source.file", "loki.process", "loki.write"]);
        const discovery = blocks(pods).find((b) => b.component === "discovery.kubernetes");
        assert.match(discovery?.body ?? "", /field\s*=\s*"spec\.nodeName="\s*\+\s*sys\.env\("K8S_NODE_NAME"\)/);
        const process = blocks(pods).find((b) => b.component === "loki.process")?.body ?? "";
        for (const stage of ["stage.cri", "stage.json", "stage.structured_metadata"]) assert.match(process, new RegExp(`${stage.replace(".", "\\.")}\\s*\\{`), stage);
        assert.ok(process.indexOf("stage.cri") < process.indexOf("stage.json"), "CRI parsing before JSON");
        for (const field of ["level", "trace_id", "span_id"]) assert.match(process, new RegExp(`\\b${field}\\s*=\\s*""`), `${field} into structured metadata`);
    });

    it("pods.alloy labels every stream with namespace, pod, container, node and app, and drops opted-out pods", () => {
        const relabel = blocks(pods).find((b) => b.component === "discovery.relabel")?.body ?? "";
        const targets = [...relabel.matchAll(/target_label\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
        assert.deepStrictEqual(targets, ["namespace", "pod", "container", "node", "app", "__path__"]);
        const sanitised = `__meta_kubernetes_pod_annotation_${LOG_OPT_OUT_ANNOTATION.replace(/[^A-Za-z0-9]/g, "_")}`;
        const drop = /rule\s*\{\s*source_labels\s*=\s*\["([^"]+)"\]\s*regex\s*=\s*"false"\s*action\s*=\s*"drop"\s*\}/.exec(relabel);
        assert.strictEqual(drop?.[1], sanitised);
        assert.match(relabel, /replacement\s*=\s*"\/var\/log\/pods\/\*\$1\/\*\.log"/);
    });

    it("events.alloy ships Kubernetes events through its own writer", () => {
        assert.deepStrictEqual(blocks(events).map((b) => b.component), ["loki.source.kubernetes_events", "loki.write"]);
        assert.doesNotMatch(events, /clustering/, "a single replica needs no clustering");
    });

    for (const [name, text] of [["pods.alloy", pods], ["events.alloy", events]] as const) {
        it(`${name}: every reference resolves, the writer sets the tenant, and no {{ reaches Helm's tpl`, () => {
            const defined = new Set(blocks(text).map((b) => `${b.component}.${b.label}`));
            const refs = references(text);
            assert.ok(refs.length > 0);
            for (const r of refs) assert.ok(defined.has(`${r.component}.${r.label}`), `${r.component}.${r.label}.${r.field} is not defined`);
            const write = blocks(text).find((b) => b.component === "loki.write")?.body ?? "";
            assert.match(write, /url\s*=\s*sys\.env\("LOKI_PUSH_URL"\)/);
            assert.match(write, /tenant_id\s*=\s*sys\.env\("LOKI_TENANT"\)/);
            assert.doesNotMatch(text, /\{\{|\}\}/);
        });
    }

    it("the checks find a dangling reference and a missing stage", () => {
        const broken = pods.replace("loki.process.pods.receiver", "loki.process.pod.receiver").replace("stage.cri {}", "");
        const defined = new Set(blocks(broken).map((b) => `${b.component}.${b.label}`));
        assert.ok(references(broken).some((r) => !defined.has(`${r.component}.${r.label}`)));
        assert.doesNotMatch(blocks(broken).find((b) => b.component === "loki.process")?.body ?? "", /stage\.cri\s*\{/);
    });
});
