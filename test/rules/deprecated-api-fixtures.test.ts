// Every deprecation entry is a test, in the spirit of Ruff's fixtures and snapshots. For each
// rules/deprecations/<lib>.yaml, test/fixtures/deprecated-api/<lib>/ holds:
//   positive.py  each use that must be reported ends with `# expect: <symbol>[, <symbol>…]`
//   negative.py  shadowed aliases, guarded uses, unrelated same-named attributes: nothing reported
//   pins.txt     optional requirements file with the versions to judge against (else: newest known)
// The engine runs on that library's entries alone. Each finding is attributed to the entry that
// reports it; every line gets exactly the symbols it expects; every entry is reported on a line whose
// `# expect:` names it;
// the findings are rendered to findings.snap; every safe fix converges and parses.
// A new library file needs its folder; `npx vitest run test/rules/deprecated-api-fixtures.test.ts -u`
// writes its findings.snap (under CI a missing or different snapshot fails).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings, fixAll, type Finding } from '../../server/src/engine';
import type { KnowledgeBase } from '../../server/src/engine/kb/types';
import type { ParseCache } from '../../server/src/engine/project';
import { grammars, kb, repoRoot } from '../support/analyze';

const fixtures = join(repoRoot, 'test', 'fixtures', 'deprecated-api');
const settings = defaultSettings({ select: ['deprecated-api'] });

interface Entry {
  symbol: string;
  kind: string;
  keyword?: string;
}
interface Library {
  entries: Entry[];
}

const read = (path: string): string | null => (existsSync(path) ? readFileSync(path, 'utf8') : null);
const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;
const columnOf = (text: string, offset: number): number => offset - text.lastIndexOf('\n', offset - 1);
const describeEntry = (e: Entry): string => (e.keyword ? `${e.symbol} (${e.kind} ${e.keyword})` : `${e.symbol} (${e.kind})`);

/** `# expect: a, b` → line number → symbols, in order. */
function expectations(text: string): Map<number, string[]> {
  const expected = new Map<number, string[]>();
  text.split('\n').forEach((line, i) => {
    const match = /#\s*expect:\s*(.+?)\s*$/.exec(line);
    if (match) expected.set(i + 1, match[1]!.split(',').map((s) => s.trim()).filter(Boolean));
  });
  return expected;
}

/** Lines that differ between two texts (a longest-common-subsequence diff), each replaced line
 * followed by its replacement: `12 - old`, `12 + new` (numbers in the file they come from). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
  const out: string[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    const pairs = Math.max(removed.length, added.length);
    for (let k = 0; k < pairs; k++) out.push(...(removed[k] ? [removed[k]!] : []), ...(added[k] ? [added[k]!] : []));
    removed = [];
    added = [];
  };
  for (let i = 0, j = 0; i < a.length || j < b.length; ) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || common[i + 1]![j]! >= common[i]![j + 1]!)) removed.push(`${i + 1} - ${a[i++]}`);
    else added.push(`${j + 1} + ${b[j++]}`);
  }
  flush();
  return out;
}

/** Syntax errors tree-sitter finds (ERROR and MISSING nodes). */
function syntaxErrors(text: string): number {
  const parser = new grammars.Parser();
  parser.setLanguage(grammars.python);
  const tree = parser.parse(text);
  let errors = 0;
  const cursor = tree!.walk();
  try {
    for (let descend = true; ; ) {
      if (descend) {
        const node = cursor.currentNode;
        if (node.isError || node.isMissing) errors++;
      }
      if (descend && cursor.gotoFirstChild()) continue;
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (!cursor.gotoParent()) break;
      descend = false;
    }
  } finally {
    cursor.delete();
    tree!.delete();
    parser.delete();
  }
  return errors;
}

const libraries = Object.keys(kb.documents)
  .filter((key) => key.startsWith('deprecations/'))
  .map((key) => key.slice('deprecations/'.length))
  .sort();

