// Whole-workspace diagnostics (pinwise.diagnosticScope: workspace, the default): every file of the
// folder is checked in the background and published without being opened; the status, the audit
// and the Problems panel agree; closing a file keeps its diagnostics; a watcher event re-checks.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../server/src/lsp/audit';
import { debugInfoRequest, type DebugInfo, type ServerStatus } from '../../server/src/lsp/status';
import { TestClient, uriOf } from './client';
import { nodeFlags } from '../support/node-flags';

const mismatch = 'torch==2.1.2\ntorchvision==0.17.0\n';
const matching = 'torch==2.1.2\ntorchvision==0.16.2\n';
const script = 'import numpy as np\nx = np.NaN\n';

let root: string;
let client: TestClient;

function project(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'pinwise-ws-'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return root;
}

async function start(settings: Record<string, unknown> = {}): Promise<TestClient> {
  client = new TestClient();
  client.settings = settings;
  await client.initialize(root);
  return client;
}

afterEach(async () => {
  const code = await client.shutdown();
  rmSync(root, { recursive: true, force: true });
  expect(code).toBe(0);
});

const rules = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`).sort();
const has = (rule: string) => (diagnostics: Diagnostic[]) => diagnostics.some((d) => d.code === rule);
const lacks = (rule: string) => (diagnostics: Diagnostic[]) => !has(rule)(diagnostics);
const idleAndComplete = (status: ServerStatus): boolean => status.state === 'idle' && status.complete;
const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

describe('workspace scope', () => {
  it('publishes for files never opened, and status, audit and Problems agree', async () => {
    project({ 'requirements.txt': `numpy==2.0.0\n${mismatch}`, 'train.py': script, 'notes.md': '# not a dependency file\n' });
    await start();
    const requirements = await client.waitForDiagnostics(uriOf(join(root, 'requirements.txt')), has('torch-family-mismatch'));
    const python = await client.waitForDiagnostics(uriOf(join(root, 'train.py')), has('deprecated-api'));
    expect(requirements.length).toBeGreaterThan(0);
    expect(python.length).toBeGreaterThan(0);
    const status = await client.waitForStatus(idleAndComplete);
    const published = [...client.published().values()].flat();
    expect(sum(status.counts)).toBe(published.length);
    expect(status.counts.error).toBe(published.filter((d) => d.severity === 1).length);
    expect(status.files).toBe(2);
    expect(status.scope).toBe('workspace');
    expect(status.knowledgeDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const report = (await client.connection.sendRequest('workspace/executeCommand', { command: 'pinwise.audit', arguments: [] })) as AuditReport;
    expect(report.counts).toEqual(status.counts);
    expect(report.folders[0]!.fileCount).toBe(2);
    expect(client.published().size).toBe(2); // the audit published nothing new
  });

  it('says "checking" before the first result and never complete before the whole folder was checked', async () => {
    project({ 'requirements.txt': mismatch });
    await start();
    await client.waitForStatus(idleAndComplete);
    const firstComplete = client.statuses.findIndex(idleAndComplete);
    expect(client.statuses.slice(0, firstComplete).some((s) => s.state === 'checking' || s.state === 'starting')).toBe(true);
    // The first complete status came after the diagnostics it counts.
    expect(client.statuses[firstComplete]!.counts.error).toBeGreaterThan(0);
  });

  it('keeps a closed file\'s diagnostics (of its disk text), and uses the unsaved text while open', async () => {
    project({ 'requirements.txt': mismatch, 'train.py': script, 'requirements-np.txt': 'numpy==2.0.0\n' });
    await start();
    const uri = uriOf(join(root, 'requirements.txt'));
    const py = uriOf(join(root, 'train.py'));
    await client.waitForDiagnostics(uri, has('torch-family-mismatch'));
    await client.waitForDiagnostics(py, has('deprecated-api'));
    client.open(uri, mismatch);
    client.change(uri, matching); // unsaved: the editor's text counts
    await client.waitForDiagnostics(uri, lacks('torch-family-mismatch'), false);
    client.close(uri);
    await client.waitForDiagnostics(uri, has('torch-family-mismatch'), false); // the disk still has the mismatch

    client.open(py, script, 'python');
    await client.waitForStatus(idleAndComplete, false);
    client.close(py);
    await client.waitForStatus(idleAndComplete, false); // the run after the close
    expect(has('deprecated-api')(client.diagnostics.get(py) ?? [])).toBe(true);
  });

  it('re-checks a file changed on disk; two quick changes publish the latest state only', async () => {
    project({ 'requirements.txt': mismatch });
    await start();
    const uri = uriOf(join(root, 'requirements.txt'));
    await client.waitForDiagnostics(uri, has('torch-family-mismatch'));
    const before = client.history.length;
    writeFileSync(join(root, 'requirements.txt'), 'torch=2.1.2\n'); // a syntax error: the superseded state
    client.filesChanged([{ uri, type: 2 }]);
    writeFileSync(join(root, 'requirements.txt'), matching);
    client.filesChanged([{ uri, type: 2 }]);
    await client.waitForDiagnostics(uri, (d) => d.length === 0, false);
    const after = client.history.slice(before).filter((p) => p.uri === uri);
    expect(after.some((p) => has('syntax-error')(p.diagnostics))).toBe(false);
    expect(after).toHaveLength(1);

    // A new file on disk: created, then checked without being opened.
    const added = join(root, 'requirements-gpu.txt');
    writeFileSync(added, mismatch);
    client.filesChanged([{ uri: uriOf(added), type: 1 }]);
    expect(rules(await client.waitForDiagnostics(uriOf(added), has('torch-family-mismatch')))).toContain('1:torch-family-mismatch');
  });

  it('a keystroke re-checks the open file first, then the whole folder once typing pauses', async () => {
    project({ 'requirements.txt': 'numpy==2.0.0\n', 'train.py': script });
    await start();
    const uri = uriOf(join(root, 'requirements.txt'));
    const py = uriOf(join(root, 'train.py'));
    await client.waitForDiagnostics(py, has('deprecated-api'));
    await client.waitForStatus(idleAndComplete);
    client.open(uri, 'numpy==2.0.0\n');
    await client.waitForStatus(idleAndComplete, false);
    const logsBefore = client.logs.length;
    client.change(uri, 'numpy==1.26.4\n'); // np.NaN is fine on NumPy 1.x: train.py's finding goes
    await client.waitForDiagnostics(py, lacks('deprecated-api'), false);
    const runs = client.logs.slice(logsBefore).filter((line) => /Analysed \d+ file\(s\)/.test(line));
    expect(runs[0]).toMatch(/Analysed 1 file\(s\)/); // the quick run: the open file's environment
    expect(runs.at(-1)).toMatch(/Analysed 2 file\(s\)/); // then the whole folder
    await client.waitForStatus(idleAndComplete);
  });

  it('openFiles scope: only open files and their environments, as before', async () => {
    project({ 'requirements.txt': `numpy==2.0.0\n${mismatch}`, 'train.py': script });
    await start({ diagnosticScope: 'openFiles' });
    const idle = await client.waitForStatus((s) => s.state === 'idle');
    expect(idle.complete).toBe(false); // nothing was checked: no "no problems"
    expect(idle.scope).toBe('openFiles');
    expect(client.published().size).toBe(0);
    const uri = uriOf(join(root, 'requirements.txt'));
    client.open(uri, `numpy==2.0.0\n${mismatch}`);
    await client.waitForDiagnostics(uri, has('torch-family-mismatch'));
    await client.waitForStatus((s) => s.state === 'idle' && s.counts.error > 0);
    expect(client.diagnostics.get(uriOf(join(root, 'train.py')))).toBeUndefined();
    client.close(uri);
    // A dependency file keeps its diagnostics after closing (today's behaviour); a .py file does not.
    const py = uriOf(join(root, 'train.py'));
    client.open(py, script, 'python');
    await client.waitForDiagnostics(py, has('deprecated-api'));
    client.close(py);
    await client.waitForDiagnostics(py, (d) => d.length === 0, false);
  });
});

describe('short messages and debug information', () => {
  it('pinwise.shortMessages: the first sentence in the diagnostic, the whole message in the hover', async () => {
    const text = 'opencv-python==4.9.0.80\nopencv-python-headless==4.9.0.80\n';
    project({ 'requirements.txt': text });
    await start({ shortMessages: true });
    const uri = uriOf(join(root, 'requirements.txt'));
    const diagnostic = (await client.waitForDiagnostics(uri, has('distribution-conflict'))).find((d) => d.code === 'distribution-conflict')!;
    expect(diagnostic.message).toMatch(/^`opencv-python(?:-headless)?` and `opencv-python(?:-headless)?` both install the import package `cv2`[^]*overwrites the other's files\.$/);
    client.open(uri, text);
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: diagnostic.range.start });
    const value = (hover?.contents as { value: string }).value;
    expect(value).toContain('**distribution-conflict**');
    expect(value).toContain('Keep only one.');
    // Quick fixes still match a diagnostic that comes back without data, by its short message.
    const actions = await client.codeActions(uri, [{ ...diagnostic, data: undefined }]);
    expect(actions.some((a) => a.title === 'Pinwise (distribution-conflict): Disable distribution-conflict for this line')).toBe(true);
  });

  it('pinwise/debugInfo: versions, settings, environments and files per folder', async () => {
    project({ 'requirements.txt': mismatch, 'requirements-dev.txt': '-r requirements.txt\npytest==8.0.0\n', 'train.py': script, '.python-version': '3.11\n' });
    await start({ accelerator: 'cpu' });
    await client.waitForStatus(idleAndComplete);
    const info = await client.connection.sendRequest<DebugInfo>(debugInfoRequest);
    const version = execFileSync(process.execPath, [...nodeFlags, join(__dirname, '..', '..', 'dist', 'cli.js'), '--version'], { encoding: 'utf8' });
    expect(version).toContain(info.server);
    expect(version).toContain(info.knowledgeDate!);
    expect(info.node).toBe(process.version);
    expect(info.grammars).toBe('loaded');
    expect(info.folders).toHaveLength(1);
    const folder = info.folders[0]!;
    expect(folder.root).toBe(root);
    expect(folder.settings).toMatchObject({ diagnosticScope: 'workspace', engine: { accelerator: 'cpu' } });
    expect(folder.files).toEqual({ total: 4, byKind: { requirements: 2, python: 1, 'python-version': 1 } });
    expect(folder.targetPython).toBe('3.11');
    expect(folder.environments.map((e) => e.label)).toEqual(['requirements-dev.txt']); // it includes requirements.txt
    expect(folder.environments.find((e) => e.label === 'requirements-dev.txt')!.files).toEqual(['requirements-dev.txt', 'requirements.txt']);
    expect(folder.complete).toBe(true);
    expect(sum(folder.counts)).toBe([...client.published().values()].flat().length);
    expect(client.logs.some((line) => line.includes(`Pinwise language server ${info.server}, knowledge current to ${info.knowledgeDate}, Node ${process.version}`))).toBe(true);
  });
});
