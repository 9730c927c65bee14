import { SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import type { PublishCommand, PublishOutcome } from "../../src/core/index.js";
import { MemoryTelemetryMiddleware } from "../../src/memory/opentelemetry.js";
import { TelemetryRecorder } from "../conformance/otel.js";

function command(destination: string): PublishCommand {
  const message = { body: new Uint8Array([1]), headers: {}, contentType: "application/octet-stream", correlationId: "c-1", messageId: "m-1" };
  return { kind: "publish", destination, messages: [message], fromHandler: false, replyTo: undefined, options: {}, timeoutMs: undefined, server: undefined };
}

/** The publish scope on its own, with a `next` that fails the way a transport can. */
describe("telemetry publish scope", () => {
  it("passes a failing send on once, with the span ended as an error", async () => {
    const otel = new TelemetryRecorder();
    const middleware = new MemoryTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
    let calls = 0;
    const failing = (): Promise<PublishOutcome> => {
      calls += 1;
      return Promise.reject(new RangeError("broker down"));
    };
    await expect(middleware.publish(command("orders"), failing)).rejects.toThrow("broker down");
    expect(calls).toBe(1);
    const [span] = await otel.waitForSpans(1);
    expect(span?.name).toBe("send orders");
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes["error.type"]).toBe("RangeError");
  });

  it("turns a send that throws synchronously into a rejection, span ended", async () => {
    const otel = new TelemetryRecorder();
    const middleware = new MemoryTelemetryMiddleware({ tracerProvider: otel.tracerProvider });
    const throwing = (): Promise<PublishOutcome> => {
      throw new TypeError("bad options");
    };
    await expect(middleware.publish(command("orders"), throwing)).rejects.toThrow("bad options");
    const [span] = await otel.waitForSpans(1);
    expect(span?.attributes["error.type"]).toBe("TypeError");
  });

  it("publishes an ignored destination once, even when the send fails", async () => {
    const otel = new TelemetryRecorder();
    const middleware = new MemoryTelemetryMiddleware({ tracerProvider: otel.tracerProvider, ignore: (destination) => destination === "health" });
    let calls = 0;
    const failing = (): Promise<PublishOutcome> => {
      calls += 1;
      return Promise.reject(new Error("broker down"));
    };
    await expect(middleware.publish(command("health"), failing)).rejects.toThrow("broker down");
    expect(calls).toBe(1);
    expect(await otel.spans()).toEqual([]);
  });
});
