// The code-action menu as an editor shows it, over a real stdio connection: titles naming tool and
// rule, the "Fix all safe problems in this file" row, "Disable … for this line / file", the rule's
// bundled page, and fix-all on save (generic source.fixAll) leaving pins alone unless opted in.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { applyTextEdits, editsFor, TestClient, uriOf } from './client';

const text = 'torch==2.3.1\ntorchvision==0.17.0\n';
let root: string;
let client: TestClient;

async function start(settings: Record<string, unknown>, fileText = text, name = 'requirements.txt', languageId = 'pip-requirements'): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  root = mkdtempSync(join(tmpdir(), 'pinwise-actions-'));
  client = new TestClient();
  client.settings = settings;
  await client.initialize(root);
  const uri = uriOf(join(root, name));
  client.open(uri, fileText, languageId);
  const diagnostics = await client.waitForDiagnostics(uri, (d) => d.length > 0);
  return { uri, diagnostics };
}

afterEach(async () => {
  expect(await client.shutdown()).toBe(0);
  rmSync(root, { recursive: true, force: true });
});

describe('the quick-fix menu', () => {
  it('names tool and rule, disables for the line or the file, and shows the rule page shipped with the server', async () => {
    const { uri, diagnostics } = await start({});
    const mismatch = diagnostics.find((d) => d.code === 'torch-family-mismatch')!;
    // The code link opens the page in the package (docs/rules), not a repository URL.
    const href = mismatch.codeDescription!.href;
    expect(href).toMatch(/^file:.*\/docs\/rules\/torch-family-mismatch\.md$/);
    expect(existsSync(fileURLToPath(href))).toBe(true);
    const actions = await client.codeActions(uri, [mismatch]);
    expect(actions.map((a) => [a.title, a.kind])).toEqual([
      ['Pinwise (torch-family-mismatch): Set torchvision to 0.18.1', 'quickfix'],
      ['Pinwise (torch-family-mismatch): Set torch to 2.2.0', 'quickfix'],
      ['Pinwise (torch-family-mismatch): Disable torch-family-mismatch for this line', 'quickfix'],
      ['Pinwise (torch-family-mismatch): Disable torch-family-mismatch for this file', 'quickfix'],
      ['Pinwise: Show documentation for pinwise(torch-family-mismatch)', 'quickfix'],
    ]);
    // No "Fix all safe problems in this file" row: the file's only fixes change pins.
    const docs = actions.at(-1)!;
    expect(docs.command).toEqual({ title: docs.title, command: 'pinwise.showDocumentation', arguments: ['torch-family-mismatch', href] });
    const disable = actions.find((a) => a.title.endsWith('for this file'))!;
    const disabled = applyTextEdits(text, editsFor(disable.edit!, uri));
    expect(disabled).toBe(`# pinwise: ignore-file[torch-family-mismatch]\n${text}`);
    client.change(uri, disabled);
    await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'torch-family-mismatch'), false);
  });

  it('offers "Fix all safe problems in this file" where a safe fix exists, and a public docs URL when configured', async () => {
    const py = 'import numpy as np\nx = np.NaN\ny = np.float_(1)\n';
    const { uri, diagnostics } = await start({ docsUrl: 'https://docs.example.org/pinwise/{rule}.html' }, py, 'app.py', 'python');
    const first = diagnostics.find((d) => d.code === 'deprecated-api')!;
    expect(first.codeDescription?.href).toBe('https://docs.example.org/pinwise/deprecated-api.html');
    const actions = await client.codeActions(uri, [first]);
    const row = actions.find((a) => a.title === 'Pinwise: Fix all safe problems in this file')!;
    expect(row.kind).toBe('quickfix');
    expect(applyTextEdits(py, editsFor(row.edit!, uri))).toBe('import numpy as np\nx = np.nan\ny = np.float64(1)\n');
    expect(actions.find((a) => a.command)?.command?.arguments).toEqual(['deprecated-api', 'https://docs.example.org/pinwise/deprecated-api.html']);
    // A Python file keeps its coding line first.
    const coded = '# -*- coding: utf-8 -*-\nimport numpy as np\nx = np.NaN\n';
    client.change(uri, coded);
    const again = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.range.start.line === 2), false);
    const disable = (await client.codeActions(uri, [again.find((d) => d.code === 'deprecated-api')!])).find((a) => a.title.endsWith('for this file'))!;
    expect(applyTextEdits(coded, editsFor(disable.edit!, uri))).toBe('# -*- coding: utf-8 -*-\n# pinwise: ignore-file[deprecated-api]\nimport numpy as np\nx = np.NaN\n');
  });
});

describe('fix-all on save (editor.codeActionsOnSave)', () => {
  const mixed = 'torch==2.3.1\ntorchvision==0.17.0\nnumpy==1.26.4  # pinwise: ignore[numpy-abi]\n';

  it('generic source.fixAll applies safe fixes only: the stale comment goes, the pin stays', async () => {
    const { uri } = await start({}, mixed);
    for (const only of [['source.fixAll'], ['source.fixAll.pinwise']]) {
      const actions = await client.codeActions(uri, [], only);
      expect(actions.map((a) => a.kind)).toEqual(['source.fixAll.pinwise']);
      expect(applyTextEdits(mixed, editsFor(actions[0]!.edit!, uri))).toBe('torch==2.3.1\ntorchvision==0.17.0\nnumpy==1.26.4\n');
    }
  });

  it('takes pin changes with pinwise.fixAll.includePinChanges: true, or for the rules listed', async () => {
    const { uri } = await start({ fixAll: { includePinChanges: true } }, mixed);
    const [all] = await client.codeActions(uri, [], ['source.fixAll']);
    expect(applyTextEdits(mixed, editsFor(all!.edit!, uri))).toBe('torch==2.3.1\ntorchvision==0.18.1\nnumpy==1.26.4\n');
    await client.shutdown();
    rmSync(root, { recursive: true, force: true });
    const other = await start({ fixAll: { includePinChanges: ['numpy-abi-mismatch'] } }, mixed);
    const [listed] = await client.codeActions(other.uri, [], ['source.fixAll']);
    expect(applyTextEdits(mixed, editsFor(listed!.edit!, other.uri))).toBe('torch==2.3.1\ntorchvision==0.17.0\nnumpy==1.26.4\n');
  });
});
