/**
 * LocalDurableHost: runs an app's real durable-functions orchestrations, activities and HTTP/timer triggers
 * in-process, emulating the Durable extension + DurableTask.Core (Azure Storage provider) on a virtual clock.
 */
import { durableClientInput, type DurableClientInput } from "./client-input";
import { VirtualClock } from "./clock";
import { EntityHub } from "./entities";
import { jsonText } from "./episode";
import { functionRegistry, type FunctionRegistry } from "./functions-core";
import type { HistoryEvent } from "./history";
import { InstanceStore, type InstanceFilter, type InstanceRecord } from "./instance-store";
import { FunctionInvoker, type LogSink } from "./invoker";
import { ManagementApi, type ApiRequest, type ApiResponse } from "./management-api";
import { Pump, type RunOptions, type RunStats } from "./pump";
import { TaskHub, type BatchMode } from "./task-hub";
import { toStatus, type InstanceStatus, type StatusOptions } from "./status-view";
import { TriggerInvoker, type HttpRequestInit, type HttpResult } from "./trigger-invoker";
import { readVersioning, type VersioningSettings } from "./versioning";

export interface LocalDurableHostOptions {
  /** The functions to serve (default: everything registered in this process). */
  registry?: FunctionRegistry;
  /** Default "TestHubName" (the extension's local default). */
  taskHubName?: string;
  /** Virtual clock start (default 2026-01-01T00:00:00Z). */
  clockStart?: Date | string | number;
  /** Messages handed to one replay: "all" due messages (default) or at most N (Azure Storage dequeues 32). */
  batch?: BatchMode;
  /** host.json maxConcurrentActivityFunctions (default 10). */
  maxConcurrentActivities?: number;
  /** Runs fire no timer due more than this after the clock's start (default 30 days). */
  maxVirtualTimeMs?: number;
  /** A run fails after this many episodes (default 50,000): guards against runaway loops. */
  maxEpisodesPerRun?: number;
  /** Process work started through the API/triggers in the background automatically (CLI mode). */
  autoRun?: boolean;
  /** In background mode, move the virtual clock to the next timer when idle (default true). */
  autoAdvanceClock?: boolean;
  /** host.json `extensions.http.routePrefix` (default "api"). */
  routePrefix?: string;
  /** Where `context.log` output and invocation failures go (default: dropped). */
  log?: LogSink;
  /**
   * The function app's directory: its host.json gives the orchestration versioning (`extensions.durableTask`
   * defaultVersion, versionMatchStrategy, versionFailureStrategy), as the Functions host reads it. Default: the
   * current directory, as with `func start`.
   */
  appDirectory?: string;
}

export interface StartOptions {
  instanceId?: string;
  input?: unknown;
  /** Start at this orchestration version instead of host.json's defaultVersion. */
  version?: string;
}

/** What a deployment brings besides code: its host.json (the app directory it is read from). */
export interface DeployOptions {
  appDirectory?: string;
}

const DAY_MS = 24 * 3600 * 1000;

export class LocalDurableHost {
  readonly clock: VirtualClock;
  readonly store = new InstanceStore();
  readonly taskHubName: string;
  readonly hub: TaskHub;
  readonly api: ManagementApi;
  readonly entities: EntityHub;
  #registry: FunctionRegistry;
  readonly #pump: Pump;
  readonly #triggers: TriggerInvoker;
  readonly #invoker: FunctionInvoker;
  readonly #autoRun: boolean;
  readonly #backgroundRun: RunOptions;
  #versioning: VersioningSettings;

  /** Creates the host and starts its loopback management API. */
  static async start(options: LocalDurableHostOptions = {}): Promise<LocalDurableHost> {
    const host = new LocalDurableHost(options);
    await host.#invoker.initialize();
    await host.api.listen();
    return host;
  }

