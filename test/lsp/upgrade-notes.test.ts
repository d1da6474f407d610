// The editor's upgrade says what it leaves as written, as the CLI does: a base image's torch here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editsFor, TestClient, uriOf } from './client';

let root: string;
let client: TestClient;
const requirements = 'torch==2.2.2\ntorchvision==0.17.2\n';
const dockerfile = 'FROM pytorch/pytorch:2.2.2-cuda12.1-cudnn8-runtime\nRUN pip install torchvision==0.17.2\n';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pinwise-lsp-upgrade-notes-'));
  writeFileSync(join(root, '.git'), 'gitdir: elsewhere\n');
  writeFileSync(join(root, 'requirements.txt'), requirements);
  writeFileSync(join(root, 'Dockerfile'), dockerfile);
  client = new TestClient();
  await client.initialize(root);
});

afterAll(async () => {
  await client.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('Upgrade the PyTorch family: what it leaves', () => {
  it('counts what it leaves in the title and says what, once the edit is applied', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    client.open(uri, requirements);
    await client.waitForStatus((status) => status.state === 'idle' && status.complete);
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    const upgrade = actions.find((a) => /^Pinwise: Upgrade the PyTorch family to torch 2\.\d+\.\d+ in every file/.test(a.title) && !a.title.includes('2.2.2'))!;
    expect(upgrade.title).toMatch(/\(\d+ changes in 2 files; 1 left as written\)$/);
    // Both files' pins move; the FROM line does not.
    expect(editsFor(upgrade.edit!, uriOf(join(root, 'Dockerfile'))).map((e) => e.range.start.line)).toEqual([1]);
    expect(upgrade.command?.command).toBe('pinwise.showUpgradeNotes');
    const shown = new Promise<string>((resolve) => client.connection.onRequest('window/showMessageRequest', (params: { message: string }) => {
        resolve(params.message);
        return null;
      }));
    await client.connection.sendRequest('workspace/executeCommand', { command: upgrade.command!.command, arguments: upgrade.command!.arguments });
    const message = await shown;
    expect(message).toMatch(/^Pinwise: the upgrade to torch 2\.\d+\.\d+ left one place as written — Dockerfile:1: the base image pytorch\/pytorch:2\.2\.2-cuda12\.1-cudnn8-runtime installs torch 2\.2\.2: change FROM to an image of torch 2\.\d+\.\d+ by hand$/);
  });
});
