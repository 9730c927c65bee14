import { afterAll } from "vitest";
import { describeConformance } from "../conformance/conformance.js";
import { deleteRunTopics, kafkaHarness } from "./harness.js";

// The shared suites against the real Kafka (scripts/kafka.sh).
describeConformance(kafkaHarness);

afterAll(deleteRunTopics, 30_000);
