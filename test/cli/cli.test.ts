import { chmodSync, cpSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ruleIds } from '../../server/src/engine/rules';
import { repoRoot } from '../support/analyze';
import { ensureBuilt, fixtureDir, runCli } from './run-cli';

beforeAll(ensureBuilt);

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[];
  fixes?: unknown[];
}

function sarifOf(stdout: string) {
  const log = JSON.parse(stdout);
  return { log, results: log.runs[0].results as SarifResult[] };
}

/** The date rules/knowledge.yaml carries, read here independently of the product's loader. */
function knowledgeYamlDate(): string {
  return /knowledgeDate:\s*"(\d{4}-\d{2}-\d{2})"/.exec(readFileSync(join(repoRoot, 'rules/knowledge.yaml'), 'utf8'))![1]!;
}

describe('pinwise --version', () => {
  it('prints the package version and the date the knowledge base is current to', () => {
    const { status, stdout } = runCli(['--version']);
    expect(status).toBe(0);
    expect(stdout).toMatch(new RegExp(`^pinwise \\S+ \\(knowledge current to ${knowledgeYamlDate()}\\)\\n$`));
  });
});

describe('pinwise check --format sarif', () => {
  it('prints one SARIF 2.1.0 log listing every rule of the catalog', () => {
    const { status, stdout, stderr } = runCli(['check', 'examples/broken-ml-project', '--format', 'sarif', '--no-cache']);
    expect(stderr).toBe('');
    expect(status).toBe(1);
    const { log, results } = sarifOf(stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('pinwise');
    // The knowledge base's own date, read from rules/knowledge.yaml (CONTRACTS.md).
    expect(driver.properties.knowledgeDate).toBe(knowledgeYamlDate());
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual([...ruleIds]);
    for (const rule of driver.rules) {
      expect(rule.shortDescription.text).toBeTruthy();
      expect(rule.helpUri).toMatch(/^https:\/\/.+\/docs\/rules\/[a-z-]+\.md$/);
    }
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      expect(ruleIds).toContain(result.ruleId);
      expect(['error', 'warning', 'note']).toContain(result.level);
      const location = result.locations[0]!.physicalLocation;
      expect(location.artifactLocation.uri).not.toMatch(/^\/|\\|^\.\./);
      expect(location.region.startLine).toBeGreaterThanOrEqual(1);
      expect(location.region.startColumn).toBeGreaterThanOrEqual(1);
    }
  });

  it('finds every rule at work in the example project', () => {
    const { results } = sarifOf(runCli(['check', 'examples/broken-ml-project', '--format', 'sarif', '--no-cache']).stdout);
    expect([...new Set(results.map((r) => r.ruleId))].sort()).toEqual([...ruleIds].sort());
  });

  it('locates a syntax error exactly, relative to the PATH given', () => {
    const dir = fixtureDir({ 'requirements.txt': '# café ☕\nnumpy==1.26.4\ntorch=2.1.2\n' });
    const { status, stdout } = runCli(['check', dir, '--format', 'sarif']);
    expect(status).toBe(1);
    const { results } = sarifOf(stdout);
    expect(results).toHaveLength(1);
    expect(results[0]!.ruleId).toBe('syntax-error');
    expect(results[0]!.message.text).toContain("'=' is not a valid operator; did you mean '=='?");
    const location = results[0]!.locations[0]!.physicalLocation;
    expect(location.artifactLocation.uri).toBe('requirements.txt');
    expect(location.region.startLine).toBe(3);
    expect(location.region.endLine).toBe(3);
  });

  it('reports a missing include as a warning and exits 0', () => {
    const dir = fixtureDir({ 'requirements.txt': 'numpy==1.26.4\n-r missing.txt\n' });
    const { status, stdout } = runCli(['check', dir, '--format', 'sarif']);
    expect(status).toBe(0);
    const { results } = sarifOf(stdout);
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([['unresolved-include', 'warning']]);
    expect(results[0]!.locations[0]!.physicalLocation.region).toEqual({ startLine: 2, startColumn: 4, endLine: 2, endColumn: 15 });
  });

  it('follows includes relative to the including file and stops at a cycle', () => {
    const dir = fixtureDir({
      'requirements.txt': '-r reqs/a.txt\n',
      'reqs/a.txt': '-r b.lock\nnumpy==1.26.4\n',
      'reqs/b.lock': '-r a.txt\n',
    });
    const { status, stdout } = runCli(['check', dir, '--format', 'json']);
    expect(status).toBe(0);
    const findings = JSON.parse(stdout).findings as { ruleId: string; file: string; message: string }[];
    expect(findings.map((f) => [f.ruleId, f.file])).toEqual([['unresolved-include', 'reqs/b.lock']]);
    expect(findings[0]!.message).toContain('cycle');
  });
});

