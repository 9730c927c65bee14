// `npm run demo -- --broker <name> --serve` picks up a trace started elsewhere: a message published into "first"
// by a client that knows nothing of Postline (kcat, amqp-publish, plain NATS.js, plain mqtt.js), carrying a W3C
// `traceparent`, runs through first → second → third, and every span of the chain lands in the foreign trace.
// Needs the real servers on 127.0.0.1 (Kafka is started by the project's test command: `bash scripts/kafka.sh
// start`).
import { execFile, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { connect as netConnect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { connect as natsConnect, headers as natsHeaders } from "@nats-io/transport-node";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { demoArgv } from "./demo-command.js";
import { startHttpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlp-receivers.js";
import type { BrokerName } from "../../examples/demo/brokers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

const PRODUCER = 4;
const CONSUMER = 5;

/** From the demo's start to its exit; the case's own timeout is a little longer. */
const RUN_LIMIT_MS = 15_000;
/** How long after the publish the chain may take before the demo is stopped anyway (and the case fails). */
const CHAIN_LIMIT_MS = 8_000;

interface ServeRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why the demo was stopped: the chain was seen, or a time limit passed. */
  readonly stoppedBecause: string;
}

/** A W3C trace context of the foreign publisher's own span. */
interface ForeignContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceparent: string;
}

function foreignContext(): ForeignContext {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The parent's OTEL_* and POSTLINE_* settings must not leak into the run. */
function demoEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith("OTEL_") && !name.startsWith("POSTLINE_"));
  return { ...Object.fromEntries(inherited), ...overrides };
}

/**
 * Runs `--serve` on `broker`, calls `publish` once the ready line is out, and sends SIGTERM when `chainDone` says
 * the chain has run (or a time limit passed). `--serve` batches spans, so they may reach the receiver only at shutdown.
 */
function serveAndPublish(broker: BrokerName, receiver: OtlpReceiver, publish: () => Promise<void>, chainDone: (stdout: string) => boolean): Promise<ServeRun> {
  const env = demoEnvironment({
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_SERVICE_NAME: `demo-serve-foreign-${broker}`,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, demoArgv(["--broker", broker, "--serve"]), { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let published = false;
    let stoppedBecause = "";
    let chainTimer: NodeJS.Timeout | undefined;
    const stop = (reason: string) => {
      if (stoppedBecause !== "") return;
      stoppedBecause = reason;
      clearTimeout(chainTimer);
      child.kill("SIGTERM");
    };
    const hardTimer = setTimeout(() => {
      stop(`no exit within ${RUN_LIMIT_MS} ms`);
      child.kill("SIGKILL");
    }, RUN_LIMIT_MS);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (!published && stdout.includes("ready:")) {
        published = true;
        chainTimer = setTimeout(() => stop(`the chain did not finish within ${CHAIN_LIMIT_MS} ms of the publish`), CHAIN_LIMIT_MS);
        publish().catch((error: unknown) => {
          stderr += `\n[test] the foreign publish failed: ${error instanceof Error ? error.message : String(error)}\n`;
          stop("the foreign publish failed");
        });
      }
      if (published && chainDone(stdout)) stop("chain done");
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(hardTimer);
      clearTimeout(chainTimer);
      resolve({ code, signal, stdout, stderr, stoppedBecause: stoppedBecause || "exited by itself" });
    });
  });
}

/** Fails with `hint` when nothing listens on host:port, instead of a timeout deep inside the demo. */
async function expectListening(host: string, port: number, hint: string): Promise<void> {
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = netConnect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
  if (!reachable) throw new Error(`nothing listens on ${host}:${port}: ${hint}`);
}

function run(file: string, args: readonly string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: 5_000 }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
    });
    child.stdin?.end(input);
  });
}

/** Each span's parent's name (or `foreign` for the foreign span, `unknown <id>` otherwise), by span name. */
function parentage(spans: readonly ReceivedSpan[], foreignSpanId: string): Record<string, string> {
  const names = new Map(spans.map((span) => [span.spanId, span.name]));
  return Object.fromEntries(
    spans.map((span) => [span.name, span.parentSpanId === foreignSpanId ? "foreign" : (names.get(span.parentSpanId) ?? `unknown ${span.parentSpanId || "(root)"}`)]),
  );
}

interface ForeignCase {
  readonly broker: BrokerName;
  readonly system: string;
  readonly host: string;
  readonly port: number;
  readonly hint: string;
  /** Publishes `body` (UTF-8 JSON) into "first" with a `traceparent` header, as a non-Postline client would. */
  readonly publish: (body: string, traceparent: string) => Promise<void>;
}

