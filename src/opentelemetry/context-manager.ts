// OpenTelemetry JS carries the active context through a global context manager, and registers none by itself:
// `NodeSDK` does, and so does `NodeTracerProvider.register()` of the 2.x SDK, but an app that builds a
// `TracerProvider` (3.x) and hands it to a telemetry middleware, as the seed does, has none. Without one
// `context.with(...)` does nothing: the publishes a handler makes, and the custom spans it starts, lose their
// parent and every hop becomes a trace of its own, silently. Python's context variables need no such step,
// so FastStream users do not expect it.
//
// So the first message a telemetry middleware handles checks that a context manager is working, and when none
// is, registers the official AsyncLocalStorage one (what NodeSDK registers). It is done once, never replaces a
// manager the app registered, and happens at the first message rather than at construction so that an SDK
// started after the broker was built (imports run first) still registers its own without a clash.
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ROOT_CONTEXT, context, createContextKey, diag } from "@opentelemetry/api";

const PROBE = createContextKey("postline.context-manager-probe");

/** The line that fixes an app whose registered manager does not carry the context (printed if we cannot). */
export const CONTEXT_MANAGER_FIX =
  'context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()) (from "@opentelemetry/api" and "@opentelemetry/context-async-hooks"), before the first message';

let ensured = false;

/** True when `context.with` really makes its context the active one. */
export function contextManagerWorks(): boolean {
  const probe = ROOT_CONTEXT.setValue(PROBE, true);
  return context.with(probe, () => context.active().getValue(PROBE) === true);
}

/** Makes sure a working global context manager exists; cheap after the first call. Never throws. */
export function ensureContextManager(): void {
  if (ensured) return;
  ensured = true;
  try {
    if (contextManagerWorks()) return;
    // false: something is registered already (and does not carry the context); it is not replaced.
    if (context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()) && contextManagerWorks()) {
      diag.debug("postline: no OpenTelemetry context manager was registered; registered AsyncLocalStorageContextManager");
      return;
    }
    warnOnce(`the registered OpenTelemetry context manager does not carry the active context, so spans of one message do not connect. Register one that does: ${CONTEXT_MANAGER_FIX}`);
  } catch (error) {
    warnOnce(`could not check or register an OpenTelemetry context manager (${error instanceof Error ? error.message : String(error)}). Register one: ${CONTEXT_MANAGER_FIX}`);
  }
}

/** For tests that start again from an app with no context manager: the next message checks again. */
export function forgetContextManagerCheck(): void {
  ensured = false;
}

function warnOnce(message: string): void {
  // A process warning reaches the app's stderr even without an OTel diagnostic logger; `ensured` makes it once.
  process.emitWarning(`postline telemetry: ${message}`, { code: "POSTLINE_CONTEXT_MANAGER" });
  diag.warn(`postline telemetry: ${message}`);
}
