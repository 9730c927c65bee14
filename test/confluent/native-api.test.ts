import Confluent from "@confluentinc/kafka-javascript";
import { expect, test } from "vitest";
import type { ConfluentModule } from "../../src/confluent/native.js";

// src/confluent/native.ts declares the part of the client's API Postline calls, so that postline builds where
// the native addon cannot be installed. This assignment is where the compiler holds the declarations to the
// real package's types (npm test type-checks it with the package installed); the test checks the same at run time.
const api: ConfluentModule = Confluent;

test("the installed @confluentinc/kafka-javascript has the API src/confluent/native.ts declares", () => {
  expect(typeof api.KafkaConsumer).toBe("function");
  expect(typeof api.KafkaJS.Kafka).toBe("function");
  expect(typeof api.CODES.ERRORS.ERR__ASSIGN_PARTITIONS).toBe("number");
  const consumer = new api.KafkaConsumer({ "group.id": "postline-native-api-check", "bootstrap.servers": "127.0.0.1:9092" });
  for (const method of ["connect", "disconnect", "subscribe", "consume", "assignments", "committed", "queryWatermarkOffsets", "seek", "pause", "resume", "commit", "commitSync", "setDefaultConsumeTimeout", "setDefaultConsumeLoopTimeoutDelay", "isConnected"] as const) {
    expect(typeof consumer[method], method).toBe("function");
  }
  const kafka = new api.KafkaJS.Kafka({ "bootstrap.servers": "127.0.0.1:9092" });
  const producer = kafka.producer({});
  const admin = kafka.admin();
  for (const method of ["connect", "disconnect", "send"] as const) expect(typeof producer[method], method).toBe("function");
  for (const method of ["connect", "disconnect", "createTopics", "deleteTopics", "deleteGroups"] as const) expect(typeof admin[method], method).toBe("function");
});
