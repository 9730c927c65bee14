import { afterAll } from "vitest";
import { describeKafkaFaststream } from "./shared/faststream-kafka.case.js";
import { caseBroker, deleteRunTopics, kafkaTelemetryHarness, uniqueTopic } from "./harness.js";

// FastStream's Kafka checklist in its Kafka form (see the case file), against postline/kafka.
describeKafkaFaststream({ createBroker: caseBroker, telemetry: kafkaTelemetryHarness, uniqueTopic });

afterAll(deleteRunTopics, 30_000);
