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

/** A line of a stack trace (V8: "    at fn (file:line:col)"; .NET: "   at Ns.Type.Method() in file:line"). */
const STACK_LINE = /^\s+at\s+\S.*$/;

/**
 * Text that may leave the app (an answer, a report, a record, a notification) without any stack trace: frames and
 * everything from a "Stack:" marker on are dropped, and what is left is one line. The last defence: messages are
 * made from exception messages (activityFailureMessage), never from stacks.
 */
export function withoutStackTrace(text: string): string {
  const kept: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*Stack(Trace)?:/i.test(line)) break;
    if (STACK_LINE.test(line)) continue;
    if (line.trim() !== "") kept.push(line.trim());
  }
  return kept.join(" ");
}
