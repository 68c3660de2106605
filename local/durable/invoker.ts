/**
 * Invokes a registered function the way the Node.js worker does: through the programming model that
 * `@azure/functions` set (InvocationModel: RPC inputs -> handler arguments -> RPC response), with the app's
 * pre/post invocation hooks around the call.
 */
import { randomUUID } from "node:crypto";
import type { CoreProgrammingModel, FunctionCallback, RpcInvocationResponse, RpcTypedData } from "./core-types";
import type { FunctionRegistry, Registration } from "./functions-core";

export interface LogEntry {
  functionName: string;
  invocationId: string;
  level: string;
  category: string;
  message: string;
}

export type LogSink = (entry: LogEntry) => void;

export interface InvocationRequest {
  /** The trigger binding's data. */
  trigger: RpcTypedData | null;
  /** Other input bindings by binding name (e.g. the durableClient input). */
  extraInputs?: Record<string, RpcTypedData>;
  triggerMetadata?: Record<string, RpcTypedData>;
}

export type InvocationOutcome =
  | { ok: true; response: RpcInvocationResponse }
  | { ok: false; error: Error };

const CLIENT_BINDING_TYPES = ["durableclient", "orchestrationclient"];

export class FunctionInvoker {
  #capabilities: Promise<Record<string, string>> | undefined;
  /** The durableClient binding value, given to every function that declares that input (any trigger type). */
  clientInput: (() => unknown) | undefined;

  constructor(
    private readonly registry: () => FunctionRegistry,
    private readonly logSink: LogSink,
  ) {}

  /**
   * What the worker does once the app is loaded: ask the programming model for its capabilities (this locks
   * `app.setup`) and run the app's appStart hooks. Runs once; later calls return the same capabilities.
   */
  initialize(): Promise<Record<string, string>> {
    this.#capabilities ??= (async () => {
      const registry = this.registry();
      const capabilities = (await registry.programmingModel?.getCapabilities?.({})) ?? {};
      for (const hook of registry.hooks("appStart")) {
        await hook({ hookData: {}, appHookData: {}, functionAppDirectory: process.cwd() });
      }
      return capabilities;
    })();
    return this.#capabilities;
  }

  async terminate(): Promise<void> {
    if (!this.#capabilities) return;
    for (const hook of this.registry().hooks("appTerminate")) await hook({ hookData: {}, appHookData: {} });
  }

  async invoke(functionName: string, request: InvocationRequest): Promise<InvocationOutcome> {
    const registry = this.registry();
    const registration = registry.require(functionName);
    const model = registry.programmingModel;
    if (!model) {
      throw new Error("No programming model was set: was the app registered through @azure/functions after the core hook?");
    }
    try {
      const capabilities = await this.initialize();
      if (capabilities.HttpUri && registration.triggerType.toLowerCase() === "httptrigger") {
        throw new Error("The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local host does not emulate.");
      }
      return { ok: true, response: await this.run(registry, model, registration, request) };
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      this.logSink({
        functionName: registration.name,
        invocationId: "",
        level: "error",
        category: "system",
        message: `Executed 'Functions.${registration.name}' (Failed): ${error.message.split("\n\n$OutOfProcData$:")[0] ?? ""}`,
      });
      return { ok: false, error };
    }
  }

  private async run(
    registry: FunctionRegistry,
    model: CoreProgrammingModel,
    registration: Registration,
    request: InvocationRequest,
  ): Promise<RpcInvocationResponse> {
    const invocationId = randomUUID();
    const inputData = [{ name: registration.triggerBindingName, data: request.trigger }];
    for (const [name, data] of Object.entries({ ...this.bindingInputs(registration), ...request.extraInputs })) {
      inputData.push({ name, data });
    }
    const coreContext = {
      invocationId,
      request: { invocationId, inputData, triggerMetadata: request.triggerMetadata ?? {} },
      metadata: { name: registration.name, bindings: registration.metadata.bindings },
      state: "preInvocationHooks" as "preInvocationHooks" | "postInvocationHooks" | "invocation",
      log: (level: string, category: string, message: string) =>
        this.logSink({ functionName: registration.name, invocationId, level, category, message }),
    };
    const invocationModel = model.getInvocationModel(coreContext);
    const { context, inputs } = await invocationModel.getArguments();
    const hookData: Record<string, unknown> = {};
    const pre = { hookData, appHookData: {}, invocationContext: context, inputs, functionCallback: registration.callback };
    for (const hook of registry.hooks("preInvocation")) await hook(pre);

    coreContext.state = "invocation";
    let result: unknown;
    let error: unknown;
    try {
      result = await invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback as FunctionCallback);
    } catch (caught) {
      error = caught;
    }
    coreContext.state = "postInvocationHooks";
    const post = { hookData, appHookData: {}, invocationContext: context, inputs: pre.inputs, result, error };
    for (const hook of registry.hooks("postInvocation")) await hook(post);
    if (post.error !== undefined && post.error !== null) throw post.error;
    return invocationModel.getResponse(context, post.result);
  }

  private bindingInputs(registration: Registration): Record<string, RpcTypedData> {
    const inputs: Record<string, RpcTypedData> = {};
    const clientInput = this.clientInput;
    if (!clientInput) return inputs;
    for (const [name, binding] of Object.entries(registration.metadata.bindings)) {
      if (binding.direction === "in" && CLIENT_BINDING_TYPES.includes(String(binding.type).toLowerCase())) {
        inputs[name] = { string: JSON.stringify(clientInput()) };
      }
    }
    return inputs;
  }
}

/** RPC typed data -> the value the host would see. */
export function decodeTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json) as unknown;
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.int !== undefined && data.int !== null) return Number(data.int);
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  return undefined;
}

/** A JSON value as RPC typed data (undefined stays absent). */
export function jsonTypedData(value: unknown): RpcTypedData | null {
  return value === undefined ? null : { json: JSON.stringify(value) };
}
