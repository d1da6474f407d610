// Jupyter notebooks end to end: a Colab-style project through the CLI (its main(), in-process), in every format,
// located in the .ipynb text with the cell named; fixes written inside the JSON strings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageOutput, notebookText } from '../support/notebooks';
import { ensureBuilt, fixtureDir, runCliInProcess, type JsonFinding } from './run-cli';

beforeAll(() => ensureBuilt());

const colab = notebookText([
  { type: 'markdown', source: '# Entraînement sur GPU\nRun every cell in order.' },
  { source: '%%capture\n!pip install torch==2.1.0 torchvision==0.17.0\n!pip install numpy==1.24.3 scipy>=1.11', outputs: [imageOutput(200_000)] },
  { source: 'import torch\nimport numpy as np\nprint("prêt", torch.__version__)' },
  { source: 'x = np.zeros(3, dtype=np.float)  # côté\ny = np.float(2)  # pinwise: ignore[deprecated-api]' },
]);

/** The text a 1-based region covers (single line). */
const regionText = (text: string, line: number, start: number, end: number) => text.split('\n')[line - 1]!.slice(start - 1, end - 1);

describe('a Colab notebook', () => {
  const files = { 'Train_on_Colab.ipynb': colab, 'requirements.txt': 'numpy==1.26.4\n', '.python-version': '3.12\n' };

  it('json: the rules fire on its install lines and code, located in the .ipynb text with cell and cell line', async () => {
    const dir = fixtureDir(files);
    const { status, stdout } = await runCliInProcess(['check', dir, '--format', 'json']);
    expect(status).toBe(1);
    const findings = (JSON.parse(stdout) as { findings: JsonFinding[] }).findings.filter((f) => f.file === 'Train_on_Colab.ipynb');
    expect(findings.map((f) => [f.ruleId, f.cell, f.cellLine, regionText(colab, f.startLine, f.startColumn, f.endColumn)])).toEqual([
      ['python-version-unsupported', 2, 2, 'torch==2.1.0'],
      ['torch-family-mismatch', 2, 2, '==0.17.0'],
      ['python-version-unsupported', 2, 3, 'numpy==1.24.3'],
      ['inconsistent-pins', 2, 3, '==1.24.3'],
      ['unquoted-specifier', 2, 3, 'scipy>=1.11'],
      ['deprecated-api', 4, 1, 'np.float'],
    ]);
    const deprecated = findings.find((f) => f.ruleId === 'deprecated-api')!;
    expect(deprecated.message).toMatch(/removed in NumPy 1\.24/);
    expect(colab.split('\n')[deprecated.startLine - 1]).toBe('    "x = np.zeros(3, dtype=np.float)  # côté\\n",');
  });

  it('sarif: the region is in the .ipynb text and properties give cell and cellLine', async () => {
    const dir = fixtureDir(files);
    const { stdout } = await runCliInProcess(['check', dir, '--format', 'sarif']);
    const results = (JSON.parse(stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endColumn: number } } }[]; properties?: { cell: number; cellLine: number } }[] }[] }).runs[0]!.results;
    const mismatch = results.find((r) => r.ruleId === 'torch-family-mismatch')!;
    const location = mismatch.locations[0]!.physicalLocation;
    expect(location.artifactLocation.uri).toBe('Train_on_Colab.ipynb');
    expect(regionText(colab, location.region.startLine, location.region.startColumn, location.region.endColumn)).toBe('==0.17.0');
    expect(mismatch.properties).toEqual({ cell: 2, cellLine: 2 });
    // Findings outside notebooks carry no cell.
    expect(results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri !== 'Train_on_Colab.ipynb').every((r) => r.properties === undefined)).toBe(true);
  });

  it('text: each finding names its cell and line', async () => {
    const dir = fixtureDir(files);
    const { stdout } = await runCliInProcess(['check', dir]);
    const line = colab.split('\n').findIndex((l) => l.includes('torchvision==0.17.0')) + 1;
    expect(stdout).toContain(`${line}:`);
    expect(stdout).toMatch(/error\s+cell 2, line 2: torchvision==0\.17\.0 cannot install with torch==2\.1\.0/);
    expect(stdout).toMatch(/cell 4, line 1: `np\.float` was removed/);
  });
});

