import { afterAll } from "vitest";
import { describeTelemetryConformance } from "../conformance/conformance.js";
import { deleteRunTopics, kafkaHarness, kafkaTelemetryHarness } from "./harness.js";

// FastStream mode checks Kafka's own consumer facts (`"{offset}-{timestamp}"` ids, partition, offset) through
// the telemetry harness, as FastStream's Kafka suite does (reference §7).
describeTelemetryConformance(kafkaHarness, kafkaTelemetryHarness);

afterAll(deleteRunTopics, 30_000);
