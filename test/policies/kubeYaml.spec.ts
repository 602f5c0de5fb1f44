// Reading YAML as kubectl does (sigs.k8s.io/yaml YAMLToJSON over its go-yaml v2 fork). Expected values are
// goyaml.v2's resolve() results (kubernetes-sigs/yaml goyaml.v2/resolve.go: resolveMapList, the
// ParseInt(s, 0, 64) / ParseUint / yamlStyleFloat / big.Int order) and, for timestamps, decode.go keeping a
// timestamp decoded into interface{} as its text.
import { strict as assert } from "assert";
import { isTemplate, parseKubeYaml, resolvePlainScalar, splitDocuments } from "../../tools/offline/kubeYaml";

describe("kubectl's YAML reading (goyaml.v2 scalar rules)", () => {
    it("booleans: every YAML 1.1 spelling goyaml.v2 lists, and nothing else", () => {
        for (const t of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) assert.equal(resolvePlainScalar(t), true, t);
        for (const f of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) assert.equal(resolvePlainScalar(f), false, f);
        for (const s of ["yEs", "oN", "tRUE", "enabled", "1"]) assert.notEqual(typeof resolvePlainScalar(s), "boolean", s);
    });

    it("null: '', ~, null, Null, NULL", () => {
        for (const n of ["", "~", "null", "Null", "NULL"]) assert.equal(resolvePlainScalar(n), null, n);
        assert.equal(resolvePlainScalar("nULL"), "nULL");
    });

    it("integers as Go's ParseInt(s, 0, 64): legacy octal, 0o, 0x, 0b, signs, underscores", () => {
        const cases: [string, number][] = [
            ["0644", 420],
            ["0o17", 15],
            ["0x1F", 31],
            ["0b101", 5],
            ["-0b101", -5],
            ["+12", 12],
            ["1_000", 1000],
            ["0", 0],
            ["-0x10", -16],
        ];
        for (const [text, value] of cases) assert.equal(resolvePlainScalar(text), value, text);
    });

    it("floats: yamlStyleFloat after ParseInt fails (08 is the float 8), .5, 1e3, .inf and .nan", () => {
        assert.equal(resolvePlainScalar("08"), 8);
        assert.equal(resolvePlainScalar("1e3"), 1000);
        assert.equal(resolvePlainScalar(".5"), 0.5);
        assert.equal(resolvePlainScalar("-.5"), -0.5);
        assert.equal(resolvePlainScalar("1.50"), 1.5);
        assert.equal(resolvePlainScalar(".inf"), Infinity);
        assert.equal(resolvePlainScalar("-.Inf"), -Infinity);
        assert.ok(Number.isNaN(resolvePlainScalar(".NaN") as number));
    });

    it("strings: sexagesimal, timestamps, ranges out of reach, lone signs", () => {
        for (const s of ["1:20", "22:22", "2024-01-01", "2001-12-14t21:59:43.10-05:00", "1e400", "-", "0x", "-0xFFFFFFFFFFFFFFFFFFFF", "v1.2", "<<"]) {
            assert.equal(resolvePlainScalar(s), s, s);
        }
        // Beyond int64: an all-digit text becomes a float; an unsigned hex one a big integer.
        assert.equal(resolvePlainScalar("99999999999999999999"), 1e20);
        assert.equal(resolvePlainScalar("0xFFFFFFFFFFFFFFFFFFFF"), Number(0xffffffffffffffffffffn));
    });

    it("only plain scalars are resolved: quoted and block scalars stay text; explicit tags are honoured", () => {
        const { documents } = parseKubeYaml("a: yes\nb: 'yes'\nc: \"on\"\nd: |\n  yes\ne: !!str on\nf: !!int '0x10'\ng: !!bool 'on'\nh: !!float 1\nyes: key\n");
        assert.deepEqual(documents[0].value, { a: true, b: "yes", c: "on", d: "yes\n", e: "on", f: 16, g: true, h: 1, true: "key" });
    });

    it("merge keys merge; duplicate keys are an error (kubectl's strict field validation rejects them too)", () => {
        assert.deepEqual(parseKubeYaml("base: &b { a: 1 }\nm:\n  <<: *b\n  c: 2\n").documents[0].value, { base: { a: 1 }, m: { a: 1, c: 2 } });
        assert.match(parseKubeYaml("a: 1\na: 2\n").documents[0].error ?? "", /^invalid YAML \(line 2, column 1\): duplicated mapping key/);
    });

    it("documents split as kubectl splits them: a leading --- opens document 0; an error stays in its document", () => {
        assert.deepEqual(splitDocuments("---\na: 1\n").map((c) => c.line), [0]);
        assert.deepEqual(splitDocuments("# c\n---\na: 1\n--- # next\nb: 2\n").map((c) => c.line), [0, 3]);
        const { documents } = parseKubeYaml("a: 1\n---\nb: [x\n---\nc: 3\n");
        assert.deepEqual(documents.map((d) => d.value ?? d.error), [{ a: 1 }, "invalid YAML (line 4, column 1): unexpected end of the stream within a flow collection", { c: 3 }]);
        // A --- inside a block scalar is indented: not a separator.
        assert.deepEqual(parseKubeYaml("a: |\n  ---\n  x\n").documents[0].value, { a: "---\nx\n" });
    });

    it("templates: Helm objects anywhere, {{ where YAML structure is; not Go templates inside values", () => {
        assert.ok(isTemplate("spec:\n  hostNetwork: {{ .Values.hostNetwork }}\n"));
        assert.ok(isTemplate('image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n'));
        assert.ok(isTemplate("{{- include \"x.labels\" . | nindent 4 }}\n"));
        assert.ok(isTemplate("spec:\n  hostNetwork: {{ hostNetwork }}\n"));
        assert.ok(!isTemplate("summary: Pod {{ $labels.pod }} is down\n"));
        assert.ok(!isTemplate("data:\n  alert.tmpl: |\n    {{ define \"x\" }}{{ range .Alerts }}{{ end }}{{ end }}\n"));
        assert.ok(!isTemplate("args: ['{{inputs.parameters.message}}']\n"));
    });
});
