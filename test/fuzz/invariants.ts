import { analyze, defaultSettings, type AnalysisResult, type SourceFile } from '../../server/src/engine';
import type { Grammars } from '../../server/src/engine/grammars';
import { join } from 'node:path';
import { loadKnowledgeBase } from '../../server/src/host/knowledge-base';

// Loaded here rather than from test/support/analyze (which uses top-level await,
// so `tsx scripts/fuzz.ts` could not load it as CommonJS).
const kb = loadKnowledgeBase(join(__dirname, '..', '..', 'rules'));

/** Analyzes `files` and throws a descriptive error when an engine invariant breaks. */
export function analyzeChecked(files: SourceFile[], grammars?: Grammars): AnalysisResult {
  const result = analyze({ files, settings: defaultSettings(), kb, grammars });
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
