import { randomUUID } from "node:crypto";
import type { Handler, SimContext } from "../context";
import type { SimRequest } from "../http";
import { ArmError } from "../errors";
import { jsonBody } from "../http";
import type { SimVm } from "../model";
import { isRecord } from "../validate";
import { analyzeQuery } from "../kql/language";
import { RESOURCES_TABLE } from "../kql/tables";

/**
 * Azure Resource Graph: POST /providers/Microsoft.ResourceGraph/resources (api 2024-04-01). The simulator cannot
 * run KQL. It answers `Resources` queries on virtual machines (`type =~ 'microsoft.compute/virtualmachines'`),
 * honouring the request's subscriptions and `resourceGroup =~ '...'` / `resourceGroup in~ (...)` filters, with
 * one row per VM: id, name, type, location, resourceGroup, subscriptionId, tags, osType and powerState (the
 * columns RDP Medic's query projects, plus identity columns). Ordered by id; paged by $top (default 100, at most
 * 1000) and an opaque $skipToken, as the service pages. Every answer carries the caller's quota headers
 * (x-ms-user-quota-remaining, x-ms-user-quota-resets-after); a scenario's `resourceGraph.quota` makes them count
 * and answers 429 RateLimiting once the window's queries are spent, and `truncateAfterRows` answers a truncated
 * result without a $skipToken (resultTruncated "true"), as the service does when it cannot page a result.
 */

const MAX_TOP = 1000;
const DEFAULT_TOP = 100;

export const queryResources: Handler = (ctx, req) => {
  const quota = takeQuota(ctx, req);
  const body = jsonBody(req);
  const query = typeof body.query === "string" ? body.query : "";
  if (query.trim() === "") throw badRequest("The query is required.");
  refuseUnboundQuery(query);
  if (!/^\s*resources\b/i.test(stripComments(query))) {
    throw new ArmError(400, "NotImplementedInSimulator", "The simulator answers queries on the Resources table only.");
  }
  if (!/\btype\s*=~\s*'microsoft\.compute\/virtualmachines'/i.test(query)) {
    throw new ArmError(400, "NotImplementedInSimulator", "The simulator answers Resources queries on type =~ 'microsoft.compute/virtualmachines' only.");
  }
  const subscriptions = stringList(body.subscriptions, "subscriptions").map((s) => s.toLowerCase());
  if (subscriptions.length === 0 && body.managementGroups === undefined) throw badRequest("Please provide subscriptions or management groups.");
  const options = isRecord(body.options) ? body.options : {};
  if (options.resultFormat !== undefined && options.resultFormat !== "objectArray" && options.resultFormat !== "table") {
    throw badRequest(`Invalid resultFormat '${String(options.resultFormat)}'.`);
  }
  const top = options.$top === undefined ? DEFAULT_TOP : Number(options.$top);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw badRequest(`$top must be between 1 and ${MAX_TOP}.`);
  const start = skipTokenOffset(options.$skipToken) ?? (options.$skip === undefined ? 0 : Number(options.$skip));
  if (!Number.isInteger(start) || start < 0) throw badRequest("Invalid $skip or $skipToken.");

  const groups = resourceGroupFilter(query);
  // Resource Graph answers only what the caller may read.
  const readable = (vm: SimVm) => !ctx.rbac || !req.principal || ctx.rbac.grants(req.principal, { action: "Microsoft.Compute/virtualMachines/read", scope: vm.id });
  const vms = [...ctx.state.vms.values()]
    .filter((vm) => subscriptions.includes(vm.subscriptionId.toLowerCase()))
    .filter((vm) => groups === undefined || groups.includes(vm.resourceGroup.toLowerCase()))
    .filter(readable)
    .sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
  const rows = vms.slice(start, start + top).map(row);
  const more = start + top < vms.length;
  const data = options.resultFormat === "table" ? asTable(rows) : rows;
  const limit = ctx.state.resourceGraph.truncateAfterRows;
  if (limit !== undefined && rows.length > limit) {
    const kept = rows.slice(0, limit);
    const truncated = { totalRecords: vms.length, count: kept.length, data: options.resultFormat === "table" ? asTable(kept) : kept, facets: [], resultTruncated: "true" };
    return { status: 200, headers: quota, body: truncated };
  }
  const answer: Record<string, unknown> = { totalRecords: vms.length, count: rows.length, data, facets: [], resultTruncated: "false" };
  if (more) answer.$skipToken = Buffer.from(JSON.stringify({ o: start + top })).toString("base64");
  return { status: 200, headers: quota, body: answer };
};

