import { describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import { fileKindOf, parseFile } from '../../server/src/engine/kinds';
import { LineIndex } from '../../server/src/engine/line-index';
import type { Span } from '../../server/src/engine/model';
import { cellLocator, jsonEscape } from '../../server/src/engine/parsers/notebook';
import { loadGrammars } from '../../server/src/host/grammars';
import { imageOutput, notebookText } from '../support/notebooks';

const grammars: Grammars = await loadGrammars();

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);
const parse = (text: string, path = 'notebooks/train.ipynb') => parseFile({ path, text }, fileKindOf(path)!, grammars);
const lineOf = (text: string, offset: number) => new LineIndex(text).positionAt(offset).line + 1;

describe('notebook kind', () => {
  it('is claimed by the .ipynb name', () => {
    expect(fileKindOf('notebooks/Train Model.ipynb')).toBe('notebook');
    expect(fileKindOf('demo.IPYNB')).toBe('notebook');
    expect(fileKindOf('notes.ipynb.txt')).not.toBe('notebook');
  });
});

describe('install lines', () => {
  const text = notebookText([
    { type: 'markdown', source: '# Fine-tuning — démo\n!pip install not-me==1.0' },
    { source: '%%capture\n!pip install torch==2.1.0 torchvision==0.17.0\n%pip install "numpy<2" pandas' },
    { source: 'import sys\n!{sys.executable} -m pip install scipy==1.11.4\n!python -m pip install -q einops==0.7.0\n!uv pip install accelerate==0.25.0\n%conda install -y pytorch\n!pip install {extra_package}' },
    { source: '%%writefile requirements-extra.txt\npip install not-me-either==2.0' },
    { source: '%%bash\ncd /content\npip install -r requirements.txt \\\n  timm==0.9.12' },
    { source: 'if IN_COLAB:\n    !pip install gradio==3.50.2', oneString: true },
  ]);
  const file = parse(text);

  it('reads each pip run in cell order, with spans on the .ipynb text', () => {
    expect(file.problems).toEqual([]);
    const names = file.commands!.map((c) => c.requirements.map((i) => file.requirements[i]!.name));
    // `{extra_package}` is a Python value: that run installs something not known statically.
    expect(names).toEqual([['torch', 'torchvision'], ['numpy', 'pandas'], ['scipy'], ['einops'], ['accelerate'], [], ['timm'], ['gradio']]);
    expect(file.commands!.map((c) => c.tool)).toEqual(['pip', 'pip', 'python -m pip', 'python -m pip', 'uv pip', 'pip', 'pip', 'pip']);
    for (const requirement of file.requirements) {
      expect(at(text, requirement.nameSpan)).toBe(requirement.name);
      if (requirement.specifier) expect(at(text, requirement.specifierSpan)).toBe(requirement.specifier);
      expect(requirement.line).toBe(lineOf(text, requirement.span.start));
      expect(requirement.file).toBe('notebooks/train.ipynb');
    }
    const torchvision = file.requirements.find((r) => r.name === 'torchvision')!;
    expect(at(text, torchvision.clauses[0]!.versionSpan)).toBe('0.17.0');
    expect(text.split('\n')[torchvision.line - 1]).toContain('"!pip install torch==2.1.0 torchvision==0.17.0\\n"');
  });

  it('reads a requirement between escaped quotes (`\\"numpy<2\\"`) at its written place', () => {
    const numpy = file.requirements.find((r) => r.name === 'numpy')!;
    expect(at(text, numpy.span)).toBe('numpy<2');
    expect(text.slice(numpy.span.start - 2, numpy.span.end + 2)).toBe('\\"numpy<2\\"');
  });

  it('keeps -r includes, and leaves IPython expressions and %conda alone', () => {
    expect(file.includes.map((i) => [i.target, at(text, i.targetSpan)])).toEqual([['requirements.txt', 'requirements.txt']]);
    expect(file.requirements.map((r) => r.name)).not.toContain('pytorch');
    expect(file.requirements.some((r) => r.name === null)).toBe(false);
  });

  it('maps through \\u escapes and other escapes before the code on the same string', () => {
    const plain = notebookText([{ source: 'print("café\\t")\n!pip install torch==2.2.0', oneString: true }]);
    const escaped = plain.replace('é', '\\u00e9');
    expect(JSON.parse(escaped)).toEqual(JSON.parse(plain));
    const torch = parse(escaped).requirements[0]!;
    expect(at(escaped, torch.nameSpan)).toBe('torch');
    expect(at(escaped, torch.clauses[0]!.versionSpan)).toBe('2.2.0');
  });
});

