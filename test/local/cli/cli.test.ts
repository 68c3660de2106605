import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SimulationSummary } from "../../../local/cli/simulate";

const root = join(__dirname, "../../..");
const cli = (args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin", "rdp-medic.js"), ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });

describe("rdp-medic CLI", () => {
  it("simulate --json feeds an alert through the real handler and orchestration and prints the documented summary", () => {
    const result = cli(["simulate", "--alert", "local/scenarios/demo-alert.json", "--scenario", "local/scenarios/demo.json", "--json", "--guest", "model"]);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as SimulationSummary;
    expect(summary.guestRuntime).toBe("model");
    expect(summary.alert.status).toBe(202);
    expect(summary.runs).toHaveLength(1);
    const run = summary.runs[0]!;
    expect(run).toMatchObject({ runtimeStatus: "Completed", verdict: "remediated", rdpBefore: "failing", rdpAfter: "working" });
    expect(run.steps.map((s) => s.kind)).toEqual(["set-licensing-mode", "set-license-servers", "restart"]);
    expect(run.causes).toEqual(expect.arrayContaining(["no-license-server"]));
    expect(summary.requests.byOperation["snapshot.put"]).toBe(1);
    expect(summary.requests.stateChanging).toBeGreaterThan(0);
  });

  it("is quiet when piped: one line per VM, no progress", () => {
    const result = cli(["simulate", "--alert", "local/scenarios/demo-alert.json", "--guest", "model"]);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/virtualmachines\/rdsh-01\tremediated\tRDP failing -> working$/);
  });

  it("usage errors exit 2 with the usage text", () => {
    const result = cli(["simulate"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("simulate needs --alert FILE");
    expect(cli(["frobnicate"]).status).toBe(2);
  });

  it("a bad scenario file fails with a message naming it", () => {
    const result = cli(["simulate", "--alert", "local/scenarios/demo-alert.json", "--scenario", "package.json", "--guest", "model"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("package.json");
  });
});
