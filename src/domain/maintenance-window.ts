import type { MaintenanceWindow } from "./playbook";

/**
 * MAINTENANCE_WINDOW: when a restart with users signed in may happen under RESTART_WITH_USERS=wait, in UTC:
 * "[days ]HH:MM-HH:MM", days a comma-separated list of Mon..Sun or ranges (Mon-Fri), default every day; an end at
 * or before the start runs past midnight (the day is the day it starts). Examples: "02:00-05:00",
 * "Sat,Sun 01:00-06:00", "Mon-Fri 22:00-02:00".
 */

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FORMAT = /^(?:([A-Za-z,-]+)\s+)?([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** The window, or a message saying what is wrong with the text. */
export function parseMaintenanceWindow(text: string): MaintenanceWindow | string {
  const trimmed = text.trim();
  const match = FORMAT.exec(trimmed);
  if (!match) return 'must be "[days ]HH:MM-HH:MM" in UTC, for example "Sat,Sun 02:00-05:00"';
  const [, dayText, h1, m1, h2, m2] = match;
  const startMinute = Number(h1) * 60 + Number(m1);
  const endMinute = Number(h2) * 60 + Number(m2);
  if (startMinute === endMinute) return "must not start and end at the same minute";
  const days = dayText === undefined ? [0, 1, 2, 3, 4, 5, 6] : parseDays(dayText);
  if (typeof days === "string") return days;
  return { text: trimmed, days, startMinute, endMinute };
}

function parseDays(text: string): number[] | string {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(",")) {
    const [from, to, extra] = part.split("-");
    const a = DAYS.indexOf(from ?? "");
    const b = to === undefined ? a : DAYS.indexOf(to);
    if (a < 0 || b < 0 || extra !== undefined) return `has "${part.slice(0, 20)}", which is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun) or a range of days (Mon-Fri)`;
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

function length(window: MaintenanceWindow): number {
  return ((window.endMinute - window.startMinute + 1440) % 1440) * MINUTE;
}

/** The opening of the window that `now` is in, if it is in one. */
function openingAround(window: MaintenanceWindow, now: Date): Date | undefined {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (const back of [0, 1]) {
    const start = midnight - back * DAY + window.startMinute * MINUTE;
    const day = new Date(start).getUTCDay();
    if (window.days.includes(day) && now.getTime() >= start && now.getTime() < start + length(window)) return new Date(start);
  }
  return undefined;
}

export function inMaintenanceWindow(window: MaintenanceWindow, now: Date): boolean {
  return openingAround(window, now) !== undefined;
}

/** `now` when it is inside the window, else the next opening (within a week). */
export function nextMaintenanceWindow(window: MaintenanceWindow, now: Date): Date {
  if (inMaintenanceWindow(window, now)) return now;
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let ahead = 0; ahead <= 7; ahead++) {
    const start = midnight + ahead * DAY + window.startMinute * MINUTE;
    if (start > now.getTime() && window.days.includes(new Date(start).getUTCDay())) return new Date(start);
  }
  throw new Error(`maintenance window ${window.text} has no opening within a week`);
}
