/**
 * Stands in for the Azure Functions Node.js worker's injected `@azure/functions-core` module.
 *
 * The real worker answers `require('@azure/functions-core')` by patching `Module.prototype.require`; we do the same,
 * so `@azure/functions` (and durable-functions on top of it) register their functions with us instead of printing
 * "test mode" warnings. Import this module before the app's first `app.*` / `df.app.*` registration.
 */
import Module from "node:module";
import type { CoreProgrammingModel, FunctionCallback, FunctionMetadata, HookCallback, RpcBindingInfo } from "./core-types";

export const CORE_MODULE_ID = "@azure/functions-core";

export type TriggerType =
  | "httpTrigger"
  | "timerTrigger"
  | "orchestrationTrigger"
  | "activityTrigger"
  | "entityTrigger"
  | (string & {});

/** One function as the app registered it: the worker's view (metadata + the exact callback it would invoke). */
export interface Registration {
  readonly name: string;
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
  readonly triggerType: TriggerType;
  readonly triggerBindingName: string;
  readonly trigger: RpcBindingInfo;
}

export type HookName = "preInvocation" | "postInvocation" | "appStart" | "appTerminate" | "log";

/** Read access to the functions an app registered. Names are case-insensitive, as in the Functions host. */
export interface FunctionRegistry {
  get(name: string): Registration | undefined;
  require(name: string): Registration;
  byTrigger(type: TriggerType): Registration[];
  all(): Registration[];
  readonly programmingModel: CoreProgrammingModel | undefined;
  hooks(name: HookName): HookCallback[];
  /** A view where each key is served by another registration's code (same name outward): a redeploy of new code. */
  withReplacements(replacements: Record<string, string>): FunctionRegistry;
}

function isTriggerType(type: string | null | undefined): boolean {
  return typeof type === "string" && /trigger$/i.test(type);
}

function toRegistration(metadata: FunctionMetadata, callback: FunctionCallback): Registration {
  const entry = Object.entries(metadata.bindings).find(([, b]) => isTriggerType(b.type));
  if (!entry) throw new Error(`Function "${metadata.name}" has no trigger binding.`);
  const [triggerBindingName, trigger] = entry;
  return { name: metadata.name, metadata, callback, triggerType: String(trigger.type), triggerBindingName, trigger };
}

/** What every registry view derives from its own get and all. */
abstract class RegistryLookups {
  abstract get(name: string): Registration | undefined;
  abstract all(): Registration[];

  require(name: string): Registration {
    const found = this.get(name);
    if (!found) throw new Error(`No function named "${name}" is registered.`);
    return found;
  }

  byTrigger(type: TriggerType): Registration[] {
    return this.all().filter((r) => r.triggerType.toLowerCase() === type.toLowerCase());
  }
}

class CapturedRegistry extends RegistryLookups implements FunctionRegistry {
  readonly byName = new Map<string, Registration>();
  readonly hookLists = new Map<HookName, HookCallback[]>();
  model: CoreProgrammingModel | undefined;

  get programmingModel(): CoreProgrammingModel | undefined {
    return this.model;
  }

  register(metadata: FunctionMetadata, callback: FunctionCallback): void {
    const key = metadata.name.toLowerCase();
    if (this.byName.has(key)) {
      throw new Error(`A function named "${metadata.name}" is already registered (function names are case-insensitive).`);
    }
    this.byName.set(key, toRegistration(metadata, callback));
  }

  addHook(name: string, callback: HookCallback): { dispose(): void } {
    const list = this.hookLists.get(name as HookName) ?? [];
    list.push(callback);
    this.hookLists.set(name as HookName, list);
    return { dispose: () => list.splice(list.indexOf(callback) >>> 0, 1) };
  }

  get(name: string): Registration | undefined {
    return this.byName.get(name.toLowerCase());
  }

  all(): Registration[] {
    return [...this.byName.values()];
  }

  hooks(name: HookName): HookCallback[] {
    return [...(this.hookLists.get(name) ?? [])];
  }

  withReplacements(replacements: Record<string, string>): FunctionRegistry {
    return new ReplacedRegistry(this, replacements);
  }
}

