/**
 * Bundled into the package by scripts/lazy-requires.ts: a stand-in for a module's exports that loads the module
 * the first time it is used (a property read or write, `in`, or a call), so the app's start does not pay for it.
 */
export function lazyModule<T extends object>(load: () => T): T {
  let loaded: T | undefined;
  const exports = (): T => (loaded ??= load());
  // An arrow function as the target, so the stand-in can also be called (moment is a function) and has no
  // non-configurable own properties for the proxy invariants to pin.
  const target = (() => undefined) as unknown as T;
  return new Proxy(target, {
    get: (_target, key) => Reflect.get(exports(), key),
    set: (_target, key, value) => Reflect.set(exports(), key, value),
    has: (_target, key) => Reflect.has(exports(), key),
    apply: (_target, self, args: unknown[]) => Reflect.apply(exports() as (...a: unknown[]) => unknown, self, args),
  });
}
