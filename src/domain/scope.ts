import type { VmRef } from "./resource-id";

/** An allowed scope: a whole subscription, or one resource group in it. Lower-cased. */
export interface Scope {
  subscriptionId: string;
  resourceGroup?: string;
}

const SUBSCRIPTION = /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const RESOURCE_GROUP =
  /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/resourcegroups\/([-\w.()]{1,90})$/i;

export function parseScope(raw: string): Scope {
  const value = raw.trim().replace(/\/+$/, "");
  const sub = SUBSCRIPTION.exec(value);
  if (sub) return { subscriptionId: sub[1]!.toLowerCase() };
  const rg = RESOURCE_GROUP.exec(value);
  if (rg) return { subscriptionId: rg[1]!.toLowerCase(), resourceGroup: rg[2]!.toLowerCase() };
  throw new Error("expected /subscriptions/<guid> or /subscriptions/<guid>/resourceGroups/<name>");
}

export function isInScope(vm: VmRef, scopes: readonly Scope[]): boolean {
  return scopes.some(
    (s) => s.subscriptionId === vm.subscriptionId && (s.resourceGroup === undefined || s.resourceGroup === vm.resourceGroup),
  );
}

export function formatScope(scope: Scope): string {
  return scope.resourceGroup === undefined
    ? `/subscriptions/${scope.subscriptionId}`
    : `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
}
