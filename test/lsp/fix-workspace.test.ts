// `pinwise.fixAllWorkspace` (the audit report's "Fix all safe problems") over a real stdio
// connection: one edit per affected file, open files from their buffer and with their version,
// closed files from disk, every byte outside the fixed spans kept; every edit annotated as needing
// confirmation (VS Code's refactor preview); pin changes only when `pinwise.fixAll.includePinChanges` says so.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceFixResult } from '../../server/src/lsp/server';
import { applyTextEdits, TestClient, uriOf } from './client';

const requirements = '-r sub/base.txt\n--extra-index-url https://download.pytorch.org/whl/cu121\r\ntorch==2.1.2+cu121  # héllo\ntorchvision==0.16.2+cu118\n';
const base = 'torch==2.1.2+cu121\ntorchaudio==2.1.2+cu118\nonnxruntime==1.17.0\n';
const app = 'import numpy as np\nx = np.float_(1)\n';

let root: string;
let client: TestClient;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'pinwise-fixws-'));
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'requirements.txt'), requirements);
  writeFileSync(join(root, 'sub', 'base.txt'), base);
  writeFileSync(join(root, 'app.py'), app);
  writeFileSync(join(root, 'requirements-py.txt'), 'numpy==2.0.0\n');
  client = new TestClient();
  client.settings = { fixAll: { includePinChanges: true } };
  await client.initialize(root);
});

afterEach(async () => {
  expect(await client.shutdown()).toBe(0);
  expect(client.stderr.join('')).toBe('');
  rmSync(root, { recursive: true, force: true });
});

const fixWorkspace = (apply: boolean) =>
  client.connection.sendRequest<WorkspaceFixResult>('workspace/executeCommand', { command: 'pinwise.fixAllWorkspace', arguments: [{ apply }] });

describe('pinwise.fixAllWorkspace', () => {
  it('fixes every affected file: open ones from the buffer at their version, closed ones from disk', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    const buffer = `${requirements}# not saved yet\n`;
    client.open(uri, requirements);
    client.change(uri, buffer); // version 2
    const result = await fixWorkspace(false);
    expect(result.applied).toBeNull();
    const files = { [uri]: buffer, [uriOf(join(root, 'sub', 'base.txt'))]: base, [uriOf(join(root, 'app.py'))]: app };
    expect([...result.files].sort()).toEqual(Object.keys(files).sort());
    const changes = result.edit.documentChanges as TextDocumentEdit[];
    expect(changes.map((c) => [c.textDocument.uri, c.textDocument.version])).toEqual(
      Object.keys(files)
        .sort()
        .map((u) => [u, u === uri ? 2 : null]),
    );
    const after = Object.fromEntries(changes.map((c) => [c.textDocument.uri, applyTextEdits(files[c.textDocument.uri]!, c.edits as TextEdit[])]));
    expect(after[uri]).toBe(buffer.replace('torchvision==0.16.2+cu118', 'torchvision==0.16.2+cu121'));
    expect(after[uriOf(join(root, 'sub', 'base.txt'))]).toBe(base.replace('torchaudio==2.1.2+cu118', 'torchaudio==2.1.2+cu121'));
    expect(after[uriOf(join(root, 'app.py'))]).toBe(app.replace('np.float_', 'np.float64'));
    // One edit per file, covering only what changes, each to be confirmed in the client's preview.
    for (const change of changes) expect(change.edits).toEqual([expect.objectContaining({ annotationId: 'pinwise.fixAllWorkspace' })]);
    expect(result.edit.changeAnnotations).toEqual({ 'pinwise.fixAllWorkspace': expect.objectContaining({ needsConfirmation: true }) });
  });

  it('leaves pins alone unless includePinChanges takes them, for every rule or the rules listed', async () => {
    for (const [setting, fixed] of [
      [false, ['app.py']],
      [['index-variant-mismatch'], ['app.py', 'requirements.txt', 'sub/base.txt']],
      [['distribution-conflict'], ['app.py']],
    ] as const) {
      const other = new TestClient();
      other.settings = { fixAll: { includePinChanges: setting } };
      try {
        await other.initialize(root);
        const result = await other.connection.sendRequest<WorkspaceFixResult>('workspace/executeCommand', { command: 'pinwise.fixAllWorkspace', arguments: [{ apply: false }] });
        expect([...result.files].sort(), JSON.stringify(setting)).toEqual(fixed.map((file) => uriOf(join(root, ...file.split('/')))));
      } finally {
        expect(await other.shutdown()).toBe(0);
      }
    }
  });

  it('asks the client to apply the edit when told to', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    client.open(uri, requirements);
    const result = await fixWorkspace(true);
    expect(result.applied).toBe(true);
    expect(result.files).toHaveLength(3);
    expect(client.text(uri)).toBe(requirements.replace('torchvision==0.16.2+cu118', 'torchvision==0.16.2+cu121'));
  });

  it('says when there is nothing to fix safely', async () => {
    writeFileSync(join(root, 'requirements.txt'), 'torch==2.1.2\n');
    writeFileSync(join(root, 'app.py'), 'import numpy as np\n');
    // No longer included, it is still a requirements file by its lines: emptied too.
    writeFileSync(join(root, 'sub', 'base.txt'), '# nothing pinned\n');
    const result = await fixWorkspace(true);
    expect(result).toMatchObject({ files: [], applied: null, reason: 'Nothing to fix safely.' });
  });
});
