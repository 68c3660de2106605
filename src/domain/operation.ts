/** A long Azure operation started by one activity and polled by later ones (durable timers in between). */
export type OperationKind = "runCommand" | "restart" | "snapshot" | "diskCreate" | "deallocate" | "vmUpdate" | "start";

export interface OperationRef {
  kind: OperationKind;
  subscriptionId: string;
  /** The SDK poller's serialized state: enough to resume polling in another activity or process. */
  state: string;
  /** For Run Command: which script runs. */
  script?: string;
}

export type OperationProgress =
  | { status: "running"; operation: OperationRef }
  | { status: "succeeded"; stdout?: string; stderr?: string; resourceId?: string }
  | { status: "failed"; code: string; message: string };
