import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AzureSimulator, startAzureSimulator, VARIANT_AXES } from "../../../local/simulator";
import { ROUTES } from "../../../local/simulator/routes";
import { manifest, type Fixture } from "../../fixtures/azure-specs/replay-server";
import { appTour } from "../../src/azure/app-tour";
import { echoRuntime, scenario, SUB } from "./fixtures";

// The conformance table in docs/simulator.md must have a row for every operation the app calls, taken from two
// sources that do not read the table: the requests of every Azure call the app makes (app-tour.ts, through the real
// SDKs), and the SDK methods src/azure uses. Each row's variants, api-version and replayed examples must be the
// simulator's and the fixtures'.

const ROOT = resolve(__dirname, "..", "..", "..");

interface Row {
  operation: string;
  sdk: string;
  apiVersion: string;
  twin: string;
  tests: string;
  examples: string;
}

function conformanceRows(): Row[] {
  const doc = readFileSync(join(ROOT, "docs", "simulator.md"), "utf8");
  const section = doc.split(/^## Conformance with the REST specs$/m)[1]?.split(/^## /m)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      return { operation: ticks(cells[0] ?? "")[0] ?? "", sdk: cells[1] ?? "", apiVersion: cells[2] ?? "", twin: cells[4] ?? "", tests: cells[5] ?? "", examples: cells[6] ?? "" };
    });
}

const ticks = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

let sim: AzureSimulator;
let called: Set<string>;
let fixtures: Fixture[];
const rows = conformanceRows();

beforeAll(async () => {
  fixtures = await manifest();
  sim = await startAzureSimulator({ scenario: scenario(), guestRuntime: echoRuntime(), agentReadyAfterPolls: 0 });
  await appTour(sim, sim.tokenCredential, `/subscriptions/${SUB}/resourceGroups/rg-app`);
  await appTour(sim, sim.tokenCredential, `/subscriptions/${SUB}`);
  called = new Set(sim.requestLog.entries().map((e) => e.operation));
});
afterAll(async () => sim?.stop());

describe("the conformance table in docs/simulator.md", () => {
  it("has a row for every operation the app's calls sent", () => {
    expect(called.has("unsupported")).toBe(false);
    const documented = new Set(rows.map((r) => r.operation));
    for (const operation of called) expect(documented, `no conformance row for ${operation}`).toContain(operation);
  });

  it("names every SDK method src/azure calls", () => {
    const dir = join(ROOT, "src", "azure");
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.startsWith("ledger") && !f.startsWith("sweep-ledger"))) {
      const text = readFileSync(join(dir, file), "utf8");
      for (const m of text.matchAll(/\bclient\.(virtualMachines|snapshots|disks)\.(\w+)\b/g)) used.add(`${m[1]}.${m[2]}`);
      for (const m of text.matchAll(/\bthis\.client\.(\w+)\(/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    const documented = new Set(rows.flatMap((r) => ticks(r.sdk)));
    for (const method of used) expect(documented, `no conformance row names ${method}`).toContain(method);
  });

  it("names tests that exist", () => {
    const testFiles = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith(".test.ts")) testFiles.add(entry.name.slice(0, -".test.ts".length));
      }
    };
    walk(join(ROOT, "test"));
    for (const row of rows) {
      expect(ticks(row.tests).length, row.operation).toBeGreaterThan(0);
      for (const name of ticks(row.tests)) expect(testFiles, `${row.operation}: ${name}`).toContain(name);
    }
  });

  it("lists only operations the simulator knows", () => {
    const known = new Set([...ROUTES.map((r) => r.operation), "operation.result", "msi.token"]);
    for (const row of rows) expect(known, row.operation).toContain(row.operation);
  });

  it("gives each operation's response variants as the simulator has them", () => {
    for (const row of rows) {
      const axis = VARIANT_AXES[row.operation as keyof typeof VARIANT_AXES];
      if (axis) expect(ticks(row.twin).sort(), row.operation).toEqual([...axis].sort());
    }
  });

  it("names the examples replayed for each operation and the api-version they stand for", () => {
    for (const row of rows) {
      const mine = fixtures.filter((f) => f.operations.includes(row.operation));
      expect(ticks(row.examples).sort(), row.operation).toEqual(mine.map((f) => f.file.split("/").pop()!).sort());
      if (mine.length > 0) expect(ticks(row.apiVersion), row.operation).toEqual([mine[0]!.sdkApiVersion]);
    }
  });
});
