// Vitest global setup: validates rules/ once per run and hands the workers the compiled knowledge
// base (the dist/kb.json format), so test files parse JSON instead of re-validating the YAML each.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { compiledKnowledgeBaseName, compiledKnowledgeBaseText, loadKnowledgeBase } from '../../server/src/host/knowledge-base';

/** Validates `rulesDir` (throwing the validator's message) and writes it compiled into `outDir`; the file written. */
export function compileTestKnowledgeBase(rulesDir: string, outDir: string): string {
  const file = join(outDir, compiledKnowledgeBaseName);
  writeFileSync(file, compiledKnowledgeBaseText(loadKnowledgeBase(rulesDir)));
  return file;
}

export default function setup(project: TestProject): () => void {
  const outDir = mkdtempSync(join(tmpdir(), 'pinwise-test-kb-'));
  const removeOutDir = () => rmSync(outDir, { recursive: true, force: true });
  try {
    project.provide('compiledKnowledgeBase', compileTestKnowledgeBase(join(__dirname, '..', '..', 'rules'), outDir));
  } catch (error) {
    removeOutDir();
    throw error;
  }
  return removeOutDir;
}
