/**
 * The local durable host's public surface. Importing this module installs the `@azure/functions-core` hook, so
 * import it (or `./functions-core`) before the app registers its functions.
 */
export { functionRegistry, installFunctionsCore, loadFunctionApp, setCoreLogSink } from "./functions-core";
export type { FunctionRegistry, Registration, TriggerType } from "./functions-core";
export { LocalDurableHost } from "./host";
export type { DeployOptions, LocalDurableHostOptions, StartOptions } from "./host";
export { describeDivergence, replayRecordedInstance } from "./recorded-replay";
export type { RecordedInstance, RecordedReplayResult, ReplayDivergence } from "./recorded-replay";
export { DEFAULT_VERSIONING, VERSION_MISMATCH, readVersioning } from "./versioning";
export type { VersionFailureStrategy, VersionMatchStrategy, VersioningSettings } from "./versioning";
export type { RunOptions, RunStats } from "./pump";
export type { InstanceStatus, StatusOptions } from "./status-view";
export type { InstanceFilter, InstanceRecord, RuntimeStatus } from "./instance-store";
export type { HttpRequestInit, HttpResult } from "./trigger-invoker";
export type { DurableClientInput } from "./client-input";
export type { LogEntry, LogSink } from "./invoker";
export { EventType, describeHistory, describeEvent } from "./history";
export type { HistoryEvent } from "./history";
export {
  DurableHostLimitError,
  DurableManagementError,
  NonDeterministicOrchestrationError,
  OrchestrationProtocolError,
} from "./errors";
