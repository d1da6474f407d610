import { beforeAll, describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import { fileKindOf, parseFile } from '../../server/src/engine/kinds';
import { parsePythonFile, pythonReferences } from '../../server/src/engine/parsers/python';
import { referenceQuery } from '../../server/src/engine/parsers/python-scan';
import { notebookText } from '../support/notebooks';
import { loadGrammars } from '../../server/src/host/grammars';

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

const refs = (text: string) =>
  pythonReferences(text, grammars).map((r) => `${r.kind} ${r.path}${r.keyword ? ` ${r.keyword}` : ''} @${text.slice(r.span.start, r.span.end)}`);

describe('python parser', () => {
  it('resolves aliases, from-imports, attribute chains and UTF-16 spans after non-ASCII text', () => {
    const text = 's = "ünï 😀"\nimport numpy as np\nfrom torchvision.transforms import functional_tensor as F_t\nnp.float_\n';
    expect(refs(text)).toEqual([
      'import numpy @numpy',
      'import torchvision.transforms @torchvision.transforms',
      'import torchvision.transforms.functional_tensor @functional_tensor',
      'attribute numpy.float_ @np.float_',
    ]);
  });

  it('follows instances through assignment and with-as to keyword arguments', () => {
    const text = 'import gradio as gr\nwith gr.Blocks() as demo:\n    pass\ndemo.queue(concurrency_count=2)\n';
    expect(refs(text)).toContain('keyword gradio.Blocks().queue concurrency_count @concurrency_count');
  });

  it('leaves names bound to two things, strings and comments alone', () => {
    expect(refs('import numpy as np\nnp = other()\nnp.NaN\n# np.NaN\n"np.NaN"\n')).toEqual(['import numpy @numpy']);
  });

  it('never throws on malformed or binary input and parses lazily', () => {
    for (const text of ['def (:\n  np.', '\u0000\u0001\uFFFF', 'import', '('.repeat(5000), 'from . import x\nx.y\n']) {
      expect(() => pythonReferences(text, grammars)).not.toThrow();
    }
    const file = parsePythonFile('a.py', 'import numpy\n', grammars);
    expect(file.python?.references().length).toBe(1);
    expect(parsePythonFile('a.py', 'import numpy\n').python).toBeUndefined();
  });

  it('remembers the scan\'s answers per query, and scans a notebook in its code cells only', () => {
    const wanted = (path: string) => referenceQuery({ kind: 'attribute', path, span: { start: 0, end: 0 }, nameSpan: { start: 0, end: 0 } });
    const float = wanted('numpy.float_');
    const nan = wanted('numpy.NaN');
    const file = parsePythonFile('a.py', 'import numpy as np\nnp.float_\n', grammars);
    expect(file.python!.mayReach([float, nan])).toEqual([true, false]);
    // Asked again (the editor re-checks unchanged files on each keystroke): the same answers, in the order asked.
    expect(file.python!.mayReach([nan, float, nan])).toEqual([false, true, false]);
    const notebook = notebookText([
      { type: 'markdown', source: 'import numpy as np\nnp.NaN\n' },
      { source: 'import numpy as np\nnp.float_\n' },
    ]);
    const facts = parseFile({ path: 'a.ipynb', text: notebook }, fileKindOf('a.ipynb')!, grammars).python!;
    expect(facts.mayReach([float, nan])).toEqual([true, false]);
    expect(facts.references().map((r) => r.path)).toContain('numpy.float_');
    expect(facts.wasParsed?.()).toBe(true);
  });

  it('gives only the references a filter wants, with every keyword of a call it wants, and remembers them per filter', () => {
    const text = 'import torch\nimport numpy as np\ntorch.load(f, map_location="cpu", weights_only=False)\nnp.zeros(3, dtype=int)\nnp.float_\nopen(f, mode="r")\n';
    const file = parsePythonFile('a.py', text, grammars).python!;
    const describe = (refs: readonly { kind: string; path: string; keyword?: string }[]) => refs.map((r) => `${r.kind} ${r.path}${r.keyword ? ` ${r.keyword}` : ''}`);
    const load: Parameters<typeof file.references>[0] = (path) => path === 'torch.load';
    const dtype: Parameters<typeof file.references>[0] = (path, keyword) => path === 'numpy.zeros' && keyword === 'dtype';
    expect(describe(file.references(load))).toEqual(['attribute torch.load', 'call torch.load', 'keyword torch.load map_location', 'keyword torch.load weights_only']);
    expect(describe(file.references(dtype))).toEqual(['keyword numpy.zeros dtype']);
    expect(file.references(load)).toBe(file.references(load));
    expect(file.wasParsed?.()).toBe(true);
    // Unfiltered: everything, as before any filter was asked.
    expect(describe(file.references())).toEqual([
      'import torch',
      'import numpy',
      'attribute torch.load',
      'call torch.load',
      'keyword torch.load map_location',
      'keyword torch.load weights_only',
      'attribute numpy.zeros',
      'call numpy.zeros',
      'keyword numpy.zeros dtype',
      'attribute numpy.float_',
    ]);
  });
});
