// The order service's process: `POST /orders` over HTTP, and the `orders` handler.
//
// The HTTP instrumentation patches node:http through a module hook. ES modules are all linked before any of
// them runs, so the hook is registered here first and everything that imports node:http (the SDK's
// Prometheus exporter, our HTTP server) is imported dynamically after it.
import { register } from "node:module";

register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);

const { HttpInstrumentation } = await import("@opentelemetry/instrumentation-http");
const { startTelemetry } = await import("../shared/telemetry.js");

const telemetry = startTelemetry("order", [
  new HttpInstrumentation({
    // Scrapes and health checks are not requests worth a trace.
    ignoreIncomingRequestHook: (request) => request.url === "/metrics" || request.url === "/health",
    // A client span only inside a trace: the exporters' own requests never start one.
    requireParentforOutgoingSpans: true,
  }),
]);

const { orderService } = await import("./service.js");
const { runService } = await import("../shared/run-service.js");
await runService(orderService(telemetry));
