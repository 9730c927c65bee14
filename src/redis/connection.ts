import type * as IoRedis from "ioredis";
import type { Redis, RedisOptions } from "ioredis";
import { loadPeer, PostlineError, type Logger } from "../core/index.js";

/** The Redis server could not be reached (or refused the connection). */
export class RedisConnectionError extends PostlineError {}

// Importing `postline/redis` without ioredis installed fails here, saying what to install.
const { Redis: RedisClient } = await loadPeer<typeof IoRedis>("ioredis", "postline/redis");

export interface ConnectionSettings {
  readonly url: URL;
  readonly options: RedisOptions | undefined;
  readonly logger: () => Logger;
}

export function describeAddress(url: URL): string {
  return `${url.hostname || "127.0.0.1"}:${url.port || "6379"}`;
}

/**
 * Opens one connection and waits until it is ready. A server that cannot be reached fails the first connect
 * at once, naming the address (ioredis would otherwise retry forever, queueing commands); once connected,
 * ioredis reconnects by itself.
 */
export async function openConnection(settings: ConnectionSettings, role: string): Promise<Redis> {
  let ready = false;
  const client = new RedisClient(settings.url.href, {
    lazyConnect: true,
    connectionName: `postline-${role}`,
    ...settings.options,
    // The first connect fails fast (a clear error at start); after that, reconnect as the user's strategy says.
    retryStrategy: (times) => {
      if (!ready) return null;
      const own = settings.options?.retryStrategy;
      return own == null ? Math.min(times * 100, 2_000) : own(times);
    },
  });
  client.on("error", (error: Error) => {
    if (ready) settings.logger().warn(`Redis connection (${role}) error; reconnecting`, { error });
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new RedisConnectionError(`could not connect to the Redis server at ${describeAddress(settings.url)}: ${(error as Error).message}`, { cause: error });
  }
  ready = true;
  return client;
}

/** Closes gracefully (pending replies are read), falling back to a hard disconnect. */
export async function closeConnection(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