describe('bad input never crashes the CLI', () => {
  it('reports undecodable and binary files and keeps going', () => {
    const dir = fixtureDir({
      'requirements.txt': Buffer.from([0x74, 0x6f, 0x72, 0x63, 0x68, 0xff, 0xfe, 0x00, 0x0a]),
      'requirements-dev.txt': Buffer.concat([Buffer.from('numpy==1.26.4\n'), Buffer.from([0, 1, 2, 3, 0, 10])]),
      'requirements-ok.txt': 'numpy==1.26.4\n-r requirements.txt\n',
    });
    const { status, stdout, stderr } = runCli(['check', dir, '--format', 'json']);
    expect(stderr).toBe('');
    expect(status).toBe(1);
    const findings = JSON.parse(stdout).findings as { ruleId: string; file: string; message: string }[];
    expect(findings).toContainEqual(expect.objectContaining({ ruleId: 'syntax-error', file: 'requirements.txt', message: expect.stringContaining('not valid UTF-8') }));
    expect(findings).toContainEqual(expect.objectContaining({ ruleId: 'unresolved-include', file: 'requirements-ok.txt' }));
  });

  it('skips virtual environments, node_modules and .gitignored folders', () => {
    const dir = fixtureDir({
      'requirements.txt': 'numpy==1.26.4\n',
      '.gitignore': 'build/\n',
      'build/requirements.txt': 'torch=1\n',
      'env/pyvenv.cfg': 'home = /usr/bin\n',
      'env/requirements.txt': 'torch=1\n',
      'node_modules/x/requirements.txt': 'torch=1\n',
    });
    const { status, stdout } = runCli(['check', dir, '--format', 'json']);
    expect(JSON.parse(stdout).findings).toEqual([]);
    expect(status).toBe(0);
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['check', '--format', 'xml']],
    [['check', '--select', 'no-such-rule']],
    [['check', '--python', 'three']],
    [['check', '/definitely/not/here']],
    [['frobnicate']],
  ])('%j', (args) => {
    const { status, stderr, stdout } = runCli(args);
    expect(status).toBe(2);
    expect(stderr).toMatch(/pinwise: /);
    expect(stdout).toBe('');
  });
});

describe('text output', () => {
  it('groups findings by file with line:column, level, message and rule id', () => {
    const dir = fixtureDir({ 'requirements.txt': 'torch=2.1.2\n-r gone.txt\n' });
    const { stdout } = runCli(['check', dir]);
    expect(stdout).toMatch(/^requirements\.txt\n {2}1:\d+ +error +.*syntax-error\n {2}2:4 +warning +.*unresolved-include\n/);
    expect(stdout).toContain('✖ 2 problems (1 error, 1 warning)');
  });
});

