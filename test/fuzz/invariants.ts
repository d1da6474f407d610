import { analyze, defaultSettings, type AnalysisResult, type SourceFile } from '../../server/src/engine';
import type { Grammars } from '../../server/src/engine/grammars';
import type { KnowledgeBase } from '../../server/src/engine/kb/types';
import type { ParseCache } from '../../server/src/engine/project';

/**
 * Analyzes `files` and throws a descriptive error when an engine invariant breaks. The caller passes
 * the knowledge base: the tests' validated-once copy, or `scripts/fuzz.ts`'s own load of rules/.
 * `parseCache` (as the language server passes one) lets several analyses of the same texts share
 * their parses: the rules still run on each, and a file not in it is parsed as usual.
 */
export function analyzeChecked(files: SourceFile[], kb: KnowledgeBase, grammars?: Grammars, parseCache?: ParseCache): AnalysisResult {
  const result = analyze({ files, settings: defaultSettings(), kb, grammars, parseCache });
  if (result.internalErrors.length > 0) throw new Error(`rule threw: ${result.internalErrors.map((e) => e.message).join('\n')}`);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const inside = (file: string, span: { start: number; end: number }, what: string) => {
    const text = texts.get(file);
    if (text === undefined) throw new Error(`${what} points at unknown file ${file}`);
    if (!(span.start >= 0 && span.start <= span.end && span.end <= text.length)) throw new Error(`${what} span ${span.start}-${span.end} outside ${file} (${text.length})`);
  };
  for (const finding of result.findings) {
    inside(finding.file, finding.span, `${finding.ruleId} finding`);
    for (const related of finding.related) inside(related.file, related.span, `${finding.ruleId} related`);
    for (const fix of finding.fixes) for (const edit of fix.edits) inside(edit.file, edit.span, `${finding.ruleId} fix`);
  }
  for (const parsed of result.project.parsed.values()) {
    for (const requirement of parsed.requirements) inside(parsed.path, requirement.span, 'requirement');
    for (const problem of parsed.problems) inside(parsed.path, problem.span, 'problem');
  }
  return result;
}
