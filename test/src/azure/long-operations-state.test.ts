import { describe, expect, it } from "vitest";
import { finishedAtSubmit } from "../../../src/azure/long-operations";
import type { OperationRef } from "../../../src/domain/operation";

// What the app reads from an operation Azure finished in its first answer: its serialized poller state (the SDK's
// deserialized result). No poller can be restored from such a state: there is nothing to poll.

const state = (inner: unknown) => JSON.stringify({ state: inner });
const ref = (kind: OperationRef["kind"], inner: unknown): OperationRef => ({ kind, subscriptionId: "s", state: state(inner) });
const statuses = (stdout: string, stderr: string) => [
  { code: "ComponentStatus/StdOut/succeeded", level: "Info", message: stdout },
  { code: "ComponentStatus/StdErr/succeeded", level: "Info", message: stderr },
];

describe("finishedAtSubmit", () => {
  it("a Run Command answered 200: its StdOut and StdErr, wherever they are in the list", () => {
    expect(finishedAtSubmit(ref("runCommand", { status: "succeeded", config: {}, result: { value: statuses("out", "err").reverse() } }))).toEqual({
      status: "succeeded",
      stdout: "out",
      stderr: "err",
    });
  });

  it("a Run Command whose result sits in the status body's properties.output", () => {
    expect(finishedAtSubmit(ref("runCommand", { status: "succeeded", result: { properties: { output: { value: statuses("o", "") } } } }))).toEqual({
      status: "succeeded",
      stdout: "o",
      stderr: "",
    });
  });

  it("a Run Command with no statuses reads as empty output (the script's contract then says what is wrong)", () => {
    expect(finishedAtSubmit(ref("runCommand", { status: "succeeded", result: { value: [null, 3, { code: "Other" }] } }))).toEqual({ status: "succeeded", stdout: "", stderr: "" });
    expect(finishedAtSubmit(ref("runCommand", { status: "succeeded" }))).toEqual({ status: "succeeded", stdout: "", stderr: "" });
    for (const result of [{}, { properties: {} }, { properties: { output: {} } }, { value: "text" }]) {
      expect(finishedAtSubmit(ref("runCommand", { status: "succeeded", result }))).toEqual({ status: "succeeded", stdout: "", stderr: "" });
    }
  });

  it("a status without a code is skipped, not taken for StdOut", () => {
    const value = [{ message: "no code" }, ...statuses("out", "err")];
    expect(finishedAtSubmit(ref("runCommand", { status: "succeeded", result: { value } }))).toEqual({ status: "succeeded", stdout: "out", stderr: "err" });
  });

  it("another operation: succeeded, with the resource's ID (lower-cased) when the answer named it", () => {
    expect(finishedAtSubmit(ref("vmUpdate", { status: "succeeded", result: { id: "/Subscriptions/S/VM" } }))).toEqual({ status: "succeeded", resourceId: "/subscriptions/s/vm" });
    expect(finishedAtSubmit(ref("restart", { status: "succeeded", config: {} }))).toEqual({ status: "succeeded" });
    expect(finishedAtSubmit(ref("restart", { status: "succeeded", result: { id: 7 } }))).toEqual({ status: "succeeded" });
  });

  it("a running operation, or a state that is not the SDK's, is not finished", () => {
    expect(finishedAtSubmit(ref("restart", { status: "running", config: { initialRequestUrl: "https://x" } }))).toBeUndefined();
    expect(finishedAtSubmit(ref("restart", { status: "failed" }))).toBeUndefined();
    expect(finishedAtSubmit({ kind: "restart", subscriptionId: "s", state: "not json" })).toBeUndefined();
    expect(finishedAtSubmit({ kind: "restart", subscriptionId: "s", state: "{}" })).toBeUndefined();
  });
});
