// Memos keyed by text (a requirement, a version, a marker) for a long-lived host such as the
// language server, where every keystroke re-parses a file and the same texts recur. They are
// bounded by size, not by entry count: a few thousand entries of a 1 MB line (typing into it)
// would otherwise keep gigabytes alive. A text longer than `maxKeyLength` is not kept at all:
// its parse is linear anyway, and its result may be many times the size of the text.

/** What each entry costs beyond its key, in characters, so that many tiny keys are bounded too. */
const entryOverhead = 64;

export class TextMemo<V> {
  private readonly entries = new Map<string, V>();
  private size = 0;

  /**
   * @param maxSize total characters of the keys kept (plus a fixed overhead per entry)
   * @param maxKeyLength longer keys are computed every time, never kept
   */
  constructor(
    private readonly maxSize: number,
    private readonly maxKeyLength: number,
  ) {}

  /** The value for `key`, computed by `compute` unless kept from before. */
  get(key: string, compute: (key: string) => V): V {
    if (this.entries.has(key)) return this.entries.get(key)!;
    const value = compute(key);
    if (key.length > this.maxKeyLength) return value;
    const cost = key.length + entryOverhead;
    // Oldest first: the Map keeps insertion order.
    for (const old of this.entries.keys()) {
      if (this.size + cost <= this.maxSize) break;
      this.entries.delete(old);
      this.size -= old.length + entryOverhead;
    }
    this.entries.set(key, value);
    this.size += cost;
    return value;
  }

  /** Characters held (keys plus per-entry overhead): never above maxSize. */
  get heldSize(): number {
    return this.size;
  }

  get count(): number {
    return this.entries.size;
  }
}
