// tools/chartsCheck.ts: parsing (index.yaml, OCI tag lists, bearer challenges), version choice, and the offline
// notice, on small fixtures and a fake fetcher (no network).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Fetcher, checkCharts, indexVersions, main, newestStable, ociLocation, ociTags, render, tokenUrl } from "../../tools/chartsCheck";
import { ChartRef, charts } from "../../infra/lib/charts";

const FIX = path.join(__dirname, "fixtures");
const INDEX = fs.readFileSync(path.join(FIX, "index.yaml"), "utf8");
const TAGS = fs.readFileSync(path.join(FIX, "tags.json"), "utf8");

function response(status: number, body: string, headers: Record<string, string> = {}) {
    return { status, headers: { get: (n: string) => headers[n.toLowerCase()] ?? null }, text: async () => body };
}

const CATALOGUE: Record<string, ChartRef> = {
    externalDns: { chart: "external-dns", repo: "https://charts.example.invalid/external-dns/", version: "1.21.1", source: "kubernetes-sigs/external-dns charts/external-dns" },
    karpenter: { chart: "oci://public.ecr.example.invalid/karpenter/karpenter", version: "1.14.1", source: "aws/karpenter-provider-aws charts/karpenter" },
};

describe("charts:check (tools/chartsCheck.ts)", () => {
    it("reads a chart's versions from index.yaml and names a missing chart", () => {
        assert.deepStrictEqual(indexVersions(INDEX, "external-dns"), ["1.22.0-rc.1", "1.21.2", "1.21.1", "1.9.0"]);
        assert.throws(() => indexVersions(INDEX, "metrics-server"), /index.yaml has no entries for chart "metrics-server"/);
    });

    it("reads OCI tags and picks the newest stable semver (pre-releases, latest and v-less junk ignored; 1.14 > 1.9 numerically)", () => {
        assert.deepStrictEqual(ociTags(TAGS).length, 7);
        assert.strictEqual(newestStable(ociTags(TAGS)), "1.14.1");
        assert.strictEqual(newestStable(indexVersions(INDEX, "external-dns")), "1.21.2");
        assert.strictEqual(newestStable(["latest", "sha-abc"]), undefined);
        assert.throws(() => ociTags("{}"), /no tags array/);
    });

    it("turns a registry's bearer challenge into the anonymous token URL", () => {
        assert.strictEqual(
            tokenUrl('Bearer realm="https://public.ecr.example.invalid/token/",service="public.ecr.example.invalid",scope="aws"'),
            "https://public.ecr.example.invalid/token/?service=public.ecr.example.invalid&scope=aws",
        );
        assert.strictEqual(tokenUrl('Basic realm="x"'), undefined);
        assert.deepStrictEqual(ociLocation("oci://public.ecr.aws/karpenter/karpenter"), { registry: "public.ecr.aws", repository: "karpenter/karpenter" });
    });

    it("compares every catalogue entry: HTTP index and OCI (401 challenge, token, retry with Bearer)", async () => {
        const calls: string[] = [];
        const fetcher: Fetcher = async (url, init) => {
            calls.push(`${url}${init?.headers?.["Authorization"] ? " [auth]" : ""}`);
            if (url === "https://charts.example.invalid/external-dns/index.yaml") return response(200, INDEX);
            if (url.startsWith("https://public.ecr.example.invalid/v2/karpenter/karpenter/tags/list")) {
                return init?.headers?.["Authorization"] === "Bearer t0k"
                    ? response(200, TAGS)
                    : response(401, "", { "www-authenticate": 'Bearer realm="https://public.ecr.example.invalid/token",scope="repository:karpenter/karpenter:pull"' });
            }
            if (url.startsWith("https://public.ecr.example.invalid/token")) return response(200, JSON.stringify({ token: "t0k" }));
            return response(404, "");
        };
        const { results, offline } = await checkCharts(CATALOGUE, fetcher);
        assert.strictEqual(offline, false);
        assert.deepStrictEqual(
            results.map((r) => [r.name, r.status, r.latest]),
            [
                ["externalDns", "newer", "1.21.2"],
                ["karpenter", "up-to-date", "1.14.1"],
            ],
        );
        assert.deepStrictEqual(calls, [
            "https://charts.example.invalid/external-dns/index.yaml",
            "https://public.ecr.example.invalid/v2/karpenter/karpenter/tags/list?n=1000",
            "https://public.ecr.example.invalid/token?scope=repository%3Akarpenter%2Fkarpenter%3Apull",
            "https://public.ecr.example.invalid/v2/karpenter/karpenter/tags/list?n=1000 [auth]",
        ]);
        assert.match(render(results, offline), /NEWER {2}externalDns\s+1\.21\.1\s+1\.21\.2 is available .*\n.*\n1 of 2 pinned charts have a newer release/);
    });

    it("offline: says it cannot check and exits 0 (exit 1 with --fail-on-outdated only when something is newer)", async () => {
        const offline: Fetcher = async () => {
            throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
        };
        const out: string[] = [];
        const write = process.stdout.write;
        process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
        try {
            assert.strictEqual(await main([], offline, CATALOGUE), 0);
            assert.strictEqual(await main(["--fail-on-outdated"], offline, CATALOGUE), 0);
        } finally {
            process.stdout.write = write;
        }
        assert.match(
            out[0],
            /^charts:check: cannot check \(offline: no chart repository answered\); 2 pinned charts not compared\.\ncannot check: https:\/\/charts\.example\.invalid\/external-dns\/index\.yaml: ENOTFOUND/,
        );
    });

    it("an HTTP error on one repository is reported for that chart, not as offline", async () => {
        const { results, offline } = await checkCharts({ externalDns: CATALOGUE.externalDns }, async () => response(503, ""));
        assert.strictEqual(offline, false);
        assert.match(results[0].detail, /cannot check: .*index\.yaml: HTTP 503/);
    });

    it("every catalogue entry is checkable: an HTTP repo or an oci:// reference, and an exact semver pin", () => {
        for (const [name, ref] of Object.entries(charts as Record<string, ChartRef>)) {
            assert.ok(ref.repo !== undefined || ref.chart.startsWith("oci://"), name);
            assert.ok(newestStable([ref.version]) === ref.version, `${name}: ${ref.version}`);
        }
    });
});
