// Typed view of rules/python.yaml (validated by rules/schema/python.schema.json; the types are generated from it).
import { compareVersions } from '../versions';
import type { PythonDocument } from './generated/python';
import type { KnowledgeBase } from './types';

export type CpythonMinor = PythonDocument['minors'][number];

const cache = new WeakMap<object, readonly string[]>();

/** The CPython minors (`3.8` … `3.15`) a project may run on when it does not fix one, oldest first; [] without the document. */
export function cpythonMinors(kb: KnowledgeBase): readonly string[] {
  const doc = kb.documents['python'] as Partial<PythonDocument> | undefined;
  if (!doc || !Array.isArray(doc.minors)) return [];
  let out = cache.get(doc);
  if (!out) {
    out = doc.minors.map((m) => m.version).sort(compareVersions);
    cache.set(doc, out);
  }
  return out;
}
