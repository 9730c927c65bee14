// `npm run bench -- --only memory --messages 100000`: runs the selected suites and prints their tables.
import { parseArgs } from "node:util";
import { renderMarkdown, renderText, runSuite, type Settings, type Suite } from "./harness.js";

// Loaded lazily: a suite for a network broker imports its client library and needs its server; filtering
// with --only must not require either for the suites left out.
const suites: Record<string, () => Promise<Suite>> = {
  memory: async () => (await import("./memory.js")).memorySuite(),
  kafka: async () => (await import("./kafka.js")).kafkaSuite(),
  confluent: async () => (await import("./confluent.js")).confluentSuite(),
  mqtt: async () => (await import("./mqtt.js")).mqttSuite(),
  nats: async () => (await import("./nats.js")).natsSuite(),
  rabbit: async () => (await import("./rabbit.js")).rabbitSuite(),
  redis: async () => (await import("./redis.js")).redisSuite(),
};

const usage = `usage: npm run bench -- [options]
  --only a,b        suites to run (${Object.keys(suites).join(", ")}); default all
  --variants a,b    only these variants of each suite, extras included (breakdowns, profiling one variant)
  --messages N      measured messages per run (default 200000)
  --warmup N        warm-up messages per run (default 20000)
  --latency N       latency samples per run, one in flight (default 20000)
  --runs N          runs per variant; medians are reported (default 5)
  --in-flight N     cap on published-but-unhandled messages (default: the suite's; memory leaves it to the hub)
  --markdown        print markdown tables (for docs/benchmarks.md) instead of text`;

/** A mistake on the command line: reported with the usage, without a stack. */
class UsageError extends Error {}

function count(value: string | undefined, name: string, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(parsed) || parsed < minimum) throw new UsageError(`--${name} needs a whole number ≥ ${minimum}, got "${value}"`);
  return parsed;
}

function list(value: string | undefined): string[] | undefined {
  return value?.split(",").map((name) => name.trim()).filter((name) => name !== "");
}

function onlyVariants(suite: Suite, names: readonly string[] | undefined): Suite {
  if (names === undefined) return { ...suite, variants: suite.variants.filter((variant) => variant.extra !== true) };
  const variants = suite.variants.filter((variant) => names.includes(variant.name));
  if (variants.length === 0) throw new UsageError(`suite ${suite.name} has none of the variants ${names.join(", ")}; it has ${suite.variants.map((variant) => variant.name).join(", ")}`);
  return { ...suite, variants };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      variants: { type: "string" },
      messages: { type: "string" },
      warmup: { type: "string" },
      latency: { type: "string" },
      runs: { type: "string" },
      "in-flight": { type: "string" },
      markdown: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const selected = list(values.only) ?? Object.keys(suites);
  const unknown = selected.filter((name) => !(name in suites));
  if (unknown.length > 0 || selected.length === 0) throw new UsageError(`unknown suite(s) ${unknown.join(", ")}; known: ${Object.keys(suites).join(", ")}`);
  const latencyMessages = count(values.latency, "latency", 20_000, 1);
  const settings: Settings = {
    messages: count(values.messages, "messages", 200_000, 1),
    warmup: count(values.warmup, "warmup", 20_000, 0),
    latencyMessages,
    latencyWarmup: Math.ceil(latencyMessages / 10),
    runs: count(values.runs, "runs", 5, 1),
  };
  const maxInFlight = values["in-flight"] === undefined ? undefined : count(values["in-flight"], "in-flight", 0, 1);
  // Progress goes to stderr so that stdout is only the tables (`> results.md` with --markdown).
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  for (const name of selected) {
    let suite = onlyVariants(await suites[name]!(), list(values.variants));
    if (maxInFlight !== undefined) suite = { ...suite, maxInFlight };
    const result = await runSuite(suite, settings, log);
    console.log(values.markdown ? renderMarkdown(result) : renderText(result));
    console.log();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
