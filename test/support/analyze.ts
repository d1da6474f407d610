// Test entry: fixtures in, findings out, through the engine's public surface.
import { join } from 'node:path';
import { analyze, defaultSettings, fixAll, type Finding, type Settings } from '../../server/src/engine';
import { loadGrammars } from '../../server/src/host/grammars';
import { testKnowledgeBase } from './knowledge-base';

export const repoRoot = join(__dirname, '..', '..');
export const kb = testKnowledgeBase();
/** Shell and Python parsing need the tree-sitter grammars (loaded once per test file). */
export const grammars = await loadGrammars();

export function check(files: Record<string, string>, settings: Partial<Settings> = {}): Finding[] {
  const input = Object.entries(files).map(([path, text]) => ({ path, text }));
  return analyze({ files: input, settings: defaultSettings(settings), kb, grammars }).findings;
}

/** Findings of one rule, as `file:startLine message` plus the flagged text, for readable assertions. */
export function checkRule(ruleId: string, files: Record<string, string>, settings: Partial<Settings> = {}) {
  return check(files, { ...settings, select: [ruleId] }).map((f) => ({
    file: f.file,
    text: files[f.file]!.slice(f.span.start, f.span.end),
    message: f.message,
    level: f.level,
    related: f.related.map((r) => ({ file: r.file, text: files[r.file]!.slice(r.span.start, r.span.end) })),
    fixes: f.fixes,
  }));
}

/** Applies every safe fix (with `pinChanges`, the pin changes too) until stable and returns the resulting texts. */
export function fixFiles(files: Record<string, string>, settings: Partial<Settings> = {}, pinChanges = false): Record<string, string> {
  const input = Object.entries(files).map(([path, text]) => ({ path, text }));
  const { changed } = fixAll({ files: input, settings: defaultSettings(settings), kb, grammars }, pinChanges);
  return { ...files, ...Object.fromEntries(changed) };
}

/** fixFiles as `--fix --unsafe-fixes` applies them: safe fixes and those that change what is installed. */
export const fixPins = (files: Record<string, string>, settings: Partial<Settings> = {}): Record<string, string> => fixFiles(files, settings, true);
