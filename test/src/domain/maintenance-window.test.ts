import { beforeEach, describe, expect, it } from "vitest";
import { inMaintenanceWindow, nextMaintenanceWindow, parseMaintenanceWindow } from "../../../src/domain/maintenance-window";
import type { MaintenanceWindow } from "../../../src/domain/playbook";

const window = (text: string): MaintenanceWindow => {
  const parsed = parseMaintenanceWindow(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
};
// 2025-03-10 is a Monday.
const at = (iso: string) => new Date(iso);

describe("parseMaintenanceWindow", () => {
  it.each([
    ["02:00-05:00", [0, 1, 2, 3, 4, 5, 6], 120, 300],
    ["Sat,Sun 02:00-05:00", [0, 6], 120, 300],
    ["mon-fri 22:00-02:00", [1, 2, 3, 4, 5], 1320, 120],
    ["Fri-Mon 23:30-23:45", [0, 1, 5, 6], 1410, 1425],
    ["  Wed 00:00-23:59 ", [3], 0, 1439],
  ])("%s", (text, days, start, end) => {
    expect(window(text)).toEqual({ text: text.trim(), days, startMinute: start, endMinute: end });
  });

  it("days are read in any letter case; a long wrong part is shown cut", () => {
    expect(window("SAT,sun 02:00-05:00").days).toEqual([0, 6]);
    expect(window("fri-mon 01:00-02:00").days).toEqual([0, 1, 5, 6]);
    expect(window("Mon  02:00-03:00").days).toEqual([1]);
    expect(parseMaintenanceWindow("Mondaysandtuesdaysalways 01:00-02:00")).toBe(
      'has "mondaysandtuesdaysal", which is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun) or a range of days (Mon-Fri)',
    );
    expect(parseMaintenanceWindow("Thu 01:00-02:00")).toMatchObject({ days: [4] });
  });

  it("says what is wrong", () => {
    expect(parseMaintenanceWindow("weekends")).toBe('must be "[days ]HH:MM-HH:MM" in UTC, for example "Sat,Sun 02:00-05:00"');
    expect(parseMaintenanceWindow("01:00-01:00")).toBe("must not start and end at the same minute");
  });

  it.each(["", "2-5", "02:00", "24:00-01:00", "02:60-03:00", "Funday 02:00-03:00", "Mon-Tue-Wed 01:00-02:00", "02:00-02:00", "Sat;Sun 01:00-02:00", "02:00-05:00 UTC", "2:00-05:00", "02:00-5:00", "Mon02:00-03:00", "Mon\t02:00-03:00x", "a1 02:00-03:00", "19:5x-20:00", "20:00-2a:00", "30:00-01:00", "01:00-01:70", "-Mon 01:00-02:00", "Mon-Xyz 01:00-02:00", "Xyz-Mon 01:00-02:00"])(
    "refuses %j with a message",
    (text) => {
      expect(typeof parseMaintenanceWindow(text)).toBe("string");
    },
  );
});

describe("maintenance window times (UTC)", () => {
  // Parsed inside each test: a parse failure must fail a test, not the collection.
  let weekend: MaintenanceWindow;
  let nightly: MaintenanceWindow;
  beforeEach(() => {
    weekend = window("Sat,Sun 02:00-05:00");
    nightly = window("22:00-02:00");
  });

  it("knows whether a moment is inside", () => {
    expect(inMaintenanceWindow(weekend, at("2025-03-15T02:00:00Z"))).toBe(true);
    expect(inMaintenanceWindow(weekend, at("2025-03-15T04:59:59Z"))).toBe(true);
    expect(inMaintenanceWindow(weekend, at("2025-03-15T05:00:00Z"))).toBe(false);
    expect(inMaintenanceWindow(weekend, at("2025-03-15T01:59:59Z"))).toBe(false);
    expect(inMaintenanceWindow(weekend, at("2025-03-10T03:00:00Z"))).toBe(false);
    // Past midnight: the window belongs to the day it starts on.
    expect(inMaintenanceWindow(nightly, at("2025-03-11T01:00:00Z"))).toBe(true);
    expect(inMaintenanceWindow(window("Mon 22:00-02:00"), at("2025-03-11T01:00:00Z"))).toBe(true);
    expect(inMaintenanceWindow(window("Tue 22:00-02:00"), at("2025-03-11T01:00:00Z"))).toBe(false);
  });

  it("finds the next opening, or now when inside", () => {
    expect(nextMaintenanceWindow(weekend, at("2025-03-10T09:00:00Z")).toISOString()).toBe("2025-03-15T02:00:00.000Z");
    expect(nextMaintenanceWindow(weekend, at("2025-03-15T03:00:00Z")).toISOString()).toBe("2025-03-15T03:00:00.000Z");
    expect(nextMaintenanceWindow(weekend, at("2025-03-16T05:00:00Z")).toISOString()).toBe("2025-03-22T02:00:00.000Z");
    expect(nextMaintenanceWindow(nightly, at("2025-03-10T21:59:00Z")).toISOString()).toBe("2025-03-10T22:00:00.000Z");
    expect(nextMaintenanceWindow(window("Mon 02:00-03:00"), at("2025-03-10T02:00:00Z")).toISOString()).toBe("2025-03-10T02:00:00.000Z");
    expect(nextMaintenanceWindow(window("Mon 02:00-03:00"), at("2025-03-10T03:00:00Z")).toISOString()).toBe("2025-03-17T02:00:00.000Z");
  });

  it("a window without days never opens", () => {
    expect(() => nextMaintenanceWindow({ text: "x", days: [], startMinute: 0, endMinute: 60 }, at("2025-03-10T00:00:00Z"))).toThrow(/no opening/);
  });
});
