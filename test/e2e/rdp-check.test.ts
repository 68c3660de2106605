import { createServer, type Server } from "node:net";
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

/** A listener that counts who connects: where a steered check would have gone. */
async function tripwire(): Promise<{ port: number; connections: number; close(): Promise<void> }> {
  const state = { port: 0, connections: 0, close: async () => undefined as void };
  const server: Server = createServer((socket) => {
    state.connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as { port: number }).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

describe.runIf(xrdpInstalled)("after a fix the app negotiates RDP with the VM, only where the settings allow", () => {
  let xrdp: XrdpServer;
  let trap: Awaited<ReturnType<typeof tripwire>>;
  let app: OfflineApp;
  let darkPort: number;
  beforeAll(async () => {
    xrdp = await startXrdpServer({ securityLayer: "negotiate" });
    trap = await tripwire();
    darkPort = await closedPort();
    app = await startScenario(
      [
        { name: "rdsh-reach", preset: "demo-broken", tags: { "rdp-medic-rdp-host": `127.0.0.1:${xrdp.port}` } },
        { name: "rdsh-dark", preset: "demo-broken", tags: { "rdp-medic-rdp-host": `127.0.0.1:${darkPort}` } },
        // A tag pointing at an allowed address on a port the settings do not allow, and one outside the ranges.
        { name: "rdsh-port", preset: "demo-broken", tags: { "rdp-medic-rdp-host": `127.0.0.1:${trap.port}` } },
        { name: "rdsh-away", preset: "demo-broken", tags: { "rdp-medic-rdp-host": `127.0.0.2:${xrdp.port}` } },
      ],
      // The app may reach 127.0.0.1 only, on the xrdp port and the dark port; never the tripwire's.
      { RDP_PROBE_ADDRESS_RANGES: "127.0.0.1/32", RDP_PROBE_PORTS: `${xrdp.port},${darkPort}` },
      "model",
    );
  });
  afterAll(async () => {
    await app?.stop();
    await xrdp?.stop();
    await trap?.close();
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

  it("nothing listening: the fix the guest verified is kept, the failure is reported and asks a person", async () => {
    const id = vmId("rdsh-dark");
    const report = await run("rdsh-dark");
    expect(report.verdict, report.reason).toBe("needs-human");
    expect(report.verify?.ok).toBe(true);
    expect(report.appRdpCheck).toMatchObject({ ok: false, target: `127.0.0.1:${darkPort}` });
    expect(report.appRdpCheck!.detail).toMatch(/^refused/);
    expect(report.reason).toContain("the fix was kept");
    expect(report.restoreHint).toContain(report.snapshotId!);
    // The fixed values stay; no rollback script, no second restart.
    const after = app.sim.getGuest(id)!;
    expect(readDword(after, LICENSING_CORE, "LicensingMode")).toBe(4);
    expect(readMultiString(after, LICENSE_SERVERS, "SpecifiedLicenseServers")).toEqual(["ls01.contoso.com"]);
    const own = requestsFor(app.sim.requestLog.entries(), id);
    const sequence = own.filter((e) => e.operation === "vm.runCommand" || e.operation === "vm.restart").map((e) => e.script ?? e.operation);
    expect(sequence).toEqual(["probe", "set-licensing-mode", "set-license-servers", "vm.restart", "verify"]);
  });

  it("the tag cannot steer the check to another port or another address: nothing is connected to, the fix stands", async () => {
    for (const name of ["rdsh-port", "rdsh-away"]) {
      const report = await run(name);
      expect(report.verdict, report.reason).toBe("remediated");
      expect(report.appRdpCheck, name).toBeUndefined();
      expect(report.reason).toContain("the app's RDP check was not made");
    }
    expect(trap.connections).toBe(0);
  });
});
