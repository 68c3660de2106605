/**
 * Completion-tracking tasks for the extension-side replay. DurableTask.Core runs orchestration continuations
 * synchronously (SynchronousTaskScheduler), so plain callbacks model its ordering exactly.
 */
export class ShimTask {
  done = false;
  failed = false;
  readonly #listeners: (() => void)[] = [];

  complete(failed: boolean): void {
    if (this.done) return;
    this.done = true;
    this.failed = failed;
    for (const listener of this.#listeners.splice(0)) listener();
  }

  onDone(listener: () => void): void {
    if (this.done) listener();
    else this.#listeners.push(listener);
  }
}

/** Task.WhenAll: done when every child is done, whether it succeeded or failed (unlike JS Task.all). */
export function whenAll(children: readonly ShimTask[]): ShimTask {
  const all = new ShimTask();
  let remaining = children.length;
  if (remaining === 0) all.complete(false);
  for (const child of children) {
    child.onDone(() => {
      remaining -= 1;
      if (remaining === 0) all.complete(children.some((c) => c.failed));
    });
  }
  return all;
}

/** Task.WhenAny: done when the first child is done (a canceled timer counts as done). */
export function whenAny(children: readonly ShimTask[]): ShimTask {
  const first = new ShimTask();
  for (const child of children) child.onDone(() => first.complete(false));
  return first;
}

export function completedTask(failed = false): ShimTask {
  const task = new ShimTask();
  task.complete(failed);
  return task;
}
