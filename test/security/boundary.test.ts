// The project boundary, attacked the way a hostile repository would: includes, links and absolute
// paths that reach files outside the project (here holding fake secrets) are never read, so no
// byte of them reaches the text, JSON or SARIF output, the editor's diagnostics or the server's
// log; the finding says "outside the project". Every project is built in a temp dir and checked
// through the real CLI (dist/cli.js) and the real language server over stdio.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../cli/run-cli';
import { TestClient, uriOf } from '../lsp/client';

beforeAll(() => ensureBuilt());

/** Lines no output may ever contain: each would only come from reading a file outside the project. */
const secrets = ['root:*:20228:0:99999:7:::', 'pypi-AgEIsecret-token', 'AKIAFAKESECRET'];
const secretText = `${secrets[0]}\npassword ${secrets[1]}\naws_key=${secrets[2]}\n`;

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp dir holding `outside/` (the secrets, beside the project) and the files given (paths from the temp dir). */
function layout(files: Record<string, string>): string {
  const top = mkdtempSync(join(tmpdir(), 'pinwise-boundary-'));
  made.push(top);
  mkdirSync(join(top, 'outside'));
  writeFileSync(join(top, 'outside', 'secrets.txt'), secretText);
  writeFileSync(join(top, 'outside', 'requirements.txt'), secretText);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(top, path)), { recursive: true });
    writeFileSync(join(top, path), text);
  }
  return top;
}

function expectNoSecret(...outputs: string[]): void {
  for (const output of outputs) for (const secret of secrets) expect(output).not.toContain(secret);
}

interface JsonFinding {
  ruleId: string;
  level: string;
  file: string;
  message: string;
}

/** Runs every output format; asserts no secret in any; returns the JSON findings. */
function checkAllFormats(path: string, cwd?: string): JsonFinding[] {
  const outputs: string[] = [];
  let findings: JsonFinding[] = [];
  for (const format of ['text', 'json', 'sarif']) {
    const run = runCli(['check', path, '--format', format], cwd);
    expect([0, 1], run.stderr).toContain(run.status);
    outputs.push(run.stdout, run.stderr);
    if (format === 'json') findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
  }
  expectNoSecret(...outputs);
  return findings;
}

const outsideFindings = (findings: JsonFinding[]) => findings.filter((f) => f.ruleId === 'unresolved-include' && /outside the project/.test(f.message));

describe('the command line reads nothing outside the repository holding PATH', () => {
  it('-r / -c with ../ and with an absolute path: not read, reported as outside the project', () => {
    const top = layout({});
    const project = join(top, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'requirements.txt'),
      `-r ../outside/secrets.txt\n-c ../../../../../../../../${top.slice(1)}/outside/requirements.txt\n-r ${join(top, 'outside', 'secrets.txt')}\n-r ../outside/does-not-exist.txt\nnumpy==1.26.4\n`,
    );
    const findings = checkAllFormats(project);
    expect(outsideFindings(findings).map((f) => f.file)).toEqual(['requirements.txt', 'requirements.txt', 'requirements.txt', 'requirements.txt']);
    // Outside, a missing file and an existing one read the same: nothing tells what exists there.
    expect(findings.some((f) => /not found/.test(f.message))).toBe(false);
    expect(findings.every((f) => f.file === 'requirements.txt')).toBe(true);
  });

  it('a script, a Dockerfile and a pyproject.toml that read a file outside get the same finding', () => {
    const top = layout({
      'project/install.sh': '#!/bin/sh\npip install -r ../outside/secrets.txt\n',
      'project/Dockerfile': `FROM python:3.11\nRUN pip install -r ${join(top0(), 'outside', 'secrets.txt')}\n`,
      'project/pyproject.toml': '[project]\nname = "x"\nversion = "1"\ndynamic = ["dependencies"]\n\n[tool.setuptools.dynamic]\ndependencies = { file = ["../outside/requirements.txt"] }\n',
    });
    const findings = checkAllFormats(join(top, 'project'));
    expect(outsideFindings(findings).map((f) => f.file).sort()).toEqual(['Dockerfile', 'install.sh', 'pyproject.toml']);
  });

  it('links out of the project (a folder link, a file link, a link to /) are not followed, and the walk stays fast', () => {
    const top = layout({ 'project/requirements.txt': '-r sub/secrets.txt\nnumpy==1.26.4\n' });
    const project = join(top, 'project');
    symlinkSync('../outside', join(project, 'sub'));
    symlinkSync('../outside/secrets.txt', join(project, 'requirements-dev.txt'));
    symlinkSync('../outside/gone.txt', join(project, 'requirements-gone.txt'));
    symlinkSync('/', join(project, 'root'));
    const started = Date.now();
    const findings = checkAllFormats(project);
    expect(Date.now() - started).toBeLessThan(60_000); // three runs; walking / would take minutes
    expect(outsideFindings(findings).map((f) => f.file).sort()).toEqual(['requirements-dev.txt', 'requirements-gone.txt', 'requirements.txt']);
    expect(findings.filter((f) => f.file.startsWith('root/') || f.file.startsWith('sub/') || f.file.startsWith('../'))).toEqual([]);
  });

  it('does not walk into installed packages (site-packages, dist-packages, a linked one)', () => {
    const top = layout({
      'project/requirements.txt': 'numpy==1.26.4\n',
      'project/vendor/lib/python3.11/site-packages/pkg/requirements.txt': 'torch=2.3.1\n',
      'project/debian/dist-packages/pkg/requirements.txt': 'torch=2.3.1\n',
      'env/lib/site-packages/pkg/requirements.txt': 'torch=2.3.1\n',
    });
    mkdirSync(join(top, 'project', '.git'));
    mkdirSync(join(top, 'project', 'linked'));
    symlinkSync(join(top, 'env', 'lib', 'site-packages'), join(top, 'project', 'linked', 'site-packages'));
    const findings = checkAllFormats(join(top, 'project'));
    expect(findings).toEqual([]);
  });

  it('a monorepo: -r ../../common/requirements.txt inside the same repository is read', () => {
    const top = layout({
      'repo/common/requirements.txt': 'torch=2.3.1\n',
      'repo/services/api/requirements.txt': '-r ../../common/requirements.txt\n-r ../../../outside/secrets.txt\n',
    });
    writeFileSync(join(top, 'repo', '.git'), 'gitdir: /elsewhere/.git/worktrees/repo\n'); // a worktree's .git is a file
    const findings = checkAllFormats(join(top, 'repo', 'services', 'api'));
    expect(findings.map((f) => [f.ruleId, f.file])).toEqual(
      expect.arrayContaining([
        ['syntax-error', '../../common/requirements.txt'],
        ['unresolved-include', 'requirements.txt'],
      ]),
    );
    expect(outsideFindings(findings)).toHaveLength(1);
    // The same repository when a file (not a folder) is the PATH.
    const file = runCli(['check', join(top, 'repo', 'services', 'api', 'requirements.txt'), '--format', 'json']);
    expect(file.stdout).toContain('../../common/requirements.txt');
    expectNoSecret(file.stdout);
  });

  it('[tool.pinwise] is not looked for above the boundary', () => {
    const top = layout({
      'pyproject.toml': '[tool.pinwise]\nignore = ["syntax-error"]\n',
      'project/requirements.txt': 'torch=2.3.1\n',
    });
    const findings = checkAllFormats(join(top, 'project'));
    expect(findings.map((f) => f.ruleId)).toEqual(['syntax-error']);
  });
});

