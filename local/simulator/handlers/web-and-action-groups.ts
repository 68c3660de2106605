import { randomBytes } from "node:crypto";
import type { Handler, Params, SimContext } from "../context";
import { ArmError, resourceNotFound } from "../errors";
import { jsonBody, json } from "../http";
import type { AzureState } from "../model";

/**
 * What the deployment hooks (infra/hooks/) call: Microsoft.Web sites, their functions and function keys
 * (WebApps_CreateFunction, WebApps_CreateOrUpdateFunctionSecret, WebApps_ListFunctionKeys,
 * WebApps_DeleteFunctionSecret), and Microsoft.Insights action groups. A site's functions exist once its code is
 * deployed (here: PUT of the function, WebApps_CreateFunction); until then every key call for it answers 404, as
 * the Functions host does for a function it has not indexed. Host keys (default, master) have no route: nothing may
 * touch them.
 */

interface SiteState {
  id: string;
  name: string;
  location: string;
  body: Record<string, unknown>;
  /** function name (lower-case) -> { name, keys: key name -> value } */
  functions: Map<string, { name: string; keys: Map<string, string> }>;
}

interface WebState {
  sites: Map<string, SiteState>;
  actionGroups: Map<string, { id: string; name: string; body: Record<string, unknown> }>;
}

const stateOf = new WeakMap<AzureState, WebState>();

function webState(ctx: SimContext): WebState {
  let state = stateOf.get(ctx.state);
  if (!state) {
    state = { sites: new Map(), actionGroups: new Map() };
    stateOf.set(ctx.state, state);
  }
  return state;
}

const siteId = (p: Params) => `/subscriptions/${p.sub}/resourceGroups/${p.rg}/providers/Microsoft.Web/sites/${p.site}`;

function findSite(ctx: SimContext, p: Params): SiteState {
  ctx.state.requireGroup(p.sub as string, p.rg as string);
  const site = webState(ctx).sites.get(siteId(p).toLowerCase());
  if (!site) throw resourceNotFound("Microsoft.Web/sites", p.site as string, p.rg as string);
  return site;
}

function findFunction(ctx: SimContext, p: Params) {
  const site = findSite(ctx, p);
  const fn = site.functions.get((p.fn as string).toLowerCase());
  if (!fn) throw new ArmError(404, "NotFound", `Error retrieving function '${p.fn}' from the host: the function does not exist.`);
  return { site, fn };
}

function renderSite(site: SiteState): Record<string, unknown> {
  const properties = (site.body.properties ?? {}) as Record<string, unknown>;
  return {
    ...site.body,
    id: site.id,
    name: site.name,
    type: "Microsoft.Web/sites",
    location: site.location,
    properties: { ...properties, defaultHostName: `${site.name.toLowerCase()}.azurewebsites.net`, state: "Running" },
  };
}

export const putSite: Handler = (ctx, req, p) => {
  ctx.state.requireGroup(p.sub as string, p.rg as string);
  const body = jsonBody(req);
  if (typeof body.location !== "string") throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  const sites = webState(ctx).sites;
  const key = siteId(p).toLowerCase();
  const existing = sites.get(key);
  const site: SiteState = existing ?? { id: siteId(p), name: p.site as string, location: body.location, body, functions: new Map() };
  site.body = body;
  sites.set(key, site);
  req.note.resourceId = site.id;
  return json(existing ? 200 : 201, renderSite(site));
};

export const getSite: Handler = (ctx, req, p) => {
  const site = findSite(ctx, p);
  req.note.resourceId = site.id;
  return json(200, renderSite(site));
};

/** WebApps_CreateFunction: the stand-in for "the code is deployed and the host indexed this function". */
export const putFunction: Handler = (ctx, req, p) => {
  const site = findSite(ctx, p);
  const name = p.fn as string;
  const existing = site.functions.get(name.toLowerCase());
  if (!existing) site.functions.set(name.toLowerCase(), { name, keys: new Map([["default", randomKey()]]) });
  req.note.resourceId = `${site.id}/functions/${name}`;
  return json(existing ? 200 : 201, { id: `${site.id}/functions/${name}`, name: `${site.name}/${name}`, type: "Microsoft.Web/sites/functions", properties: { name } });
};

/**
 * WebApps_CreateOrUpdateFunctionSecret: body KeyInfo {name, value} (top level, as the sites/functions/keys resource
 * type has it); without a value the host makes one. Other fields are ignored. 201 when created, 200 when updated;
 * the answer is the KeyInfo with the value kept.
 */
