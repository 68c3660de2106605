/**
 * What an orchestrator can say about an activity that failed for good (after its retries). The Durable extension
 * hands the orchestrator an Error whose message is "Activity function 'X' failed: Result: Failure\nException: <message>\nStack: <stack>"
 * followed by the serialized exception: reports, the ledger and notifications need the exception's message,
 * not the stack trace and file paths.
 */
export function activityFailureMessage(error: unknown, max = 500): string {
  const text = typeof (error as { message?: unknown })?.message === "string" ? (error as Error).message : String(error);
  const exception = /(?:^|\n)Exception: ([^\n]*)/.exec(text)?.[1];
  const message = (exception ?? text.split("\n", 1)[0] ?? "").trim() || "unknown error";
  return message.length > max ? `${message.slice(0, max - 3)}...` : message;
}
