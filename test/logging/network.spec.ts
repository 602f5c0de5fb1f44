// NetworkPolicies of the logging and tracing namespaces: ingress denied by default, opened for exactly what the
// stack needs.
import * as assert from "assert";
import { COLLECTOR_POD_LABELS, LOGGING_NAMESPACE, TRACING_NAMESPACE } from "../../infra/logging/contract";
import { NAMESPACE_NAME_LABEL, loggingNetworkPolicies } from "../../infra/logging/network";

const policies = loggingNetworkPolicies("monitoring");
const inNs = (ns: string) => policies.filter((p) => p.namespace === ns);

describe("logging network policies", () => {
    it("both namespaces deny ingress by default and never restrict egress", () => {
        for (const ns of [LOGGING_NAMESPACE, TRACING_NAMESPACE]) {
            const deny = inNs(ns).find((p) => p.name === "default-deny-ingress");
            assert.deepStrictEqual(deny?.spec, { podSelector: {}, policyTypes: ["Ingress"] });
            assert.ok(inNs(ns).every((p) => !p.spec.policyTypes.includes("Egress")), ns);
        }
    });

    it("opens the namespace to itself and to the monitoring namespace (Grafana queries, Prometheus scrapes), nothing else wide", () => {
        for (const ns of [LOGGING_NAMESPACE, TRACING_NAMESPACE]) {
            const peers = inNs(ns).filter((p) => p.name !== "allow-otlp-to-gateway").flatMap((p) => (p.spec.ingress ?? []).flatMap((r) => r.from ?? []));
            assert.deepStrictEqual(peers, [{ podSelector: {} }, { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "monitoring" } } }], ns);
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
