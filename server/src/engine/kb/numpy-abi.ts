// Typed view of rules/numpy-abi.yaml (validated by rules/schema/numpy-abi.schema.json).
import type { KnowledgeBase } from './types';

export interface NumpyAbiPackage {
  name: string;
  first_numpy2_build: string;
  source: string;
  note?: string;
  /** Requires one exact release of this other listed package, which is named instead when pinned too. */
  follows?: string;
}

export interface NumpyAbi {
  numpy2: string;
  packages: NumpyAbiPackage[];
}

export function numpyAbi(kb: KnowledgeBase): NumpyAbi | null {
  const doc = kb.documents['numpy-abi'] as NumpyAbi | undefined;
  return doc ?? null;
}
