import type { Attributes } from "@opentelemetry/api";
import type { MessagingFacts, ServerAddress } from "../core/index.js";
import type { MetricAttributeSet } from "./metrics.js";

/**
 * What every span of one operation on one destination shares (same partition, group and server): its name,
 * its creation attributes and its metric attributes. Built once and reused for each message, since building
 * them per message (an attributes object, a name string, a metric-set lookup) was a large part of what the
 * middleware itself added to the SDK's own cost. The SDK copies creation attributes, so sharing is safe.
 */
export interface SpanProfile {
  readonly name: string;
  readonly attributes: Attributes;
  readonly metrics: MetricAttributeSet;
}

interface CachedProfile extends SpanProfile {
  readonly destination: string;
  readonly template: string | undefined;
  readonly partition: string | undefined;
  readonly group: string | undefined;
  readonly temporary: boolean | undefined;
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
}

/** Wildcard subscriptions can see unboundedly many destinations: the cache forgets everything past this. */
const MAX_PROFILES = 1024;

/**
 * Profiles of one operation (send or process), looked up by the facts they were built from. The last one used
 * is compared field by field first: a publisher or a subscription mostly sees one destination in a row, and
 * comparing a few fields is cheaper than building the key string of the fallback map.
 */
export class SpanProfiles {
  readonly #byKey = new Map<string, CachedProfile>();
  #last: CachedProfile | undefined;

  constructor(private readonly build: (facts: MessagingFacts, server: ServerAddress | undefined) => SpanProfile) {}

  get(facts: MessagingFacts, server: ServerAddress | undefined): SpanProfile {
    const last = this.#last;
    if (last !== undefined && matches(last, facts, server)) return last;
    const key = keyOf(facts, server);
    let profile = this.#byKey.get(key);
    if (profile === undefined) {
      if (this.#byKey.size >= MAX_PROFILES) this.#byKey.clear();
      profile = {
        ...this.build(facts, server),
        destination: facts.destinationName,
        template: facts.destinationTemplate,
        partition: facts.partitionId,
        group: facts.consumerGroup,
        temporary: facts.temporary,
        serverAddress: server?.address,
        serverPort: server?.port,
      };
      this.#byKey.set(key, profile);
    }
    this.#last = profile;
    return profile;
  }
}

function matches(profile: CachedProfile, facts: MessagingFacts, server: ServerAddress | undefined): boolean {
  return (
    profile.destination === facts.destinationName &&
    profile.template === facts.destinationTemplate &&
    profile.partition === facts.partitionId &&
    profile.group === facts.consumerGroup &&
    profile.temporary === facts.temporary &&
    profile.serverAddress === server?.address &&
    profile.serverPort === server?.port
  );
}

function keyOf(facts: MessagingFacts, server: ServerAddress | undefined): string {
  return `${facts.destinationName}\0${part(facts.destinationTemplate)}\0${part(facts.partitionId)}\0${part(facts.consumerGroup)}\0${part(facts.temporary)}\0${part(server?.address)}\0${part(server?.port)}`;
}

/** An absent fact and an empty one build different attributes, so they get different keys. */
function part(value: string | number | boolean | undefined): string {
  return value === undefined ? "\u0001" : String(value);
}
