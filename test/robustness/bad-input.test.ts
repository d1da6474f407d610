// Pathological input through every parser and through analyze(): nothing
// throws, every span lies inside its text, nothing hangs. Time is bounded only
// by vitest's per-test timeout (no timed assertions: the machine is shared).
// Each input is parsed once as each kind: the tests of one input share a parse cache (the
// language server's, through analyze()'s public parseCache), so the analyses run every rule on
// the parses the parser test checked instead of parsing the same text again (a test run alone
// parses what it needs itself).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import { parseMarker } from '../../server/src/engine/markers';
import type { FileKind } from '../../server/src/engine/model';
import { parseCached, type ParseCache } from '../../server/src/engine/project';
import { parsePep508 } from '../../server/src/engine/parsers/pep508';
import { parseSpecifierSet, parseVersion } from '../../server/src/engine/versions';
import { loadGrammars } from '../../server/src/host/grammars';
import { analyzeChecked } from '../fuzz/invariants';
import { testKnowledgeBase } from '../support/knowledge-base';
import { hostileInputs } from './pathological';

const kb = testKnowledgeBase();

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

const kinds: [FileKind, string][] = [
  ['requirements', 'requirements.txt'],
  ['pyproject', 'pyproject.toml'],
  ['setup-py', 'setup.py'],
  ['setup-cfg', 'setup.cfg'],
  ['pipfile', 'Pipfile'],
  ['shell', 'setup.sh'],
  ['dockerfile', 'Dockerfile'],
  ['python', 'train.py'],
  ['python-version', '.python-version'],
  ['batch', 'install.bat'],
  ['powershell', 'setup.ps1'],
  ['uv-lock', 'uv.lock'],
  ['poetry-lock', 'poetry.lock'],
  ['pdm-lock', 'pdm.lock'],
  ['pipfile-lock', 'Pipfile.lock'],
  ['pylock', 'pylock.toml'],
  ['conda', 'environment.yml'],
  ['cog', 'cog.yaml'],
  ['github-workflow', '.github/workflows/ci.yml'],
  ['gitlab-ci', '.gitlab-ci.yml'],
  ['notebook', 'train.ipynb'],
];

/** Every `{start, end}` pair anywhere in `value` (parser results nest spans in many shapes). */
function collectSpans(value: unknown, out: { start: number; end: number }[] = [], seen = new Set<object>()): { start: number; end: number }[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  const record = value as Record<string, unknown>;
  if (typeof record['start'] === 'number' && typeof record['end'] === 'number') out.push({ start: record['start'], end: record['end'] });
  for (const child of Array.isArray(value) ? value : Object.values(record)) collectSpans(child, out, seen);
  return out;
}

function expectSpansInside(value: unknown, length: number, what: string): void {
  const bad = collectSpans(value).filter((s) => !(s.start >= 0 && s.start <= s.end && s.end <= length));
  expect(bad.slice(0, 3), `${what}: spans outside 0..${length}`).toEqual([]);
}

/** One requirement-ish slice of the input for the single-item parsers (they see one line in real use). */
function firstLine(text: string): string {
  const end = text.search(/[\r\n]/);
  return end < 0 ? text : text.slice(0, end);
}

describe.each(hostileInputs(false).map((input) => [input.name, input] as const))('hostile input: %s', (_name, input) => {
  const parses: ParseCache = new Map();
  afterAll(() => parses.clear());

  it('every file parser returns a model with spans inside the text', () => {
    for (const [kind, path] of kinds) {
      const parsed = parseCached({ path, text: input.text }, kind, grammars, parses);
      expect(parsed.kind).toBe(kind);
      expectSpansInside(parsed, input.text.length, `${kind} parser`);
    }
  });

  it('the PEP 508, marker, specifier and version parsers never throw', () => {
    const line = firstLine(input.text);
    const pep508 = parsePep508(line, 5);
    expectSpansInside(pep508, line.length + 5, 'pep508');
    const semicolon = line.indexOf(';');
    const marker = parseMarker(semicolon >= 0 ? line.slice(semicolon + 1) : line);
    expectSpansInside(marker, line.length, 'marker');
    const spec = parseSpecifierSet(line.replace(/^[A-Za-z0-9._-]+/, ''));
    if (!spec.ok) expect(spec.start).toBeLessThanOrEqual(spec.end);
    parseVersion(line);
  });

  it('analyze() as every file kind, alone and as one project, keeps its invariants', () => {
    for (const [, path] of kinds) analyzeChecked([{ path, text: input.text }], kb, grammars, parses);
    analyzeChecked(
      kinds.map(([, path]) => ({ path, text: input.text })),
      kb,
      grammars,
      parses,
    );
  });
});

// Hostile text inside a well-formed notebook: as a code cell, as a `!pip install` line, as one string.
describe.each(hostileInputs(false).map((input) => [input.name, input] as const))('hostile notebook cells: %s', (_name, input) => {
  it('the notebook parser maps every span into the .ipynb text, and analyze() keeps its invariants', () => {
    const text = JSON.stringify({
      cells: [
        { cell_type: 'code', metadata: {}, outputs: [], source: input.text.split(/(?<=\n)/) },
        { cell_type: 'code', metadata: {}, outputs: [], source: `!pip install ${input.text}` },
        { cell_type: 'markdown', metadata: {}, source: input.text },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    });
    const parses: ParseCache = new Map();
    const parsed = parseCached({ path: 'train.ipynb', text }, 'notebook', grammars, parses);
    expectSpansInside(parsed, text.length, 'notebook parser');
    const python = parsed.python;
    if (python) for (const ref of python.references()) expectSpansInside(python.embedded!.toFile(ref.span), text.length, 'notebook Python reference');
    analyzeChecked([{ path: 'train.ipynb', text }], kb, grammars, parses);
  });
});

// The multi-megabyte inputs: one test each, bounded by a generous per-test timeout.
describe.each(hostileInputs(true).filter((i) => !hostileInputs(false).some((s) => s.name === i.name)).map((input) => [input.name, input] as const))(
  'big input: %s',
  (_name, input) => {
    it.each(kinds.map(([kind, path]) => [kind, path] as const))('analyze() as %s', (_kind, path) => {
      analyzeChecked([{ path, text: input.text }], kb, grammars);
    }, 120_000);
  },
);
