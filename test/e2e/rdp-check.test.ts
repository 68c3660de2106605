import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import type { OfflineApp } from "../../local/offline/offline-app";
import { findTool, missingToolMessage, toolsRequired } from "../../local/tools";
import { startXrdpServer, type XrdpServer } from "../../local/xrdp-server";
import { alertFor, runIdOf, settle, startScenario } from "./harness";

const xrdpInstalled = findTool("xrdp") !== undefined;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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

  it("nothing listening: the run fails after the change and says how to restore from the snapshot", async () => {
    const report = await run("rdsh-dark");
    expect(report.verdict).toBe("failed");
    expect(report.appRdpCheck).toMatchObject({ ok: false });
    expect(report.appRdpCheck!.detail).toMatch(/^refused/);
    expect(report.restoreHint).toContain(report.snapshotId!);
  });
});
