import type { Principal } from "./auth";
import { ArmError } from "./errors";
import { canonicalId, stableGuid } from "./ids";

/**
 * Azure RBAC for one principal: the app's managed identity holds a role (its actions) at some scopes, and ARM
 * refuses with 403 every request the role does not grant, worded as ARM words it. Requests from other principals
 * (the simulator's own test credential, which stands in for people and other clients) are not restricted.
 * Actions may use `*` as a wildcard, as role definitions do; `notActions` are taken away.
 */

export interface RoleAssignment {
  /** A subscription or resource group (or "/"), e.g. "/subscriptions/<id>/resourceGroups/rg-rdsh". */
  scope: string;
  actions: readonly string[];
  notActions?: readonly string[];
}

export interface RbacOptions {
  /** The client ID of the managed identity the assignments are for (tokens the MSI endpoint issued to it). */
  principalClientId: string;
  assignments: readonly RoleAssignment[];
}

/** One permission a request needs: an action at a scope (a resource ID, group or subscription). */
export interface Permission {
  action: string;
  scope: string;
}

export class Authorizer {
  private readonly principal: string;

  constructor(private readonly options: RbacOptions) {
    this.principal = options.principalClientId.toLowerCase();
  }

  /** Whether this principal's requests are checked at all. */
  restricts(principal: Principal): boolean {
    return principal.clientId !== undefined && principal.clientId === this.principal;
  }

  grants(principal: Principal, permission: Permission): boolean {
    if (!this.restricts(principal)) return true;
    const scope = canonicalId(permission.scope);
    return this.options.assignments.some((a) => inScope(scope, canonicalId(a.scope)) && allows(a, permission.action));
  }

  /** Any assignment grants the action (tenant-level actions such as a Resource Graph query). */
  grantsAnywhere(principal: Principal, action: string): boolean {
    if (!this.restricts(principal)) return true;
    return this.options.assignments.some((a) => allows(a, action));
  }

  /** Throws ARM's 403 AuthorizationFailed when the action is not granted at the scope. */
  require(principal: Principal, permission: Permission): void {
    if (this.grants(principal, permission)) return;
    const { clientId, objectId } = identity(principal);
    throw new ArmError(
      403,
      "AuthorizationFailed",
      `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action '${permission.action}' ` +
        `over scope '${permission.scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }

  /**
   * Throws ARM's 403 LinkedAuthorizationFailed when a request the principal may make names another resource it
   * may not use that way (a snapshot copied from a disk, a VM linked to its network interface).
   */
  requireLinked(principal: Principal, granted: Permission, linked: readonly Permission[]): void {
    const missing = linked.filter((p) => !this.grants(principal, p));
    if (missing.length === 0) return;
    const { clientId, objectId } = identity(principal);
    throw new ArmError(
      403,
      "LinkedAuthorizationFailed",
      `The client '${clientId}' with object id '${objectId}' has permission to perform action '${granted.action}' on scope '${granted.scope}'; ` +
        `however, it does not have permission to perform action(s) '${missing.map((p) => p.action).join("', '")}' on the linked scope(s) ` +
        `'${missing.map((p) => p.scope).join("', '")}' (respectively) or the linked scope(s) are invalid.`,
    );
  }
}

/** A principal's client ID and the object ID the simulated tenant gives it. */
export function identity(principal: Principal): { clientId: string; objectId: string } {
  const clientId = principal.clientId ?? "simulator";
  return { clientId, objectId: stableGuid(`principal:${clientId}`) };
}

function inScope(scope: string, assigned: string): boolean {
  if (assigned === "" || assigned === "/") return true;
  return scope === assigned || scope.startsWith(`${assigned}/`);
}

function allows(assignment: RoleAssignment, action: string): boolean {
  const matches = (pattern: string) => actionPattern(pattern).test(action);
  return assignment.actions.some(matches) && !(assignment.notActions ?? []).some(matches);
}

function actionPattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}
