// The built language server over a real stdio connection: what any LSP client sees.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTextEdits, editsFor, TestClient, uriOf } from './client';

let root: string;
let client: TestClient;

const byRule = (diagnostics: Diagnostic[], ruleId: string): Diagnostic[] => diagnostics.filter((d) => d.code === ruleId);
const hasRuleOnLine = (ruleId: string, line: number) => (diagnostics: Diagnostic[]) => byRule(diagnostics, ruleId).some((d) => d.range.start.line === line);
const lacksRuleOnLine = (ruleId: string, line: number) => (diagnostics: Diagnostic[]) => !hasRuleOnLine(ruleId, line)(diagnostics);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pinwise-lsp-'));
  mkdirSync(join(root, 'envs'));
  writeFileSync(join(root, 'envs', 'base.txt'), 'numpy=1.26.4\n');
  writeFileSync(join(root, 'envs', 'requirements-gpu.txt'), '-r base.txt\n');
  mkdirSync(join(root, 'pyapp'));
  writeFileSync(join(root, 'pyapp', 'requirements.txt'), 'numpy==1.26.4\n');
  client = new TestClient();
  // The fixes below change pins: fix-all takes them only when opted in (code-actions.test.ts has the default).
  client.settings = { fixAll: { includePinChanges: true } };
  await client.initialize(root);
});

afterAll(async () => {
  const code = await client.shutdown();
  rmSync(root, { recursive: true, force: true });
  expect(code).toBe(0);
  expect(client.stderr.join('')).toBe('');
});

