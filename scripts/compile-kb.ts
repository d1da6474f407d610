// Build step: validate rules/**/*.yaml against their schemas and write dist/kb.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledKnowledgeBaseName, loadKnowledgeBase } from '../server/src/host/knowledge-base';

export function compileKnowledgeBase(root: string): void {
  const kb = loadKnowledgeBase(join(root, 'rules'));
  writeFileSync(join(root, 'dist', compiledKnowledgeBaseName), JSON.stringify(kb.documents));
}
