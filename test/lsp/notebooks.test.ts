// Notebooks in the editor: cells arrive by LSP notebook document sync, and diagnostics and quick
// fixes come back on the cells, in the cells' own text (not the .ipynb's JSON).
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { ensureBuilt, fixtureDir } from '../cli/run-cli';
import { notebookText } from '../support/notebooks';
import { applyTextEdits, editsFor, TestClient, uriOf } from './client';

beforeAll(() => ensureBuilt());

let client: TestClient | undefined;
afterEach(async () => {
  await client?.shutdown();
  client = undefined;
}, 60_000);

const cellTexts = ['# Entraînement\nRun every cell.', '!pip install torch==2.4.0 torchvision==0.18.0 numpy==1.26.4', 'import torch\nimport numpy as np\nscaler = torch.cuda.amp.GradScaler()  # café\nx = np.float(1)'];

describe('notebook document sync', () => {
  it('publishes diagnostics on the cells, in cell coordinates, and quick fixes that edit the cells', async () => {
    const dir = fixtureDir({ 'Train.ipynb': notebookText([{ type: 'markdown', source: cellTexts[0]! }, { source: cellTexts[1]! }, { source: cellTexts[2]! }]) });
    const notebookUri = uriOf(join(dir, 'Train.ipynb'));
    const cells = cellTexts.map((text, i) => ({ uri: `vscode-notebook-cell:${join(dir, 'Train.ipynb')}#W${i}sZmlsZQ%3D%3D`, kind: (i === 0 ? 1 : 2) as 1 | 2, languageId: i === 0 ? 'markdown' : 'python', text }));
    client = new TestClient();
    const init = await client.initialize(dir);
    expect(init.capabilities.notebookDocumentSync).toEqual({ notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook', scheme: 'file' } }] });
    client.openNotebook(notebookUri, cells);

    const install = await client.waitForDiagnostics(cells[1]!.uri, (d) => d.some((x) => x.code === 'torch-family-mismatch'));
    const mismatch = install.find((d) => d.code === 'torch-family-mismatch')!;
    const at = cellTexts[1]!.indexOf('==0.18.0');
    expect(mismatch.range).toEqual({ start: { line: 0, character: at }, end: { line: 0, character: at + '==0.18.0'.length } });

    const code = await client.waitForDiagnostics(cells[2]!.uri, (d) => d.filter((x) => x.code === 'deprecated-api').length === 2);
    const ranges = code.filter((d) => d.code === 'deprecated-api').map((d) => d.range);
    expect(ranges).toEqual([
      { start: { line: 2, character: 9 }, end: { line: 2, character: 34 } },
      { start: { line: 3, character: 4 }, end: { line: 3, character: 12 } },
    ]);
    expect(client.diagnostics.get(cells[0]!.uri) ?? []).toEqual([]);

    // The GradScaler fix inserts `"cuda"`: in the cell it is plain text, not the .ipynb's `\"cuda\"`.
    const scaler = code.find((d) => d.range.start.line === 2)!;
    const actions = await client.codeActions(cells[2]!.uri, [scaler]);
    const fix = actions.find((a) => a.title.startsWith('Pinwise (deprecated-api): Replace with `torch.amp.GradScaler'))!;
    expect(fix.isPreferred).toBe(true);
    const fixed = applyTextEdits(cellTexts[2]!, editsFor(fix.edit!, cells[2]!.uri));
    expect(fixed).toBe('import torch\nimport numpy as np\nscaler = torch.amp.GradScaler("cuda")  # café\nx = np.float(1)');

    const torchFix = (await client.codeActions(cells[1]!.uri, [mismatch])).find((a) => a.title === 'Pinwise (torch-family-mismatch): Set torchvision to 0.19.0')!;
    expect(applyTextEdits(cellTexts[1]!, editsFor(torchFix.edit!, cells[1]!.uri))).toBe('!pip install torch==2.4.0 torchvision==0.19.0 numpy==1.26.4');

    // Editing a cell re-analyses the notebook from the cells (the file on disk still has the mismatch).
    client.changeNotebookCell(notebookUri, cells[1]!.uri, '!pip install torch==2.4.0 torchvision==0.19.0 numpy==1.26.4');
    await client.waitForDiagnostics(cells[1]!.uri, (d: Diagnostic[]) => !d.some((x) => x.code === 'torch-family-mismatch'), false);
    expect(client.diagnostics.get(notebookUri) ?? []).toEqual([]);
    // Closing it clears what was published on its cells.
    client.closeNotebook(notebookUri, cells.map((cell) => cell.uri));
    await client.waitForDiagnostics(cells[2]!.uri, (d: Diagnostic[]) => d.length === 0, false);
  }, 120_000);
});
