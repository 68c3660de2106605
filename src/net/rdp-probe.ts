/**
 * A real RDP negotiation against a host: TCP connect, send the X.224 Connection Request with an RDP Negotiation
 * Request, read the Connection Confirm, close. Proves that the RDP stack (not just a TCP listener) answers, and
 * which security protocol it selects. Goes no further than MS-RDPBCGR's Connection Initiation phase: no TLS, no
 * credentials.
 *
 * Bounded: one deadline covers name lookup, connect and reply. Never throws: every outcome is an RdpProbeResult.
 * Always closes its socket.
 */
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { cookieUserProblem, decodeConnectionConfirm, encodeConnectionRequest } from "./rdp-negotiation";
import {
  RDP_NEGOTIATION_FAILURE_MEANINGS,
  isRdpSecurityProtocol,
  isSelectable,
  requestedProtocolFlags,
  type RdpNegotiationFailureName,
  type RdpNegotiationResponseFlag,
  type RdpSecurityProtocol,
} from "./rdp-protocols";
import { classifySocketError, type SocketPhase } from "./socket-error";

export const RDP_DEFAULT_PORT = 3389;
export const RDP_PROBE_DEFAULT_TIMEOUT_MS = 5000;
export const RDP_PROBE_MAX_TIMEOUT_MS = 120_000;
/** What mstsc offers: TLS, CredSSP, and CredSSP with early user authorization. */
export const RDP_PROBE_DEFAULT_PROTOCOLS: readonly RdpSecurityProtocol[] = ["ssl", "hybrid", "hybrid-ex"];

/** Bytes of a reply kept for the report; a Connection Confirm is at most 19. */
const KEPT_REPLY_BYTES = 64;

export interface RdpProbeOptions {
  host: string;
  /** Default 3389. */
  port?: number;
  /** One deadline for lookup, connect and reply, in ms. Default 5000, at most 120000. */
  timeoutMs?: number;
  /** Protocols to offer. Default ssl, hybrid, hybrid-ex; ["rdp"] offers standard RDP security only. */
  requestedProtocols?: readonly RdpSecurityProtocol[];
  /** User name for the `Cookie: mstshash=` routing cookie; none by default. */
  cookieUser?: string;
}

interface ProbeFacts {
  host: string;
  port: number;
  elapsedMs: number;
}

export interface RdpProbeSuccess extends ProbeFacts {
  ok: true;
  selectedProtocol: RdpSecurityProtocol;
  selectedProtocolCode: number;
  /** false: the server sent a Connection Confirm without negotiation data (standard RDP security only). */
  negotiated: boolean;
  responseFlags: RdpNegotiationResponseFlag[];
  /** The Connection Confirm PDU as hex. */
  replyHex: string;
}

export type RdpProbeFailureReason =
  | "invalid-request"
  | "dns"
  | "refused"
  | "unreachable"
  | "timeout"
  | "closed"
  | "garbage"
  | "negotiation-failure"
  | "error";

export interface RdpProbeFailure extends ProbeFacts {
  ok: false;
  reason: Exclude<RdpProbeFailureReason, "negotiation-failure">;
  phase: "request" | SocketPhase;
  detail: string;
  /** What the server sent before the outcome, as hex (first 64 bytes); empty when nothing came. */
  replyHex: string;
}

/** The RDP stack answered, but refused every protocol offered (MS-RDPBCGR 2.2.1.2.2). */
export interface RdpProbeNegotiationFailure extends ProbeFacts {
  ok: false;
  reason: "negotiation-failure";
  phase: "reply";
  failureCode: number;
  failureName: RdpNegotiationFailureName;
  detail: string;
  replyHex: string;
}

export type RdpProbeResult = RdpProbeSuccess | RdpProbeFailure | RdpProbeNegotiationFailure;

