// In process, with the grammar loader held back: requirements files get diagnostics before the
// tree-sitter grammars have loaded; shell scripts get theirs (and nothing wrong before) once they have.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createConnection } from 'vscode-languageserver/node';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import type { Grammars } from '../../server/src/engine/grammars';
import { loadGrammars } from '../../server/src/host/grammars';
import { startServer } from '../../server/src/lsp/server';
import { kb } from '../support/analyze';
import { uriOf } from './client';

const root = mkdtempSync(join(tmpdir(), 'pinwise-early-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('first diagnostics before the grammars load', () => {
  it('publishes for requirements.txt at once, and for a shell script only once the grammars are in', async () => {
    writeFileSync(join(root, 'requirements.txt'), 'torch==2.3.1\ntorchvision==0.17.0\n');
    writeFileSync(join(root, 'setup.sh'), 'pip install torch==2.2.2\n');
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    let release!: (g: Grammars) => void;
    const gate = new Promise<Grammars>((done) => (release = done));
    const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(serverConnection, { loadKnowledgeBase: () => kb, loadGrammars: () => gate, debounceMs: 10 });
    const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const published: PublishDiagnosticsParams[] = [];
    const waiters: (() => void)[] = [];
    client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      published.push(params);
      for (const w of waiters.splice(0)) w();
    });
    client.onNotification('window/logMessage', () => undefined);
    client.listen();
    const until = async (test: () => boolean): Promise<void> => {
      while (!test()) await new Promise<void>((done) => waiters.push(done));
    };
    const rootUri = uriOf(root);
    await client.sendRequest('initialize', { processId: null, rootUri, workspaceFolders: [{ uri: rootUri, name: 'w' }], capabilities: {} });
    await client.sendNotification('initialized', {});
    const req = uriOf(join(root, 'requirements.txt'));
    const sh = uriOf(join(root, 'setup.sh'));
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri: req, languageId: 'pip-requirements', version: 1, text: 'torch==2.3.1\ntorchvision==0.17.0\n' } });
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri: sh, languageId: 'shellscript', version: 1, text: 'pip install torch==2.2.2\n' } });

    await until(() => published.some((p) => p.uri === req && p.diagnostics.some((d) => d.code === 'torch-family-mismatch')));
    expect(published.filter((p) => p.uri === sh)).toEqual([]); // nothing (not an empty "all clear") for the script yet

    release(await loadGrammars());
    await until(() => published.some((p) => p.uri === sh && p.diagnostics.some((d) => d.code === 'inconsistent-pins')));
    const script = published.filter((p) => p.uri === sh).at(-1)!;
    expect(script.diagnostics.find((d) => d.code === 'inconsistent-pins')!.message).toContain('requirements.txt');
    expect(published.filter((p) => p.uri === req).at(-1)!.diagnostics.map((d) => d.code)).toContain('torch-family-mismatch');
    client.dispose();
    serverConnection.dispose();
  });
});