export const putFunctionKey: Handler = (ctx, req, p) => {
  const { site, fn } = findFunction(ctx, p);
  const keyName = p.key as string;
  const value = jsonBody(req).value;
  if (value !== undefined && (typeof value !== "string" || !/^[A-Za-z0-9_\-=]{32,128}$/.test(value))) {
    throw new ArmError(400, "BadRequest", "Function key values must be 32 to 128 characters of letters, digits, '-', '_' or '='.");
  }
  const existed = fn.keys.has(keyName);
  fn.keys.set(keyName, typeof value === "string" ? value : randomKey());
  req.note.resourceId = `${site.id}/functions/${fn.name}/keys/${keyName}`;
  return json(existed ? 200 : 201, { name: keyName, value: fn.keys.get(keyName) });
};

/**
 * WebApps_ListFunctionKeys: the function's keys as a string dictionary, key name -> value, at the top level (what
 * templates read as listKeys(<function id>, ...).<key name>; the REST spec's StringDictionary wraps them in
 * properties, which the hooks accept too).
 */
export const listFunctionKeys: Handler = (ctx, req, p) => {
  const { site, fn } = findFunction(ctx, p);
  req.note.resourceId = `${site.id}/functions/${fn.name}`;
  return json(200, Object.fromEntries(fn.keys));
};

/** WebApps_DeleteFunctionSecret: 204 when deleted, 404 when there was no such key. */
export const deleteFunctionKey: Handler = (ctx, req, p) => {
  const { site, fn } = findFunction(ctx, p);
  req.note.resourceId = `${site.id}/functions/${fn.name}/keys/${p.key}`;
  if (!fn.keys.delete(p.key as string)) throw new ArmError(404, "NotFound", `The key '${p.key}' was not found.`);
  return { status: 204 };
};

const actionGroupId = (p: Params) => `/subscriptions/${p.sub}/resourceGroups/${p.rg}/providers/Microsoft.Insights/actionGroups/${p.group}`;

function renderActionGroup(group: { id: string; name: string; body: Record<string, unknown> }): Record<string, unknown> {
  return { ...group.body, id: group.id, name: group.name, type: "Microsoft.Insights/ActionGroups", location: "Global" };
}

export const getActionGroup: Handler = (ctx, req, p) => {
  ctx.state.requireGroup(p.sub as string, p.rg as string);
  const group = webState(ctx).actionGroups.get(actionGroupId(p).toLowerCase());
  if (!group) throw resourceNotFound("Microsoft.Insights/actionGroups", p.group as string, p.rg as string);
  req.note.resourceId = group.id;
  return json(200, renderActionGroup(group));
};

/** ActionGroups_CreateOrUpdate: a whole-resource PUT; receivers need a name, and a function receiver its four fields. */
export const putActionGroup: Handler = (ctx, req, p) => {
  ctx.state.requireGroup(p.sub as string, p.rg as string);
  const body = jsonBody(req);
  const properties = body.properties as Record<string, unknown> | undefined;
  if (typeof body.location !== "string" || body.location.toLowerCase() !== "global") {
    throw new ArmError(400, "LocationNotAvailableForResourceType", "The provided location is not available for resource type 'Microsoft.Insights/actionGroups'. List of available regions for the resource type is 'global'.");
  }
  if (!properties || typeof properties.groupShortName !== "string" || typeof properties.enabled !== "boolean") {
    throw new ArmError(400, "BadRequest", "groupShortName and enabled are required.");
  }
  for (const receiver of (properties.azureFunctionReceivers as Record<string, unknown>[] | undefined) ?? []) {
    for (const field of ["name", "functionAppResourceId", "functionName", "httpTriggerUrl"]) {
      if (typeof receiver[field] !== "string" || receiver[field] === "") {
        throw new ArmError(400, "BadRequest", `azureFunctionReceivers: ${field} is required.`);
      }
    }
  }
  const groups = webState(ctx).actionGroups;
  const key = actionGroupId(p).toLowerCase();
  const existed = groups.has(key);
  const group = { id: actionGroupId(p), name: p.group as string, body };
  groups.set(key, group);
  req.note.resourceId = group.id;
  return json(existed ? 200 : 201, renderActionGroup(group));
};

function randomKey(): string {
  return randomBytes(40).toString("base64url");
}
