import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDword } from "../../local/guest/guest-registry";
import type { OfflineApp } from "../../local/offline/offline-app";
import { buildPackage, type PackageResult } from "../../scripts/package";
import type { RunReport } from "../../src/domain/run";
import { alertFor, e2eGuest, runIdOf, settle, startScenario, vmId } from "./harness";

// The deployed artifact, not the source: the bundle with its deferred dependencies (scripts/package.ts) must
// start orchestrations, run them and answer status through the same durable-functions client the source uses.
let pkg: PackageResult;
let app: OfflineApp;

beforeAll(async () => {
  pkg = await buildPackage(mkdtempSync(join(tmpdir(), "rdp-medic-packaged-")));
  app = await startScenario([{ name: "rdsh-broken", preset: "demo-broken" }], {}, e2eGuest(), pkg.entry);
});
afterAll(async () => {
  await app?.stop();
  rmSync(pkg.outDir, { recursive: true, force: true });
});

describe("the packaged bundle under the local host", () => {
  it("repairs a broken VM from an alert: client start, orchestration timers, Run Command scripts and status", async () => {
    const response = await app.post("alerts", alertFor("rdsh-broken"));
    expect(response.status).toBe(202);
    await settle(app);
    const status = await app.get(`remediations/${runIdOf(response)}`);
    expect(status.status).toBe(200);
    const report = (status.json as { report: RunReport }).report;
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.verify?.ok).toBe(true);
    const guest = app.sim.getGuest(vmId("rdsh-broken"))!;
    expect(readDword(guest, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core", "LicensingMode")).toBe(4);
  });
});
