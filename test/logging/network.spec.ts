// NetworkPolicies of the logging and tracing namespaces: ingress denied by default, opened for exactly what the
// stack needs.
import * as assert from "assert";
import { COLLECTOR_POD_LABELS, LOGGING_NAMESPACE, TRACING_NAMESPACE } from "../../infra/logging/contract";
import { NAMESPACE_NAME_LABEL, loggingNetworkPolicies } from "../../infra/logging/network";

const policies = loggingNetworkPolicies("monitoring");
const inNs = (ns: string) => policies.filter((p) => p.namespace === ns);

describe("logging network policies", () => {
    it("each namespace has one policy selecting every pod for Ingress (so ingress is denied unless listed), none for Egress", () => {
        for (const ns of [LOGGING_NAMESPACE, TRACING_NAMESPACE]) {
            const all = inNs(ns).filter((p) => Object.keys(p.spec.podSelector).length === 0);
            assert.deepStrictEqual(all.map((p) => [p.name, p.spec.policyTypes]), [["ingress-allow-list", ["Ingress"]]], ns);
            assert.ok(inNs(ns).every((p) => !p.spec.policyTypes.includes("Egress")), ns);
        }
    });

    it("admits the namespace itself and the monitoring namespace (Grafana queries, Prometheus scrapes), nothing else wide", () => {
        for (const ns of [LOGGING_NAMESPACE, TRACING_NAMESPACE]) {
            const peers = inNs(ns).filter((p) => p.name !== "allow-otlp-to-gateway").flatMap((p) => (p.spec.ingress ?? []).flatMap((r) => r.from ?? []));
            assert.deepStrictEqual(peers, [{ podSelector: {} }, { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "monitoring" } } }], ns);
            assert.ok(inNs(ns).every((p) => (p.spec.ingress ?? []).every((r) => (r.from ?? []).length > 0)), `${ns}: a rule without from admits everyone`);
        }
    });

    it("every namespace may reach the collector gateway, on the two OTLP ports of its pods only", () => {
        const otlp = inNs(TRACING_NAMESPACE).find((p) => p.name === "allow-otlp-to-gateway");
        assert.deepStrictEqual(otlp?.spec.podSelector, { matchLabels: { ...COLLECTOR_POD_LABELS } });
        assert.deepStrictEqual(otlp?.spec.ingress, [
            { from: [{ namespaceSelector: { matchLabels: {} } }], ports: [{ protocol: "TCP", port: 4317 }, { protocol: "TCP", port: 4318 }] },
        ]);
        assert.ok(!inNs(LOGGING_NAMESPACE).some((p) => p.name === "allow-otlp-to-gateway"));
    });
});
