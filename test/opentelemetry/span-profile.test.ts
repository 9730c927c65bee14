import { describe, expect, it } from "vitest";
import type { MessagingFacts, ServerAddress } from "../../src/core/index.js";
import { SpanProfiles, type SpanProfile } from "../../src/opentelemetry/span-profile.js";

/** Profiles whose name records every fact they were built from, counting the builds. */
function recordingProfiles(): { profiles: SpanProfiles; builds: () => number } {
  let builds = 0;
  const profiles = new SpanProfiles((facts: MessagingFacts, server: ServerAddress | undefined): SpanProfile => {
    builds += 1;
    const name = JSON.stringify([facts.destinationName, facts.destinationTemplate, facts.partitionId, facts.consumerGroup, facts.temporary, server?.address, server?.port]);
    return { name, attributes: { name }, metrics: { key: name, attributes: {} } };
  });
  return { profiles, builds: () => builds };
}

describe("span profiles", () => {
  it("build once per distinct set of facts and reuse it, whether it was the last one or not", () => {
    const { profiles, builds } = recordingProfiles();
    const orders: MessagingFacts = { destinationName: "orders", consumerGroup: "billing" };
    const first = profiles.get(orders, { address: "localhost", port: 9092 });
    expect(profiles.get({ ...orders }, { address: "localhost", port: 9092 })).toBe(first);
    const other = profiles.get({ destinationName: "refunds", consumerGroup: "billing" }, { address: "localhost", port: 9092 });
    expect(other).not.toBe(first);
    // Back to the first destination: found by key, not rebuilt.
    expect(profiles.get(orders, { address: "localhost", port: 9092 })).toBe(first);
    expect(builds()).toBe(2);
  });

  it("tell apart every fact that goes into a name or an attribute", () => {
    const { profiles, builds } = recordingProfiles();
    const server = { address: "localhost", port: 9092 };
    const base: MessagingFacts = { destinationName: "orders" };
    const variants: [MessagingFacts, ServerAddress | undefined][] = [
      [base, server],
      [{ ...base, destinationTemplate: "orders.*" }, server],
      [{ ...base, partitionId: "3" }, server],
      [{ ...base, consumerGroup: "billing" }, server],
      [{ ...base, temporary: true }, server],
      [base, { address: "localhost", port: 9093 }],
      [base, { address: "kafka-2", port: 9092 }],
      [base, undefined],
      // An empty fact is not an absent one: it would be written as an attribute.
      [{ ...base, partitionId: "" }, server],
    ];
    const names = variants.map(([facts, address]) => profiles.get(facts, address).name);
    expect(new Set(names).size).toBe(variants.length);
    expect(builds()).toBe(variants.length);
    // Each of them again, in another order: all found, none rebuilt.
    for (let index = variants.length - 1; index >= 0; index -= 1) {
      const [facts, address] = variants[index]!;
      expect(profiles.get(facts, address).name).toBe(names[index]);
    }
    expect(builds()).toBe(variants.length);
  });

  it("forget what they hold past 1 024 destinations, so a wildcard subscription cannot grow them without bound", () => {
    const { profiles, builds } = recordingProfiles();
    for (let index = 0; index < 1_024; index += 1) profiles.get({ destinationName: `device.${index}` }, undefined);
    profiles.get({ destinationName: "device.0" }, undefined);
    expect(builds()).toBe(1_024);
    profiles.get({ destinationName: "device.1024" }, undefined);
    // The map was cleared to make room: the oldest destinations are built again when they come back.
    profiles.get({ destinationName: "device.0" }, undefined);
    expect(builds()).toBe(1_026);
  });
});
