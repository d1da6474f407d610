// Typed view of rules/variants.yaml (validated by rules/schema/variants.schema.json).
import type { KnowledgeBase } from './types';

export type VariantAccelerator = 'any' | 'cpu' | 'cuda' | 'rocm' | 'directml' | 'openvino' | 'qnn' | 'coreml';

export interface VariantGroup {
  id: string;
  import: string;
  source: string;
  note?: string;
  distributions: { name: string; accelerator: VariantAccelerator }[];
}

export function variantGroups(kb: KnowledgeBase): VariantGroup[] {
  const doc = kb.documents['variants'] as { groups?: VariantGroup[] } | undefined;
  return doc?.groups ?? [];
}
