// Include graphs that used to hang, blow the stack or the heap: a cycle of 1,000 files, a fan-out
// and a chain of 10,000, 14 files each including the next twice (every path walked: 2^14), 32
// files each including all the others. Include resolution is an iterative graph walk that visits
// each file once per environment, so each ends in seconds with its findings; past the cap on files
// per project, a `note` says what was not read. Through the real CLI and language server.
// No wall-clock assertions (the machine is shared): the bound on the walk is the engine's budget of
// file visits (maxEnvironmentFileVisits, 1,000,000), which a walk of every path would exhaust here
// (3^13 paths through the doubled chain, more than 31! through the dense graph, 3^15 for the
// language server), and exhausting it is a finding these tests rule out; the per-test timeout
// bounds the rest.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyze, defaultSettings } from '../../server/src/engine';
import { discoverFiles, loadProject } from '../../server/src/host/files';
import { ensureBuilt, runCli } from '../cli/run-cli';
import { maxEnvironmentFileVisits } from '../../server/src/engine/project';
import { TestClient, uriOf } from '../lsp/client';
import { kb } from '../support/analyze';

beforeAll(() => ensureBuilt());

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinwise-graph-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

interface JsonFinding {
  ruleId: string;
  level: string;
  file: string;
  message: string;
}

/** What a walk that ran out of file visits says (it stops following includes). */
const visitBudget = new RegExp(`limit of ${maxEnvironmentFileVisits} file visits`);

