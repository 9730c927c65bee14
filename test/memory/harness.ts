import { randomUUID } from "node:crypto";
import type { Middleware } from "../../src/core/index.js";
import { MemoryBroker, MemoryHub, MemoryRouter } from "../../src/memory/index.js";
import { MemoryTelemetryMiddleware } from "../../src/memory/opentelemetry.js";
import type { BrokerHarness } from "../conformance/harness.js";
import type { TelemetryHarness } from "../conformance/telemetry-kit.js";

// One hub for every broker of the run: brokers of one harness talk to each other, as services on one real
// broker would, and unique destinations keep the tests apart.
const hub = new MemoryHub();
const run = randomUUID().slice(0, 8);

export const memoryHarness: BrokerHarness = {
  name: "memory",
  capabilities: new MemoryBroker({ hub }).runtime().transport.capabilities,
  createBroker: (options = {}) => new MemoryBroker({ ...options, middlewares: options.middlewares as readonly Middleware<"memory">[] | undefined, hub }),
  createRouter: (options) => new MemoryRouter({ ...options, middlewares: options.middlewares as readonly Middleware<"memory">[] | undefined }),
  destination: (label) => `${label}.${run}.${randomUUID().slice(0, 8)}`,
  subscriberOptions: ({ group }) => (group === undefined ? {} : { group }),
  deadLetter: {
    subscriberOptions: (target, { maxDeliveries }) => ({ deadLetter: target, maxDeliveries }),
    originHeader: "x-postline-dead-letter-from",
  },
  noResponders: "NoRespondersError",
  settleDelayMs: 50,
  timeoutMs: 2_000,
};

export const memoryTelemetryHarness: TelemetryHarness = {
  system: "memory",
  middleware: (options) => new MemoryTelemetryMiddleware(options),
};
