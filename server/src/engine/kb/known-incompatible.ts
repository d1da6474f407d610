// Typed view of rules/known-incompatible.yaml (validated by rules/schema/known-incompatible.schema.json).
import type { KnowledgeBase } from './types';

export interface IncompatiblePair {
  id: string;
  package: string;
  affected: string;
  fixed_in?: string;
  with: string;
  with_versions: string;
  reason: string;
  advice?: string;
  source: string;
}

export function incompatiblePairs(kb: KnowledgeBase): IncompatiblePair[] {
  const doc = kb.documents['known-incompatible'] as { pairs?: IncompatiblePair[] } | undefined;
  return doc?.pairs ?? [];
}
