// The one entry point shared by the language server and the CLI.
import { applyEdits, bulkFix, type Edit, type Finding, type Fix, type PinChanges } from './findings';
import { withoutDisagreeingFixes } from './fix-conflicts';
import type { Grammars } from './grammars';
import { imageCatalog } from './kb/docker-images';
import { condaNames } from './kb/conda';
import { cpythonMinors } from './kb/python';
import type { KnowledgeBase } from './kb/types';
import { addInstalledEnvironments, type InstalledEnvironmentInput } from './installed';
import { LineIndex } from './line-index';
import type { SourceFile, Span, UnreadableFile } from './model';
import { buildProject, type ParseCache, type Project } from './project';
import { rules } from './rules';
import type { Rule } from './rules/types';
import type { Settings } from './settings';
import { kindSpec } from './kinds';
import { findSuppressions, type Suppressions } from './suppressions';
import { unusedSuppressionId } from './rules/unused-suppression';
import type { FileSuppressions } from './rules/types';
import { cellLocator, jsonEscape, type CellPosition } from './parsers/notebook';

export interface AnalysisInput {
  files: SourceFile[];
  unreadable?: UnreadableFile[];
  settings: Settings;
  kb: KnowledgeBase;
  /** Tree-sitter grammars for shell scripts and .py files; without them those files are skipped. */
  grammars?: Grammars;
  /**
   * Parses kept from earlier runs (a long-lived host such as the language server): files whose text
   * is unchanged are not parsed again. buildProject adds the files it parses; the host prunes.
   */
  parseCache?: ParseCache;
  /** Installed environments to check with the files (read by the host, metadata only). */
  installed?: InstalledEnvironmentInput[];
}

export interface AnalysisResult {
  project: Project;
  findings: Finding[];
  /** A rule that threw: logged by the host, never fatal. */
  internalErrors: { ruleId: string; message: string }[];
}

function enabledRules(settings: Settings): Rule[] {
  return rules.filter((rule) => {
    const id = rule.meta.id;
    if (settings.select.length > 0 && !settings.select.includes(id)) return false;
    if (settings.ignore.includes(id)) return false;
    return settings.severity[id] !== 'off';
  });
}

/** The order findings are reported in: by file, then offset, then rule (a stable sort keeps each rule's own order). */
export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId);
}

