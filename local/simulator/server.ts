import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuestState } from "../guest/guest-state";
import { ARM_AUDIENCES, LOGS_AUDIENCES, type SimulatorTokenCredential, TokenIssuer } from "./auth";
import { faultTarget, type SimContext } from "./context";
import { ArmError } from "./errors";
import { describeFault, type FaultRule, FaultSet, type RequestFault } from "./faults";
import { msiToken } from "./handlers/msi";
import { describeOperationRequest } from "./handlers/operations";
import { apiVersionOf, readBody, type SimRequest, type SimResponse } from "./http";
import { canonicalId, vmResourceId } from "./ids";
import { AzureState } from "./model";
import { OperationRegistry } from "./operations";
import { type ResolvedOptions, resolveOptions, type SimulatorOptions } from "./options";
import { type RequestCategory, RequestLog, type RequestLogEntry } from "./request-log";
import { type Api, apiOf, matchRoute, type RouteMatch } from "./routes";
import { type Scenario, validateScenario } from "./scenario";
import { isReadOnlyScript, scriptNameOf } from "./script-name";
import { Authorizer } from "./rbac";
import { requiredPermission } from "./route-permissions";
import { type ThrottleSubject, Throttler } from "./throttling";
import { createSelfSignedCertificate } from "./tls";
import { VariantPicker } from "./variants";
import { type DiskView, diskView, type SnapshotView, snapshotView, type VmView, vmView } from "./views";

/** A running simulator: endpoints to point the SDK clients at, its request log, state access and fault control. */
export interface AzureSimulator {
  /** e.g. https://127.0.0.1:PORT — ComputeManagementClient `endpoint`. */
  armEndpoint: string;
  /** e.g. https://127.0.0.1:PORT/v1 — LogsQueryClient `endpoint` (used verbatim, so it includes /v1). */
  logsEndpoint: string;
  /** PEM of the self-signed certificate: pass as `tlsOptions: { ca }`. */
  caCertPem: string;
  caCertFile: string;
  /** http://127.0.0.1:PORT/msi/token — set as IDENTITY_ENDPOINT. */
  msiEndpoint: string;
  /** The secret to set as IDENTITY_HEADER. */
  msiHeader: string;
  /** IDENTITY_ENDPOINT and IDENTITY_HEADER, ready to merge into process.env for ManagedIdentityCredential. */
  msiEnvironment: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** A TokenCredential that takes tokens straight from the simulator (for tests that are not about auth); never restricted by `rbac`. */
  tokenCredential: SimulatorTokenCredential;
  /** Tokens for a managed identity (its client ID), as the MSI endpoint would issue them: `rbac` applies to them. */
  credentialFor(clientId: string): SimulatorTokenCredential;
  requestLog: RequestLog;
  getVm(vmId: string): VmView | undefined;
  listVms(): VmView[];
  /** A copy of the guest on the VM's current OS disk. */
  getGuest(vmId: string): GuestState | undefined;
  /** Replaces the guest on the VM's current OS disk (e.g. to add events). */
  setGuest(vmId: string, guest: GuestState): void;
  getSnapshot(snapshotId: string): SnapshotView | undefined;
  listSnapshots(): SnapshotView[];
  getDisk(diskId: string): DiskView | undefined;
  listDisks(): DiskView[];
  /** Adds a fault rule; returns its id for removeFault. Rules are tried in the order added. */
  addFault(rule: FaultRule): number;
  removeFault(id: number): void;
  clearFaults(): void;
  /** Waits for running scripts, closes both servers and removes the certificate directory. */
  stop(): Promise<void>;
}

