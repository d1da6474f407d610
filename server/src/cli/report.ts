// Findings located for output: one place turns engine spans into 1-based regions.
import type { Applicability, Finding } from '../engine/findings';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineIndex } from '../engine/line-index';

export interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface LocatedFinding {
  finding: Finding;
  /** Path as printed: relative to the PATH argument, `/` separators. */
  uri: string;
  region: Region;
  related: { uri: string; region: Region; message: string }[];
  fixes: { title: string; applicability: Applicability; changes: { uri: string; replacements: { region: Region; text: string }[] }[] }[];
}

/** How many findings `--fix` fixes, and of the others how many only `--unsafe-fixes` or only an editor's quick fix would. */
export interface FixCounts {
  fixable: number;
  changesInstalled: number;
  manual: number;
}

export function countFixes(located: readonly LocatedFinding[], unsafeFixes: boolean): FixCounts {
  const counts: FixCounts = { fixable: 0, changesInstalled: 0, manual: 0 };
  for (const { fixes } of located) {
    const has = (applicability: Applicability) => fixes.some((fix) => fix.applicability === applicability);
    if (has('safe') || (unsafeFixes && has('changes-installed'))) counts.fixable++;
    else if (has('changes-installed')) counts.changesInstalled++;
    else if (has('manual')) counts.manual++;
  }
  return counts;
}

/** The text report's closing lines about fixes: what `--fix` would do, and why the rest is left. */
export function fixSummary(counts: FixCounts): string[] {
  const fixes = (n: number) => `${n} fix${n === 1 ? '' : 'es'}`;
  const lines: string[] = [];
  if (counts.fixable > 0) lines.push(`${counts.fixable} fixable with --fix`);
  if (counts.changesInstalled > 0) lines.push(`${fixes(counts.changesInstalled)} change${counts.changesInstalled === 1 ? 's' : ''} what is installed: rerun with --fix --unsafe-fixes`);
  if (counts.manual > 0) lines.push(`${fixes(counts.manual)} need${counts.manual === 1 ? 's' : ''} a choice: offered as quick fixes only (--show-fixes lists them)`);
  return lines;
}

/** Locates findings of one project; `prefix` is prepended to project paths (for PATHs given as files). */
export function locate(findings: readonly Finding[], texts: Map<string, string>, prefix = ''): LocatedFinding[] {
  const indexes = new Map<string, LineIndex>();
  const region = (file: string, span: { start: number; end: number }): Region => {
    if (!indexes.has(file)) indexes.set(file, new LineIndex(texts.get(file) ?? ''));
    return indexes.get(file)!.toRegion(span);
  };
  // Files outside the project (an installed environment given with --env) keep an absolute file:// URI.
  const uri = (file: string) => (isAbsolute(file) ? pathToFileURL(file).href : (prefix ? `${prefix}/${file}` : file).replace(/^\.\//, ''));
  return findings.map((finding) => ({
    finding,
    uri: uri(finding.file),
    region: region(finding.file, finding.span),
    related: finding.related.map((r) => ({ uri: uri(r.file), region: region(r.file, r.span), message: r.message })),
    fixes: finding.fixes.map((fix) => {
      const byFile = new Map<string, { region: Region; text: string }[]>();
      for (const edit of fix.edits) {
        if (!byFile.has(edit.file)) byFile.set(edit.file, []);
        byFile.get(edit.file)!.push({ region: region(edit.file, edit.span), text: edit.text });
      }
      return { title: fix.title, applicability: fix.applicability, changes: [...byFile].map(([file, replacements]) => ({ uri: uri(file), replacements })) };
    }),
  }));
}
