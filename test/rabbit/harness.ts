import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { connect as netConnect } from "node:net";
import { promisify } from "node:util";
import amqp from "amqplib";
import type { Middleware } from "../../src/core/index.js";
import { RabbitBroker, RabbitRouter, type RabbitBrokerOptions } from "../../src/rabbit/index.js";
import { RabbitTelemetryMiddleware } from "../../src/rabbit/opentelemetry.js";
import type { BrokerHarness, ConformanceBrokerOptions } from "../conformance/harness.js";
import { parseServerAttributes, type TelemetryHarness } from "../conformance/telemetry-kit.js";

export const RABBIT_HOST = process.env.RABBITMQ_HOST ?? "127.0.0.1";
export const RABBIT_PORT = Number(process.env.RABBITMQ_PORT ?? 5672);
export const RABBIT_URL = process.env.RABBITMQ_URL ?? `amqp://guest:guest@${RABBIT_HOST}:${RABBIT_PORT}`;

// In CI an unreachable broker must fail the run loudly, never skip: check once when the harness loads.
await new Promise<void>((resolve, reject) => {
  const socket = netConnect({ host: RABBIT_HOST, port: RABBIT_PORT, timeout: 2_000 });
  const fail = (reason: string) => {
    socket.destroy();
    reject(new Error(`RabbitMQ is not reachable at ${RABBIT_HOST}:${RABBIT_PORT} (${reason}); start rabbitmq-server or set RABBITMQ_URL`));
  };
  socket.once("connect", () => {
    socket.end();
    resolve();
  });
  socket.once("timeout", () => fail("timed out"));
  socket.once("error", (error) => fail(error.message));
});

/** Every exchange and queue a test file declares carries this run id, so cleanup can find them. */
export const run = `pl-${randomUUID().slice(0, 8)}`;

export function rabbitBroker(options: ConformanceBrokerOptions & Omit<RabbitBrokerOptions, "middlewares"> = {}): RabbitBroker {
  return new RabbitBroker({ url: RABBIT_URL, ...options, middlewares: options.middlewares as readonly Middleware<"rabbit">[] | undefined });
}

export const rabbitHarness: BrokerHarness = {
  name: "rabbit",
  capabilities: rabbitBroker().runtime().transport.capabilities,
  createBroker: (options = {}) => rabbitBroker(options),
  createRouter: (options) => new RabbitRouter({ ...options, middlewares: options.middlewares as readonly Middleware<"rabbit">[] | undefined }),
  destination: (label) => `${run}.${label}.${randomUUID().slice(0, 8)}`,
  // Group queues are durable: `x-expires` lets the server drop the ones a crashed run leaves behind.
  subscriberOptions: ({ group }) => (group === undefined ? {} : { group, queueArguments: { "x-expires": 60_000 } }),
  deadLetter: {
    subscriberOptions: (target, { maxDeliveries }) => ({ deadLetter: target, ...(maxDeliveries === undefined ? {} : { maxDeliveries }) }),
    // RabbitMQ's own dead-letter header: the exchange the message was first dead-lettered from.
    originHeader: "x-first-death-exchange",
  },
  noResponders: "NoRespondersError",
  settleDelayMs: 150,
  timeoutMs: 5_000,
};

export const rabbitTelemetryHarness: TelemetryHarness = {
  system: "rabbitmq",
  middleware: (options) => new RabbitTelemetryMiddleware(options),
  // A Postline destination is an exchange published to with an empty routing key: FastStream names it "{exchange}.".
  faststreamName: (destination) => `${destination}.`,
  // Each subscription has its own channel, so the first (and only) delivery of a test has tag 1.
  extraAttributes: (operation) => ({ ...parseServerAttributes(RABBIT_URL, 5672), ...(operation === "process" ? { "rabbitmq.message.delivery_tag": 1 } : {}) }),
};

const exec = promisify(execFile);

/** Deletes this run's exchanges and queues (durable group queues and Postline destination exchanges stay otherwise). */
export async function cleanupRun(): Promise<void> {
  const list = async (what: "exchanges" | "queues"): Promise<string[]> => {
    try {
      const { stdout } = await exec("rabbitmqctl", ["-q", `list_${what}`, "name"], { timeout: 30_000 });
      return stdout.split("\n").map((line) => line.trim()).filter((name) => name.includes(run));
    } catch {
      return [];
    }
  };
  const [exchanges, queues] = await Promise.all([list("exchanges"), list("queues")]);
  if (exchanges.length === 0 && queues.length === 0) return;
  const connection = await amqp.connect(RABBIT_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}
