import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import type { OfflineApp } from "../../local/offline/offline-app";
import { findTool, missingToolMessage, toolsRequired } from "../../local/tools";
import { startXrdpServer, type XrdpServer } from "../../local/xrdp-server";
import { readDword, readMultiString } from "../../local/guest/guest-registry";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId, closedPort } from "./harness";

const LICENSING_CORE = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core";
const LICENSE_SERVERS = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers";

const xrdpInstalled = findTool("xrdp") !== undefined;

// Registered only when xrdp is missing, so a machine with the tools reports no skip.
if (!xrdpInstalled) {
  describe("RDP check from the app (xrdp missing)", () => {
    it.skipIf(!toolsRequired())(missingToolMessage("xrdp"), () => {
      throw new Error(missingToolMessage("xrdp"));
    });
  });
}

describe.runIf(xrdpInstalled)("after a fix the app negotiates RDP with the VM where it can reach it", () => {
  let xrdp: XrdpServer;
  let app: OfflineApp;
  beforeAll(async () => {
    xrdp = await startXrdpServer({ securityLayer: "negotiate" });
    app = await startScenario(
      [
        { name: "rdsh-reach", preset: "demo-broken", tags: { "rdp-medic-rdp-host": `127.0.0.1:${xrdp.port}` } },
        { name: "rdsh-dark", preset: "demo-broken", tags: { "rdp-medic-rdp-host": `127.0.0.1:${await closedPort()}` } },
      ],
      {},
      "model",
    );
  });
  afterAll(async () => {
    await app?.stop();
    await xrdp?.stop();
  });

  async function run(name: string): Promise<RunReport> {
    const runId = runIdOf(await app.post("alerts", alertFor(name)));
    await settle(app);
    return app.host.getStatus(runId)!.output as RunReport;
  }

  it("a real RDP server answering the X.224 negotiation confirms the repair", async () => {
    const report = await run("rdsh-reach");
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.appRdpCheck).toMatchObject({ ok: true, target: `127.0.0.1:${xrdp.port}` });
    expect(report.appRdpCheck!.detail).toMatch(/RDP negotiation succeeded \((ssl|rdp)\)/);
  });

  it("nothing listening: the run puts the registry values back, restarts, and ends failed-rolled-back", async () => {
    const id = vmId("rdsh-dark");
    const before = app.sim.getGuest(id)!;
    const report = await run("rdsh-dark");
    expect(report.verdict, report.reason).toBe("failed-rolled-back");
    expect(report.appRdpCheck).toMatchObject({ ok: false });
    expect(report.appRdpCheck!.detail).toMatch(/^refused/);
    expect(report.reason).toContain("the registry values were put back");
    expect(report.restoreHint).toContain(report.snapshotId!);
    const after = app.sim.getGuest(id)!;
    expect(readDword(after, LICENSING_CORE, "LicensingMode")).toBe(readDword(before, LICENSING_CORE, "LicensingMode"));
    expect(readMultiString(after, LICENSE_SERVERS, "SpecifiedLicenseServers")).toEqual(readMultiString(before, LICENSE_SERVERS, "SpecifiedLicenseServers"));
    const own = requestsFor(app.sim.requestLog.entries(), id);
    const sequence = own.filter((e) => e.operation === "vm.runCommand" || e.operation === "vm.restart").map((e) => e.script ?? e.operation);
    expect(sequence).toEqual(["probe", "set-licensing-mode", "set-license-servers", "vm.restart", "verify", "restore-licensing", "vm.restart"]);
  });
});
