// Build step: every rules/**/*.yaml checked for meaning (server/src/engine/kb/meaning.ts), each
// problem named by file and line, so an invalid version, specifier, marker or URL fails the build.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { checkDocumentMeaning } from '../server/src/engine/kb/meaning';
import { yamlFiles } from '../server/src/host/knowledge-base';

/** `rules/requires.yaml:15:16: requirements[1].specifier "..." is not a PEP 440 specifier set (...)`, one per problem. */
export function knowledgeBaseMeaningProblems(rulesDir: string, shownAs = 'rules'): string[] {
  const out: string[] = [];
  for (const file of yamlFiles(rulesDir)) {
    const rel = relative(rulesDir, file).replace(/\\/g, '/');
    const key = rel.replace(/\.ya?ml$/, '');
    for (const p of checkDocumentMeaning(key, readFileSync(file, 'utf8'))) {
      out.push(`${shownAs}/${rel}:${p.line}:${p.column}: ${p.field ? `${p.field} ` : ''}${p.message}`);
    }
  }
  return out;
}
