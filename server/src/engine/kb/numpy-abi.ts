// Typed view of rules/numpy-abi.yaml (validated by rules/schema/numpy-abi.schema.json; the types are generated from it).
import type { NumpyAbiDocument } from './generated/numpy-abi';
import type { KnowledgeBase } from './types';

export type NumpyAbi = NumpyAbiDocument;
export type NumpyAbiPackage = NumpyAbiDocument['packages'][number];

export function numpyAbi(kb: KnowledgeBase): NumpyAbi | null {
  const doc = kb.documents['numpy-abi'] as NumpyAbi | undefined;
  return doc ?? null;
}