/** A second temp dir with secrets, for an absolute path written into a project before it exists. */
function top0(): string {
  const top = mkdtempSync(join(tmpdir(), 'pinwise-boundary-abs-'));
  made.push(top);
  mkdirSync(join(top, 'outside'));
  writeFileSync(join(top, 'outside', 'secrets.txt'), secretText);
  return top;
}

describe('the language server reads and publishes nothing outside the workspace folder', () => {
  it('an include outside, a link out of the folder: no diagnostics for the outside files, no secret anywhere', async () => {
    const top = layout({ 'ws/requirements.txt': '-r ../outside/secrets.txt\n-r sub/secrets.txt\n-r /etc/shadow\nnumpy==1.26.4\n' });
    const ws = join(top, 'ws');
    mkdirSync(join(ws, '.git'));
    symlinkSync('../outside', join(ws, 'sub'));
    symlinkSync('../outside/secrets.txt', join(ws, 'requirements-dev.txt'));
    symlinkSync('/', join(ws, 'root')); // the listing must not walk the file system
    const client = new TestClient();
    try {
      await client.initialize(ws);
      const uri = uriOf(join(ws, 'requirements.txt'));
      client.open(uri, '-r ../outside/secrets.txt\n-r sub/secrets.txt\n-r /etc/shadow\nnumpy==1.26.4\n');
      const diagnostics = await client.waitForDiagnostics(uri, (d) => d.length >= 3);
      expect(diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([
        ['unresolved-include', 0],
        ['unresolved-include', 1],
        ['unresolved-include', 2],
      ]);
      for (const d of diagnostics) expect(d.message).toMatch(/outside the project/);
      const auditStarted = Date.now();
      const report = await client.connection.sendRequest<unknown>('workspace/executeCommand', { command: 'pinwise.audit', arguments: [] });
      expect(Date.now() - auditStarted).toBeLessThan(20_000);
      expect(JSON.stringify(report)).not.toContain('root/');
      const fix = await client.connection.sendRequest<unknown>('workspace/executeCommand', { command: 'pinwise.fixAllWorkspace', arguments: [{ apply: false }] });
      const published = [...client.diagnostics.keys()];
      expect(published.every((u) => u.startsWith(uriOf(ws) + '/'))).toBe(true);
      expect(client.diagnostics.has(uriOf('/etc/shadow'))).toBe(false);
      expectNoSecret(JSON.stringify([...client.diagnostics]), JSON.stringify(report), JSON.stringify(fix), client.logs.join('\n'));
    } finally {
      expect(await client.shutdown()).toBe(0);
    }
  });
});
