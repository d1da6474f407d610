// setup.cfg (setuptools' declarative config) into the shared model: `[options] install_requires`,
// `python_requires`, `install_requires = file: requirements.txt`, and `[options.extras_require]`,
// read the way setuptools reads them (Python's configparser, then its requirement lists) with
// every value line's offsets kept. Never throws: a bad line becomes a problem where it is written.
import { pushAll } from '../arrays';
import { LineIndex } from '../line-index';
import type { Include, ParsedFile, RequirementOrigin, Span } from '../model';
import { identityText, parseMappedRequirement } from './pyproject';

/** One line of an INI value, trimmed, with where it starts in the file. */
export interface IniLine {
  text: string;
  start: number;
}

export interface IniEntry {
  /** As configparser keys it: lower-cased. */
  key: string;
  keySpan: Span;
  /** The value's lines: the one after the delimiter (when not empty) and the indented ones after it. */
  lines: IniLine[];
}

export interface IniSection {
  name: string;
  nameSpan: Span;
  entries: IniEntry[];
}

/**
 * Reads INI text the way configparser's defaults do: `[section]` headers, `key = value` or
 * `key: value`, a value continued on indented lines, and a line starting (after blanks) with `#`
 * or `;` a comment wherever it is, in a value included. Lines that are none of these are
 * reported through `problem`.
 */
export function readIni(text: string, problem: (span: Span, message: string) => void): IniSection[] {
  const sections: IniSection[] = [];
  let section: IniSection | null = null;
  let entry: IniEntry | null = null;
  const linePattern = /[^\r\n]*(?:\r\n|\r|\n|$)/gy;
  for (let at = 0; at < text.length; ) {
    linePattern.lastIndex = at;
    const raw = linePattern.exec(text)![0];
    const start = at;
    at += raw.length;
    if (raw.length === 0) break;
    const line = raw.replace(/[\r\n]+$/, '');
    const lead = line.length - line.trimStart().length;
    const body = line.trim();
    if (body === '') continue; // a blank line inside a value: configparser keeps it, setuptools drops it
    if (body.startsWith('#') || body.startsWith(';')) continue;
    if (lead > 0 && entry) {
      entry.lines.push({ text: body, start: start + lead });
      continue;
    }
    const header = /^\[([^\]]*)\]/.exec(body);
    if (header && lead === 0) {
      section = { name: header[1]!.trim(), nameSpan: { start: start + 1, end: start + 1 + header[1]!.length }, entries: [] };
      sections.push(section);
      entry = null;
      continue;
    }
    const delimiter = body.search(/[=:]/);
    if (delimiter <= 0 || !section) {
      entry = null;
      problem({ start: start + lead, end: start + lead + body.length }, section ? `Expected 'key = value' in [${section.name}]` : 'Expected a [section] header before this line');
      continue;
    }
    const key = body.slice(0, delimiter).trimEnd();
    const valueText = body.slice(delimiter + 1);
    const valueLead = valueText.length - valueText.trimStart().length;
    const valueStart = start + lead + delimiter + 1 + valueLead;
    entry = { key: key.toLowerCase(), keySpan: { start: start + lead, end: start + lead + key.length }, lines: [] };
    if (valueText.trim() !== '') entry.lines.push({ text: valueText.trim(), start: valueStart });
    section.entries.push(entry);
  }
  return sections;
}

export function parseSetupCfg(path: string, text: string): ParsedFile {
  const file: ParsedFile = { path, kind: 'setup-cfg', requirements: [], options: [], includes: [], problems: [], groups: [] };
  const lines = new LineIndex(text);
  const problem = (span: Span, message: string) => file.problems.push({ line: lines.positionAt(span.start).line + 1, span, message });
  try {
    const sections = readIni(text, problem);
    const entries = (name: string) => sections.filter((s) => s.name === name).flatMap((s) => s.entries);
    for (const entry of entries('options')) {
      if (entry.key === 'install_requires') readRequirementList(file, lines, entry, { section: 'options.install_requires', scope: 'base' });
      else if (entry.key === 'setup_requires') readRequirementList(file, lines, entry, { section: 'options.setup_requires', scope: 'build' });
      else if (entry.key === 'python_requires' && entry.lines.length > 0) {
        const first = entry.lines[0]!;
        file.pythonRequirement = { specifier: first.text.replace(/\s+/g, ''), span: { start: first.start, end: first.start + first.text.length } };
      }
    }
    for (const section of sections.filter((s) => s.name === 'options.extras_require')) {
      for (const entry of section.entries) {
        if (!file.groups!.some((g) => g.kind === 'extra' && g.name === entry.key)) file.groups!.push({ kind: 'extra', name: entry.key, span: entry.keySpan, includeGroups: [] });
        readRequirementList(file, lines, entry, { section: 'options.extras_require', group: entry.key, scope: 'extra' });
      }
    }
  } catch (error) {
    // Defensive: the parser must never throw, whatever the input.
    problem({ start: 0, end: 0 }, `Could not read setup.cfg: ${error instanceof Error ? error.message : String(error)}`);
  }
  file.problems.sort((a, b) => a.span.start - b.span.start);
  return file;
}

/**
 * A setuptools requirement list: one per line, or one line split at `;` (setuptools' own rule, so
 * on one line a `;` separates requirements rather than starting a marker); `file: a.txt b.txt`
 * reads requirements files; ` #` starts a comment.
 */
function readRequirementList(file: ParsedFile, lines: LineIndex, entry: IniEntry, origin: RequirementOrigin): void {
  const first = entry.lines[0];
  if (entry.lines.length === 1 && first && /^file:/.test(first.text)) {
    for (const target of first.text.slice(5).matchAll(/\S+/g)) {
      const start = first.start + 5 + target.index;
      const span = { start, end: start + target[0].length };
      const include: Include = { file: file.path, line: lines.positionAt(start).line + 1, span, kind: 'requirement', target: target[0], targetSpan: span, origin };
      file.includes.push(include);
    }
    return;
  }
  const parts: IniLine[] = [];
  if (entry.lines.length === 1 && first) {
    for (const piece of first.text.matchAll(/[^;]+/g)) parts.push({ text: piece[0], start: first.start + piece.index });
  } else pushAll(parts, entry.lines);
  for (const part of parts) {
    const comment = part.text.indexOf(' #');
    const written = comment >= 0 ? part.text.slice(0, comment) : part.text;
    const lead = written.length - written.trimStart().length;
    const requirement = written.trim();
    if (requirement === '' || requirement.startsWith('#')) continue;
    const parsed = parseMappedRequirement(file.path, lines, identityText(requirement, part.start + lead), origin, file.problems);
    if (parsed) file.requirements.push(parsed);
  }
}
