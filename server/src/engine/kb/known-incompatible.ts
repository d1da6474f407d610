// Typed view of rules/known-incompatible.yaml (validated by rules/schema/known-incompatible.schema.json; the types are generated from it).
import type { KnownIncompatibleDocument } from './generated/known-incompatible';
import type { KnowledgeBase } from './types';

export type IncompatiblePair = KnownIncompatibleDocument['pairs'][number];

export function incompatiblePairs(kb: KnowledgeBase): IncompatiblePair[] {
  const doc = kb.documents['known-incompatible'] as Partial<KnownIncompatibleDocument> | undefined;
  return doc?.pairs ?? [];
}
