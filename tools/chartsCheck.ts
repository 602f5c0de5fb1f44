// `npm run charts:check [-- --fail-on-outdated] [--json FILE]`
//
// Reports, for every chart pinned in infra/lib/charts.ts, whether its repository has a newer release: an HTTP Helm
// repository's `index.yaml` (entries.<chart>[].version), or an OCI registry's tag list (Distribution API
// `GET /v2/<name>/tags/list`, with the anonymous bearer token the registry's WWW-Authenticate challenge names).
// Pre-releases are ignored. Offline (no route to the repositories) it says it cannot check and exits 0.
// Exit 1 only with --fail-on-outdated and a newer release; 2 on bad arguments.
import * as fs from "fs";
import * as semver from "semver";
import { parse as parseYaml } from "yaml";
import { ChartRef, charts } from "../infra/lib/charts";

export type Fetcher = (url: string, init?: { headers?: Record<string, string> }) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface ChartStatus {
    name: string;
    chart: string;
    pinned: string;
    latest?: string;
    status: "up-to-date" | "newer" | "unknown";
    detail: string;
}

/** Newest stable version in a list (pre-releases and non-semver tags such as "latest" or "sha-..." ignored). */
export function newestStable(versions: string[]): string | undefined {
    const valid = versions.filter((v) => semver.valid(v) !== null && semver.prerelease(v) === null);
    return valid.sort((a, b) => semver.rcompare(a, b))[0];
}

/** Versions of one chart in a Helm repository index.yaml (apiVersion v1: entries.<name>[].version). */
export function indexVersions(indexYaml: string, chart: string): string[] {
    const doc = parseYaml(indexYaml) as { entries?: Record<string, { version?: unknown }[]> } | null;
    const entries = doc?.entries?.[chart];
    if (!Array.isArray(entries)) throw new Error(`index.yaml has no entries for chart ${JSON.stringify(chart)}`);
    return entries.map((e) => e.version).filter((v): v is string => typeof v === "string");
}

/** Tags from a Distribution API tags/list response ({"name": "...", "tags": [...]}). */
export function ociTags(body: string): string[] {
    const doc = JSON.parse(body) as { tags?: unknown };
    if (!Array.isArray(doc.tags)) throw new Error("the tags/list response has no tags array");
    return doc.tags.filter((t): t is string => typeof t === "string");
}

/** `Bearer realm="https://...",service="...",scope="..."` → the anonymous token URL. */
export function tokenUrl(challenge: string): string | undefined {
    if (!/^Bearer\s/i.test(challenge)) return undefined;
    const params: Record<string, string> = {};
    for (const m of challenge.matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
    if (!params["realm"]) return undefined;
    const url = new URL(params["realm"]);
    if (params["service"]) url.searchParams.set("service", params["service"]);
    if (params["scope"]) url.searchParams.set("scope", params["scope"]);
    return url.toString();
}

/** oci://host/path/name → { registry, repository }. */
export function ociLocation(ref: string): { registry: string; repository: string } {
    const m = /^oci:\/\/([^/]+)\/(.+)$/.exec(ref);
    if (!m) throw new Error(`not an oci:// chart reference: ${ref}`);
    return { registry: m[1], repository: m[2] };
}

export class OfflineError extends Error {}

async function get(fetcher: Fetcher, url: string, headers: Record<string, string> = {}) {
    try {
        return await fetcher(url, { headers });
    } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new OfflineError(`${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
}

async function versionsOf(ref: ChartRef, fetcher: Fetcher): Promise<string[]> {
    if (ref.repo) {
        const url = `${ref.repo.replace(/\/+$/, "")}/index.yaml`;
        const res = await get(fetcher, url);
        if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
        return indexVersions(await res.text(), ref.chart);
    }
    const { registry, repository } = ociLocation(ref.chart);
    const url = `https://${registry}/v2/${repository}/tags/list?n=1000`;
    let res = await get(fetcher, url);
    if (res.status === 401) {
        const t = tokenUrl(res.headers.get("www-authenticate") ?? "");
        if (!t) throw new Error(`${url}: HTTP 401 without a bearer challenge`);
        const tokenRes = await get(fetcher, t);
        if (tokenRes.status !== 200) throw new Error(`${t}: HTTP ${tokenRes.status}`);
        const body = JSON.parse(await tokenRes.text()) as { token?: string; access_token?: string };
        res = await get(fetcher, url, { Authorization: `Bearer ${body.token ?? body.access_token ?? ""}` });
    }
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    return ociTags(await res.text());
}

export async function checkCharts(catalogue: Record<string, ChartRef>, fetcher: Fetcher): Promise<{ results: ChartStatus[]; offline: boolean }> {
    const results: ChartStatus[] = [];
    let offline = 0;
    for (const [name, ref] of Object.entries(catalogue)) {
        const base = { name, chart: ref.chart, pinned: ref.version };
        try {
            const latest = newestStable(await versionsOf(ref, fetcher));
            if (!latest) results.push({ ...base, status: "unknown", detail: "no stable version published" });
            else if (semver.gt(latest, ref.version))
                results.push({ ...base, latest, status: "newer", detail: `${latest} is available (read its values.yaml before bumping: ${ref.source})` });
            else results.push({ ...base, latest, status: "up-to-date", detail: "up to date" });
        } catch (e) {
            if (e instanceof OfflineError) offline++;
            results.push({ ...base, status: "unknown", detail: `cannot check: ${(e as Error).message}` });
        }
    }
    return { results, offline: offline === results.length && results.length > 0 };
}

export function render(results: ChartStatus[], offline: boolean): string {
    if (offline) return `charts:check: cannot check (offline: no chart repository answered); ${results.length} pinned charts not compared.\n${results[0]?.detail ?? ""}\n`;
    const lines = results.map((r) => `${r.status === "newer" ? "NEWER " : r.status === "unknown" ? "?     " : "ok    "} ${r.name.padEnd(28)} ${r.pinned.padEnd(10)} ${r.detail}`);
    const newer = results.filter((r) => r.status === "newer").length;
    return `${lines.join("\n")}\n${newer} of ${results.length} pinned charts have a newer release.\n`;
}

export async function main(argv: string[], fetcher: Fetcher = fetch, catalogue: Record<string, ChartRef> = charts): Promise<number> {
    let failOnOutdated = false;
    let json: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--fail-on-outdated") failOnOutdated = true;
        else if (argv[i] === "--json" && argv[i + 1] && !argv[i + 1].startsWith("--")) json = argv[++i];
        else {
            process.stderr.write(`charts:check: unknown argument ${JSON.stringify(argv[i])}\nusage: npm run charts:check -- [--fail-on-outdated] [--json FILE]\n`);
            return 2;
        }
    }
    const { results, offline } = await checkCharts(catalogue, fetcher);
    process.stdout.write(render(results, offline));
    if (json) fs.writeFileSync(json, `${JSON.stringify({ offline, charts: results }, null, 2)}\n`);
    return failOnOutdated && results.some((r) => r.status === "newer") ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: unknown) => {
            process.stderr.write(`charts:check: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exit(2);
        },
    );
}
