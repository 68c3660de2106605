/**
 * Durable entities: each entity (`@name@key`) has a queue of operation requests and runs them serially, one batch
 * at a time, through the real `df.app.entity` handler. Calls from orchestrations travel as EventSent requests and
 * come back as EventRaised responses named by the request id, as in the extension.
 */
import { createHash, randomUUID } from "node:crypto";
import type { FunctionRegistry } from "./functions-core";
import { events, type OrchestrationMessage } from "./history";
import type { InstanceRecord } from "./instance-store";
import { decodeTypedData, type FunctionInvoker } from "./invoker";
import type { EntityApi } from "./management-api";
import type { EntityWork } from "./pump";
import type { Decision, EntityRequestArgs } from "./replay-shim";
import type { BatchMode, EntityRouter } from "./task-hub";

/** The request message an orchestration sends (EventSent.Input) or a client signal creates. */
export interface EntityRequest {
  op: string;
  signal: boolean;
  input?: string;
  id: string;
  parent?: string;
  parentExecution?: string;
}

export interface EntityRecord {
  schedulerId: string;
  name: string;
  key: string;
  exists: boolean;
  state?: string;
  queue: EntityRequest[];
  operations: number;
  batches: number;
}

export interface EntityHubOptions {
  invoker: FunctionInvoker;
  registry: () => FunctionRegistry;
  deliver: (instanceId: string, event: OrchestrationMessage, executionId?: string) => void;
  now: () => Date;
  batch: BatchMode;
  onWork: () => void;
}

interface EntityBatchResult {
  entityExists?: boolean;
  entityState?: string;
  results?: { isError?: boolean; result?: string }[];
  signals?: { target?: { name?: string; key?: string }; name?: string; input?: string }[];
}

export function schedulerId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

function parseSchedulerId(id: string): { name: string; key: string } {
  const at = id.indexOf("@", 1);
  return { name: id.slice(1, at), key: id.slice(at + 1) };
}

/** A name-based (v5-style) GUID: the same orchestration position always yields the same request id. */
export function deterministicGuid(name: string): string {
  const hash = createHash("sha1").update(name).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The request an orchestration's callEntity/signalEntity sends: the same position always gets the same id. */
export function entityRequest(args: EntityRequestArgs): { requestId: string; eventName: string; input: EntityRequest } {
  const id = deterministicGuid(`${args.instanceId}/${args.executionId}/${args.sequenceId}`);
  const message: EntityRequest = {
    op: args.operation,
    signal: args.signal,
    ...(args.input === undefined ? {} : { input: JSON.stringify(args.input) }),
    id,
    parent: args.instanceId,
    parentExecution: args.executionId,
  };
  return { requestId: id, eventName: "op", input: message };
}

export class EntityHub implements EntityRouter, EntityWork, EntityApi {
  readonly #entities = new Map<string, EntityRecord>();
  readonly #ready = new Set<string>();

  constructor(private readonly options: EntityHubOptions) {}

  get(name: string, key: string): EntityRecord | undefined {
    return this.#entities.get(schedulerId(name, key));
  }

  all(): EntityRecord[] {
    return [...this.#entities.values()];
  }

  // ---- EntityMessageFactory / EntityRouter (orchestration side) ----

  request(args: EntityRequestArgs): { requestId: string; eventName: string; input: unknown } {
    return entityRequest(args);
  }

  send(_from: InstanceRecord, decision: Extract<Decision, { kind: "sendEvent" }>): void {
    this.enqueue(decision.targetInstanceId, decision.input as EntityRequest);
  }

  // ---- EntityApi (client side) ----

  read(name: string, key: string): { exists: boolean; state?: unknown } {
    const entity = this.#entities.get(schedulerId(name, key));
    if (!entity || !entity.exists) return { exists: false };
    return { exists: true, state: entity.state === undefined ? null : (JSON.parse(entity.state) as unknown) };
  }

  signal(name: string, key: string, operation: string, inputText: string | null): void {
    this.enqueue(schedulerId(name, key), {
      op: operation,
      signal: true,
      ...(inputText === null ? {} : { input: inputText }),
      id: randomUUID(),
    });
  }

  // ---- EntityWork (the serial per-entity scheduler) ----

  hasWork(): boolean {
    return this.#ready.size > 0;
  }

  async runRound(): Promise<number> {
    const ids = [...this.#ready];
    this.#ready.clear();
    for (const id of ids) {
      const entity = this.#entities.get(id);
      if (!entity || entity.queue.length === 0) continue;
      const limit = this.options.batch === "all" ? entity.queue.length : Math.max(1, this.options.batch);
      const batch = entity.queue.splice(0, limit);
      if (entity.queue.length > 0) this.#ready.add(id);
      await this.runBatch(entity, batch);
    }
    return ids.length;
  }

  private enqueue(target: string, request: EntityRequest): void {
    let entity = this.#entities.get(target);
    if (!entity) {
      const { name, key } = parseSchedulerId(target);
      entity = { schedulerId: target, name, key, exists: false, queue: [], operations: 0, batches: 0 };
      this.#entities.set(target, entity);
    }
    entity.queue.push(request);
    this.#ready.add(target);
    this.options.onWork();
  }

  private async runBatch(entity: EntityRecord, batch: EntityRequest[]): Promise<void> {
    const registration = this.options.registry().get(entity.name);
    if (!registration || registration.triggerType.toLowerCase() !== "entitytrigger") {
      const message = `The function '${entity.name}' doesn't exist, is disabled, or is not an entity function.`;
      for (const request of batch) this.respond(request, { result: JSON.stringify(message), exceptionType: "System.ArgumentException" });
      return;
    }
    const payload = {
      self: { name: entity.name, key: entity.key },
      exists: entity.exists,
      ...(entity.state === undefined ? {} : { state: entity.state }),
      batch: batch.map((r) => ({ name: r.op, signal: r.signal, ...(r.input === undefined ? {} : { input: r.input }), id: r.id })),
    };
    const outcome = await this.options.invoker.invoke(registration.name, { trigger: { string: JSON.stringify(payload) } });
    entity.batches += 1;
    entity.operations += batch.length;
    if (!outcome.ok) {
      const failure = JSON.stringify(outcome.error.message);
      for (const request of batch) this.respond(request, { result: failure, exceptionType: "Error" });
      return;
    }
    const result = decodeTypedData(outcome.response.returnValue) as EntityBatchResult;
    entity.exists = result.entityExists === true;
    if (entity.exists && typeof result.entityState === "string") entity.state = result.entityState;
    if (!entity.exists) delete entity.state;
    batch.forEach((request, i) => {
      const op = result.results?.[i];
      this.respond(request, {
        ...(op?.result === undefined ? {} : { result: op.result }),
        ...(op?.isError ? { exceptionType: "Error" } : {}),
      });
    });
    for (const signal of result.signals ?? []) {
      if (!signal.target?.name || signal.target.key === undefined || !signal.name) continue;
      this.enqueue(schedulerId(signal.target.name, signal.target.key), {
        op: signal.name,
        signal: true,
        ...(signal.input ? { input: signal.input } : {}),
        id: randomUUID(),
      });
    }
  }

  private respond(request: EntityRequest, response: { result?: string; exceptionType?: string }): void {
    if (request.signal || !request.parent) return;
    const event = events.eventRaised(this.options.now(), request.id, JSON.stringify(response));
    this.options.deliver(request.parent, event, request.parentExecution);
  }
}
