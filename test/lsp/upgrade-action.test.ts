// The editor's project-wide PyTorch upgrade: one WorkspaceEdit over every file, from a torch-family pin.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTextEdits, editsFor, TestClient, uriOf } from './client';

let root: string;
let client: TestClient;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pinwise-lsp-upgrade-'));
  writeFileSync(join(root, '.git'), 'gitdir: elsewhere\n');
  writeFileSync(join(root, 'requirements.txt'), '--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1+cu121\ntorchvision==0.17.0+cu121\n');
  writeFileSync(join(root, 'setup.sh'), 'pip install torch==2.2.2 torchvision==0.17.2\n');
  client = new TestClient();
  await client.initialize(root);
});

afterAll(async () => {
  await client.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('Upgrade the PyTorch family in every file', () => {
  it('is offered on a torch-family pin and edits every file onto that pin’s release row', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    const text = '--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1+cu121\ntorchvision==0.17.0+cu121\n';
    client.open(uri, text);
    await client.waitForDiagnostics(uri, (d) => d.length > 0);
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    const upgrade = actions.find((a) => a.title.startsWith('Pinwise: Upgrade the PyTorch family to torch 2.3.1 in every file'))!;
    expect(upgrade.kind).toBe('refactor.rewrite.pinwise.upgrade');
    expect(applyTextEdits(text, editsFor(upgrade.edit!, uri))).toBe('--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1+cu121\ntorchvision==0.18.1+cu121\n');
    const script = uriOf(join(root, 'setup.sh'));
    expect(applyTextEdits('pip install torch==2.2.2 torchvision==0.17.2\n', editsFor(upgrade.edit!, script))).toBe('pip install torch==2.3.1 torchvision==0.18.1\n');
    // The newest release is offered too; nothing off a torch-family pin, nothing when only quick fixes are asked.
    expect(actions.some((a) => /to torch 2\.1[0-9]/.test(a.title))).toBe(true);
    const offPin = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    expect(offPin).toEqual([]);
    const quick = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    expect(quick.filter((a) => a.kind?.startsWith('refactor'))).toEqual([]);
  });

  it("offers uv's PyTorch index for a pyproject.toml that pins a build uv would not find", async () => {
    const uri = uriOf(join(root, 'pyproject.toml'));
    const text = '[project]\nname = "app"\nversion = "1"\ndependencies = ["torch==2.3.1+cu121"]\n';
    writeFileSync(join(root, 'pyproject.toml'), text);
    client.open(uri, text);
    await client.waitForDiagnostics(uri, () => true);
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 3, character: 20 }, end: { line: 3, character: 20 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    const uv = actions.find((a) => a.kind === 'refactor.rewrite.pinwise.uvIndex')!;
    expect(uv.title).toBe("Pinwise: Install the PyTorch family from PyTorch's cu121 index with uv (from torch's +cu121)");
    const after = applyTextEdits(text, editsFor(uv.edit!, uri));
    expect(after).toContain('[[tool.uv.index]]\nname = "pytorch-cu121"\nurl = "https://download.pytorch.org/whl/cu121"\nexplicit = true\n');
    expect(after).toContain('torch = [{ index = "pytorch-cu121"');
  });
});
