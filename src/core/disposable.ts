// `await using broker` works on Node ≥ 22, but the types of `Symbol.asyncDispose` come from TypeScript's
// `esnext.disposable` lib or from @types/node, and a user's project may have neither: a target below ESNext
// (class decorators need one, to be lowered) with TypeScript ≥ 6's empty `types`. The same declarations as
// the lib's, stated here, make Postline's public types check everywhere; identical declarations merge.
declare global {
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
  }
  interface AsyncDisposable {
    [Symbol.asyncDispose](): PromiseLike<void>;
  }
}

/** What `await using` closes (the global `AsyncDisposable`, through this module so its declarations come along). */
export type AsyncCloseable = AsyncDisposable;
