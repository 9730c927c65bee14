export { MemoryBroker, MemoryRouter } from "./broker.js";
export type { MemoryEnvelope } from "./envelope.js";
export { MemoryHub, type MemoryHubOptions } from "./hub.js";
export type { MemoryBrokerOptions, MemoryPublishOptions, MemorySubscribeOptions } from "./options.js";
export { memoryTelemetry } from "./telemetry.js";
