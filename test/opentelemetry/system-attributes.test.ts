import { describe, expect, it } from "vitest";
import type { MessagingFacts, PublishCommand, PublishOutcome, TelemetryProvider } from "../../src/core/index.js";
import { TelemetryMiddleware } from "../../src/opentelemetry/index.js";
import { kafkaTelemetryProvider } from "../../src/kafka/telemetry.js";
import { rabbitTelemetry } from "../../src/rabbit/telemetry.js";
import { TelemetryRecorder } from "../conformance/otel.js";

interface DemoFacts extends MessagingFacts {
  readonly lane?: string;
}

/** A system with one attribute of each shape an adapter can declare. */
const demo: TelemetryProvider<{ lane?: string }, unknown, DemoFacts> = {
  system: "demo",
  broker: "demo",
  attributes: [
    { current: "demo.lane", previous: "messaging.demo.lane", faststream: "messaging.demo.lane_name", value: (facts) => facts.lane, faststreamValue: (facts) => facts.lane?.toUpperCase() },
    { faststream: "messaging.demo.only_faststream", value: () => 7 },
    { current: "demo.only_current", value: () => true },
  ],
  publishFacts: (command) => ({ destinationName: command.destination, lane: command.options.lane }),
  consumeFacts: (message) => ({ destinationName: message.destination }),
};

function command(options: { lane?: string }): PublishCommand {
  const message = { body: new Uint8Array([1]), headers: {}, contentType: "application/octet-stream", correlationId: "c-1", messageId: "m-1" };
  return { kind: "publish", destination: "orders", messages: [message], fromHandler: false, replyTo: undefined, options, timeoutMs: undefined, server: undefined };
}

const sent = (): Promise<PublishOutcome> => Promise.resolve(undefined);

async function publishedAttributes(semconv: "current" | "faststream", options: { lane?: string }, env?: string): Promise<Record<string, unknown>> {
  const otel = new TelemetryRecorder();
  const previous = process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
  if (env !== undefined) process.env.OTEL_SEMCONV_STABILITY_OPT_IN = env;
  const middleware = new TelemetryMiddleware(demo, { tracerProvider: otel.tracerProvider, semconv });
  if (previous === undefined) delete process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
  else process.env.OTEL_SEMCONV_STABILITY_OPT_IN = previous;
  await middleware.publish(command(options), sent);
  const spans = await otel.spans();
  const span = spans.find((item) => item.name.endsWith("publish") || item.name.startsWith("send"));
  return { ...span?.attributes };
}

describe("system attributes declared by an adapter", () => {
  it("current mode writes each current key with its value, and leaves out what has no value", async () => {
    const attributes = await publishedAttributes("current", { lane: "fast" });
    expect(attributes["demo.lane"]).toBe("fast");
    expect(attributes["demo.only_current"]).toBe(true);
    expect(attributes["messaging.demo.lane"]).toBeUndefined();
    expect(attributes["messaging.demo.only_faststream"]).toBeUndefined();
    expect(Object.keys(await publishedAttributes("current", {}))).not.toContain("demo.lane");
  });

  it("messaging/dup writes the previous key too, with the same value", async () => {
    const attributes = await publishedAttributes("current", { lane: "fast" }, "messaging/dup");
    expect(attributes["demo.lane"]).toBe("fast");
    expect(attributes["messaging.demo.lane"]).toBe("fast");
  });

  it("FastStream mode writes the FastStream keys only, with the FastStream value where one is declared", async () => {
    const attributes = await publishedAttributes("faststream", { lane: "fast" });
    expect(attributes["messaging.demo.lane_name"]).toBe("FAST");
    expect(attributes["messaging.demo.only_faststream"]).toBe(7);
    expect(attributes["demo.lane"]).toBeUndefined();
    expect(attributes["demo.only_current"]).toBeUndefined();
  });

  it("Kafka and RabbitMQ keys are declared by their adapters, in all three versions", () => {
    const keys = (provider: { attributes?: readonly { current?: string | undefined; previous?: string | undefined; faststream?: string | undefined }[] | undefined }) =>
      (provider.attributes ?? []).map(({ current, previous, faststream }) => [current, previous, faststream]);
    expect(keys(kafkaTelemetryProvider)).toEqual([
      [undefined, undefined, "messaging.kafka.destination.partition"],
      ["kafka.message.key", "messaging.kafka.message.key", "messaging.kafka.message.key"],
      ["kafka.offset", "messaging.kafka.offset", "messaging.kafka.message.offset"],
      ["kafka.message.tombstone", "messaging.kafka.message.tombstone", undefined],
    ]);
    expect(keys(rabbitTelemetry)).toEqual([
      ["rabbitmq.destination.routing_key", "messaging.rabbitmq.destination.routing_key", "messaging.rabbitmq.destination.routing_key"],
      ["rabbitmq.message.delivery_tag", "messaging.rabbitmq.message.delivery_tag", "messaging.rabbitmq.message.delivery_tag"],
    ]);
  });
});
