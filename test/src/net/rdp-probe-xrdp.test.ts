/**
 * The probe against a real RDP server: Debian's xrdp, started privately on a loopback port (local/xrdp-server.ts).
 * xrdp 0.9 selects TLS when offered it (it has a certificate), standard RDP security otherwise (it has no CredSSP),
 * and with security_layer=tls refuses a client that offers no TLS with SSL_REQUIRED_BY_SERVER.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTool, missingToolMessage, toolsRequired } from "../../../local/tools";
import { startXrdpServer, type XrdpServer } from "../../../local/xrdp-server";
import { probeRdp } from "../../../src/net/rdp-probe";

const xrdpInstalled = findTool("xrdp") !== undefined;

/** Local addresses (hex, as /proc/net shows them) of the TCP listeners on `port`. */
function listenerAddresses(port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((table) =>
    readFileSync(table, "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === "0A" && fields[1]?.endsWith(`:${portHex}`))
      .map((fields) => (fields[1] ?? "").split(":")[0] ?? ""),
  );
}

// Registered only when xrdp is missing, so a machine with the tools reports no skip.
if (!xrdpInstalled) {
  describe("probeRdp against a real xrdp (xrdp missing)", () => {
    it.skipIf(!toolsRequired())(missingToolMessage("xrdp"), () => {
      throw new Error(missingToolMessage("xrdp"));
    });
  });
}

describe.runIf(xrdpInstalled)("probeRdp against a real xrdp", () => {
  describe("security_layer=negotiate", () => {
    let xrdp: XrdpServer;
    beforeAll(async () => {
      xrdp = await startXrdpServer({ securityLayer: "negotiate" });
    });
    afterAll(async () => {
      await xrdp?.stop();
    });

    it("listens on 127.0.0.1 only", () => {
      expect(listenerAddresses(xrdp.port)).toEqual(["0100007F"]);
    });

    it("selects TLS when the probe offers what mstsc offers (TLS, CredSSP, CredSSP-EX)", async () => {
      const result = await probeRdp({ host: xrdp.host, port: xrdp.port, timeoutMs: 10_000 });
      expect(result, xrdp.readLog()).toMatchObject({
        ok: true,
        selectedProtocol: "ssl",
        selectedProtocolCode: 1,
        negotiated: true,
        host: "127.0.0.1",
        port: xrdp.port,
      });
      expect(result.ok && result.responseFlags).toContain("EXTENDED_CLIENT_DATA_SUPPORTED");
      expect(xrdp.readLog()).toMatch(/requested \[SSL\|HYBRID\|HYBRID_EX\|RDP\], selected \[SSL\]/);
    });

    it("selects standard RDP security when only RDP is offered, cookie and all", async () => {
      const result = await probeRdp({
        host: xrdp.host,
        port: xrdp.port,
        timeoutMs: 10_000,
        requestedProtocols: ["rdp"],
        cookieUser: "rdpmedic",
      });
      expect(result, xrdp.readLog()).toMatchObject({ ok: true, selectedProtocol: "rdp", selectedProtocolCode: 0, negotiated: true });
    });

    it("falls back to standard RDP security when only CredSSP is offered (xrdp has no CredSSP)", async () => {
      const result = await probeRdp({ host: xrdp.host, port: xrdp.port, timeoutMs: 10_000, requestedProtocols: ["hybrid"] });
      expect(result, xrdp.readLog()).toMatchObject({ ok: true, selectedProtocol: "rdp" });
    });

    it("answers many probes in a row (each probe closes its connection)", async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => probeRdp({ host: xrdp.host, port: xrdp.port, timeoutMs: 10_000 })),
      );
      expect(results.map((result) => result.ok && result.selectedProtocol)).toEqual(["ssl", "ssl", "ssl", "ssl", "ssl"]);
    });
  });

  describe("security_layer=tls", () => {
    let xrdp: XrdpServer;
    beforeAll(async () => {
      xrdp = await startXrdpServer({ securityLayer: "tls" });
    });
    afterAll(async () => {
      await xrdp?.stop();
    });

    it("refuses a client that offers no TLS: a real Negotiation Failure, SSL_REQUIRED_BY_SERVER", async () => {
      const result = await probeRdp({ host: xrdp.host, port: xrdp.port, timeoutMs: 10_000, requestedProtocols: ["rdp"] });
      expect(result, xrdp.readLog()).toMatchObject({
        ok: false,
        reason: "negotiation-failure",
        failureCode: 1,
        failureName: "SSL_REQUIRED_BY_SERVER",
      });
    });

    it("selects TLS when offered", async () => {
      const result = await probeRdp({ host: xrdp.host, port: xrdp.port, timeoutMs: 10_000, requestedProtocols: ["ssl"] });
      expect(result, xrdp.readLog()).toMatchObject({ ok: true, selectedProtocol: "ssl" });
    });
  });

  describe("security_layer=rdp", () => {
    it("selects standard RDP security even when TLS is offered", async () => {
      const xrdp = await startXrdpServer({ securityLayer: "rdp" });
      try {
        const result = await probeRdp({ host: xrdp.host, port: xrdp.port, timeoutMs: 10_000, requestedProtocols: ["ssl"] });
        expect(result, xrdp.readLog()).toMatchObject({ ok: true, selectedProtocol: "rdp" });
      } finally {
        await xrdp.stop();
      }
    });
  });

  it("is refused once xrdp has stopped, and stop() cleans up its folder", async () => {
    const xrdp = await startXrdpServer();
    await xrdp.stop();
    const result = await probeRdp({ host: xrdp.host, port: xrdp.port, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, reason: "refused" });
    expect(() => readFileSync(xrdp.configPath)).toThrow(/ENOENT/);
    await xrdp.stop();
  });
});
