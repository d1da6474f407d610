// gitignore-style patterns are repository text: one the regular-expression engine rejects (a line of
// 40,000 characters) used to crash the CLI and stop the language server listing the workspace. Now
// the pattern is skipped, said so, and every other pattern still applies.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCli } from '../cli/run-cli';
import { TestClient } from '../lsp/client';

beforeAll(() => ensureBuilt());

const huge = 'a/'.repeat(20_000);

function project(): string {
  const dir = fixtureDir({
    '.gitignore': `build/\n${huge}\n${'x'.repeat(40_000)}\n`,
    'requirements.txt': 'numpy==1.26.4\n',
    'services/requirements.txt': 'torch=2.3.1\n',
    'build/requirements.txt': 'torch=2.3.1\n',
    'pyproject.toml': `[tool.pinwise]\nexclude = ["${'b'.repeat(40_000)}", "legacy/"]\n`,
    'legacy/requirements.txt': 'torch=2.3.1\n',
  });
  mkdirSync(join(dir, '.git'));
  return dir;
}

describe('a pattern the regular-expression engine rejects', () => {
  it('the CLI skips it, says which line, and applies the others', () => {
    const dir = project();
    const run = runCli(['check', dir, '--format', 'json']);
    expect(run.stderr).not.toMatch(/internal error|Invalid regular expression/);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('.gitignore:2: a pattern of 40000 characters (over 4096) is skipped');
    expect(run.stderr).toContain('.gitignore:3: a pattern of 40000 characters');
    expect(run.stderr).toContain('[tool.pinwise] exclude:1: a pattern of 40000 characters');
    expect(run.stderr).not.toContain('aaaa');
    const files = (JSON.parse(run.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file);
    expect(files).toEqual(['services/requirements.txt']); // build/ (.gitignore) and legacy/ (exclude) still skipped
  });

  it('the language server still lists the workspace: the audit finds the file no one opened', async () => {
    const dir = project();
    writeFileSync(join(dir, '.gitignore'), `build/\n${'x'.repeat(40_000)}\n`);
    const client = new TestClient();
    try {
      await client.initialize(dir);
      const report = await client.connection.sendRequest<{ folders: { fileCount: number; environments: { findings: { file: string }[] }[] }[] }>('workspace/executeCommand', {
        command: 'pinwise.audit',
        arguments: [],
      });
      const files = report.folders.flatMap((f) => f.environments.flatMap((e) => e.findings.map((x) => x.file)));
      expect(files).toContain('services/requirements.txt');
      expect(files).not.toContain('build/requirements.txt');
      expect(client.logs.join('\n')).toContain('.gitignore:2: a pattern of 40000 characters');
    } finally {
      expect(await client.shutdown()).toBe(0);
    }
  });
});