describe('deprecation fixtures', () => {
  it('every fixture folder belongs to a deprecations file', () => {
    const folders = existsSync(fixtures) ? readdirSync(fixtures).filter((f) => !f.startsWith('.')) : [];
    expect(folders.filter((f) => !libraries.includes(f))).toEqual([]);
  });

  for (const name of libraries) {
    describe(name, () => {
      const key = `deprecations/${name}`;
      const document = kb.documents[key] as Library;
      const dir = join(fixtures, name);
      const positive = read(join(dir, 'positive.py'));
      const negative = read(join(dir, 'negative.py'));
      const pins = read(join(dir, 'pins.txt'));
      const files: Record<string, string> = { 'positive.py': positive ?? '', 'negative.py': negative ?? '' };
      if (pins !== null) files['requirements.txt'] = pins;
      const input = (documents: KnowledgeBase['documents'], cache?: ParseCache) => ({
        files: Object.entries(files).map(([path, text]) => ({ path, text })),
        settings,
        kb: { documents },
        grammars,
        ...(cache ? { parseCache: cache } : {}),
      });

      // Attribution: a finding belongs to the entries whose run alone reports it. Where several do
      // (a wildcard keyword entry and a class's own), the one its line expects is chosen, so every
      // entry still needs an `# expect:` line of its own.
      const cache: ParseCache = new Map();
      const all = analyze(input({ [key]: document }, cache)).findings;
      const alone = document.entries.map((entry) => analyze(input({ [key]: { ...document, entries: [entry] } }, cache)).findings);
      const same = (a: Finding, b: Finding) => a.file === b.file && a.span.start === b.span.start && a.span.end === b.span.end && a.message === b.message;
      const expected = expectations(positive ?? '');
      const labelled = all.map((finding) => {
        const candidates = document.entries.filter((_, i) => alone[i]!.some((f) => same(f, finding)));
        const wanted = finding.file === 'positive.py' ? (expected.get(lineOf(files['positive.py']!, finding.span.start)) ?? []) : [];
        return { finding, entry: candidates.find((e) => wanted.includes(e.symbol)) ?? candidates[0] };
      });

      const fixed = fixAll(input({ [key]: document }));
      const after: Record<string, string> = { ...files, ...Object.fromEntries(fixed.changed) };

      it('has positive.py and negative.py', () => {
        expect([positive !== null, negative !== null]).toEqual([true, true]);
      });

      it('reports each `# expect:` line with exactly its symbols, and nothing else in positive.py', () => {
        const wanted = [...expected].map(([line, symbols]) => `${line}: ${[...symbols].sort().join(', ')}`);
        const byLine = new Map<number, string[]>();
        for (const { finding, entry } of labelled) {
          if (finding.file !== 'positive.py') continue;
          const line = lineOf(files['positive.py']!, finding.span.start);
          byLine.set(line, [...(byLine.get(line) ?? []), entry?.symbol ?? '(no single entry)']);
        }
        const got = [...byLine].sort((a, b) => a[0] - b[0]).map(([line, symbols]) => `${line}: ${symbols.sort().join(', ')}`);
        expect(got).toEqual(wanted);
      });

      it('reports nothing in negative.py', () => {
        const found = all.filter((f) => f.file === 'negative.py').map((f) => `${lineOf(files['negative.py']!, f.span.start)}: ${f.message}`);
        expect(found).toEqual([]);
      });

      it('has a reported `# expect:` line for every entry', () => {
        // Covered: reported on a line whose `# expect:` names the entry's symbol.
        const covered = labelled.filter(({ finding, entry }) => finding.file === 'positive.py' && entry && expected.get(lineOf(files['positive.py']!, finding.span.start))?.includes(entry.symbol));
        const reported = new Set(covered.map((l) => l.entry));
        expect(document.entries.filter((e) => !reported.has(e)).map(describeEntry)).toEqual([]);
      });

      it('renders the findings to findings.snap', async () => {
        const lines = labelled.map(({ finding, entry }) => {
          const text = files[finding.file]!;
          const at = `${finding.file}:${lineOf(text, finding.span.start)}:${columnOf(text, finding.span.start)}`;
          const fixes = finding.fixes.map((f) => `\n    fix (${f.applicability === 'safe' ? 'safe' : 'unsafe'}): ${f.title}`).join('');
          return `${at} ${finding.level} [${entry?.symbol ?? '?'}] ${finding.message}${fixes}`;
        });
        // The fixed text, as changed lines, so a review sees what --fix writes.
        const edits = Object.keys(files).flatMap((file) => changedLines(files[file]!, after[file]!).map((c) => `${file}:${c}`));
        const fixedPart = edits.length > 0 ? `\n# after the safe fixes\n${edits.join('\n')}\n` : '';
        const header = `# deprecated-api findings for rules/deprecations/${name}.yaml${pins !== null ? ` (pins.txt: ${pins.trim().split('\n').join('; ')})` : ' (unpinned)'}\n`;
        await expect(`${header}${lines.join('\n')}\n${fixedPart}`).toMatchFileSnapshot(join(dir, 'findings.snap'));
      });

      it('applies the safe fixes until stable, with no new syntax error', () => {
        expect(fixed.passes).toBeLessThan(10);
        const again = analyze({ ...input({ [key]: document }), files: Object.entries(after).map(([path, text]) => ({ path, text })) }).findings;
        expect(again.filter((f) => f.fixes.some((x) => x.applicability === 'safe')).map((f) => f.message)).toEqual([]);
        for (const file of ['positive.py', 'negative.py']) expect(syntaxErrors(after[file]!), file).toBeLessThanOrEqual(syntaxErrors(files[file]!));
      });
    });
  }
});
