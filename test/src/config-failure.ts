import { expect } from "vitest";
import { loadConfig } from "../../src/config";
import { ConfigError } from "../../src/errors";

/** The ConfigError loadConfig throws for `env`; fails the test when it throws something else or nothing. */
export function configFailure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected ConfigError");
}
