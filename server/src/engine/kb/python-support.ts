// Typed view of rules/python-support.yaml (validated by rules/schema/python-support.schema.json; the types are generated from it).
import type { PythonSupportDocument } from './generated/python-support';
import type { KnowledgeBase } from './types';

export type PythonSupportPackage = PythonSupportDocument['packages'][number];
export type PythonSupportRelease = PythonSupportPackage['releases'][number];

export function pythonSupport(kb: KnowledgeBase): PythonSupportPackage[] {
  const doc = kb.documents['python-support'] as Partial<PythonSupportDocument> | undefined;
  return doc?.packages ?? [];
}
