// The hostile inputs of bad-input.test.ts inside a well-formed notebook: the notebook parser maps
// every span into the .ipynb text and analyze() keeps its invariants.
import { beforeAll, describe, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import { parseCached, type ParseCache } from '../../server/src/engine/project';
import { loadGrammars } from '../../server/src/host/grammars';
import { analyzeChecked } from '../fuzz/invariants';
import { testKnowledgeBase } from '../support/knowledge-base';
import { expectSpansInside } from './bad-input';
import { hostileInputs } from './pathological';

const kb = testKnowledgeBase();

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
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
