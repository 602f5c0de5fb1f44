// Chart values of the logging layer as pure functions of settings and resolved names (no Pulumi resources here),
// plus the pod demands each values object asks for (declared to the capacity ledger through systemChart).
// Every key is checked against the pinned chart's values.yaml in test/logging/fixtures/upstream.ts:
//   loki 18.11.0              grafana-community/helm-charts charts/loki/values.yaml @ 3386a115
//   alloy 1.11.1              grafana/alloy operations/helm/charts/alloy/values.yaml @ 233907cf
//   tempo 2.2.4               grafana-community/helm-charts charts/tempo/values.yaml @ 7d2a00b3
//   opentelemetry-collector   open-telemetry/opentelemetry-helm-charts charts/opentelemetry-collector @ f5178cb9
//   0.170.0                   (values.schema.json forbids unknown keys; the test validates against it)
export * from "./common";
export * from "./loki";
export * from "./alloy";
export * from "./tempo";
export * from "./collector";
