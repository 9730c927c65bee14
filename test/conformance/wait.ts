// Waiting helpers with deadlines: a conformance test that fails must fail fast, never hang until the runner's
// own timeout (which says nothing about what was awaited).

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A deferred nobody awaits must not turn into an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Resolves with the promise's value, or rejects with a message naming what did not happen in time. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until `predicate` holds. */
export async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** Collects what handlers see, and lets the test wait until enough has arrived. */
export class Collector<T> {
  readonly items: T[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  constructor(private readonly timeoutMs: number) {}

  push(item: T): void {
    this.items.push(item);
    const ready = this.#waiters.filter((waiter) => this.items.length >= waiter.count);
    this.#waiters = this.#waiters.filter((waiter) => this.items.length < waiter.count);
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves with the first `count` items once that many arrived. */
  async count(count: number, what = `${count} item(s)`): Promise<T[]> {
    if (this.items.length < count) {
      const arrived = new Promise<void>((resolve) => this.#waiters.push({ count, resolve }));
      await within(arrived, this.timeoutMs, `${what} (got ${this.items.length}: ${preview(this.items)})`);
    }
    return this.items.slice(0, count);
  }

  /** The single first item. */
  async first(what = "one item"): Promise<T> {
    const [item] = await this.count(1, what);
    return item as T;
  }
}

function preview(items: readonly unknown[]): string {
  try {
    return JSON.stringify(items).slice(0, 200);
  } catch {
    return `${items.length} unserialisable item(s)`;
  }
}