class ReplacedRegistry extends RegistryLookups implements FunctionRegistry {
  constructor(
    private readonly base: FunctionRegistry,
    private readonly replacements: Record<string, string>,
  ) {
    super();
  }

  get programmingModel(): CoreProgrammingModel | undefined {
    return this.base.programmingModel;
  }

  get(name: string): Registration | undefined {
    const original = this.base.get(name);
    const sourceName = Object.entries(this.replacements).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (!sourceName) return original;
    const source = this.base.require(sourceName);
    const outwardName = original?.name ?? name;
    return { ...source, name: outwardName, metadata: { ...source.metadata, name: outwardName } };
  }

  all(): Registration[] {
    return this.base.all().map((r) => this.require(r.name));
  }

  hooks(name: HookName): HookCallback[] {
    return this.base.hooks(name);
  }

  withReplacements(replacements: Record<string, string>): FunctionRegistry {
    return new ReplacedRegistry(this.base, { ...this.replacements, ...replacements });
  }
}

interface CoreModuleApi {
  version: string;
  hostVersion: string;
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): { dispose(): void };
  registerHook(name: string, callback: HookCallback): { dispose(): void };
  setProgrammingModel(model: CoreProgrammingModel): void;
  getProgrammingModel(): CoreProgrammingModel | undefined;
  log(level: string, category: string, message: string): void;
  Disposable: typeof CoreDisposable;
}

class CoreDisposable {
  static from(...items: { dispose(): unknown }[]): CoreDisposable {
    return new CoreDisposable(() => items.forEach((i) => i.dispose()));
  }
  constructor(private readonly onDispose: () => unknown) {}
  dispose(): unknown {
    return this.onDispose();
  }
}

export type CoreLogSink = (level: string, category: string, message: string) => void;

const GLOBAL_KEY = Symbol.for("rdp-medic.local-durable.functions-core");

interface GlobalState {
  registry: CapturedRegistry;
  logSink: CoreLogSink;
}

function createCoreApi(state: GlobalState): CoreModuleApi {
  return {
    version: "4.0.0-local",
    hostVersion: "4.1037.0-local",
    registerFunction: (metadata, callback) => {
      state.registry.register(metadata, callback);
      return new CoreDisposable(() => state.registry.byName.delete(metadata.name.toLowerCase()));
    },
    registerHook: (name, callback) => state.registry.addHook(name, callback),
    setProgrammingModel: (model) => {
      state.registry.model = model;
    },
    getProgrammingModel: () => state.registry.model,
    log: (level, category, message) => state.logSink(level, category, message),
    Disposable: CoreDisposable,
  };
}

function installedState(): GlobalState {
  const holder = globalThis as unknown as Record<symbol, GlobalState | undefined>;
  const existing = holder[GLOBAL_KEY];
  if (existing) return existing;
  const state: GlobalState = { registry: new CapturedRegistry(), logSink: () => undefined };
  const coreApi = createCoreApi(state);
  type RequireFn = (this: NodeJS.Module, id: string) => unknown;
  const proto = Module.prototype as unknown as { require: RequireFn };
  const originalRequire = proto.require;
  proto.require = function patchedRequire(this: NodeJS.Module, id: string): unknown {
    // eslint-disable-next-line prefer-rest-params
    return id === CORE_MODULE_ID ? coreApi : originalRequire.apply(this, arguments as unknown as [string]);
  };
  holder[GLOBAL_KEY] = state;
  return state;
}

/** Installs the hook (idempotent, once per process) and returns the process-wide registry. */
export function installFunctionsCore(): FunctionRegistry {
  return installedState().registry;
}

/** Where worker system logs (`coreApi.log`) go; they are dropped unless a sink is set. */
export function setCoreLogSink(sink: CoreLogSink): void {
  installedState().logSink = sink;
}

/** The registry of everything registered in this process so far. Importing this module installs the hook. */
export const functionRegistry: FunctionRegistry = installFunctionsCore();

/** Installs the hook, then loads the app's entry module (pass an importer so the caller's module system resolves it). */
export async function loadFunctionApp(importEntry: () => unknown): Promise<FunctionRegistry> {
  const registry = installFunctionsCore();
  await importEntry();
  return registry;
}