  constructor(options: LocalDurableHostOptions = {}) {
    this.#registry = options.registry ?? functionRegistry;
    this.taskHubName = options.taskHubName ?? "TestHubName";
    this.clock = new VirtualClock(options.clockStart);
    this.#autoRun = options.autoRun ?? false;
    this.#backgroundRun = { advanceClock: options.autoAdvanceClock ?? true };
    this.#versioning = readVersioning(options.appDirectory ?? process.cwd());
    const log = options.log ?? (() => undefined);
    const invoker = new FunctionInvoker(() => this.#registry, log);
    invoker.clientInput = () => this.durableClientInput();
    this.#invoker = invoker;
    this.hub = new TaskHub({
      store: this.store,
      clock: this.clock,
      invoker,
      registry: () => this.#registry,
      batch: options.batch ?? "all",
      maxConcurrentActivities: options.maxConcurrentActivities ?? 10,
      versioning: () => this.#versioning,
      onWork: () => {
        if (this.#autoRun) this.#pump.kick(this.#backgroundRun);
      },
      warn: (record, message) => log({ functionName: record.name, invocationId: "", level: "warning", category: "DurableTask.Core", message }),
    });
    this.entities = new EntityHub({
      invoker,
      registry: () => this.#registry,
      deliver: (instanceId, event, executionId) => this.hub.deliver(instanceId, event, executionId),
      now: () => this.clock.now(),
      batch: options.batch ?? "all",
      onWork: () => {
        if (this.#autoRun) this.#pump.kick(this.#backgroundRun);
      },
    });
    this.hub.entities = this.entities;
    this.#pump = new Pump({
      hub: this.hub,
      clock: this.clock,
      horizonMs: this.clock.nowMs() + (options.maxVirtualTimeMs ?? 30 * DAY_MS),
      maxEpisodesPerRun: options.maxEpisodesPerRun ?? 50000,
      entities: () => this.entities,
    });
    const routePrefix = options.routePrefix ?? "api";
    this.#triggers = new TriggerInvoker({
      invoker,
      registry: () => this.#registry,
      origin: () => this.api.origin,
      routePrefix,
    });
    this.api = new ManagementApi({
      hub: this.hub,
      taskHubName: this.taskHubName,
      entities: () => this.entities,
      fallback: (request) => this.serveFunctionRoute(request),
    });
  }

  get registry(): FunctionRegistry {
    return this.#registry;
  }

  /** The running deployment's orchestration versioning, from its host.json. */
  get versioning(): VersioningSettings {
    return { ...this.#versioning };
  }

  /**
   * Serves new code from now on, like a redeploy into the same task hub: instances in flight replay against it, and
   * with `appDirectory` its host.json (a new defaultVersion) takes over; work the last deployment abandoned for its
   * version is offered to the new one.
   */
  deploy(registry: FunctionRegistry, options: DeployOptions = {}): void {
    const versioning = options.appDirectory === undefined ? this.#versioning : readVersioning(options.appDirectory);
    this.#registry = registry;
    this.#versioning = versioning;
    this.hub.redeployed();
  }

  /** The loopback origin of the management API and the app's HTTP routes, e.g. http://127.0.0.1:40123. */
  get origin(): string {
    return this.api.origin;
  }

  /** The durableClient binding value `df.getClient` expects in the invocation's extra inputs. */
  durableClientInput(): DurableClientInput {
    return durableClientInput(this.api.settings);
  }

  /** Stops background processing (waiting for a run in progress) and closes the loopback API. */
  async close(): Promise<void> {
    await this.#pump.stop();
    await this.api.close();
    await this.#invoker.terminate();
  }

  // ---- management (same semantics as the HTTP API) ----

  startNew(orchestratorName: string, options: StartOptions = {}): string {
    const inputText = options.input === undefined ? null : jsonText(options.input);
    return this.hub.startNew(orchestratorName, options.instanceId, inputText, options.version).instanceId;
  }

  raiseEvent(instanceId: string, eventName: string, data?: unknown): void {
    this.hub.raiseEvent(instanceId, eventName, jsonText(data));
  }

  terminate(instanceId: string, reason: string): void {
    this.hub.terminate(instanceId, reason);
  }

  suspend(instanceId: string, reason: string | null = null): void {
    this.hub.suspend(instanceId, reason);
  }

  resume(instanceId: string, reason: string | null = null): void {
    this.hub.resume(instanceId, reason);
  }

  getStatus(instanceId: string, options: StatusOptions = {}): InstanceStatus | undefined {
    const record = this.store.get(instanceId);
    return record ? toStatus(record, options) : undefined;
  }

  listInstances(filter: InstanceFilter = {}, options: StatusOptions = {}): InstanceStatus[] {
    return this.store.list(filter).map((r) => toStatus(r, options));
  }

  /** The current execution's history events (copies). */
  history(instanceId: string): HistoryEvent[] {
    return structuredClone(this.requireRecord(instanceId).history);
  }

  /** The live instance record (history, inbox, stats): for assertions, do not mutate. */
  instance(instanceId: string): InstanceRecord | undefined {
    return this.store.get(instanceId);
  }

  /** An entity's state as `client.readEntityState` sees it. */
  readEntityState<T = unknown>(name: string, key: string): { entityExists: boolean; entityState?: T } {
    const found = this.entities.read(name, key);
    return found.exists ? { entityExists: true, entityState: found.state as T } : { entityExists: false };
  }

  signalEntity(name: string, key: string, operation: string, input?: unknown): void {
    this.entities.signal(name, key, operation, input === undefined ? null : jsonText(input));
  }

  /** Moves the virtual clock forward (timers now due fire on the next run, or at once in background mode). */
  advanceClock(by: number | Date): void {
    if (typeof by === "number") this.clock.advanceBy(by);
    else this.clock.advanceTo(by);
    if (this.#autoRun) this.#pump.kick(this.#backgroundRun);
  }

  purge(instanceId: string): number {
    return this.hub.purge(instanceId);
  }

  purgeBy(filter: InstanceFilter): number {
    return this.hub.purgeBy(filter);
  }

  // ---- running ----

  /** Processes work until nothing can progress (moving the virtual clock to timers unless told not to). */
  runUntilIdle(options: RunOptions = {}): Promise<RunStats> {
    return this.#pump.run(options);
  }

  /** Background mode: waits for the background work to settle (and rethrows a background failure). */
  waitForIdle(options: RunOptions = this.#backgroundRun): Promise<RunStats> {
    return this.#pump.waitForIdle(options);
  }

  // ---- triggers ----

  invokeHttp(functionName: string, init?: HttpRequestInit): Promise<HttpResult> {
    return this.#triggers.invokeHttp(functionName, init);
  }

  invokeRoute(method: string, pathOrUrl: string, init?: Omit<HttpRequestInit, "method" | "url" | "params">): Promise<HttpResult> {
    return this.#triggers.invokeRoute(method, pathOrUrl, init);
  }

  invokeTimer(functionName: string, options: { isPastDue?: boolean } = {}): Promise<unknown> {
    return this.#triggers.invokeTimer(functionName, { ...options, now: this.clock.now() });
  }

  private requireRecord(instanceId: string): InstanceRecord {
    const record = this.store.get(instanceId);
    if (!record) throw new Error(`No instance with ID '${instanceId}' found.`);
    return record;
  }

  private async serveFunctionRoute(request: ApiRequest): Promise<ApiResponse> {
    const result = await this.#triggers.invokeRoute(request.method, request.url.href, {
      headers: request.headers,
      ...(request.body.length > 0 ? { body: request.body } : {}),
    });
    return { status: result.status, headers: result.headers, body: result.body };
  }
}
