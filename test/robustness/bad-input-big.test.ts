// The multi-megabyte hostile inputs (those hostileInputs(true) adds to bad-input.test.ts's) through
// analyze() as every file kind: nothing throws, the invariants hold, nothing hangs.
import { beforeAll, describe, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import { loadGrammars } from '../../server/src/host/grammars';
import { analyzeChecked } from '../fuzz/invariants';
import { testKnowledgeBase } from '../support/knowledge-base';
import { kinds } from './bad-input';
import { hostileInputs } from './pathological';

const kb = testKnowledgeBase();

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

// The multi-megabyte inputs: one test each, bounded by a generous per-test timeout.
const small = new Set(hostileInputs(false).map((input) => input.name));

describe.each(hostileInputs(true).filter((i) => !small.has(i.name)).map((input) => [input.name, input] as const))(
  'big input: %s',
  (_name, input) => {
    it.each(kinds.map(([kind, path]) => [kind, path] as const))('analyze() as %s', (_kind, path) => {
      analyzeChecked([{ path, text: input.text }], kb, grammars);
    }, 120_000);
  },
);