describe('code cells as Python', () => {
  const text = notebookText([
    { source: '!pip install numpy==1.26.4' },
    { source: 'import numpy as np\n%matplotlib inline' },
    { type: 'markdown', source: 'np.float in prose is not code' },
    { source: 'print("a \\"quoted\\" word", \'é\'); x = np.float(3)\nfor i in range(3):\n    !echo {i}\n    y = np.int(i)' },
  ]);
  const file = parse(text);

  it('resolves names across cells and maps each use onto the JSON string', () => {
    const embedded = file.python!.embedded!;
    const refs = file.python!.references().filter((r) => r.kind === 'attribute');
    expect(refs.map((r) => r.path)).toEqual(['numpy.float', 'numpy.int']);
    expect(refs.map((r) => at(text, embedded.toFile(r.span)))).toEqual(['np.float', 'np.int']);
    const locate = cellLocator(text, file.cells!);
    expect(refs.map((r) => locate(embedded.toFile(r.span).start))).toEqual([
      { cell: 4, line: 0, character: 37, offset: 37 },
      { cell: 4, line: 3, character: 8, offset: 'print("a \\"quoted\\" word", \'é\'); x = np.float(3)\nfor i in range(3):\n    !echo {i}\n    y = '.length },
    ]);
  });

  it('numbers every cell, markdown included', () => {
    expect(file.cells!.map((c) => [c.number, c.kind])).toEqual([
      [1, 'code'],
      [2, 'code'],
      [3, 'markdown'],
      [4, 'code'],
    ]);
  });
});

describe('bad and unusual notebooks', () => {
  it('reports malformed JSON as a syntax error where it stops', () => {
    const good = notebookText([{ source: '!pip install torch==2.1.0' }]);
    const broken = good.replace('"nbformat": 4', '"nbformat": 4,,');
    const file = parse(broken);
    expect(file.problems).toHaveLength(1);
    expect(file.problems[0]!.level).toBeUndefined();
    expect(file.problems[0]!.message).toMatch(/^Invalid notebook JSON: /);
    expect(file.problems[0]!.line).toBe(lineOf(broken, broken.indexOf(',,') + 1));
    expect(parse('').problems[0]!.message).toMatch(/Invalid notebook JSON/);
    expect(parse(good.slice(0, good.length / 2)).problems[0]!.message).toMatch(/Invalid notebook JSON/);
  });

  it('says an nbformat 3 notebook is not checked, and reads nothing from it', () => {
    const v3 = JSON.stringify({ metadata: {}, nbformat: 3, nbformat_minor: 0, worksheets: [{ cells: [{ cell_type: 'code', input: ['!pip install torch==2.1.0'], language: 'python', outputs: [] }] }] });
    const file = parse(v3);
    expect(file.requirements).toEqual([]);
    expect(file.problems).toMatchObject([{ level: 'note', message: expect.stringContaining('nbformat 3') }]);
  });

  it('reports cells it cannot read and reads the others', () => {
    const text = JSON.stringify({ cells: [{ cell_type: 'code', source: 42 }, 'not a cell', { cell_type: 'code', source: ['!pip install torch==2.1.0'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
    const file = parse(text);
    expect(file.problems.map((p) => p.message)).toEqual(['Cell 1: `source` must be a string or a list of strings.', 'Cell 2 is not a JSON object.']);
    expect(file.requirements.map((r) => r.name)).toEqual(['torch']);
    expect(parse('{"nbformat": 4, "cells": {}}').problems[0]!.message).toMatch(/`cells` must be a list/);
    expect(parse('[1, 2]').problems[0]!.message).toMatch(/Not a Jupyter notebook/);
  });

  it('never decodes outputs: a notebook holding 20 MB of images parses fast', () => {
    const text = notebookText([
      { source: '!pip install torch==2.1.0' },
      ...Array.from({ length: 10 }, () => ({ source: 'import matplotlib.pyplot as plt\nplt.show()', outputs: [imageOutput(2_000_000)] })),
    ]);
    expect(text.length).toBeGreaterThan(20_000_000);
    const started = performance.now();
    const file = parse(text);
    file.python!.references();
    expect(file.requirements.map((r) => r.name)).toEqual(['torch']);
    // About 1 s on a loaded two-core machine; decoding the outputs would cost many times that.
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('reads a 10,000-cell notebook in bounded time', () => {
    const cells = Array.from({ length: 10_000 }, (_, i) => ({ source: i % 100 === 0 ? `!pip install pkg${i}==1.0.${i}` : `import numpy as np\nx${i} = np.zeros(${i})\nprint(x${i}.sum())` }));
    const text = notebookText(cells);
    const started = performance.now();
    const file = parse(text);
    expect(file.requirements).toHaveLength(100);
    expect(file.cells).toHaveLength(10_000);
    const last = file.requirements[99]!;
    expect(at(text, last.nameSpan)).toBe('pkg9900');
    expect(cellLocator(text, file.cells!)(last.nameSpan!.start)?.cell).toBe(9901);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(file.python!.embedded!.text.split('\n').length).toBeGreaterThan(29_000);
  });
});

describe('jsonEscape', () => {
  it('writes what JSON needs inside a string', () => {
    expect(jsonEscape('torch.amp.GradScaler("cuda")')).toBe('torch.amp.GradScaler(\\"cuda\\")');
    expect(jsonEscape('a\\b\nc\té')).toBe('a\\\\b\\nc\\té');
  });
});
