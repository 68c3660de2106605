/**
 * Timer limits the extension sends to the JS worker (Azure Storage provider defaults) and applies itself:
 * timers longer than the maximum short timer are split into intervals on both sides.
 */
export const MAXIMUM_SHORT_TIMER_MS = 6 * 24 * 3600 * 1000;
export const LONG_RUNNING_TIMER_INTERVAL_MS = 3 * 24 * 3600 * 1000;
export const MAXIMUM_SHORT_TIMER_TEXT = "6.00:00:00";
export const LONG_RUNNING_TIMER_INTERVAL_TEXT = "3.00:00:00";
export const DEFAULT_HTTP_ASYNC_SLEEP_MS = 30000;
/** host.json `durableTask.maxOrchestrationActions` default. */
export const MAX_ORCHESTRATION_ACTIONS = 100000;
