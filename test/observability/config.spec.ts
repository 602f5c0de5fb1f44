// Config of the observability layer: defaults per stack and every error path, with the key, what was expected and what
// was found, and never a secret value (receivers are references).
import { strict as assert } from "assert";
import { parsePlatformConfig } from "../../infra/config";
import { quantityBytes } from "../../infra/observability/config";
import { fakeSource as source, withRequired } from "../configSource";

function parse(values: Record<string, unknown>) {
    return parsePlatformConfig({ source: source(withRequired(values)), project: "platform", stack: "t", region: "eu-west-1" });
}

function problems(values: Record<string, unknown>): string {
    try {
        parse(values);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected the config to be rejected");
}

describe("observability config", () => {
    it("defaults: dev one replica each and no receivers; prod HA with paging, chat and the dead-man's switch", () => {
        const dev = parse({ environment: "dev" }).observability;
        const prod = parse({ environment: "prod" }).observability;
        assert.equal(dev.prometheus.replicas, 1);
        assert.equal(dev.alertmanager.replicas, 1);
        assert.deepEqual(dev.receivers, {});
        assert.equal(dev.mongodb, undefined);
        assert.equal(prod.prometheus.replicas, 2);
        assert.equal(prod.alertmanager.replicas, 3);
        assert.equal(prod.prometheus.retention, "30d");
        assert.ok(prod.receivers.pagerduty && prod.receivers.slack && prod.receivers.deadMansSwitch);
        assert.equal(prod.cloudwatch.enabled, true);
    });

    it("objects merge key by key; the MongoDB exporter is configured by giving its URI secret", () => {
        const c = parse({ environment: "dev", observability: { prometheus: { retention: "3d" }, mongodb: { uri: { store: "aws", key: "teams/orders/mongodb", property: "uri" } } } }).observability;
        assert.equal(c.prometheus.retention, "3d");
        assert.equal(c.prometheus.storageSize, "20Gi");
        assert.deepEqual(c.mongodb, { uri: { store: "aws", key: "teams/orders/mongodb", property: "uri" } });
    });

    it("prod refuses a stack where critical alerts would page no one and the Watchdog goes nowhere", () => {
        const msg = problems({ environment: "prod", observability: { receivers: { pagerduty: null, deadMansSwitch: null } } });
        assert.match(msg, /platform:observability.receivers: expected a paging receiver \(pagerduty or email\) in prod, found none/);
        assert.match(msg, /platform:observability.receivers.deadMansSwitch: expected a dead-man's-switch receiver in prod/);
    });

    it("prod refuses single replicas", () => {
        const msg = problems({ environment: "prod", observability: { prometheus: { replicas: 1 }, alertmanager: { replicas: 2 } } });
        assert.match(msg, /platform:observability.prometheus.replicas: expected at least 2 in prod .*found 1/);
        assert.match(msg, /platform:observability.alertmanager.replicas: expected at least 3 in prod .*found 2/);
    });

    it("field errors name the key, the expectation and the value found", () => {
        const msg = problems({
            environment: "dev",
            observability: {
                prometheus: { retention: "ten days", retentionSize: "19GB" },
                receivers: { slack: { channel: "alerts", webhookUrl: { store: "s3", key: "x", property: "y" } } },
                runbookBaseUrl: "http://wiki/runbooks",
            },
        });
        assert.match(msg, /platform:observability.prometheus.retention: expected a Prometheus duration like 30s, 15d or 2w, found "ten days"/);
        assert.match(msg, /platform:observability.receivers.slack.channel: expected a channel like #platform-alerts, found "alerts"/);
        assert.match(msg, /platform:observability.receivers.slack.webhookUrl.store: expected one of "vault"\|"aws", found "s3"/);
        assert.match(msg, /platform:observability.runbookBaseUrl: expected an https:\/\/ URL/);
    });

    it("retentionSize must leave room on the volume", () => {
        const msg = problems({ environment: "dev", observability: { prometheus: { retentionSize: "20GB" } } });
        assert.match(msg, /platform:observability.prometheus.retentionSize: expected at most 95 % of storageSize \(20Gi\) .*found 20GB/);
        assert.equal(quantityBytes("20Gi"), 20 * 2 ** 30);
        assert.equal(quantityBytes("1.5Ti"), 1.5 * 2 ** 40);
        assert.equal(quantityBytes("lots"), undefined);
    });

    it("receiver secrets must come from one store", () => {
        const msg = problems({ environment: "prod", observability: { receivers: { slack: { webhookUrl: { store: "aws" } } } } });
        assert.match(msg, /platform:observability.receivers: expected every receiver secret in one store \(vault or aws\), found both/);
    });

    it("an unknown key is reported", () => {
        assert.match(problems({ environment: "dev", observability: { grafanna: {} } }), /platform:observability.grafanna: not a known setting/);
    });
});
