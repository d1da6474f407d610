// The language server and the workspace's installed environment: drift on the declared pins, hovers
// that say what is installed, and a fresh read when pip changes the environment.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeVenv } from '../environments/venv';
import { TestClient, uriOf } from './client';

let root: string;
let client: TestClient;
const drift = (d: Diagnostic[]) => d.filter((x) => x.code === 'environment-drift');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pinwise-lsp-env-'));
  writeFileSync(join(root, 'requirements.txt'), 'torch==2.3.1\nnumpy==1.26.4\n');
  writeVenv(join(root, '.venv'), '3.11.9', [
    { name: 'torch', version: '2.2.0' },
    { name: 'numpy', version: '1.26.4' },
  ]);
  client = new TestClient();
  await client.initialize(root);
});

afterAll(async () => {
  await client.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('the workspace .venv in the editor', () => {
  it('shows drift on the declared pin and says in the hover what is installed', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    client.open(uri, 'torch==2.3.1\nnumpy==1.26.4\n');
    const diagnostics = await client.waitForDiagnostics(uri, (d) => drift(d).length > 0);
    expect(drift(diagnostics).map((d) => [d.range.start.line, d.message])).toEqual([[0, '`torch==2.3.1` is not what .venv has: torch 2.2.0 is installed.']]);
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    expect((hover?.contents as { value: string }).value).toContain('**Installed**: 2.2.0 in `.venv` (**does not satisfy this pin**).');
    const numpyHover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
    expect((numpyHover?.contents as { value: string }).value).toContain('**Installed**: 1.26.4 in `.venv` (satisfies this pin).');
  });

  it('reads the environment again when the watcher reports a changed METADATA (pip ran)', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    const site = writeVenv(join(root, '.venv'), '3.11.9', [{ name: 'torch', version: '2.3.1' }, { name: 'numpy', version: '1.26.4' }]);
    rmSync(join(site, 'torch-2.2.0.dist-info'), { recursive: true });
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: uriOf(join(site, 'torch-2.2.0.dist-info', 'METADATA')), type: 3 },
        { uri: uriOf(join(site, 'torch-2.3.1.dist-info', 'METADATA')), type: 1 },
      ],
    });
    const diagnostics = await client.waitForDiagnostics(uri, (d) => drift(d).length === 0);
    expect(drift(diagnostics)).toEqual([]);
  });

  it('follows pinwise.environment, and "none" turns the environment off', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    const other = join(root, 'envs', 'old');
    writeVenv(other, '3.11.9', [{ name: 'torch', version: '2.1.0' }]);
    client.settings = { environment: 'envs/old' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const diagnostics = await client.waitForDiagnostics(uri, (d) => drift(d).some((x) => String(x.message).includes('2.1.0')));
    expect(drift(diagnostics).map((d) => d.message)).toEqual([
      '`torch==2.3.1` is not what envs/old has: torch 2.1.0 is installed.',
      '`numpy==1.26.4` is declared but not installed in envs/old.',
    ]);
    client.settings = { environment: 'none' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    expect(drift(await client.waitForDiagnostics(uri, (d) => drift(d).length === 0))).toEqual([]);
  });
});
