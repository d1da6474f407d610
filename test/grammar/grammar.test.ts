// Runs the TextMate grammar's unit tests (test/grammar/*.test.pip) with vscode-tmgrammar-test.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

describe('pip-requirements grammar', () => {
  it('is the grammar package.json contributes', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      contributes: { grammars: { language: string; scopeName: string; path: string }[] };
    };
    const entry = manifest.contributes.grammars.find((g) => g.language === 'pip-requirements');
    expect(entry).toBeDefined();
    const grammar = JSON.parse(readFileSync(join(root, entry!.path), 'utf8')) as { scopeName: string };
    expect(grammar.scopeName).toBe(entry!.scopeName);
  });

  it('scopes pins, options, markers, hashes and comments as the tests say', () => {
    const cli = require.resolve('vscode-tmgrammar-test/dist/unit.js');
    const run = spawnSync(process.execPath, [cli, '-g', 'syntaxes/pip-requirements.tmLanguage.json', 'test/grammar/*.test.pip'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stdout + run.stderr).toContain('run successfuly');
    expect(run.status).toBe(0);
  });
});
