/**
 * Runs activity functions (real async code, real I/O) the way the extension's TaskActivityShim reports them:
 * TaskCompleted with the JSON result, or TaskFailed with the extension's Reason/Details strings.
 */
import { unwrapInput } from "./actions";
import { jsonText } from "./episode";
import type { FunctionRegistry } from "./functions-core";
import { events, type TaskCompletedEvent, type TaskFailedEvent } from "./history";
import { decodeTypedData, jsonTypedData, type FunctionInvoker } from "./invoker";

export interface ActivityWork {
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
  name: string;
  /** The action's input as durable-functions sent it (strings still JSON-encoded). */
  input: unknown;
}

export interface ActivityCompletion {
  work: ActivityWork;
  event: TaskCompletedEvent | TaskFailedEvent;
}

/** Runs every item with at most `concurrency` in flight; results come back in the order of `items`. */
export async function runActivities(
  invoker: FunctionInvoker,
  registry: FunctionRegistry,
  items: readonly ActivityWork[],
  concurrency: number,
  now: () => Date,
): Promise<ActivityCompletion[]> {
  const results = new Array<ActivityCompletion>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const work = items[index] as ActivityWork;
      results[index] = { work, event: await runOne(invoker, registry, work, now) };
    }
  };
  const lanes = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}

async function runOne(
  invoker: FunctionInvoker,
  registry: FunctionRegistry,
  work: ActivityWork,
  now: () => Date,
): Promise<TaskCompletedEvent | TaskFailedEvent> {
  const registration = registry.get(work.name);
  if (!registration || registration.triggerType.toLowerCase() !== "activitytrigger") {
    const known = registry.byTrigger("activityTrigger").map((r) => `'${r.name}'`).join(", ");
    const reason = `The function '${work.name}' doesn't exist, is disabled, or is not an activity function. Additional info: The following are the known activity functions: ${known}.`;
    return events.taskFailed(now(), work.taskScheduledId, reason, details("System.ArgumentException", reason));
  }
  const outcome = await invoker.invoke(registration.name, { trigger: jsonTypedData(unwrapInput(work.input)) });
  if (outcome.ok) {
    return events.taskCompleted(now(), work.taskScheduledId, jsonText(decodeTypedData(outcome.response.returnValue)));
  }
  // The host wraps the worker's failure in an RpcException; the extension prefixes the activity name.
  const rpcMessage = `Result: Failure\nException: ${outcome.error.message}\nStack: ${outcome.error.stack ?? ""}`;
  const reason = `Activity function '${registration.name}' failed: ${rpcMessage}`;
  return events.taskFailed(
    now(),
    work.taskScheduledId,
    reason,
    details("Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException", rpcMessage),
  );
}

/** The serialized exception the extension stores as TaskFailed.Details (Utils.SerializeCause). */
function details(className: string, message: string): string {
  return JSON.stringify({ $type: className, ClassName: className, Message: message, Data: null, InnerException: null });
}
