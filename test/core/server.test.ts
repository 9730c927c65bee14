import { expect, test } from "vitest";
import { parseServer } from "../../src/core/index.js";

test("server addresses for telemetry, from the forms brokers are configured with", () => {
  expect(parseServer("127.0.0.1:9092", 9092)).toEqual({ address: "127.0.0.1", port: 9092 });
  expect(parseServer("kafka-1", 9092)).toEqual({ address: "kafka-1", port: 9092 });
  expect(parseServer("amqp://guest:guest@rabbit.internal:5673/vhost", 5672)).toEqual({ address: "rabbit.internal", port: 5673 });
  expect(parseServer("redis://localhost", 6379)).toEqual({ address: "localhost", port: 6379 });
  expect(parseServer("[::1]:4222", 4222)).toEqual({ address: "::1", port: 4222 });
  expect(parseServer("nats://[::1]:4223", 4222)).toEqual({ address: "::1", port: 4223 });
  expect(parseServer("::1", 4222)).toEqual({ address: "::1", port: 4222 });
});