const cases: readonly ForeignCase[] = [
  {
    broker: "kafka",
    system: "kafka",
    host: "127.0.0.1",
    port: 9092,
    hint: "start Kafka with `bash scripts/kafka.sh start` (the project's `npm test` does)",
    // kcat -P sends each stdin line as one record.
    publish: (body, traceparent) => run("kcat", ["-P", "-b", "127.0.0.1:9092", "-t", "first", "-H", `traceparent=${traceparent}`], `${body}\n`),
  },
  {
    broker: "confluent",
    system: "kafka",
    host: "127.0.0.1",
    port: 9092,
    hint: "start Kafka with `bash scripts/kafka.sh start` (the project's `npm test` does)",
    publish: (body, traceparent) => run("kcat", ["-P", "-b", "127.0.0.1:9092", "-t", "first", "-H", `traceparent=${traceparent}`], `${body}\n`),
  },
  {
    broker: "rabbit",
    system: "rabbitmq",
    host: "127.0.0.1",
    port: 5672,
    hint: "RabbitMQ (amqp://guest:guest@127.0.0.1:5672) must be running",
    // A destination is a topic exchange of its name; the demo's subscriber queues are bound to it with "#".
    publish: (body, traceparent) =>
      run("amqp-publish", ["-u", "amqp://guest:guest@127.0.0.1:5672", "-e", "first", "-r", "", "-H", `traceparent: ${traceparent}`, "-b", body]),
  },
  {
    broker: "nats",
    system: "nats",
    host: "127.0.0.1",
    port: 4222,
    hint: "nats-server must be running",
    publish: async (body, traceparent) => {
      const connection = await natsConnect({ servers: "127.0.0.1:4222" });
      try {
        const headers = natsHeaders();
        headers.set("traceparent", traceparent);
        connection.publish("first", body, { headers });
        await connection.flush();
      } finally {
        await connection.close();
      }
    },
  },
  {
    broker: "mqtt",
    system: "mqtt",
    host: "127.0.0.1",
    port: 1883,
    hint: "an MQTT 5 broker must be running",
    publish: async (body, traceparent) => {
      const client = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000 });
      try {
        await client.publishAsync("first", body, { qos: 1, properties: { userProperties: { traceparent } } });
      } finally {
        await client.endAsync();
      }
    },
  },
];

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startHttpReceiver();
});

afterAll(async () => {
  await receiver?.close();
});

// The demo's destinations are fixed ("first", "second", "third"): one served demo at a time, so the cases
// must not run concurrently (vitest runs a file's tests in order unless told otherwise; nothing here is concurrent).
describe("--serve continues a trace from a foreign publisher", () => {
  for (const { broker, system, host, port, hint, publish } of cases) {
    test(`${broker}: ${host}:${port}`, { timeout: RUN_LIMIT_MS + 5_000 }, async () => {
      await expectListening(host, port, hint);
      receiver.clear();
      const foreign = foreignContext();
      const text = `foreign-${broker}-${randomUUID()}`;
      const handled = `"third" handled ${JSON.stringify(text)}`;
      const inTrace = () => receiver.spans.filter((span) => span.traceId === foreign.traceId);

      // Done when the receiver has the trace, or the demo's waterfall shows it (its spans all ended; the
      // exporter flushes them at shutdown).
      const result = await serveAndPublish(
        broker,
        receiver,
        () => publish(JSON.stringify(text), foreign.traceparent),
        (stdout) => stdout.includes(handled) && (stdout.includes(`trace ${foreign.traceId}`) || inTrace().length >= 5),
      );
      const context = `stopped: ${result.stoppedBecause}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.signal, context).toBeNull();
      expect(result.code, context).toBe(0);
      expect(result.stoppedBecause, context).toBe("chain done");
      expect(result.stdout).toContain(handled);
      expect(receiver.errors).toEqual([]);
      expect(new Set(receiver.encodings)).toEqual(new Set(["http/json"]));

      // Wait briefly in case the last export request is still being read (it was sent before the exit).
      for (let waited = 0; inTrace().length < 5 && waited < 1_000; waited += 50) await sleep(50);
      const spans = inTrace();
      expect(spans.map((span) => span.name).sort(), context).toEqual(["process first", "process second", "process third", "send second", "send third"]);
      expect(parentage(spans, foreign.spanId)).toEqual({
        "process first": "foreign",
        "send second": "process first",
        "process second": "send second",
        "send third": "process second",
        "process third": "send third",
      });
      for (const span of spans) {
        expect(span.attributes["messaging.system.name"], span.name).toBe(system);
        expect(span.resource["service.name"], span.name).toBe(`demo-serve-foreign-${broker}`);
        expect(span.kind, span.name).toBe(span.name.startsWith("send ") ? PRODUCER : CONSUMER);
      }
    });
  }
});
