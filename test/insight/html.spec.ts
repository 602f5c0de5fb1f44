// The HTML report rendered by a real browser: headless Chromium (Debian's `chromium` package; .ci/run installs
// it) loads the self-contained file, and the test reads the DOM it rendered and keeps a screenshot. Where
// Chromium is absent the browser test is skipped with a message saying how to install it.
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { computeInsight } from "../../tools/insight";
import { diffPlans } from "../../tools/insight/diff";
import { renderHtml } from "../../tools/insight/html";
import { PlanResource } from "../../tools/insight/model";

const P = "urn:pulumi:prod::platform::";
const PLATFORM = `${P}platform:index:Platform::platform`;
const NET = `${P}platform:index:Platform$platform:network:Network::network`;
const DATA = `${P}platform:index:Platform$platform:data:Data::data`;
const r = (type: string, name: string, parent: string, inputs: Record<string, unknown> = {}, deps: string[] = []): PlanResource => ({
    urn: `${parent.split("::")[2]}$${type}::${name}`.replace(/^/, P),
    type,
    name,
    parent,
    custom: true,
    dependencies: deps,
    inputs,
});
const vpc = r("aws:ec2/vpc:Vpc", "vpc", NET);
const nat = r("aws:ec2/natGateway:NatGateway", "nat", NET, {}, [vpc.urn]);
const db = r("aws:rds/instance:Instance", "db", DATA, { instanceClass: "db.m7g.large", multiAz: true, allocatedStorage: 100, backupRetentionPeriod: 0, storageEncrypted: false }, [vpc.urn]);
const resources: PlanResource[] = [
    { urn: PLATFORM, type: "platform:index:Platform", name: "platform", parent: `${P}pulumi:pulumi:Stack::platform-prod`, custom: false, inputs: {} },
    { urn: NET, type: "platform:network:Network", name: "network", parent: PLATFORM, custom: false, inputs: {} },
    { urn: DATA, type: "platform:data:Data", name: "data", parent: PLATFORM, custom: false, inputs: {} },
    vpc,
    nat,
    db,
];
const insight = computeInsight(resources, { region: "eu-west-1" });
const baseDb = { ...db, inputs: { ...db.inputs, storageEncrypted: true } };
insight.diff = diffPlans({ project: "platform", stack: "prod", resources: [...resources.slice(0, 5), baseDb] }, { project: "platform", stack: "prod", resources }, { baseLabel: "base.json", region: "eu-west-1", currentCost: insight.cost.json });
const violations = [
    { policy: "rds-storage-encrypted", enforcement: "mandatory" as const, urn: db.urn, message: "storage is not encrypted" },
    { policy: "ebs-volume-type", enforcement: "advisory" as const, urn: vpc.urn, message: "gp2 <b>html</b>" },
];
const html = renderHtml({ project: "platform", stack: "prod", region: "eu-west-1", resources, violations, insight });

// Expected figures, by hand: RDS 730 x 0.187 x 2 = 273.02 + 100 GiB x 0.254 = 25.40; NAT 730 x 0.048 + 100 x 0.048 = 39.84.
const EXPECTED_USD = "$338.26";
const EXPECTED_MINUTES = "~18.3 min"; // VPC 0.3 + Multi-AZ RDS 18

function findChromium(): string | undefined {
    for (const bin of [process.env["CHROMIUM_BIN"], "chromium", "chromium-browser", "google-chrome"]) {
        if (!bin) continue;
        const found = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" });
        if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
    }
    return undefined;
}

const chromium = findChromium();
const dir = path.join(os.tmpdir(), `platform-plan-insight-${process.getuid?.() ?? "user"}`);
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, "report.html");
const shot = path.join(dir, "report.png");
fs.writeFileSync(file, html);
// Started when the spec is loaded, so the browser renders while other specs run; the test awaits it.
const rendered: Promise<{ dom: string; code: number | null; stderr: string }> | undefined = chromium
    ? new Promise((resolve) => {
          const child = spawn(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1600", `--screenshot=${shot}`, "--dump-dom", `file://${file}`], { stdio: ["ignore", "pipe", "pipe"] });
          let dom = "";
          let stderr = "";
          child.stdout.on("data", (d: Buffer) => (dom += d.toString()));
          child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          child.on("close", (code) => resolve({ dom, code, stderr }));
          child.on("error", (e) => resolve({ dom: "", code: -1, stderr: String(e) }));
      })
    : undefined;

describe("insight: HTML report", () => {
    it("is one self-contained file: no script, no external reference, escaped text", () => {
        assert.match(html, /^<!DOCTYPE html>/);
        assert.doesNotMatch(html, /<script|<link |src="http|href="http|@import/);
        assert.match(html, /gp2 &lt;b&gt;html&lt;\/b&gt;/);
        assert.ok(html.includes(`id="monthly-usd">${EXPECTED_USD}<`));
        assert.ok(html.includes(`id="deploy-minutes">${EXPECTED_MINUTES}<`));
        assert.match(html, /id="stateful-alarm"/);
        assert.match(html, /data-critical="true"/);
        assert.equal(renderHtml({ project: "platform", stack: "prod", region: "eu-west-1", resources, violations, insight }), html, "deterministic");
    });

    it("renders in headless Chromium with the key numbers, and saves a screenshot", async function () {
        this.timeout(60000);
        if (!rendered) {
            process.stderr.write("\n  [insight] Chromium not found (set CHROMIUM_BIN, or `apt-get install -y chromium`): the browser check of the HTML report is skipped.\n");
            this.skip();
        }
        const { dom, code, stderr } = await rendered;
        assert.equal(code, 0, stderr);
        for (const [id, text] of [
            ["monthly-usd", EXPECTED_USD],
            ["deploy-minutes", EXPECTED_MINUTES],
            ["mandatory-count", "1"],
            ["advisory-count", "1"],
            ["resource-count", String(resources.length)],
        ]) {
            assert.ok(new RegExp(`id="${id}"[^>]*>${text.replace(/[$.~]/g, "\\$&")}<`).test(dom), `${id} shows ${text}`);
        }
        assert.match(dom, /storageEncrypted/);
        assert.match(dom, /<svg id="cost-by-layer"/);
        const png = fs.readFileSync(shot);
        assert.equal(png.subarray(1, 4).toString(), "PNG");
        assert.ok(png.length > 20000, `screenshot of ${png.length} bytes`);
        process.stdout.write(`\n  [insight] screenshot: ${shot}\n`);
    });
});
