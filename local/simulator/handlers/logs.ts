import { randomUUID } from "node:crypto";
import type { Handler, SimContext } from "../context";
import { ArmError } from "../errors";
import type { SimRequest } from "../http";
import { canonicalId } from "../ids";
import { runQuery, UnsupportedKql } from "../kql/evaluate";
import type { KqlDiagnostic } from "../kql/language";
import { analyzeLogsQuery, type EventSource, eventTableRows, parseTimespan } from "../logs-query";
import type { SimVm } from "../model";
import { isRecord } from "../validate";

/** Log Analytics query API: workspace-centric and resource-centric POST .../query. */

export const queryWorkspace: Handler = (ctx, req, params) => {
  const workspaceIds = [params.workspaceId as string];
  const body = queryBody(req);
  if (Array.isArray(body.workspaces)) for (const w of body.workspaces) if (typeof w === "string") workspaceIds.push(w);
  const vms: SimVm[] = [];
  for (const id of workspaceIds) {
    const key = id.toLowerCase();
    if (!ctx.state.workspaces.has(key)) throw logsError(404, "WorkspaceNotFoundError", `The workspace '${id}' could not be found.`);
    for (const vm of ctx.state.vms.values()) if (vm.workspaceId === key && !vms.includes(vm)) vms.push(vm);
  }
  return answer(ctx, vms, body);
};

export const queryResource: Handler = (ctx, req, params) => {
  const scope = canonicalId(`/${params.resourceId as string}`);
  const body = queryBody(req);
  const vms = [...ctx.state.vms.values()].filter((vm) => vm.key === scope || vm.key.startsWith(`${scope}/`));
  const knownScope = /^\/subscriptions\/[^/]+(\/resourcegroups\/[^/]+)?$/.test(scope);
  if (vms.length === 0 && !knownScope) throw logsError(404, "ResourceNotFoundError", `The resource '${params.resourceId}' could not be found.`);
  if (knownScope) {
    try {
      const [, , sub, , rg] = scope.split("/");
      ctx.state.requireGroup(sub as string, rg);
    } catch {
      throw logsError(404, "ResourceNotFoundError", `The resource '${params.resourceId}' could not be found.`);
    }
  }
  return answer(ctx, vms.filter((vm) => vm.workspaceId !== undefined), body);
};

function queryBody(req: SimRequest): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody);
  } catch {
    throw logsError(400, "BadArgumentError", "The request body is not valid JSON.");
  }
  if (!isRecord(body) || typeof body.query !== "string" || body.query.trim() === "") {
    throw logsError(400, "BadArgumentError", "The request had some invalid properties: 'query' is required.");
  }
  return body;
}

/**
 * Binds the query with Microsoft's Kusto language service against the Event table (400 with the diagnostic, as Log
 * Analytics answers a query that does not parse or bind), then runs it over the Event rows of the VMs in scope
 * inside the request's timespan.
 */
function answer(ctx: SimContext, vms: SimVm[], body: Record<string, unknown>) {
  const query = body.query as string;
  const analyzed = analyzeLogsQuery(query);
  const error = analyzed.diagnostics[0];
  if (error) throw queryError(error);
  const now = ctx.options.clock();
  let window;
  if (body.timespan !== undefined) {
    window = typeof body.timespan === "string" ? parseTimespan(body.timespan, now) : undefined;
    if (!window) throw logsError(400, "BadArgumentError", `The timespan '${String(body.timespan)}' is not a valid ISO 8601 duration or interval.`);
  }
  const sources: EventSource[] = vms.map((vm) => {
    const guest = ctx.state.guestOf(vm);
    return { computerName: guest.computerName, resourceId: vm.key, subscriptionId: vm.subscriptionId, workspaceId: vm.workspaceId ?? "", events: guest.events };
  });
  let result;
  try {
    result = runQuery(analyzed, { Event: eventTableRows(sources, window) }, now);
  } catch (err) {
    if (err instanceof UnsupportedKql) throw logsError(501, "NotImplementedInSimulator", `The query binds, but ${err.message}.`);
    throw err;
  }
  return { status: 200, body: { tables: [{ name: "PrimaryResult", columns: result.columns.map((c) => ({ name: c.name, type: c.type })), rows: result.rows }] } };
}

/**
 * Log Analytics' answer to a query that does not parse or bind: 400 BadArgumentError, an innererror SyntaxError or
 * SemanticError, and inside it the language service's diagnostic with its place in the query.
 */
function queryError(d: KqlDiagnostic): ArmError {
  return new QueryError(d);
}

class QueryError extends ArmError {
  constructor(private readonly diagnostic: KqlDiagnostic) {
    super(400, "BadArgumentError", "The request had some invalid properties");
  }

  override toBody(): { error: Record<string, unknown> } {
    const d = this.diagnostic;
    return {
      error: {
        message: this.message,
        code: this.code,
        correlationId: randomUUID(),
        innererror: d.syntax
          ? { code: "SyntaxError", message: "A recognition error occurred in the query.", innererror: { code: "SYN0002", message: d.message, line: d.line, pos: d.column, kustoCode: d.code } }
          : { code: "SemanticError", message: "A semantic error occurred.", innererror: { code: "SEM0100", message: d.message, line: d.line, pos: d.column, kustoCode: d.code } },
      },
    };
  }
}

/** Log Analytics' own error shape: code, message, correlationId, innererror. */
function logsError(status: number, code: string, message: string): ArmError {
  return new LogsError(status, code, message);
}

class LogsError extends ArmError {
  override toBody(): { error: Record<string, unknown> } {
    return { error: { message: this.message, code: this.code, correlationId: randomUUID(), innererror: { code: this.code, message: this.message } } };
  }
}
