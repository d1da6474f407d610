// [tool.pinwise] in pyproject.toml: parsing, precedence under explicit user settings, discovery,
// and the language server applying it (and the editor's settings winning over it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProjectConfig, parseToolPinwise, resolveSettings } from '../../server/src/host/settings';
import { TestClient, uriOf } from './client';

const work = mkdtempSync(join(tmpdir(), 'pinwise-settings-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('parseToolPinwise', () => {
  it('reads every key, including a [tool.pinwise.severity] table', () => {
    const text = [
      '[project]',
      'name = "x"',
      '',
      '[tool.pinwise]',
      'python = "3.11"',
      'accelerator = "rocm"',
      'select = ["torch-family-mismatch", "syntax-error"]',
      'ignore = ["inconsistent-pins"]',
      'include = ["services/"]',
      'exclude = ["legacy/", "  "]',
      '',
      '[tool.pinwise.severity]',
      'syntax-error = "warning"',
      'unresolved-include = "off"',
      'deprecated-api = "default"',
      '',
    ].join('\n');
    expect(parseToolPinwise(text)).toEqual({
      found: true,
      problems: [],
      config: {
        python: '3.11',
        accelerator: 'rocm',
        select: ['torch-family-mismatch', 'syntax-error'],
        ignore: ['inconsistent-pins'],
        include: ['services/'],
        exclude: ['legacy/'],
        severity: { 'syntax-error': 'warning', 'unresolved-include': 'off' },
      },
    });
  });

  it('reports bad values and unknown keys precisely and keeps the good ones', () => {
    const text = '[tool.pinwise]\npython = 3.11\naccelerator = "gpu"\nselect = ["torch-family-mismatch", "E501"]\nexclude = "legacy/"\ncolour = true\nseverity = { syntax-error = "fatal", nope = "off", unresolved-include = "note" }\n';
    const { found, config, problems } = parseToolPinwise(text);
    expect(found).toBe(true);
    expect(config).toEqual({ select: ['torch-family-mismatch'], severity: { 'unresolved-include': 'note' } });
    expect(problems).toEqual([
      'pyproject.toml: [tool.pinwise]: unknown key "colour" (known: python, accelerator, select, ignore, include, exclude, severity)',
      'pyproject.toml: [tool.pinwise] python must be a string like "3.11" (got 3.11)',
      'pyproject.toml: [tool.pinwise] accelerator must be one of auto, cpu, cuda, rocm (got "gpu")',
      'pyproject.toml: [tool.pinwise] select: unknown rule id(s) "E501"',
      'pyproject.toml: [tool.pinwise] exclude must be an array of strings',
      'pyproject.toml: [tool.pinwise] severity.syntax-error must be one of default, off, note, warning, error (got "fatal")',
      'pyproject.toml: [tool.pinwise] severity: unknown rule id "nope"',
    ]);
  });

  it('says "not found" for a file without the table, and never throws on broken TOML or binary', () => {
    expect(parseToolPinwise('[project]\nname = "x"\n')).toEqual({ found: false, config: {}, problems: [] });
    expect(parseToolPinwise('[tool]\npinwise = 3\n')).toMatchObject({ found: true, config: {}, problems: ['pyproject.toml: [tool.pinwise] must be a table'] });
    const broken = parseToolPinwise('[tool.pinwise\npython = "3.11"\n');
    expect(broken.found).toBe(false);
    expect(broken.problems[0]).toMatch(/^pyproject\.toml: not valid TOML, \[tool\.pinwise\] ignored: /);
    for (const junk of ['\u0000\u0001\uFFFD', '['.repeat(5000), 'a = "'.repeat(2000), '[tool.pinwise]\nseverity = [1, 2]\n']) {
      expect(() => parseToolPinwise(junk)).not.toThrow();
    }
  });
});

describe('resolveSettings: explicit user settings over [tool.pinwise] over defaults', () => {
  const project = {
    python: '3.10',
    accelerator: 'cuda' as const,
    select: ['syntax-error'],
    exclude: ['legacy/'],
    severity: { 'syntax-error': 'warning' as const, 'unresolved-include': 'off' as const },
  };

  it('takes the file where the user set nothing', () => {
    expect(resolveSettings(project, {})).toEqual({
      engine: { python: '3.10', accelerator: 'cuda', select: ['syntax-error'], ignore: [], severity: { 'syntax-error': 'warning', 'unresolved-include': 'off' } },
      include: [],
      exclude: ['legacy/'],
    });
  });

  it("lets the user's values win, lists replacing lists, severities merging per rule; 'auto' and empty lists defer", () => {
    const resolved = resolveSettings(project, { python: '3.12', accelerator: 'auto', select: [], exclude: ['old/'], severity: { 'syntax-error': 'error' } });
    expect(resolved).toEqual({
      engine: { python: '3.12', accelerator: 'cuda', select: ['syntax-error'], ignore: [], severity: { 'syntax-error': 'error', 'unresolved-include': 'off' } },
      include: [],
      exclude: ['old/'],
    });
    expect(resolveSettings(project, { accelerator: 'cpu' }).engine.accelerator).toBe('cpu');
    expect(resolveSettings({}, {}).engine).toEqual({ accelerator: 'auto', select: [], ignore: [], severity: {} });
  });
});

