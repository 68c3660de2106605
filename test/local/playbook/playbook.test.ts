import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PRESET_NAMES, loadPreset } from "../../../local/guest/presets";
import { licensingWorks } from "../../../local/guest/windows";
import { playbookMarkdown, playbookRows, type PlaybookRow } from "../../../local/playbook/table";

const DOC = join(__dirname, "..", "..", "..", "docs", "playbook.md");
let rows: PlaybookRow[];

beforeAll(async () => {
  rows = await playbookRows("model");
}, 300_000);

describe("docs/playbook.md", () => {
  it("is what npm run playbook prints now (regenerate it with npm run playbook)", () => {
    expect(readFileSync(DOC, "utf8")).toBe(playbookMarkdown(rows));
  });

  it("has a row for every preset", () => {
    expect(rows.map((r) => r.preset)).toEqual(PRESET_NAMES);
  });
});

describe("every host whose licensing works before the run (the twin's own account of Windows, not the table)", () => {
  const working = PRESET_NAMES.filter((name) => licensingWorks(loadPreset(name)).works);

  it("there are such hosts, written in many ways", () => {
    expect(working.length).toBeGreaterThanOrEqual(20);
  });

  it.each(working)("%s: nothing in the guest changed and Azure got no restart", (name) => {
    const row = rows.find((r) => r.preset === name)!;
    expect(row.restartRequests).toBe(0);
    expect(row.after.registry).toEqual(row.before.registry);
    expect(row.after.features).toEqual(row.before.features);
    expect(["healthy", "drift", "needs-human", "failed"]).toContain(row.verdict);
  });
});

describe("every host the run repaired works afterwards, by the twin's account", () => {
  it("remediated rows end licensed (or, for a pending role, with the role settled)", () => {
    const repaired = rows.filter((r) => r.verdict === "remediated");
    expect(repaired.length).toBeGreaterThan(5);
    for (const row of repaired) {
      if (row.preset === "role-pending-restart") expect(row.after.features["RDS-RD-Server"]).toBe("Installed");
      else expect(licensingWorks(row.after), row.preset).toMatchObject({ works: true });
      expect(row.restartRequests, row.preset).toBe(1);
    }
  });

  it("a restart with users signed in happened only after approval", () => {
    for (const row of rows.filter((r) => r.restarted)) {
      const users = (row.before.sessions ?? []).length > 0 || row.before.sessions === null;
      if (users) expect(row.approved, row.preset).toContain("restart");
    }
  });
});