export function probeRdp(options: RdpProbeOptions): Promise<RdpProbeResult> {
  const started = performance.now();
  const host = typeof options?.host === "string" ? options.host : "";
  const port = options?.port ?? RDP_DEFAULT_PORT;
  const elapsed = () => Math.round(performance.now() - started);

  const problem = requestProblem(options, port);
  if (problem !== undefined) {
    return Promise.resolve({
      ok: false,
      host,
      port,
      elapsedMs: elapsed(),
      reason: "invalid-request",
      phase: "request",
      detail: problem,
      replyHex: "",
    });
  }
  const timeoutMs = options.timeoutMs ?? RDP_PROBE_DEFAULT_TIMEOUT_MS;
  const requestedProtocols = options.requestedProtocols ?? RDP_PROBE_DEFAULT_PROTOCOLS;
  const requestedFlags = requestedProtocolFlags(requestedProtocols);
  const request = encodeConnectionRequest({ requestedProtocols, cookieUser: options.cookieUser });

  return new Promise<RdpProbeResult>((resolve) => {
    let phase: SocketPhase = "connect";
    let received = Buffer.alloc(0);
    let settled = false;
    let socket: Socket | undefined;

    const finish = (outcome: DistributiveOmit<RdpProbeResult, keyof ProbeFacts>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve({ ...outcome, host, port, elapsedMs: elapsed() } as RdpProbeResult);
    };
    const fail = (reason: RdpProbeFailure["reason"], detail: string) =>
      finish({ ok: false, reason, phase, detail, replyHex: received.toString("hex") });

    const timer = setTimeout(() => {
      fail(
        "timeout",
        phase === "connect"
          ? `no TCP connection to ${host}:${port} within ${timeoutMs} ms`
          : `connected, but no complete Connection Confirm within ${timeoutMs} ms (${received.length} bytes received)`,
      );
    }, timeoutMs);

    const onData = (chunk: Buffer) => {
      if (received.length < KEPT_REPLY_BYTES) {
        received = Buffer.concat([received, chunk]).subarray(0, KEPT_REPLY_BYTES);
      }
      const decoded = decodeConnectionConfirm(received);
      switch (decoded.kind) {
        case "incomplete":
          return;
        case "malformed":
          return fail("garbage", `the reply is not an X.224 Connection Confirm: ${decoded.problem}`);
        case "negotiation-failure":
          return finish({
            ok: false,
            reason: "negotiation-failure",
            phase: "reply",
            failureCode: decoded.failureCode,
            failureName: decoded.failureName,
            detail: `${decoded.failureName} (0x${decoded.failureCode.toString(16).padStart(8, "0")}): ${RDP_NEGOTIATION_FAILURE_MEANINGS[decoded.failureName]}`,
            replyHex: received.subarray(0, decoded.length).toString("hex"),
          });
        case "no-negotiation-data":
          return finish({
            ok: true,
            selectedProtocol: "rdp",
            selectedProtocolCode: 0,
            negotiated: false,
            responseFlags: [],
            replyHex: received.subarray(0, decoded.length).toString("hex"),
          });
        case "negotiation-response":
          if (decoded.selectedProtocol === undefined || !isSelectable(decoded.selectedProtocolCode, requestedFlags)) {
            return fail(
              "garbage",
              `the server selected protocol 0x${decoded.selectedProtocolCode.toString(16)}, which was not offered (offered: ${requestedProtocols.join(", ") || "rdp"})`,
            );
          }
          return finish({
            ok: true,
            selectedProtocol: decoded.selectedProtocol,
            selectedProtocolCode: decoded.selectedProtocolCode,
            negotiated: true,
            responseFlags: decoded.flagNames,
            replyHex: received.subarray(0, decoded.length).toString("hex"),
          });
      }
    };

    try {
      socket = connect({ host, port });
      socket.setNoDelay(true);
      socket.on("connect", () => {
        phase = "reply";
        socket?.write(request);
      });
      socket.on("data", onData);
      socket.on("end", () =>
        fail("closed", `the server closed the connection after ${received.length} bytes, before a complete Connection Confirm`),
      );
      socket.on("close", () => fail("closed", `the connection closed after ${received.length} bytes`));
      socket.on("error", (error) => {
        const classified = classifySocketError(error, phase);
        fail(classified.reason, classified.detail);
      });
    } catch (error) {
      fail("error", `could not start the connection: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** Why the options cannot be probed, or undefined. */
function requestProblem(options: RdpProbeOptions | undefined, port: unknown): string | undefined {
  if (typeof options !== "object" || options === null) return "options are required";
  const { host, timeoutMs, requestedProtocols, cookieUser } = options;
  if (typeof host !== "string" || host.length === 0 || host.length > 253 || /[\s/]/.test(host)) {
    return "host must be a host name or IP address";
  }
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    return "port must be an integer from 1 to 65535";
  }
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > RDP_PROBE_MAX_TIMEOUT_MS)
  ) {
    return `timeoutMs must be a number of milliseconds above 0 and at most ${RDP_PROBE_MAX_TIMEOUT_MS}`;
  }
  if (requestedProtocols !== undefined) {
    if (!Array.isArray(requestedProtocols)) return "requestedProtocols must be a list of protocol names";
    const unknown = requestedProtocols.filter((name) => !isRdpSecurityProtocol(name));
    if (unknown.length > 0) return `unknown protocols requested: ${unknown.join(", ")}`;
  }
  if (cookieUser !== undefined) {
    if (typeof cookieUser !== "string") return "cookieUser must be a string";
    return cookieUserProblem(cookieUser);
  }
  return undefined;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
