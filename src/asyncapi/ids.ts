// Keys of the document's maps: AsyncAPI component keys allow letters, digits, ".", "-" and "_", and the keys
// appear in `$ref` JSON pointers, so every key is reduced to those and made unique.

export class IdAllocator {
  readonly #taken = new Set<string>();

  /** `wanted` made safe; a clash gets a numeric suffix. */
  allocate(wanted: string): string {
    const base = wanted.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "") || "unnamed";
    let id = base;
    for (let counter = 2; this.#taken.has(id); counter += 1) id = `${base}_${counter}`;
    this.#taken.add(id);
    return id;
  }
}
