// A short seeded fuzz run on every `npm test`; `npm run fuzz` runs the long campaign.
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import { loadGrammars } from '../../server/src/host/grammars';
import { join } from 'node:path';
import { corpusTexts, dependencyText, fuzzPaths, mutated } from './generators';
import { analyzeChecked } from './invariants';
import { testKnowledgeBase } from '../support/knowledge-base';

const kb = testKnowledgeBase();

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

const runs = Number(process.env['PINWISE_FUZZ_RUNS'] ?? 150);

describe('engine under random input (seeded)', () => {
  it('never throws and keeps every span inside its file, for each file kind', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fuzzPaths), dependencyText, (path, text) => {
        analyzeChecked([{ path, text }], kb, grammars);
      }),
      { seed: 20261122, numRuns: runs },
    );
  });

  it('survives mutated real-world files analysed as one project', () => {
    const seeds = corpusTexts(join(__dirname, '..', '..'));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...fuzzPaths), mutated(seeds)), { minLength: 1, maxLength: 4 }), (pairs) => {
        const files = new Map(pairs.map(([path, text]) => [path, text]));
        analyzeChecked([...files].map(([path, text]) => ({ path, text })), kb, grammars);
      }),
      { seed: 7, numRuns: runs },
    );
  });
});
