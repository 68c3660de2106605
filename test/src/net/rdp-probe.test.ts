import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { encodeConnectionRequest } from "../../../src/net/rdp-negotiation";
import { probeRdp, RDP_PROBE_DEFAULT_PROTOCOLS, type RdpProbeOptions } from "../../../src/net/rdp-probe";
import {
  answerWith,
  closeAtOnce,
  connectionConfirm,
  hang,
  resetAfterRequest,
  sshBanner,
  startPeer,
  type TestPeer,
} from "./tcp-peers";

const peers: TestPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

async function peer(behaviour: Parameters<typeof startPeer>[0]): Promise<TestPeer> {
  const started = await startPeer(behaviour);
  peers.push(started);
  return started;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

describe("probeRdp against small local servers", () => {
  it("reports a closed port as refused", async () => {
    const port = await closedPort();
    const result = await probeRdp({ host: "127.0.0.1", port, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, reason: "refused", phase: "connect", host: "127.0.0.1", port });
    expect(result.ok === false && result.detail).toMatch(/ECONNREFUSED/);
  });

  it("gives up on a server that accepts and never answers, and closes its socket", async () => {
    const server = await peer(hang);
    const result = await probeRdp({ host: "127.0.0.1", port: server.port, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, reason: "timeout", phase: "reply", replyHex: "" });
    expect(result.ok === false && result.detail).toMatch(/no complete Connection Confirm within 300 ms \(0 bytes/);
    // The server never closes: a close it sees came from the probe.
    const connection = await server.firstConnectionClosed();
    expect(connection.received).toEqual(encodeConnectionRequest({ requestedProtocols: RDP_PROBE_DEFAULT_PROTOCOLS }));
  });

  it("reports another protocol on the port as garbage (an SSH banner)", async () => {
    const server = await peer(sshBanner);
    const result = await probeRdp({ host: "127.0.0.1", port: server.port, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, reason: "garbage", phase: "reply" });
    expect(result.ok === false && result.detail).toMatch(/TPKT version byte is 0x53/);
    expect(Buffer.from(result.replyHex, "hex").toString()).toMatch(/^SSH-2\.0-/);
    await server.firstConnectionClosed();
  });

  it("reports an oversized TPKT length as garbage from the header, without waiting for the rest", async () => {
    const server = await peer(answerWith(Buffer.from("0300ffff", "hex")));
    // A wait for 65535 bytes would end in a timeout, not in garbage.
    const result = await probeRdp({ host: "127.0.0.1", port: server.port, timeoutMs: 30_000 });
    expect(result).toMatchObject({ ok: false, reason: "garbage", replyHex: "0300ffff" });
    expect(result.ok === false && result.detail).toMatch(/oversized/);
  });

  it("reports a server that closes at once as closed", async () => {
    const server = await peer(closeAtOnce);
    const result = await probeRdp({ host: "127.0.0.1", port: server.port, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, reason: "closed", replyHex: "" });
  });

  it("reports a reset after the request as closed", async () => {
    const server = await peer(resetAfterRequest);
    const result = await probeRdp({ host: "127.0.0.1", port: server.port, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, reason: "closed", phase: "reply" });
  });

  it("reports a server that closes halfway through the Confirm as closed, with the bytes it got", async () => {
    const half = Buffer.from("030000130ed0000012", "hex");
    const server = await peer((socket, connection) => {
      socket.on("data", () => {
        if (connection.received.length >= 19) socket.end(half);
      });
    });
    const result = await probeRdp({ host: "127.0.0.1", port: server.port, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, reason: "closed", replyHex: half.toString("hex") });
    expect(result.ok === false && result.detail).toMatch(/after 9 bytes/);
  });

  it("decodes a Negotiation Failure with its code name, and sends exactly the encoded request", async () => {
    const server = await peer(answerWith(connectionConfirm(3, 0, 5)));
    const options: RdpProbeOptions = {
      host: "127.0.0.1",
      port: server.port,
      timeoutMs: 5000,
      requestedProtocols: ["ssl"],
      cookieUser: "rdpmedic",
    };
    const result = await probeRdp(options);
    expect(result).toMatchObject({
      ok: false,
      reason: "negotiation-failure",
      failureCode: 5,
      failureName: "HYBRID_REQUIRED_BY_SERVER",
      replyHex: connectionConfirm(3, 0, 5).toString("hex"),
    });
    expect(result.ok === false && result.detail).toMatch(/Network Level Authentication/);
    const connection = await server.firstConnectionClosed();
    expect(connection.received).toEqual(encodeConnectionRequest({ requestedProtocols: ["ssl"], cookieUser: "rdpmedic" }));
    expect(connection.received.toString("latin1")).toContain("Cookie: mstshash=rdpmedic\r\n");
  });

  it("reassembles a Confirm that arrives one byte at a time", async () => {
    const server = await peer(answerWith(connectionConfirm(2, 0x0b, 2), 1));
    const result = await probeRdp({ host: "127.0.0.1", port: server.port, timeoutMs: 10_000 });
    expect(result).toMatchObject({
      ok: true,
      selectedProtocol: "hybrid",
      selectedProtocolCode: 2,
      negotiated: true,
      responseFlags: ["EXTENDED_CLIENT_DATA_SUPPORTED", "DYNVC_GFX_PROTOCOL_SUPPORTED", "RESTRICTED_ADMIN_MODE_SUPPORTED"],
      replyHex: connectionConfirm(2, 0x0b, 2).toString("hex"),
    });
    // The server keeps the connection open after its answer: the probe closes it.
    await server.firstConnectionClosed();
  });

  it("accepts a Confirm without negotiation data as standard RDP security", async () => {
    const server = await peer(answerWith(Buffer.from("0300000b06d00000123400", "hex")));
    const result = await probeRdp({ host: "127.0.0.1", port: server.port, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: true, selectedProtocol: "rdp", negotiated: false, replyHex: "0300000b06d00000123400" });
  });

  it("refuses a selected protocol that was not offered", async () => {
    const server = await peer(answerWith(connectionConfirm(2, 0, 0x08)));
    const result = await probeRdp({ host: "127.0.0.1", port: server.port, timeoutMs: 5000, requestedProtocols: ["ssl"] });
    expect(result).toMatchObject({ ok: false, reason: "garbage" });
    expect(result.ok === false && result.detail).toMatch(/selected protocol 0x8, which was not offered \(offered: ssl\)/);
  });

  it.each([
    ["an empty host", { host: "" }, /host/],
    ["a host with a space", { host: "vm 1" }, /host/],
    ["port 0", { host: "127.0.0.1", port: 0 }, /port/],
    ["port 65536", { host: "127.0.0.1", port: 65536 }, /port/],
    ["a fractional port", { host: "127.0.0.1", port: 33.5 }, /port/],
    ["a zero timeout", { host: "127.0.0.1", timeoutMs: 0 }, /timeoutMs/],
    ["an endless timeout", { host: "127.0.0.1", timeoutMs: Number.POSITIVE_INFINITY }, /timeoutMs/],
    ["an unknown protocol", { host: "127.0.0.1", requestedProtocols: ["nla"] }, /unknown protocols requested: nla/],
    ["a cookie with CR LF", { host: "127.0.0.1", cookieUser: "a\r\nb" }, /cookie/],
  ])("returns invalid-request for %s, without connecting", async (_, options, problem) => {
    const result = await probeRdp(options as RdpProbeOptions);
    expect(result).toMatchObject({ ok: false, reason: "invalid-request", phase: "request" });
    expect(result.ok === false && result.detail).toMatch(problem);
  });

  it("returns invalid-request for options that are not an object", async () => {
    const result = await probeRdp(undefined as unknown as RdpProbeOptions);
    expect(result).toMatchObject({ ok: false, reason: "invalid-request", detail: "options are required" });
  });
});
