// Typed view of rules/requires.yaml (validated by rules/schema/requires.schema.json).
import type { KnowledgeBase } from './types';

export interface DeclaredRequirement {
  package: string;
  versions: string;
  requires: string;
  specifier: string;
  marker?: string;
  /** Only builds with no local tag, or a local tag starting with one of these, declare it. */
  local_tags?: string[];
  source: string;
}

export function declaredRequirements(kb: KnowledgeBase): DeclaredRequirement[] {
  const doc = kb.documents['requires'] as { requirements?: DeclaredRequirement[] } | undefined;
  return doc?.requirements ?? [];
}