/** `pinwise check DIR --format json`: never exit 2, never an internal error, never out of file visits. */
function check(dir: string): JsonFinding[] {
  const run = runCli(['check', dir, '--format', 'json']);
  expect(run.stderr).not.toMatch(/internal error|Maximum call stack|heap/);
  expect([0, 1]).toContain(run.status);
  const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
  expect(findings.filter((f) => visitBudget.test(f.message))).toEqual([]);
  return findings;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('include graphs end, with their findings', () => {
  it('a cycle of 1,000 files: one cycle finding, named by its ends', () => {
    const files: Record<string, string> = {};
    for (const i of range(1000)) files[`requirements-${i}.txt`] = `-r requirements-${(i + 1) % 1000}.txt\npkg${i}==1.0\n`;
    files['requirements-500.txt'] += 'torch=2.3.1\n';
    const findings = check(project(files));
    const cycles = findings.filter((f) => f.ruleId === 'unresolved-include');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.message).toMatch(/closes an include cycle \(requirements-0\.txt → .* more … → .*requirements-0\.txt\)/);
    expect(cycles[0]!.message.length).toBeLessThan(400);
    expect(findings.filter((f) => f.ruleId === 'syntax-error').map((f) => f.file)).toEqual(['requirements-500.txt']);
  });

  it('a fan-out of 10,000 includes: every file read, the last one checked', () => {
    const fan: Record<string, string> = { 'requirements.txt': range(10_000).map((i) => `-r dep/${i}.txt\n`).join('') };
    for (const i of range(10_000)) fan[`dep/${i}.txt`] = i === 9_999 ? 'torch=2.3.1\n' : `pkg${i}==1.0\n`;
    expect(check(project(fan)).map((f) => [f.ruleId, f.file])).toEqual([['syntax-error', 'dep/9999.txt']]);
  }, 120_000);

  it('a chain of 10,000 includes: no stack overflow, the last one checked', () => {
    const chain: Record<string, string> = { 'requirements.txt': '-r c/0.txt\n' };
    for (const i of range(10_000)) chain[`c/${i}.txt`] = i === 9_999 ? 'torch=2.3.1\n' : `-r ${i + 1}.txt\npkg${i}==1.0\n`;
    expect(check(project(chain)).map((f) => [f.ruleId, f.file])).toEqual([['syntax-error', 'c/9999.txt']]);
  }, 120_000);

  it('14 files each including the next twice, and 32 files each including all the others: each file walked once, not each path', () => {
    const doubled: Record<string, string> = {};
    for (const i of range(14)) doubled[`requirements-${i}.txt`] = (i < 13 ? `-r requirements-${i + 1}.txt\n-c requirements-${i + 1}.txt\n-r requirements-${i + 1}.txt\n` : 'torch=2.3.1\n') + `pkg${i}==1.0\n`;
    expect(check(project(doubled)).map((f) => [f.ruleId, f.file])).toEqual([['syntax-error', 'requirements-13.txt']]);

    const dense: Record<string, string> = {};
    for (const i of range(32)) dense[`requirements-${i}.txt`] = range(32).filter((j) => j !== i).map((j) => `-r requirements-${j}.txt\n`).join('') + `pkg${i}==1.0\n`;
    const findings = check(project(dense));
    expect(findings.every((f) => f.ruleId === 'unresolved-include' && /cycle/.test(f.message))).toBe(true);
    expect(findings.length).toBeGreaterThan(0);
  });

  it('past the cap on files per project, a note lists what was not read', () => {
    const files: Record<string, string> = { 'requirements.txt': range(30).map((i) => `-r dep/${i}.txt\n`).join('') };
    for (const i of range(30)) files[`dep/${i}.txt`] = `pkg${i}==1.0\n`;
    for (const i of range(5)) files[`requirements-${i}.txt`] = `other${i}==1.0\n`;
    const dir = project(files);
    const notesWith = (limit: number) => {
      const loaded = loadProject(dir, discoverFiles(dir), { limits: { files: limit, bytes: 1 << 30 } });
      expect(loaded.files).toHaveLength(limit);
      const result = analyze({ files: loaded.files, unreadable: loaded.unreadable, settings: defaultSettings(), kb });
      const notes = result.findings.filter((f) => f.level === 'note');
      expect(notes.every((f) => f.ruleId === 'unresolved-include' && f.message.includes(`limit of ${limit} files`))).toBe(true);
      return notes.map((f) => [f.file, f.message]);
    };
    // The walk lists requirements-0..4.txt, then requirements.txt; its includes come after.
    expect(notesWith(3)).toEqual([['requirements-3.txt', 'This file is not read: the project reached its limit of 3 files, nor are 2 more files; they are not checked.']]);
    const notes = notesWith(10);
    expect(notes).toHaveLength(26); // dep/4.txt … dep/29.txt, each at its include
    expect(notes.every(([file, message]) => file === 'requirements.txt' && /^Requirements file 'dep\/\d+\.txt' is not read: the project reached its limit of 10 files; its pins are not checked\.$/.test(message!))).toBe(true);
  });
});

describe('the language server on an exponential include graph', () => {
  it('answers a hover on 16 files each including the next three times (3^15 paths) without freezing', async () => {
    const files: Record<string, string> = {};
    for (const i of range(16)) files[`requirements-${i}.txt`] = (i < 15 ? `-r requirements-${i + 1}.txt\n-c requirements-${i + 1}.txt\n-r requirements-${i + 1}.txt\n` : '') + `torch==2.3.${i % 2}\n`;
    const dir = project(files);
    mkdirSync(join(dir, '.git'));
    const client = new TestClient();
    try {
      await client.initialize(dir);
      const uri = uriOf(join(dir, 'requirements-0.txt'));
      client.open(uri, files['requirements-0.txt']!);
      const diagnostics = await client.waitForDiagnostics(uri);
      expect(diagnostics.length).toBeGreaterThan(0); // torch 2.3.0 against 2.3.1
      expect(diagnostics.filter((d) => visitBudget.test(typeof d.message === 'string' ? d.message : d.message.value))).toEqual([]);
      const hover = await client.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 2 } });
      expect(hover?.contents.value).toMatch(/torch/i);
    } finally {
      expect(await client.shutdown()).toBe(0);
    }
  });
});
