// Typed view of rules/variants.yaml (validated by rules/schema/variants.schema.json).
import type { KnowledgeBase } from './types';

export type VariantAccelerator = 'any' | 'cpu' | 'cuda' | 'rocm' | 'directml' | 'openvino' | 'qnn' | 'coreml';

export interface VariantGroup {
  id: string;
  import: string;
  source: string;
  note?: string;
  distributions: { name: string; accelerator: VariantAccelerator; platform?: 'linux' | 'darwin' | 'win32'; platformSource?: string }[];
}

export function variantGroups(kb: KnowledgeBase): VariantGroup[] {
  const doc = kb.documents['variants'] as { groups?: VariantGroup[] } | undefined;
  return doc?.groups ?? [];
}
