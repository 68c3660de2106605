import { describe, expect, it } from "vitest";
import { activityFailureMessage } from "../../../src/domain/activity-failure";

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
