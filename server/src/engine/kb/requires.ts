// Typed view of rules/requires.yaml (validated by rules/schema/requires.schema.json; the types are generated from it).
import type { RequiresDocument } from './generated/requires';
import type { KnowledgeBase } from './types';

export type DeclaredRequirement = RequiresDocument['requirements'][number];

export function declaredRequirements(kb: KnowledgeBase): DeclaredRequirement[] {
  const doc = kb.documents['requires'] as Partial<RequiresDocument> | undefined;
  return doc?.requirements ?? [];
}