describe('loadProjectConfig', () => {
  it('finds the nearest pyproject.toml with [tool.pinwise], skipping ones without, stopping at the repository root', () => {
    const repo = join(work, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'svc', 'api'), { recursive: true });
    writeFileSync(join(repo, 'pyproject.toml'), '[tool.pinwise]\npython = "3.11"\n');
    writeFileSync(join(repo, 'svc', 'pyproject.toml'), '[project]\nname = "svc"\n');
    expect(loadProjectConfig(join(repo, 'svc', 'api'))).toEqual({ file: join(repo, 'pyproject.toml'), config: { python: '3.11' }, problems: [] });
    writeFileSync(join(repo, 'svc', 'pyproject.toml'), '[tool.pinwise]\naccelerator = "cpu"\n');
    expect(loadProjectConfig(join(repo, 'svc', 'api')).config).toEqual({ accelerator: 'cpu' });

    const outside = join(work, 'outer');
    mkdirSync(join(outside, 'inner', '.git'), { recursive: true });
    writeFileSync(join(outside, 'pyproject.toml'), '[tool.pinwise]\npython = "3.9"\n');
    expect(loadProjectConfig(join(outside, 'inner'))).toEqual({ file: null, config: {}, problems: [] });
  });
});

describe('the language server reads [tool.pinwise]', () => {
  it('applies the file, lets an editor setting override it, and reloads when pyproject.toml changes', async () => {
    const root = join(work, 'ws');
    mkdirSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, 'pyproject.toml'), '[tool.pinwise.severity]\nsyntax-error = "note"\n');
    const client = new TestClient();
    try {
      await client.initialize(root);
      const uri = uriOf(join(root, 'requirements.txt'));
      const syntax = (d: Diagnostic[]) => d.filter((x) => x.code === 'syntax-error');
      client.open(uri, 'torch=2.1.2\n');
      const first = await client.waitForDiagnostics(uri, (d) => syntax(d).length > 0);
      expect(syntax(first)[0]!.severity).toBe(3); // Information: the file's "note"

      client.settings = { severity: { 'syntax-error': 'error' } };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await client.waitForDiagnostics(uri, (d) => syntax(d)[0]?.severity === 1, false);

      client.settings = { severity: { 'syntax-error': 'default' } };
      writeFileSync(join(root, 'pyproject.toml'), '[tool.pinwise]\nignore = ["syntax-error"]\n');
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await client.waitForDiagnostics(uri, (d) => syntax(d).length === 0, false);

      writeFileSync(join(root, 'pyproject.toml'), '[tool.pinwise]\n');
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(root, 'pyproject.toml')), type: 2 }] });
      const back = await client.waitForDiagnostics(uri, (d) => syntax(d).length > 0, false);
      expect(syntax(back)[0]!.severity).toBe(1);
    } finally {
      expect(await client.shutdown()).toBe(0);
    }
  });
});

describe('the CLI reads [tool.pinwise]', () => {
  it('applies the file (severity, exclude) and lets flags win over it', async () => {
    const { runCli } = await import('../cli/run-cli');
    const dir = join(work, 'cli');
    mkdirSync(join(dir, 'legacy'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.pinwise]\nexclude = ["legacy/"]\ncolour = 1\n\n[tool.pinwise.severity]\nsyntax-error = "warning"\n');
    writeFileSync(join(dir, 'requirements.txt'), 'torch=2.1.2\n');
    writeFileSync(join(dir, 'legacy', 'requirements.txt'), 'numpy=1.26\n');
    const run = runCli(['check', '.', '--format', 'json'], dir);
    expect(run.stderr).toContain('[tool.pinwise]: unknown key "colour"');
    expect(run.status).toBe(0); // the only finding is a warning now
    const findings = JSON.stringify(JSON.parse(run.stdout));
    expect(findings).toContain('requirements.txt');
    expect(findings).not.toContain('legacy');
    expect(findings).toContain('"warning"');
    expect(runCli(['check', '.', '--format', 'json', '--select', 'unresolved-include'], dir).stdout).not.toContain('syntax-error');
  });
});
