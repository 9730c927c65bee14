import type { Middleware, PublishNext } from "./middleware.js";
import type { Publishing } from "./publishing.js";

/**
 * A publisher's chain: its owner's middlewares (broker, then routers) around its own, composed once and reused.
 * It is composed again only if the lists change, which happens at registration time: a router, with its
 * middlewares, can be included after the publisher was made.
 */
export class PublisherChain {
  readonly #own: readonly Middleware<string>[];
  #publishing: Publishing | undefined;
  #outer: readonly Middleware<string>[] = [];
  #ownSeen: readonly Middleware<string>[] = [];
  #chain: PublishNext | undefined;

  constructor(own: readonly Middleware<string>[]) {
    this.#own = own;
  }

  /** `outer`: the owner's middlewares as they are now, outermost first. */
  of(publishing: Publishing, outer: readonly Middleware<string>[]): PublishNext {
    if (this.#chain === undefined || publishing !== this.#publishing || !sameList(outer, this.#outer) || !sameList(this.#own, this.#ownSeen)) {
      this.#publishing = publishing;
      // Copies: an owner may hand out a list it changes later.
      this.#outer = [...outer];
      this.#ownSeen = [...this.#own];
      this.#chain = publishing.compose([...outer, ...this.#own]);
    }
    return this.#chain;
  }
}

function sameList(a: readonly Middleware<string>[], b: readonly Middleware<string>[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}
