// ProductionService, the golden path: arguments (args.ts), validation and defaults (resolve.ts), shared
// rendering helpers (render.ts), one spec builder per kind (manifests/), the component (component.ts).
// The public names are the same as before the split.
export * from "./args";
export { SECRETS_CHECKSUM_ANNOTATION, type ServiceSecret, type ServiceSecretData, type ServiceSecrets, secretsChecksum } from "./secrets";
export { DEFAULT_PROBES, type ResolvedService, ServiceArgsError, imageProblem, resolveServiceArgs } from "./resolve";
export { ALB, AWS_API_EGRESS, POD_IDENTITY_AGENT_EGRESS } from "./render";
export { ProductionService } from "./component";
export { METRICS_PORT_NAME, type MetricsExporterArgs, type ServiceMonitorArgs } from "./monitoring";
export { type AnalysisArgs, type DeliveryArgs, type DeliveryStrategy, type ResolvedDelivery } from "./delivery";
export { ANALYSIS_SERIES, CANARY_WEIGHTS, ROLLOUT_HASH_LABEL, albForwardAction, analysisQueries, analysisTemplateName } from "./manifests/rollout";
export { TRACING_ENV_NAMES, type TracingArgs, defaultSampleRatio, tracingEgressRule, tracingEnv } from "./tracing";
