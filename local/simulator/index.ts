/** RDP Medic's Azure simulator: HTTPS ARM + Logs endpoints and a managed-identity endpoint for the real SDKs. */
export { startAzureSimulator, type AzureSimulator } from "./server";
export { REALISTIC_TIMINGS, type SimulatorOptions } from "./options";
export {
  loadScenarioFile,
  validateScenario,
  SECURITY_TYPES,
  type Scenario,
  type ScenarioVm,
  type ScenarioOsDisk,
  type ScenarioWorkspace,
  type ScenarioVariants,
  type SecurityType,
} from "./scenario";
export { VARIANT_AXES, type VariantAxis, type VariantChoices, type VariantSettings } from "./variants";
export { operationEndOf } from "./request-log";
export type { FaultRule, FaultMatch, FaultEffect } from "./faults";
export type { RequestLogEntry, RequestCategory, RequestLog } from "./request-log";
export type { ThrottlingOptions } from "./throttling";
export type { VmView, SnapshotView, DiskView } from "./views";
export type { SimulatorTokenCredential } from "./auth";
export { ScenarioError } from "./errors";
export { isReadOnlyScript, scriptNameOf } from "./script-name";
