// Typed view of rules/requires.yaml (validated by rules/schema/requires.schema.json).
import type { KnowledgeBase } from './types';

export interface DeclaredRequirement {
  package: string;
  versions: string;
  requires: string;
  specifier: string;
  marker?: string;
  source: string;
}

export function declaredRequirements(kb: KnowledgeBase): DeclaredRequirement[] {
  const doc = kb.documents['requires'] as { requirements?: DeclaredRequirement[] } | undefined;
  return doc?.requirements ?? [];
}
