/**
 * Who a verified token is, and what it may do: the app roles, the principal a handler is given, and the four-eyes
 * rule for approvals. Pure: the signature, issuer, audience and lifetime are checked before (entra-token.ts).
 */
import { tokenFailure, type TokenFailure } from "./token-result";

/** The app roles of the API app registration (their `value`s). */
export const ROLES = {
  /** Start runs and dry runs, cancel, read status and history, start sweeps. */
  operator: "Operator",
  /** Approve or reject a run's risky step. */
  approver: "Approver",
  /** The action group's service principal: POST /api/alerts with a secure webhook, and nothing else. */
  alertSender: "ActionGroupsSecureWebhook",
} as const;

export type AppRole = (typeof ROLES)[keyof typeof ROLES];

const KNOWN_ROLES: readonly string[] = Object.values(ROLES);

/** The roles a person may hold; the alert sender's role is never one of them. */
export const HUMAN_ROLES: readonly AppRole[] = [ROLES.operator, ROLES.approver];

/** Bounds on what a token may carry before anything of it is used. */
export const MAX_ROLES = 50;
export const MAX_CLAIM_CHARS = 256;

/** The caller, as a handler sees it: from a verified token, or the declared local identity in local development. */
export interface Principal {
  /** user: a person's delegated token; app: an application's own token; local: LOCAL_DEVELOPMENT_AUTH. */
  kind: "user" | "app" | "local";
  /** Stable and unique: the object ID (oid) in its tenant, or "local:<name>". Four eyes compares these. */
  id: string;
  /** For people to read: UPN, preferred user name, app ID or the local name; printable, bounded. */
  name: string;
  /** The app roles this app knows that the token carries. */
  roles: AppRole[];
}

/** Who did what to a run: kept in its report, its ledger record and its notification. */
export interface Actor {
  id: string;
  name: string;
}

export function actorOf(principal: Principal): Actor {
  return { id: principal.id, name: principal.name };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Control characters, bidi controls, zero-width and separator characters: never part of a name anyone reads. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/**
 * The principal of a verified token, when it carries `requiredRole`: `roles` must be a list of at most MAX_ROLES
 * strings, the object ID a GUID, and the name printable. Anything else is refused, never guessed.
 */
export function principalOf(claims: Record<string, unknown>, requiredRole: AppRole): { ok: true; principal: Principal } | TokenFailure {
  const roles = claims.roles;
  if (roles !== undefined && (!Array.isArray(roles) || roles.length > MAX_ROLES || !roles.every((r) => typeof r === "string" && r.length <= MAX_CLAIM_CHARS))) {
    return tokenFailure("token-malformed", `the token's roles claim is not a list of at most ${MAX_ROLES} role names`);
  }
  const held = ((roles as string[] | undefined) ?? []).filter((r): r is AppRole => KNOWN_ROLES.includes(r));
  if (!held.includes(requiredRole)) {
    return tokenFailure("token-role", `the token does not carry the app role "${requiredRole}"`);
  }
  const oid = claims.oid;
  if (typeof oid !== "string" || !GUID.test(oid)) {
    return tokenFailure("token-malformed", "the token carries no object ID (oid): the caller cannot be identified");
  }
  const user = firstText(claims, ["preferred_username", "upn", "unique_name", "email"]);
  const app = firstText(claims, ["appid", "azp"]);
  const name = user ?? app ?? oid;
  if (name.length > MAX_CLAIM_CHARS || UNPRINTABLE.test(name)) {
    return tokenFailure("token-malformed", "the token's user name is not a printable name");
  }
  // A delegated token names a user (or carries scopes); an application's own token does neither.
  const kind = user !== undefined || typeof claims.scp === "string" ? "user" : "app";
  return { ok: true, principal: { kind, id: oid.toLowerCase(), name, roles: [...new Set(held)] } };
}

function firstText(claims: Record<string, unknown>, names: string[]): string | undefined {
  for (const name of names) {
    const value = claims[name];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

/** A local developer's declared name: 1-64 letters, digits and . _ @ -. */
const LOCAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** LOCAL_DEVELOPMENT_AUTH: the identity a request declares, with the roles it declares (default: every human role). */
export function localPrincipal(name: string | null, roles: string | null): { ok: true; principal: Principal } | TokenFailure {
  const declared = name === null || name.trim() === "" ? "local-developer" : name.trim();
  if (!LOCAL_NAME.test(declared)) {
    return tokenFailure("token-malformed", "X-Local-User must be 1-64 letters, digits, '.', '_', '@' or '-'");
  }
  const list = roles === null || roles.trim() === "" ? [...HUMAN_ROLES] : roles.split(",").map((r) => r.trim());
  const unknown = list.filter((r) => !(HUMAN_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) {
    return tokenFailure("token-malformed", `X-Local-Roles may name only ${HUMAN_ROLES.join(" and ")}`);
  }
  return { ok: true, principal: { kind: "local", id: `local:${declared.toLowerCase()}`, name: declared, roles: [...new Set(list)] as AppRole[] } };
}

/**
 * Four eyes: may `decider` approve or reject a run that `starters` started? Never the same identity, unless the
 * setting ALLOW_SELF_APPROVAL says a small team may.
 */
export function mayDecide(decider: Actor, starters: readonly Actor[], allowSelfApproval: boolean): { ok: true } | { ok: false; reason: string } {
  if (allowSelfApproval) return { ok: true };
  const self = starters.find((s) => s.id === decider.id);
  if (self === undefined) return { ok: true };
  return { ok: false, reason: `${decider.name} started this run and may not also decide it (four eyes; ALLOW_SELF_APPROVAL is off)` };
}
