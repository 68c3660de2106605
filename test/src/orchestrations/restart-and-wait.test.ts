import { describe, expect, it } from "vitest";
import { isFreshStatus } from "../../../src/orchestrations/restart-and-wait";

// The agent's Ready counts only when its status is from after the restart: at or after the moment the app saw the
// restart's operation succeed (status times may be whole seconds, cut: a fresh status can look older, never a
// stale one newer). Runs recorded before that moment was kept compare with the request time, strictly.

const DONE = "2025-01-01T10:00:05.400Z";

describe("isFreshStatus", () => {
  it("a status at or after the end of the restart is fresh", () => {
    expect(isFreshStatus("2025-01-01T10:00:05.400Z", DONE, true)).toBe(true);
    expect(isFreshStatus("2025-01-01T10:00:06Z", DONE, true)).toBe(true);
    expect(isFreshStatus("2025-01-01T10:00:06+00:00", DONE, true)).toBe(true);
  });

  it("a status from before the end is not, even when it is after the request (the guest's last word before it went down)", () => {
    expect(isFreshStatus("2025-01-01T10:00:05.399Z", DONE, true)).toBe(false);
    // Whole seconds, cut: 10:00:05 may be 10:00:05.999 or 10:00:05.000; it is not trusted.
    expect(isFreshStatus("2025-01-01T10:00:05+00:00", DONE, true)).toBe(false);
  });

  it("no status time is never fresh", () => {
    expect(isFreshStatus(undefined, DONE, true)).toBe(false);
    expect(isFreshStatus(undefined, DONE, false)).toBe(false);
  });

  it("runs from before (no end time recorded) compare with the request time, strictly", () => {
    expect(isFreshStatus(DONE, DONE, false)).toBe(false);
    expect(isFreshStatus("2025-01-01T10:00:05.401Z", DONE, false)).toBe(true);
  });
});
