import { afterAll } from "vitest";
import { describeKafkaFaststream } from "../kafka/shared/faststream-kafka.case.js";
import { caseBroker, confluentTelemetryHarness, deleteRunTopics, uniqueTopic } from "./harness.js";

// FastStream's Kafka checklist in its Kafka form (see the case file), against postline/confluent.
describeKafkaFaststream({ createBroker: caseBroker, telemetry: confluentTelemetryHarness, uniqueTopic });

afterAll(deleteRunTopics, 30_000);
