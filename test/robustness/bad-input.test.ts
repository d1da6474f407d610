// Pathological input through every parser and through analyze(): nothing
// throws, every span lies inside its text, nothing hangs. Time is bounded only
// by vitest's per-test timeout (no timed assertions: the machine is shared).
// Each input is parsed once as each kind: the tests of one input share a parse cache (the
// language server's, through analyze()'s public parseCache), so the analyses run every rule on
// the parses the parser test checked instead of parsing the same text again (a test run alone
// parses what it needs itself). The same inputs as notebook cells are in
// bad-input-notebooks.test.ts, the multi-megabyte ones in bad-input-big.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import { parseMarker } from '../../server/src/engine/markers';
import { parseCached, type ParseCache } from '../../server/src/engine/project';
import { parsePep508 } from '../../server/src/engine/parsers/pep508';
import { parseSpecifierSet, parseVersion } from '../../server/src/engine/versions';
import { loadGrammars } from '../../server/src/host/grammars';
import { analyzeChecked } from '../fuzz/invariants';
import { testKnowledgeBase } from '../support/knowledge-base';
import { expectSpansInside, firstLine, kinds } from './bad-input';
import { hostileInputs } from './pathological';

const kb = testKnowledgeBase();

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

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
