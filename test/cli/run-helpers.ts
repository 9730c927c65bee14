// `postline run` as a child process from source (through tsx, as `npm run traces` runs the CLI), and RabbitMQ
// helpers for its tests: publishing to a queue, reading its depth, deleting it. Every wait is bounded.
import { randomUUID } from "node:crypto";
import amqp from "amqplib";
import { silentLogger } from "../../src/index.js";
import { RabbitBroker } from "../../src/rabbit/index.js";
import { killGroup, startSource } from "./child-processes.js";

export const RABBIT_URL = process.env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";

export type RunProcess = ReturnType<typeof startSource>;

export function startRun(args: readonly string[]): RunProcess {
  return startSource(["src/cli/main.ts", "run", ...args]);
}

/** Resolves with the first match of `pattern` in the output once it appears (after `from` characters). */
export async function waitForOutput(run: RunProcess, pattern: RegExp, timeoutMs = 30_000, from = 0): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(run.output().slice(from));
    if (match !== null) return match;
    if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`postline run exited (${run.child.exitCode ?? run.child.signalCode}) before printing ${pattern}; its output:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`postline run did not print ${pattern} within ${timeoutMs} ms; its output:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function uniqueQueue(label: string): string {
  return `postline-cli-${label}-${randomUUID().slice(0, 8)}`;
}

/** Publishes `{ n }` for each n to the queue through the default exchange. */
export async function publishNumbers(queue: string, numbers: readonly number[]): Promise<void> {
  const broker = new RabbitBroker({ url: RABBIT_URL, logger: silentLogger });
  try {
    await broker.connect();
    for (const n of numbers) await broker.publish({ n }, queue, { exchange: "" });
  } finally {
    await broker.close();
  }
}

/** Messages ready in the queue, then the queue deleted. */
export async function drainQueueInfo(queue: string): Promise<number> {
  const connection = await amqp.connect(RABBIT_URL);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    await channel.deleteQueue(queue);
    return messageCount;
  } finally {
    await connection.close();
  }
}

export function stopChild(run: RunProcess): void {
  // The whole group: the tsx launcher, the CLI it runs and the CLI's workers.
  killGroup(run.child);
}
