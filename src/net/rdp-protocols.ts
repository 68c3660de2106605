/**
 * RDP security protocol identifiers and negotiation codes (MS-RDPBCGR 2.2.1.1.1, 2.2.1.2.1, 2.2.1.2.2).
 * Names on the wire side are the spec's; the lower-case protocol names are what reports and callers use.
 */

/** requestedProtocols / selectedProtocol values. PROTOCOL_RDP is 0: standard RDP security, no flag. */
export const RDP_SECURITY_PROTOCOLS = {
  rdp: 0x00000000,
  ssl: 0x00000001,
  hybrid: 0x00000002,
  rdstls: 0x00000004,
  "hybrid-ex": 0x00000008,
  rdsaad: 0x00000010,
} as const;

export type RdpSecurityProtocol = keyof typeof RDP_SECURITY_PROTOCOLS;

const PROTOCOL_BY_CODE = new Map<number, RdpSecurityProtocol>(
  Object.entries(RDP_SECURITY_PROTOCOLS).map(([name, code]) => [code, name as RdpSecurityProtocol]),
);

/** The protocol a selectedProtocol value names, or undefined for a value the spec does not define. */
export function protocolFromCode(code: number): RdpSecurityProtocol | undefined {
  return PROTOCOL_BY_CODE.get(code);
}

export function isRdpSecurityProtocol(value: unknown): value is RdpSecurityProtocol {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(RDP_SECURITY_PROTOCOLS, value);
}

/** The requestedProtocols bit field for a list of protocol names ("rdp" adds no bit). */
export function requestedProtocolFlags(protocols: readonly RdpSecurityProtocol[]): number {
  return protocols.reduce((flags, name) => (flags | RDP_SECURITY_PROTOCOLS[name]) >>> 0, 0);
}

/** Whether a server may select `code` for this request: PROTOCOL_RDP always, any other only if requested. */
export function isSelectable(code: number, requestedFlags: number): boolean {
  if (code === RDP_SECURITY_PROTOCOLS.rdp) return true;
  return protocolFromCode(code) !== undefined && (requestedFlags & code) === code;
}

/** RDP_NEG_FAILURE failureCode values (MS-RDPBCGR 2.2.1.2.2). */
export const RDP_NEGOTIATION_FAILURE_CODES = {
  SSL_REQUIRED_BY_SERVER: 0x00000001,
  SSL_NOT_ALLOWED_BY_SERVER: 0x00000002,
  SSL_CERT_NOT_ON_SERVER: 0x00000003,
  INCONSISTENT_FLAGS: 0x00000004,
  HYBRID_REQUIRED_BY_SERVER: 0x00000005,
  SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: 0x00000006,
} as const;

export type RdpNegotiationFailureName = keyof typeof RDP_NEGOTIATION_FAILURE_CODES | "UNKNOWN_FAILURE_CODE";

const FAILURE_BY_CODE = new Map<number, RdpNegotiationFailureName>(
  Object.entries(RDP_NEGOTIATION_FAILURE_CODES).map(([name, code]) => [code, name as RdpNegotiationFailureName]),
);

export function failureNameFromCode(code: number): RdpNegotiationFailureName {
  return FAILURE_BY_CODE.get(code) ?? "UNKNOWN_FAILURE_CODE";
}

/** What each failure means for the person reading a report. */
export const RDP_NEGOTIATION_FAILURE_MEANINGS: Record<RdpNegotiationFailureName, string> = {
  SSL_REQUIRED_BY_SERVER: "the server requires TLS (or CredSSP); the client did not offer it",
  SSL_NOT_ALLOWED_BY_SERVER: "the server allows only standard RDP security",
  SSL_CERT_NOT_ON_SERVER: "the server has no usable TLS certificate",
  INCONSISTENT_FLAGS: "the requested protocols contradict the security protocol already in effect",
  HYBRID_REQUIRED_BY_SERVER: "the server requires CredSSP (Network Level Authentication)",
  SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: "the server requires TLS with user authentication",
  UNKNOWN_FAILURE_CODE: "a failure code the specification does not define",
};

/** RDP_NEG_RSP flags (MS-RDPBCGR 2.2.1.2.1). */
export const RDP_NEGOTIATION_RESPONSE_FLAGS = {
  EXTENDED_CLIENT_DATA_SUPPORTED: 0x01,
  DYNVC_GFX_PROTOCOL_SUPPORTED: 0x02,
  NEGRSP_FLAG_RESERVED: 0x04,
  RESTRICTED_ADMIN_MODE_SUPPORTED: 0x08,
  REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: 0x10,
} as const;

export type RdpNegotiationResponseFlag = keyof typeof RDP_NEGOTIATION_RESPONSE_FLAGS;

/** The names of the flags set in an RDP_NEG_RSP flags byte (undefined bits are left out). */
export function responseFlagNames(flags: number): RdpNegotiationResponseFlag[] {
  return (Object.entries(RDP_NEGOTIATION_RESPONSE_FLAGS) as [RdpNegotiationResponseFlag, number][])
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
}
