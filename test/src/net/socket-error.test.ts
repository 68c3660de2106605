import { describe, expect, it } from "vitest";
import { classifySocketError } from "../../../src/net/socket-error";

/** The shape node:net gives its system errors. */
function systemError(code: string, message = `connect ${code} 127.0.0.1:3389`): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall: "connect" });
}

describe("classifySocketError", () => {
  it.each([
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ECONNREFUSED", "refused"],
    ["EHOSTUNREACH", "unreachable"],
    ["ENETUNREACH", "unreachable"],
    ["ETIMEDOUT", "timeout"],
    ["ECONNRESET", "closed"],
    ["EPIPE", "closed"],
    ["EMFILE", "error"],
  ])("%s is %s", (code, reason) => {
    expect(classifySocketError(systemError(code), "connect")).toMatchObject({ reason, code });
  });

  it("says which phase failed and keeps the system message", () => {
    expect(classifySocketError(systemError("ECONNRESET", "read ECONNRESET"), "reply").detail).toBe(
      "waiting for the reply: read ECONNRESET",
    );
  });

  it("handles errors without a code, and things that are not errors", () => {
    expect(classifySocketError(new Error("odd"), "connect")).toMatchObject({ reason: "error", code: undefined });
    expect(classifySocketError("a string", "reply")).toMatchObject({ reason: "error", detail: "waiting for the reply: a string" });
    expect(classifySocketError({ code: 42 }, "reply")).toMatchObject({ reason: "error", code: undefined });
  });
});
