// Build step: check rules/**/*.yaml for meaning and against their schemas, and write dist/kb.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledKnowledgeBaseName, compiledKnowledgeBaseText, KnowledgeBaseError, loadKnowledgeBase } from '../server/src/host/knowledge-base';
import { knowledgeBaseMeaningProblems } from './check-kb-meaning';

export function compileKnowledgeBase(root: string): void {
  const rulesDir = join(root, 'rules');
  const problems = knowledgeBaseMeaningProblems(rulesDir);
  if (problems.length > 0) throw new KnowledgeBaseError(`the knowledge base does not check:\n${problems.join('\n')}`);
  const kb = loadKnowledgeBase(rulesDir);
  writeFileSync(join(root, 'dist', compiledKnowledgeBaseName), compiledKnowledgeBaseText(kb));
}
