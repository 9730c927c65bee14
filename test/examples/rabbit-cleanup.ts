// The example's services declare durable exchanges (one per destination) and queues (`{destination}.{group}`);
// a test run with its own prefix deletes them afterwards so that runs do not pile them up in RabbitMQ.
import amqp from "amqplib";

export async function deleteExampleTopology(url: string, prefix: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const [destination, group] of [["orders", "order"], ["trades", "trade"], ["notifications", "notification"]] as const) {
      await channel.deleteQueue(`${prefix}${destination}.${group}`);
      await channel.deleteExchange(`${prefix}${destination}`);
    }
    await channel.close();
  } finally {
    await connection.close();
  }
}
