import { describe, expect, it } from "vitest";
import { activityFailureMessage, withoutStackTrace } from "../../../src/domain/activity-failure";

const details = JSON.stringify({ $type: "Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException", Message: "Result: Failure\nException: x" });

describe("activityFailureMessage", () => {
  it("keeps the exception's message of a failed activity, without the stack or the serialized exception", () => {
    const error = new Error(
      "Activity function 'StartScript' failed: Result: Failure\nException: Conflict: Run command extension execution is in progress.\n" +
        `Stack: TransientAzureError: Conflict\n    at toAzureError (/home/site/wwwroot/dist/src/azure/long-operations.js:82:33) \n ${details}`,
    );
    expect(activityFailureMessage(error)).toBe("Conflict: Run command extension execution is in progress.");
  });

  it("takes the first line of any other error, and cuts long messages", () => {
    expect(activityFailureMessage(new Error("boom\nat somewhere"))).toBe("boom");
    expect(activityFailureMessage("plain text")).toBe("plain text");
    expect(activityFailureMessage(new Error(""))).toBe("unknown error");
    const long = activityFailureMessage(new Error("x".repeat(900)), 100);
    expect(long).toHaveLength(100);
    expect(long.endsWith("...")).toBe(true);
  });
});

describe("no stack trace leaves the app (withoutStackTrace)", () => {
  it("drops V8 and .NET frames and everything after a Stack: marker, and joins what is left into one line", () => {
    const text =
      "run ledger: 404 TableNotFound\n    at TableClient.upsertEntity (/home/site/wwwroot/dist/index.js:1:2)\n    at async Promise.all (index 0)\n" +
      "   at Microsoft.Azure.WebJobs.Host.Executors.FunctionExecutor.Invoke() in C:\\src\\x.cs:line 12\nnext line";
    expect(withoutStackTrace(text)).toBe("run ledger: 404 TableNotFound next line");
    expect(withoutStackTrace("Activity function 'RecordRun' failed: Result: Failure\nException: boom\nStack: Error: boom\n    at x (y.js:1:1)")).toBe(
      "Activity function 'RecordRun' failed: Result: Failure Exception: boom",
    );
    expect(withoutStackTrace("a plain reason; at most one line")).toBe("a plain reason; at most one line");
    expect(withoutStackTrace("talks about data\n  at the top of the hour")).toBe("talks about data");
  });
});