export function analyze(input: AnalysisInput): AnalysisResult {
  const project = buildProject({
    files: input.files,
    unreadable: input.unreadable,
    python: input.settings.python,
    pythonMinors: cpythonMinors(input.kb),
    condaNames: condaNames(input.kb),
    grammars: input.grammars,
    parseCache: input.parseCache,
    baseImages: (reference) => imageCatalog(input.kb)?.contentsOf(reference) ?? null,
  });
  if (input.installed) addInstalledEnvironments(project, input.installed, input.settings.python);
  // Metadata of installed distributions is read, never written: fixes that would edit it are dropped.
  const readOnly = new Set(project.installed.flatMap((env) => env.distributions.map((d) => d.file)));
  // What a base image installed is named by its FROM line: a fix for the package must not rewrite the image.
  const imageSpans = new Map<string, Span[]>();
  for (const env of project.environments) {
    for (const r of env.requirements) {
      if (!r.preinstalled) continue;
      if (!imageSpans.has(r.file)) imageSpans.set(r.file, []);
      const spans = imageSpans.get(r.file)!;
      spans.push(r.span);
      if (r.specifierSpan) spans.push(r.specifierSpan);
    }
  }
  const editable = (edit: Edit): boolean =>
    !readOnly.has(edit.file) && !(imageSpans.get(edit.file) ?? []).some((span) => edit.span.start < span.end && span.start < edit.span.end);
  // Generated files (locks) are rewritten by their tool, never by a fix: where a fix would edit one,
  // the finding says to regenerate it instead.
  const generatedBy = new Map<string, string>();
  for (const file of project.parsed.values()) {
    const generated = kindSpec(file.kind).generated;
    if (generated) generatedBy.set(file.path, generated.by);
  }
  const findings: Finding[] = [];
  const internalErrors: AnalysisResult['internalErrors'] = [];
  const seen = new Set<string>();
  const suppressions = new Map<string, Suppressions>();
  const lineIndexes = new Map<string, LineIndex>();

  const suppressionsOf = (file: string, text: string): Suppressions => {
    let found = suppressions.get(file);
    if (!found) {
      const kind = project.parsed.get(file)?.kind;
      const style = kind ? kindSpec(kind).comment : null;
      suppressions.set(file, (found = findSuppressions(text, style ?? '#')));
    }
    return found;
  };
  const suppressed = (file: string, offset: number, ruleId: string): boolean => {
    const source = project.sources.get(file);
    if (!source) return false;
    const map = suppressionsOf(file, source.text);
    if (map.comments.length === 0) return false;
    if (!lineIndexes.has(file)) lineIndexes.set(file, new LineIndex(source.text));
    // An unused-suppression finding is silenced only by a comment naming that rule, not by the bare comment it reports.
    return map.suppresses(lineIndexes.get(file)!.positionAt(offset).line, ruleId, ruleId === unusedSuppressionId);
  };
  const enabled = enabledRules(input.settings);
  const failed = new Set<string>();
  // What the ignore comments of the project's files suppressed, once the other rules have run.
  const suppressionUse = () => {
    const files: FileSuppressions[] = [];
    for (const [file, source] of project.sources) {
      const kind = project.parsed.get(file)?.kind;
      if (!kind || file.startsWith('../')) continue;
      const spec = kindSpec(kind);
      // Without grammars these files read as empty: nothing was checked, so nothing is judged.
      if (spec.comment === null || (spec.needsGrammars && !input.grammars)) continue;
      const found = suppressionsOf(file, source.text);
      if (found.comments.length > 0) files.push({ file, text: source.text, comments: found.comments, used: found.used, wholeLines: kind !== 'notebook' });
    }
    const active = rules.filter((rule) => rule.meta.status === 'active');
    const ran = new Set(enabled.filter((rule) => rule.meta.status === 'active' && !failed.has(rule.meta.id)).map((rule) => rule.meta.id));
    return { files, known: rules.map((rule) => rule.meta.id), ran, allRan: active.every((rule) => ran.has(rule.meta.id)) };
  };

  // Notebooks: a finding names its cell; a fix edits only inside the cells' JSON strings, escaped.
  const locators = new Map<string, ((offset: number) => CellPosition | null) | null>();
  const cellsOf = (file: string): ((offset: number) => CellPosition | null) | null => {
    if (!locators.has(file)) {
      const cells = project.parsed.get(file)?.cells;
      const text = project.sources.get(file)?.text;
      locators.set(file, cells && text !== undefined ? cellLocator(text, cells) : null);
    }
    return locators.get(file)!;
  };
  const inCells = (fix: Fix): Fix | null => {
    const edits: Edit[] = [];
    for (const edit of fix.edits) {
      const locate = cellsOf(edit.file);
      if (!locate) {
        edits.push(edit);
        continue;
      }
      const start = locate(edit.span.start);
      const end = locate(edit.span.end);
      if (!start || !end || start.cell !== end.cell) return null; // it would break the notebook's JSON
      edits.push({ ...edit, text: jsonEscape(edit.text) });
    }
    return { ...fix, edits };
  };

  for (const rule of enabled) {
    const override = input.settings.severity[rule.meta.id];
    try {
      rule.check({
        project,
        kb: input.kb,
        settings: input.settings,
        suppressions: suppressionUse,
        report(report) {
          // A file included from several roots is checked once per environment: keep one finding.
          const key = `${rule.meta.id}\0${report.file}\0${report.span.start}\0${report.span.end}\0${report.message}`;
          if (seen.has(key) || suppressed(report.file, report.span.start, rule.meta.id)) return;
          seen.add(key);
          const offered = report.fixes ?? [];
          const fixes = offered.filter((fix) => fix.edits.every((edit) => editable(edit) && !generatedBy.has(edit.file)));
          const regenerate = [...new Set(offered.filter((fix) => !fixes.includes(fix)).flatMap((fix) => fix.edits.map((e) => e.file)))].filter((f) => generatedBy.has(f));
          const advice = regenerate.map((f) => ` ${f} is generated: change what it is generated from, then regenerate it (${generatedBy.get(f)}).`).join('');
          const cell = cellsOf(report.file)?.(report.span.start);
          findings.push({
            ruleId: rule.meta.id,
            level: override && override !== 'off' ? override : (report.level ?? rule.meta.defaultLevel),
            message: report.message + advice,
            file: report.file,
            span: report.span,
            related: report.related ?? [],
            fixes: fixes.map(inCells).filter((fix): fix is Fix => fix !== null),
            ...(report.deprecated ? { deprecated: true } : {}),
            ...(cell ? { cell: { number: cell.cell, line: cell.line + 1 } } : {}),
          });
        },
      });
    } catch (error) {
      failed.add(rule.meta.id);
      internalErrors.push({ ruleId: rule.meta.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
  findings.sort(compareFindings);
  return { project, findings: withoutDisagreeingFixes(findings), internalErrors };
}

/** The edits a bulk fix applies, grouped by file (the first fix of each finding that `bulkFix` takes). */
export function safeEditsByFile(findings: readonly Finding[], pinChanges: PinChanges = false): Map<string, Edit[]> {
  const byFile = new Map<string, Edit[]>();
  for (const finding of findings) {
    const fix = bulkFix(finding, pinChanges);
    if (!fix) continue;
    for (const edit of fix.edits) {
      if (!byFile.has(edit.file)) byFile.set(edit.file, []);
      byFile.get(edit.file)!.push(edit);
    }
  }
  return byFile;
}

const maxFixPasses = 10;

/**
 * Applies safe fixes (and the pin changes `pinChanges` takes) until nothing changes (bounded, like Ruff's fix loop) and returns the new
 * text of every changed file. `converged` is false when the passes ran out, or when a pass came
 * back to the texts of an earlier one (fixes undoing each other, which withoutDisagreeingFixes
 * should have prevented).
 */
export function fixAll(input: AnalysisInput, pinChanges: PinChanges = false): { changed: Map<string, string>; passes: number; converged: boolean } {
  const original = new Map(input.files.map((f) => [f.path, f.text]));
  let files = new Map(original);
  /** The texts after each pass, by state key (strings are shared, not copied). */
  const seen = new Map<string, Map<string, string>>([[stateKey(files, original), files]]);
  let passes = 0;
  let converged = false;
  while (passes < maxFixPasses) {
    passes++;
    const result = analyze({ ...input, files: [...files].map(([path, text]) => ({ path, text })) });
    const edits = safeEditsByFile(result.findings, pinChanges);
    const next = new Map(files);
    for (const [path, fileEdits] of edits) {
      const before = next.get(path);
      if (before === undefined) continue;
      next.set(path, applyEdits(before, fileEdits).text);
    }
    const key = stateKey(next, original);
    if (key === stateKey(files, original)) {
      converged = true;
      break;
    }
    const earlier = seen.get(key);
    if (earlier) {
      // Fixes undoing each other: end where the cycle starts, so that a run from there comes back
      // to the same texts and writes nothing.
      files = earlier;
      break;
    }
    seen.set(key, next);
    files = next;
  }
  const changed = new Map<string, string>();
  for (const [path, text] of files) if (text !== original.get(path)) changed.set(path, text);
  return { changed, passes, converged };
}

/** The texts that differ from the original, by a hash each: equal keys are (almost surely) equal states. */
function stateKey(files: ReadonlyMap<string, string>, original: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [path, text] of files) if (text !== original.get(path)) parts.push(`${path}\0${text.length}\0${hash(text)}`);
  return parts.sort().join('\n');
}

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