function row(vm: SimVm): Record<string, unknown> {
  return {
    id: vm.id,
    name: vm.name,
    type: "microsoft.compute/virtualmachines",
    location: vm.location,
    resourceGroup: vm.resourceGroup.toLowerCase(),
    subscriptionId: vm.subscriptionId,
    tags: { ...vm.tags },
    osType: "Windows",
    powerState: `PowerState/${vm.powerState}`,
  };
}

function asTable(rows: Record<string, unknown>[]): { columns: Array<{ name: string; type: string }>; rows: unknown[][] } {
  const names = ["id", "name", "type", "location", "resourceGroup", "subscriptionId", "tags", "osType", "powerState"];
  return {
    columns: names.map((name) => ({ name, type: name === "tags" ? "object" : "string" })),
    rows: rows.map((r) => names.map((n) => r[n])),
  };
}

/** `resourceGroup =~ 'a'` or `resourceGroup in~ ('a', 'b')`, lower-cased; undefined when the query has neither. */
function resourceGroupFilter(query: string): string[] | undefined {
  const text = stripComments(query);
  const single = /\bresourceGroup\s*=~\s*'([^']*)'/i.exec(text);
  if (single) return [(single[1] as string).toLowerCase()];
  const list = /\bresourceGroup\s+in~\s*\(([^)]*)\)/i.exec(text);
  if (!list) return undefined;
  return [...(list[1] as string).matchAll(/'([^']*)'/g)].map((m) => (m[1] as string).toLowerCase());
}

function skipTokenOffset(token: unknown): number | undefined {
  if (token === undefined || token === null || token === "") return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), "base64").toString("utf8")) as { o?: unknown };
    if (typeof parsed.o === "number") return parsed.o;
  } catch {
    // answered below
  }
  throw badRequest("The $skipToken is not valid.");
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw badRequest(`'${name}' must be an array of strings.`);
  return value as string[];
}

function stripComments(query: string): string {
  return query.replace(/\/\/[^\n]*/g, "");
}

/** Quota left in the window (headers), or 429 RateLimiting once it is spent (only when the scenario sets a quota). */
function takeQuota(ctx: SimContext, req: SimRequest): Record<string, string> {
  const quota = ctx.state.resourceGraph.quota;
  if (quota === undefined) return { "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" };
  const nowMs = ctx.options.clock().getTime();
  const key = req.principal?.clientId ?? "";
  const windows = ctx.state.resourceGraph.windows;
  let window = windows.get(key);
  if (!window || nowMs >= window.startMs + quota.windowSeconds * 1000) {
    window = { startMs: nowMs, used: 0 };
    windows.set(key, window);
  }
  const resetsMs = window.startMs + quota.windowSeconds * 1000 - nowMs;
  const resetsAfter = hhmmss(Math.ceil(resetsMs / 1000));
  if (window.used >= quota.queries) {
    throw new ArmError(
      429,
      "RateLimiting",
      `Please provide below info when asking for support: timestamp = ${new Date(nowMs).toISOString()}, correlationId = ${randomUUID()}.`,
      {
        details: [
          {
            code: "RateLimiting",
            message: "Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.",
          },
        ],
        headers: { "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": resetsAfter },
      },
    );
  }
  window.used += 1;
  return { "x-ms-user-quota-remaining": String(quota.queries - window.used), "x-ms-user-quota-resets-after": resetsAfter };
}

function hhmmss(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/**
 * Resource Graph parses and binds a query before it runs it: one that does not bind (a column the Resources table
 * does not have, a syntax error) is answered 400 BadRequest with an InvalidQuery detail and the reason.
 */
function refuseUnboundQuery(query: string): void {
  const error = analyzeQuery(query, [RESOURCES_TABLE]).diagnostics[0];
  if (!error) return;
  throw new ArmError(
    400,
    "BadRequest",
    "Please provide below info when asking for support: timestamp = " + new Date().toISOString() + ", correlationId = " + randomUUID() + ".",
    {
      details: [
        { code: "InvalidQuery", message: "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying." },
        { code: error.syntax ? "ParserFailure" : "UnknownColumn", message: `${error.message} (line ${error.line}, column ${error.column})` },
      ],
    },
  );
}

function badRequest(message: string): ArmError {
  return new ArmError(400, "BadRequest", message);
}