describe('language server over stdio', () => {
  it('announces its capabilities', async () => {
    const fresh = new TestClient();
    const result = await fresh.initialize(root);
    expect(result.serverInfo?.name).toBe('pinwise');
    expect(result.capabilities.hoverProvider).toBe(true);
    expect(result.capabilities.codeActionProvider).toMatchObject({ codeActionKinds: ['quickfix', 'source.fixAll.pinwise', 'refactor.rewrite.pinwise.upgrade'] });
    expect(result.capabilities.executeCommandProvider?.commands).toEqual(['pinwise.audit', 'pinwise.applyFixAll', 'pinwise.fixAllWorkspace', 'pinwise.showUpgradeNotes']);
    expect(await fresh.shutdown()).toBe(0);
  });

  it('reports a missing -r target and a syntax error, with rule ids, docs links and exact ranges', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    client.open(uri, '# héllo ✓ wörld\n-r missing.txt\ntorch=2.1.2\n');
    const diagnostics = await client.waitForDiagnostics(uri, (d) => hasRuleOnLine('unresolved-include', 1)(d) && hasRuleOnLine('syntax-error', 2)(d));
    const include = byRule(diagnostics, 'unresolved-include')[0]!;
    expect(include).toMatchObject({
      source: 'pinwise',
      severity: 2,
      range: { start: { line: 1, character: 3 }, end: { line: 1, character: 14 } },
      codeDescription: { href: expect.stringMatching(/docs\/rules\/unresolved-include\.md$/) },
    });
    expect(include.message).toContain("'missing.txt' not found");
    const syntax = byRule(diagnostics, 'syntax-error').find((d) => d.range.start.line === 2)!;
    expect(syntax.severity).toBe(1);
    expect(syntax.range.end.line).toBe(2);
    expect(syntax.range.end.character).toBeLessThanOrEqual('torch=2.1.2'.length);
    expect('torch=2.1.2'.slice(syntax.range.start.character, syntax.range.end.character)).toContain('=');
    expect(syntax.message).toMatch(/==/);
  });

  it('offers "ignore on this line"; applying it re-publishes without the finding and changes only that line', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    const diagnostics = await client.waitForDiagnostics(uri, hasRuleOnLine('syntax-error', 2));
    const syntax = byRule(diagnostics, 'syntax-error').find((d) => d.range.start.line === 2)!;
    const actions = await client.codeActions(uri, [syntax]);
    const ignore = actions.find((a) => a.title === 'Pinwise (syntax-error): Disable syntax-error for this line');
    expect(ignore?.kind).toBe('quickfix');
    const before = client.text(uri);
    const after = applyTextEdits(before, editsFor(ignore!.edit!, uri));
    expect(after).toBe('# héllo ✓ wörld\n-r missing.txt\ntorch=2.1.2 # pinwise: ignore[syntax-error]\n');
    client.change(uri, after);
    const republished = await client.waitForDiagnostics(uri, lacksRuleOnLine('syntax-error', 2), false);
    expect(hasRuleOnLine('unresolved-include', 1)(republished)).toBe(true);

    // A second rule on the same line merges into the same comment.
    const include = byRule(republished, 'unresolved-include')[0]!;
    const merged = (await client.codeActions(uri, [include])).find((a) => a.title === 'Pinwise (unresolved-include): Disable unresolved-include for this line')!;
    expect(applyTextEdits(after, editsFor(merged.edit!, uri))).toBe(after.replace('-r missing.txt', '-r missing.txt # pinwise: ignore[unresolved-include]'));
  });

  it("offers a rule's fix as the preferred quick fix; applying it re-publishes clean, other bytes unchanged", async () => {
    const uri = uriOf(join(root, 'fix-requirements.txt'));
    const text = '# GPU box ✓\r\ntorch==2.1.2  # keep\r\ntorchvision==0.15.2\r\n';
    client.open(uri, text);
    const diagnostics = await client.waitForDiagnostics(uri, (d) => byRule(d, 'torch-family-mismatch').length > 0);
    const mismatch = byRule(diagnostics, 'torch-family-mismatch')[0]!;
    expect(mismatch.severity).toBe(1);
    const actions = await client.codeActions(uri, [mismatch]);
    const preferred = actions.filter((a) => a.isPreferred);
    expect(preferred).toHaveLength(1);
    expect(preferred[0]!.kind).toBe('quickfix');
    const fixed = applyTextEdits(text, editsFor(preferred[0]!.edit!, uri));
    expect(fixed).toBe('# GPU box ✓\r\ntorch==2.1.2  # keep\r\ntorchvision==0.16.2\r\n');

    // source.fixAll.pinwise (editor.codeActionsOnSave) gives the same text.
    const fixAll = await client.codeActions(uri, [], ['source.fixAll.pinwise']);
    expect(fixAll.map((a) => a.kind)).toEqual(['source.fixAll.pinwise']);
    expect(applyTextEdits(text, editsFor(fixAll[0]!.edit!, uri))).toBe(fixed);
    expect(await client.codeActions(uri, [], ['source.organizeImports'])).toEqual([]);

    client.change(uri, fixed);
    await client.waitForDiagnostics(uri, (d) => byRule(d, 'torch-family-mismatch').length === 0, false);
    client.close(uri);
  });

  it('applies fix-all through the pinwise.applyFixAll command and workspace/applyEdit', async () => {
    const uri = uriOf(join(root, 'cmd-requirements.txt'));
    client.open(uri, 'torch==2.1.2\ntorchvision==0.15.2\n');
    await client.waitForDiagnostics(uri, (d) => byRule(d, 'torch-family-mismatch').length > 0);
    const stale = await client.connection.sendRequest<{ applied: boolean }>('workspace/executeCommand', { command: 'pinwise.applyFixAll', arguments: [{ uri, version: 0 }] });
    expect(stale.applied).toBe(false);
    const result = await client.connection.sendRequest<{ applied: boolean }>('workspace/executeCommand', { command: 'pinwise.applyFixAll', arguments: [{ uri, version: 1 }] });
    expect(result.applied).toBe(true);
    expect(client.text(uri)).toBe('torch==2.1.2\ntorchvision==0.16.2\n');
    await client.waitForDiagnostics(uri, (d) => byRule(d, 'torch-family-mismatch').length === 0, false);
    client.close(uri);
  });

  it('refuses a fix computed for an older version of the document', async () => {
    const uri = uriOf(join(root, 'stale-requirements.txt'));
    client.open(uri, 'torch=2.1.2\n');
    const diagnostics = await client.waitForDiagnostics(uri, hasRuleOnLine('syntax-error', 0));
    const stale = diagnostics.map((d) => ({ ...d, data: { version: -1, fixes: [{ title: 'Stale fix', safe: true, changes: { [uri]: [] } }] } }));
    const actions = await client.codeActions(uri, stale);
    expect(actions.map((a) => a.title)).not.toContain('Stale fix');
    client.close(uri);
  });

  it('answers a hover with Markdown or null, never an error', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    for (const position of [{ line: 0, character: 3 }, { line: 2, character: 2 }, { line: 99, character: 0 }]) {
      const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
      if (hover !== null) expect(hover.contents).toMatchObject({ kind: 'markdown' });
    }
  });

  it('hovers a deprecated name in a .py file with its history against the pinned version', async () => {
    const uri = uriOf(join(root, 'pyapp', 'app.py'));
    client.open(uri, 'import numpy as np\nx = np.float(3)\n', 'python');
    await client.waitForDiagnostics(uri, (d) => byRule(d, 'deprecated-api').length > 0);
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 8 } });
    expect(hover?.range).toEqual({ start: { line: 1, character: 4 }, end: { line: 1, character: 12 } });
    expect(hover?.contents).toMatchObject({ kind: 'markdown', value: expect.stringContaining('removed in 1.24') });
    expect((hover?.contents as { value: string }).value).toContain('In this project (numpy==1.26.4): **removed**.');
    client.close(uri);
  });

  it('publishes for the files an open file includes (editing the root refreshes its environment)', async () => {
    const uri = uriOf(join(root, 'envs', 'requirements-gpu.txt'));
    const baseUri = uriOf(join(root, 'envs', 'base.txt'));
    client.open(uri, '-r base.txt\n');
    const base = await client.waitForDiagnostics(baseUri, hasRuleOnLine('syntax-error', 0));
    expect(byRule(base, 'syntax-error')[0]!.message).toMatch(/==/);
  });

  it('picks up a file created on disk through workspace/didChangeWatchedFiles', async () => {
    const uri = uriOf(join(root, 'requirements.txt'));
    await client.waitForDiagnostics(uri, hasRuleOnLine('unresolved-include', 1));
    writeFileSync(join(root, 'missing.txt'), '\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(root, 'missing.txt')), type: 1 }] });
    await client.waitForDiagnostics(uri, lacksRuleOnLine('unresolved-include', 1), false);
  });

  it('turns a rule off through the pinwise.severity setting, and back on', async () => {
    const uri = uriOf(join(root, 'severity-requirements.txt'));
    client.open(uri, 'torch=2.1.2\n');
    await client.waitForDiagnostics(uri, hasRuleOnLine('syntax-error', 0));
    client.settings = { severity: { 'syntax-error': 'off' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(uri, (d) => byRule(d, 'syntax-error').length === 0, false);
    client.settings = { severity: { 'syntax-error': 'warning' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const back = await client.waitForDiagnostics(uri, hasRuleOnLine('syntax-error', 0), false);
    expect(byRule(back, 'syntax-error')[0]!.severity).toBe(2);
    client.settings = { enable: false };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(uri, (d) => d.length === 0, false);
    client.settings = {};
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(uri, hasRuleOnLine('syntax-error', 0), false);
    client.close(uri);
  });

  it('survives garbage and binary documents', async () => {
    const uri = uriOf(join(root, 'garbage-requirements.txt'));
    let garbage = '\u0000\uFFFD\uD800 -r \n--index-url\n\\\n[[[\n;;;@@@ \u00A0\r\r\n-e\n--hash=\n' + 'a'.repeat(20_000) + '=' + '\n';
    for (let i = 0; i < 2000; i++) garbage += String.fromCharCode((i * 7919) % 65536);
    client.open(uri, garbage);
    await client.waitForDiagnostics(uri);
    const actions = await client.codeActions(uri, client.diagnostics.get(uri) ?? []);
    expect(Array.isArray(actions)).toBe(true);
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    expect(hover === null || typeof hover === 'object').toBe(true);
    client.close(uri);
  });

  it('audits the workspace with progress, publishing for files that are not open', async () => {
    const token = 'audit-1';
    const progress = client.trackProgress(token);
    const report = await client.connection.sendRequest<{ counts: Record<string, number>; markdown: string; folders: { environments: { label: string }[] }[] }>(
      'workspace/executeCommand',
      { command: 'pinwise.audit', arguments: [], workDoneToken: token },
    );
    expect(report.markdown).toMatch(/^# Pinwise audit/);
    expect(report.markdown).toContain('### Environment `envs/requirements-gpu.txt`');
    expect(report.folders[0]!.environments.map((e) => e.label)).toContain('envs/requirements-gpu.txt');
    expect(report.counts.error).toBeGreaterThan(0);
    const kinds = progress.map((p) => p.kind);
    expect(kinds[0]).toBe('begin');
    expect(kinds.at(-1)).toBe('end');
    expect(client.diagnostics.get(uriOf(join(root, 'envs', 'base.txt')))?.length).toBeGreaterThan(0);
  });
});
