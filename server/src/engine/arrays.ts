// Array helpers for unbounded inputs. `target.push(...items)` passes every item as a call
// argument, and V8 overflows its stack past ~100,000 of them: a file with that many pins,
// options or findings would crash the linter.

/** Appends every item of `items` to `target` (in order), however many there are. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