export async function startAzureSimulator(options: SimulatorOptions): Promise<AzureSimulator> {
  const scenario = validateScenario(options.scenario);
  const resolved = resolveOptions(options);
  const certDir = await mkdtemp(join(tmpdir(), "rdp-medic-sim-"));
  try {
    const cert = await createSelfSignedCertificate(certDir);
    const sim = new Simulator(options, resolved, new AzureState(scenario, resolved.clock()), scenario);
    const https = createHttpsServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => void sim.serve("arm", req, res));
    const http = createHttpServer((req, res) => void sim.serve("msi", req, res));
    const armPort = await listen(https, resolved.port);
    const msiPort = await listen(http, 0);
    sim.fallbackHost = `127.0.0.1:${armPort}`;
    const msiEndpoint = `http://127.0.0.1:${msiPort}/msi/token`;
    const state = sim.ctx.state;
    const vmByKey = (id: string) => state.vms.get(canonicalId(id));
    return {
      armEndpoint: `https://127.0.0.1:${armPort}`,
      logsEndpoint: `https://127.0.0.1:${armPort}/v1`,
      caCertPem: cert.certPem,
      caCertFile: cert.certFile,
      msiEndpoint,
      msiHeader: sim.msiSecret,
      msiEnvironment: { IDENTITY_ENDPOINT: msiEndpoint, IDENTITY_HEADER: sim.msiSecret },
      tokenCredential: sim.issuer.credential(),
      credentialFor: (clientId) => sim.issuer.credential(clientId),
      requestLog: sim.log,
      getVm: (id) => {
        const vm = vmByKey(id);
        return vm ? vmView(state, vm) : undefined;
      },
      listVms: () => [...state.vms.values()].map((vm) => vmView(state, vm)),
      getGuest: (id) => {
        const vm = vmByKey(id);
        return vm ? structuredClone(state.guestOf(vm)) : undefined;
      },
      setGuest: (id, guest) => {
        const vm = vmByKey(id);
        if (!vm) throw new Error(`no VM ${id} in the simulator`);
        state.setGuestOf(vm, structuredClone(guest));
      },
      getSnapshot: (id) => {
        const snapshot = state.snapshots.get(canonicalId(id));
        return snapshot ? snapshotView(snapshot) : undefined;
      },
      listSnapshots: () => [...state.snapshots.values()].map(snapshotView),
      getDisk: (id) => {
        const disk = state.disks.get(canonicalId(id));
        return disk?.managed ? diskView(state, disk) : undefined;
      },
      listDisks: () => [...state.disks.values()].filter((d) => d.managed).map((d) => diskView(state, d)),
      addFault: (rule) => sim.ctx.faults.add(rule),
      removeFault: (id) => sim.ctx.faults.remove(id),
      clearFaults: () => sim.ctx.faults.clear(),
      stop: async () => {
        await sim.drain();
        await Promise.all([close(https), close(http)]);
        await rm(certDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(certDir, { recursive: true, force: true });
    throw err;
  }
}

class Simulator {
  readonly ctx: SimContext;
  readonly log = new RequestLog();
  readonly issuer = new TokenIssuer();
  readonly msiSecret = randomBytes(16).toString("hex");
  fallbackHost = "127.0.0.1";
  private seq = 0;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly throttler: Throttler;
  private readonly options: ResolvedOptions;

  constructor(input: SimulatorOptions, options: ResolvedOptions, state: AzureState, scenario: Scenario) {
    this.options = options;
    this.throttler = new Throttler(input.throttling, options.clock);
    const { seed, ...fixed } = scenario.variants ?? {};
    this.ctx = {
      state,
      ops: new OperationRegistry(options.clock, options.pollsUntilDone),
      options,
      faults: new FaultSet(),
      runtime: input.guestRuntime,
      variants: new VariantPicker({ ...(seed === undefined ? {} : { seed }), fixed }, input.variants, state.vmVariants),
      ...(input.rbac ? { rbac: new Authorizer(input.rbac) } : {}),
      background: (work) => {
        const tracked = work.finally(() => this.pending.delete(tracked));
        this.pending.add(tracked);
      },
    };
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async serve(server: "arm" | "msi", req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seq = ++this.seq;
    const arrival = this.options.clock().toISOString();
    const method = (req.method ?? "GET").toUpperCase();
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const rawPath = (q >= 0 ? raw.slice(0, q) : raw).replace(/\/{2,}/g, "/");
    let path = rawPath;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      // keep the raw path
    }
    const host = req.headers.host ?? this.fallbackHost;
    const simReq: SimRequest = {
      seq,
      operation: "unsupported",
      method,
      url: new URL(`https://${host}${rawPath}${q >= 0 ? raw.slice(q) : ""}`),
      path,
      host,
      headers: req.headers,
      rawBody: "",
      note: {},
    };
    const entry: RequestLogEntry = {
      seq,
      time: arrival,
      method,
      path: path.toLowerCase(),
      status: 0,
      category: methodCategory(method),
      operation: "unsupported",
      stateChanging: false,
    };
    let response: SimResponse | "reset";
    try {
      simReq.rawBody = await readBody(req);
      response = server === "msi" ? this.serveMsi(simReq, entry) : await this.serveAzure(simReq, entry);
    } catch (err) {
      response = this.errorResponse(err, entry);
    }
    if (this.options.latencyMs > 0) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    Object.assign(entry, noteFields(simReq));
    if (response === "reset") {
      req.socket.destroy();
    } else {
      entry.status = response.status;
      this.write(res, response, server);
    }
    this.log.add(entry);
  }

  private serveMsi(req: SimRequest, entry: RequestLogEntry): SimResponse | "reset" {
    entry.category = "token";
    entry.operation = req.method === "GET" && /^\/msi\/token$/i.test(req.path) ? "msi.token" : "unsupported";
    req.operation = entry.operation;
    const fault = this.ctx.faults.takeRequestFault(faultTarget(req));
    if (fault) return this.applyFault(fault, entry);
    if (entry.operation !== "msi.token") return { status: 404, body: { statusCode: 404, message: `No such endpoint: ${req.method} ${req.path}` } };
    return msiToken(this.issuer, this.msiSecret, req);
  }

  private async serveAzure(req: SimRequest, entry: RequestLogEntry): Promise<SimResponse | "reset"> {
    const match = matchRoute(req.method, req.path, req.url);
    const api: Api = match?.route.api ?? apiOf(req.path);
    if (match) {
      entry.category = match.route.category;
      entry.operation = match.operation;
      req.operation = match.operation;
      this.describe(req, match);
    } else {
      entry.category = api === "logs" ? "logs" : methodCategory(req.method);
    }
    req.principal = this.issuer.authorize(req.headers, api === "logs" ? LOGS_AUDIENCES : ARM_AUDIENCES);
    const fault = this.ctx.faults.takeRequestFault(faultTarget(req));
    if (fault) return this.applyFault(fault, entry);
    if (!match) throw new ArmError(501, "NotImplementedInSimulator", `The simulator does not emulate ${req.method} ${req.path}.`);
    this.authorizeRole(req, match);
    let rateHeaders: Record<string, string> = {};
    if (api === "arm") {
      try {
        rateHeaders = this.throttler.admit(this.throttleSubject(req, match));
      } catch (err) {
        entry.throttled = true;
        throw err;
      }
      apiVersionOf(req);
    }
    const response = await match.route.handler(this.ctx, req, match.params);
    return { ...response, headers: { ...rateHeaders, ...(response.headers ?? {}) } };
  }

  /** ARM's RBAC check for the app's identity: 403 before the request reaches the resource provider. */
  private authorizeRole(req: SimRequest, match: RouteMatch): void {
    const rbac = this.ctx.rbac;
    if (!rbac || !req.principal) return;
    const needed = requiredPermission(this.ctx, match);
    if (needed === undefined) return;
    if ("anywhere" in needed) {
      if (!rbac.grantsAnywhere(req.principal, needed.anywhere)) rbac.require(req.principal, { action: needed.anywhere, scope: req.path });
      return;
    }
    rbac.require(req.principal, needed);
  }

  /** Fills the log note before handling, so fault rules can match the VM and script even if the handler fails. */
  private describe(req: SimRequest, match: RouteMatch): void {
    const { params, route } = match;
    if (params.vm !== undefined && params.sub !== undefined && params.rg !== undefined) {
      req.note.vmName = params.vm;
      const vm = this.ctx.state.vms.get(canonicalId(vmResourceId(params.sub, params.rg, params.vm)));
      if (vm) req.note.vmId = vm.key;
    }
    if (route.operation === "vm.runCommand") {
      const script = scriptLines(req.rawBody);
      const name = script === undefined ? undefined : scriptNameOf(script);
      if (name !== undefined) req.note.script = name;
      req.note.stateChanging = !isReadOnlyScript(name);
    } else if (route.category === "write" || route.category === "action") {
      req.note.stateChanging = true;
    }
    if (route.operation === "operation.poll") describeOperationRequest(this.ctx, req, params);
  }

  private throttleSubject(req: SimRequest, match: RouteMatch): ThrottleSubject {
    const armType = req.method === "DELETE" ? "deletes" : req.method === "GET" ? "reads" : "writes";
    const subject: ThrottleSubject = { subscriptionId: match.params.sub ?? "", armType };
    const policy = match.route.policy;
    if (policy === "GetOperation") {
      const op = this.ctx.ops.get(match.params.opId ?? "");
      if (op?.kind === "compute") subject.compute = { policy, resourceKey: op.vmKey ?? `operation:${op.id}` };
    } else if (policy !== undefined) {
      subject.compute = req.note.vmId !== undefined ? { policy, resourceKey: req.note.vmId } : { policy };
    }
    return subject;
  }

  private applyFault(fault: RequestFault, entry: RequestLogEntry): SimResponse | "reset" {
    entry.fault = describeFault(fault);
    if ("reset" in fault) return "reset";
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
    const [code, message] =
      fault.status === 429
        ? ["TooManyRequests", "The request is being throttled."]
        : fault.status === 503
          ? ["ServiceUnavailable", "The service is temporarily unavailable. Please try again later."]
          : ["InternalServerError", "Encountered internal server error. Please try again."];
    return { status: fault.status, headers, body: { error: { code, message } } };
  }

  private errorResponse(err: unknown, entry: RequestLogEntry): SimResponse {
    if (err instanceof ArmError) return { status: err.status, headers: err.extra.headers ?? {}, body: err.toBody() };
    entry.fault = `simulator error: ${(err as Error)?.message ?? String(err)}`;
    return { status: 500, body: { error: { code: "InternalServerError", message: `Simulator error: ${(err as Error)?.message ?? String(err)}` } } };
  }

  private write(res: ServerResponse, response: SimResponse, server: "arm" | "msi"): void {
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    if (server === "arm") {
      const requestId = randomUUID();
      headers["x-ms-request-id"] = requestId;
      headers["x-ms-correlation-request-id"] = requestId;
      headers["x-ms-routing-request-id"] = `SIMULATOR:${this.options.clock().toISOString().replace(/[-:]|\.\d+/g, "")}:${requestId}`;
      headers["Cache-Control"] = "no-cache";
    }
    let payload = "";
    if (response.body !== undefined) {
      payload = JSON.stringify(response.body);
      headers["Content-Type"] = "application/json; charset=utf-8";
    }
    headers["Content-Length"] = String(Buffer.byteLength(payload));
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}

function methodCategory(method: string): RequestCategory {
  return method === "GET" ? "read" : method === "POST" ? "action" : "write";
}

function noteFields(req: SimRequest): Partial<RequestLogEntry> {
  const { vmName: _vmName, ...fields } = req.note;
  const out: Partial<RequestLogEntry> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function scriptLines(rawBody: string): string | undefined {
  try {
    const body = JSON.parse(rawBody) as { script?: unknown };
    return Array.isArray(body.script) ? body.script.filter((l): l is string => typeof l === "string").join("\n") : undefined;
  } catch {
    return undefined;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