describe('--fix on a notebook', () => {
  it('rewrites only the spans inside the JSON strings, escaped: a fix inserting `"` writes `\\"`', async () => {
    const notebook = notebookText([
      { source: '!pip install torch==2.4.0 torchvision==0.18.0' },
      { source: 'import torch\nscaler = torch.cuda.amp.GradScaler()  # café\nprint("done")' },
    ]);
    const dir = fixtureDir({ 'train.ipynb': notebook });
    await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']);
    const after = readFileSync(join(dir, 'train.ipynb'), 'utf8');
    expect(after).toBe(
      notebook
        .replace('torchvision==0.18.0', 'torchvision==0.19.0')
        .replace('"scaler = torch.cuda.amp.GradScaler()  # café\\n"', '"scaler = torch.amp.GradScaler(\\"cuda\\")  # café\\n"'),
    );
    const cells = (JSON.parse(after) as { cells: { source: string[] }[] }).cells;
    expect(cells[1]!.source.join('')).toBe('import torch\nscaler = torch.amp.GradScaler("cuda")  # café\nprint("done")');
    // Fixed, it is clean of both findings.
    const again = await runCliInProcess(['check', dir, '--format', 'json']);
    expect((JSON.parse(again.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.ruleId)).toEqual([]);
  });

  it('never offers a fix that would edit outside the cells’ strings', async () => {
    // distribution-conflict removes a requirement's line: in a notebook that line is JSON.
    const notebook = notebookText([{ source: '!pip install onnxruntime==1.17.1\n!pip install onnxruntime-gpu==1.17.1' }]);
    const dir = fixtureDir({ 'infer.ipynb': notebook });
    const { stdout } = await runCliInProcess(['check', dir, '--format', 'json']);
    const findings = (JSON.parse(stdout) as { findings: (JsonFinding & { fixes: { edits: { startLine: number; startColumn: number; endColumn: number }[] }[] })[] }).findings;
    expect(findings.map((f) => f.ruleId)).toContain('distribution-conflict');
    for (const fix of findings.flatMap((f) => f.fixes)) {
      for (const edit of fix.edits) {
        const line = notebook.split('\n')[edit.startLine - 1]!;
        expect(line.indexOf('"')).toBeLessThan(edit.startColumn - 1);
        expect(line.lastIndexOf('"')).toBeGreaterThanOrEqual(edit.endColumn - 1);
      }
    }
  });
});

describe('malformed and unusual notebooks', () => {
  it('reports broken JSON as a syntax error, an nbformat 3 notebook as not checked, and reads the rest of the project', async () => {
    const dir = fixtureDir({
      'broken.ipynb': '{\n "cells": [\n  {"cell_type": "code", "source": ["!pip install torch==2.1.0\\n"]},\n ],\n "nbformat": 4\n}\n',
      'legacy.ipynb': JSON.stringify({ metadata: {}, nbformat: 3, nbformat_minor: 0, worksheets: [{ cells: [] }] }),
      'setup.sh': 'pip install torch==2.1.0 torchvision==0.17.0\n',
    });
    const { status, stdout } = await runCliInProcess(['check', dir, '--format', 'json']);
    expect(status).toBe(1);
    const findings = (JSON.parse(stdout) as { findings: (JsonFinding & { level: string })[] }).findings;
    expect(findings.map((f) => [f.file, f.ruleId, f.level, f.startLine])).toEqual([
      ['broken.ipynb', 'syntax-error', 'error', 4],
      ['legacy.ipynb', 'syntax-error', 'note', 1],
      ['setup.sh', 'torch-family-mismatch', 'error', 1],
    ]);
    expect(findings[0]!.message).toMatch(/^Invalid notebook JSON: /);
  });

  it('a notebook named on the command line is read as one', async () => {
    const dir = fixtureDir({ 'demo.ipynb': notebookText([{ source: '!pip install torch==2.1.0 torchvision==0.17.0' }]) });
    const { status, stdout } = await runCliInProcess(['check', join(dir, 'demo.ipynb')]);
    expect(status).toBe(1);
    expect(stdout).toContain('cell 1, line 1: torchvision==0.17.0');
  });
});