describe('pinwise parse', () => {
  it('prints the contract shape for a requirements file', () => {
    const dir = fixtureDir({
      'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/cu121\n-r base.txt\ntorch[cuda] >= 2.1, <2.3 ; python_version >= "3.9" \\\n  --hash=sha256:abc\nnot a requirement!\n',
    });
    const { status, stdout } = runCli(['parse', join(dir, 'requirements.txt')]);
    expect(status).toBe(0);
    const parsed = JSON.parse(stdout);
    expect(parsed.requirements).toEqual([
      { line: 3, name: 'torch', extras: ['cuda'], specifier: '>=2.1,<2.3', marker: 'python_version >= "3.9"', url: null, editable: false, hashes: ['sha256:abc'] },
    ]);
    expect(parsed.options).toEqual([
      { line: 1, option: '--extra-index-url', value: 'https://download.pytorch.org/whl/cu121' },
      { line: 2, option: '--requirement', value: 'base.txt' },
    ]);
    expect(parsed.invalid).toHaveLength(1);
    expect(parsed.invalid[0].line).toBe(5);
  });
});

describe('--fix', () => {
  it('leaves files without safe fixes byte-identical and keeps their mode', () => {
    const text = 'torch=2.1.2\r\n# comment\r\nnumpy==1.26.4 \\\r\n    --hash=sha256:abc\r\n';
    const dir = fixtureDir({ 'requirements.txt': text });
    chmodSync(join(dir, 'requirements.txt'), 0o640);
    const { status } = runCli(['check', dir, '--fix', '--unsafe-fixes']);
    expect(status).toBe(1);
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe(text);
    expect(statSync(join(dir, 'requirements.txt')).mode & 0o777).toBe(0o640);
  });
  it('applies only safe fixes: a pin change waits for --unsafe-fixes (or --fix-pins), and the report says so', () => {
    const files = { 'requirements.txt': 'torch==2.3.1\ntorchvision==0.17.0\n', 'app.py': 'import numpy as np\nx = np.NaN\n' };
    const dir = fixtureDir(files);
    const first = runCli(['check', dir, '--fix']);
    expect(readFileSync(join(dir, 'app.py'), 'utf8')).toBe('import numpy as np\nx = np.nan\n'); // a rename: safe
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe(files['requirements.txt']);
    expect(first.stdout).toContain('1 fix changes what is installed: rerun with --fix --unsafe-fixes');
    const json = JSON.parse(runCli(['check', dir, '--format', 'json']).stdout);
    expect(json.summary.fixes).toEqual({ fixable: 0, changesInstalled: 1, manual: 0 });
    expect(json.findings[0].fixes.map((f: { applicability: string; safe: boolean }) => [f.applicability, f.safe])).toEqual([['changes-installed', false], ['manual', false]]);
    for (const flag of ['--unsafe-fixes', '--fix-pins']) {
      const again = fixtureDir(files);
      runCli(['check', again, '--fix', flag]);
      expect(readFileSync(join(again, 'requirements.txt'), 'utf8')).toBe('torch==2.3.1\ntorchvision==0.18.1\n');
    }
  });
});

describe('golden files', () => {
  const fixture = join(repoRoot, 'test', 'fixtures', 'cli', 'rocm-stack');

  it('SARIF for a CRLF, non-ASCII, -r project matches the expected log', () => {
    const { status, stdout } = runCli(['check', fixture, '--format', 'sarif']);
    expect(status).toBe(1);
    const run = JSON.parse(stdout).runs[0];
    const expected = JSON.parse(readFileSync(`${fixture}.expected.sarif.json`, 'utf8'));
    expect({ rules: run.tool.driver.rules.map((r: { id: string }) => r.id), results: run.results }).toEqual(expected);
  });

  it('--fix writes exactly the expected files', () => {
    const dir = fixtureDir({});
    cpSync(fixture, dir, { recursive: true });
    runCli(['check', dir, '--fix', '--unsafe-fixes']);
    for (const file of ['requirements.txt', 'reqs/base.txt']) {
      expect(readFileSync(join(dir, file), 'utf8'), file).toBe(readFileSync(join(`${fixture}.fixed`, file), 'utf8'));
    }
  });
});
