// Typed view of rules/python-support.yaml (validated by rules/schema/python-support.schema.json).
import type { KnowledgeBase } from './types';

export interface PythonSupportRelease {
  versions: string;
  /** `min` is absent where only the newest Python without wheels is known. */
  python: { min?: string; max: string };
  source: string;
}

export interface PythonSupportPackage {
  name: string;
  releases: PythonSupportRelease[];
}

export function pythonSupport(kb: KnowledgeBase): PythonSupportPackage[] {
  const doc = kb.documents['python-support'] as { packages?: PythonSupportPackage[] } | undefined;
  return doc?.packages ?? [];
}
