// Convergence: after any sequence of edits, each open document's last publishDiagnostics is for
// its latest version. A storm of full-text edits over several documents of one folder, sent
// without waiting, ends with one document in a state the analysis once failed on (130,000
// option lines overflowed the stack): every document of the folder, not only that one, was
// left showing the diagnostics of an older version. Whatever the analysis does with the last
// state (findings, or a diagnostic saying it failed), each document must end current.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../cli/run-cli';
import { TestClient, uriOf } from '../lsp/client';
import { prng } from '../robustness/pathological';

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = mkdtempSync(join(tmpdir(), 'pinwise-converge-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const lines = ['torch==2.3.1\n', 'torchvision==0.17.0\n', 'numpy<2\n', 'torch=2.1\n', '-r base.txt\n', '--extra-index-url https://download.pytorch.org/whl/cu121\n'];

/** Sends the storm; resolves with the documents whose last publication is not for their latest version. */
async function storm(client: TestClient, finals: Record<number, string>, settleMs: number): Promise<{ lagging: string[]; last: Map<string, Diagnostic[]> }> {
  const random = prng(7);
  const uris = Array.from({ length: 8 }, (_, i) => uriOf(join(root, `requirements-${i}.txt`)));
  const latest = new Map<string, number>();
  const published = new Map<string, number | undefined>();
  const last = new Map<string, Diagnostic[]>();
  let wake = () => {};
  client.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    published.set(params.uri, params.version);
    last.set(params.uri, params.diagnostics);
    wake();
  });
  const texts = uris.map(() => '');
  for (const uri of uris) {
    client.open(uri, '');
    latest.set(uri, 1);
  }
  for (let op = 0; op < 400; op++) {
    const i = Math.floor(random() * uris.length);
    texts[i] += lines[Math.floor(random() * lines.length)]!;
    client.change(uris[i]!, texts[i]!);
    latest.set(uris[i]!, latest.get(uris[i]!)! + 1);
  }
  for (const [i, text] of Object.entries(finals)) {
    client.change(uris[Number(i)]!, text);
    latest.set(uris[Number(i)]!, latest.get(uris[Number(i)]!)! + 1);
  }
  const behind = () => [...latest].filter(([uri, version]) => published.get(uri) !== version);
  const deadline = Date.now() + settleMs;
  while (behind().length > 0 && Date.now() < deadline) {
    // Waits on the next publication (or gives up at the deadline), never a blind sleep.
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    clearTimeout(timer);
  }
  const lagging = behind().map(([uri, version]) => `${uri.slice(uri.lastIndexOf('/') + 1)}: last published ${published.get(uri) ?? 'never'}, latest ${version}`);
  return { lagging, last };
}

describe('the language server converges after a storm of edits', () => {
  it('publishes every open document at its latest version, even when the last state fails to analyse', async () => {
    const client = new TestClient();
    await client.initialize(root);
    try {
      const { lagging, last } = await storm(client, { 3: '--pre\n'.repeat(130_000), 5: 'torch==2.3.1\n' }, 45_000);
      expect(lagging).toEqual([]);
      for (const diagnostics of last.values()) for (const d of diagnostics) expect(d.source).toBe('pinwise');
    } finally {
      await client.shutdown();
    }
  }, 90_000);
});
