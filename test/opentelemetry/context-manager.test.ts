import { ROOT_CONTEXT, context, type ContextManager } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { afterEach, expect, test } from "vitest";
import { contextManagerWorks, ensureContextManager, forgetContextManagerCheck } from "../../src/opentelemetry/context-manager.js";

// The app-level cases (none registered, one registered, NodeSDK) run in test/package/scratch-app.test.ts and in the
// telemetry conformance suite; these are the edges: a manager that does not work is never replaced, and said so once.

/** A registered manager that carries nothing: `with` runs the function with the root context active. */
const inert: ContextManager = {
  active: () => ROOT_CONTEXT,
  with: (_context, fn, thisArg, ...args) => fn.call(thisArg, ...args),
  bind: (_context, target) => target,
  enable() {
    return this;
  },
  disable() {
    return this;
  },
};

afterEach(() => {
  context.disable();
  forgetContextManagerCheck();
});

/** The process warnings emitted while `body` runs (they are delivered on a later tick, hence the wait). */
async function warningsWhile(body: () => void): Promise<Error[]> {
  const warnings: Error[] = [];
  const listen = (warning: Error) => warnings.push(warning);
  process.on("warning", listen);
  try {
    body();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listen);
  }
  return warnings;
}

/** The global manager itself (the API keeps the accessor private). */
function globalManager(): ContextManager {
  return (context as unknown as { _getContextManager(): ContextManager })._getContextManager();
}

test("with none registered, AsyncLocalStorageContextManager is registered once, quietly", async () => {
  context.disable();
  forgetContextManagerCheck();
  expect(contextManagerWorks()).toBe(false);
  const warnings = await warningsWhile(() => ensureContextManager());
  expect(globalManager()).toBeInstanceOf(AsyncLocalStorageContextManager);
  expect(contextManagerWorks()).toBe(true);
  expect(warnings).toEqual([]);
});

test("a registered manager that works is left alone, quietly", async () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const warnings = await warningsWhile(() => ensureContextManager());
  expect(globalManager()).toBe(manager);
  expect(warnings).toEqual([]);
});

test("a registered manager that carries nothing is not replaced, and Postline warns once with the fix", async () => {
  context.setGlobalContextManager(inert);
  const warnings = await warningsWhile(() => {
    ensureContextManager();
    ensureContextManager();
  });
  expect(globalManager()).toBe(inert);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]!.message).toContain("context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())");
  expect((warnings[0] as Error & { code?: string }).code).toBe("POSTLINE_CONTEXT_MANAGER");
});
