// The workloads layer: namespace baseline, the golden-path service component, the sample service.
export * from "./namespace";
export * from "./service";
export * from "./quotes";
export { workloadsSection, type QuotesSettings } from "./config";
