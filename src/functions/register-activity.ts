import * as df from "durable-functions";

/** Registers an activity whose handler is built, on first use, from dependencies the app builds once. */
export function registerActivity<D, I, O>(name: string, deps: () => D, factory: (deps: D) => (input: I) => Promise<O>): void {
  let handler: ((input: I) => Promise<O>) | undefined;
  df.app.activity(name, {
    handler: (input: unknown) => {
      handler ??= factory(deps());
      return handler(input as I);
    },
  });
}
