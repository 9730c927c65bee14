import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { DeliveryQueue, DropReporter, RedeliveryRule, type DeliveryHandler, type Logger, type Settlement, type SubscriptionSpec, type TransportSubscription } from "../core/index.js";
import type { JetStream } from "./jetstream.js";
import { toIncoming, type NatsRaw } from "./message.js";
import type { NatsCoreSubscribeOptions, NatsJetStreamSubscribeOptions } from "./options.js";

/** Core subjects are at-most-once: there is nothing to settle. */
const settleNothing = (): Promise<void> => Promise.resolve();

export async function subscribeCore(nc: NatsConnection, spec: SubscriptionSpec<NatsCoreSubscribeOptions>, handler: DeliveryHandler<NatsRaw>, logger: Logger): Promise<TransportSubscription> {
  const drops = new DropReporter(spec, spec.options.maxPending, "NATS", (message, fields) => logger.warn(message, fields));
  // NATS pushes messages at the client: they wait in the queue for a free handler, dropped beyond maxPending.
  const queue = new DeliveryQueue<Msg>({ concurrency: spec.concurrency, batch: spec.batch, drops, deliver: (msgs) => handler({ messages: msgs.map(toIncoming), settle: settleNothing }) });
  const subscription = nc.subscribe(spec.destination, {
    ...(spec.options.group === undefined ? {} : { queue: spec.options.group }),
    callback: (error, msg) => {
      if (error !== null) logger.error(`subscriber "${spec.name}": the NATS subscription to "${spec.destination}" failed`, { error });
      else queue.push(msg);
    },
  });
  // The server has registered the subscription once it answers a ping: publishes from now on reach it.
  await nc.flush();
  return {
    async stop() {
      // Draining lets messages the server already sent arrive; then everything received is handled (core NATS
      // cannot redeliver, so dropping them would lose them).
      if (!nc.isClosed()) await subscription.drain().catch(() => subscription.unsubscribe());
      await queue.drain();
      drops.close();
    },
  };
}

function settleJetStream(msgs: readonly JsMsg[], settlement: Settlement, rule: RedeliveryRule): void {
  for (const msg of msgs) {
    if (settlement.kind === "ack") msg.ack();
    else if (rule.requeues(settlement, msg.info.deliveryCount)) msg.nak();
    // A reject, a nack without requeue and one past maxDeliveries all tell the server never to redeliver.
    else msg.term();
  }
}

export async function subscribeJetStream(js: JetStream, nc: NatsConnection, spec: SubscriptionSpec<NatsJetStreamSubscribeOptions>, handler: DeliveryHandler<NatsRaw>, logger: Logger, inbox: () => string): Promise<TransportSubscription> {
  const options = spec.options.jetstream;
  const consumer = await js.consumerFor(spec, inbox);
  const ackWaitMs = options.ackWaitMs ?? 30_000;
  const inProgressMs = options.inProgressMs === false ? undefined : (options.inProgressMs ?? ackWaitMs / 2);
  const rule = new RedeliveryRule(spec.maxDeliveries);
  const deliver = async (msgs: JsMsg[]): Promise<void> => {
    // A long handler keeps its messages: "in progress" resets the server's ack timer.
    const keepAlive = inProgressMs === undefined ? undefined : setInterval(() => msgs.forEach((msg) => msg.working()), inProgressMs);
    try {
      await handler({ messages: msgs.map(toIncoming), settle: async (settlement) => settleJetStream(msgs, settlement, rule) });
    } finally {
      clearInterval(keepAlive);
    }
  };
  const queue = new DeliveryQueue<JsMsg>({ concurrency: spec.concurrency, batch: spec.batch, deliver });
  let messages: ConsumerMessages;
  if (consumer.push) {
    messages = await (await js.client.consumers.getPushConsumer(consumer.stream, consumer.name)).consume();
  } else {
    const prefetch = options.prefetch ?? Math.max(32, 2 * spec.concurrency * (spec.batch?.maxSize ?? 1));
    messages = await (await js.client.consumers.get(consumer.stream, consumer.name)).consume({ max_messages: prefetch });
  }
  let stopping = false;
  const loop = (async () => {
    for await (const msg of messages) {
      // Messages the client had buffered when the subscription stopped go back to the server at once.
      if (stopping) msg.nak();
      else {
        // The pull loop waits while a delivery's worth waits, so the server keeps the rest.
        queue.push(msg);
        await queue.room();
      }
    }
  })().catch((error: unknown) => {
    if (!stopping) logger.error(`subscriber "${spec.name}": JetStream consumer "${consumer.name}" stopped`, { error });
  });
  return {
    async stop() {
      stopping = true;
      queue.release();
      await messages.close().catch(() => undefined);
      await loop;
      for (const msg of queue.takeQueued()) msg.nak();
      await queue.drain();
      if (consumer.ephemeral && !nc.isClosed()) await js.manager.consumers.delete(consumer.stream, consumer.name).catch(() => undefined);
    },
  };
}
