import { describe, expect, it } from "vitest";
import { classifyArmError } from "../../../src/azure/arm-errors";

const restError = (statusCode: number, code: string, message = "m") => Object.assign(new Error(message), { statusCode, code });

describe("ARM error classification", () => {
  it.each([
    [restError(429, "TooManyRequests"), true],
    [restError(500, "InternalServerError"), true],
    [restError(503, "ServiceUnavailable"), true],
    [restError(409, "Conflict", "Run command extension execution is in progress."), true],
    [Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), true],
    [restError(409, "OperationNotAllowed", "The operation requires the VM to be running (or set to run)."), false],
    [restError(404, "ResourceNotFound"), false],
    [restError(403, "AuthorizationFailed"), false],
  ])("%s transient=%s", (error, transient) => {
    expect(classifyArmError(error).transient).toBe(transient);
  });

  it("a failed LRO (plain Error) keeps its ARM code", () => {
    const failure = classifyArmError(new Error("The long-running operation has failed. VMAgentStatusCommunicationError. VM agent is unresponsive."));
    expect(failure).toMatchObject({ transient: false, code: "VMAgentStatusCommunicationError", message: "VM agent is unresponsive." });
  });
});
