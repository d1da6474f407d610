// The CI-facing CLI conventions (Ruff's and ESLint's are the reference), through the CLI's main()
// (in-process; test/cli/cli.test.ts starts the built CLI).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../server/src/engine/rules';
import { ensureBuilt, fixtureDir, runCliInProcess } from './run-cli';

beforeAll(ensureBuilt);

/** One error (a torchvision for another torch, fixable) and one warning (a missing include). */
const mismatch = { 'requirements.txt': 'torch==2.3.1\ntorchvision==0.17.0\n-r missing.txt\n' };

describe('--format github', () => {
  it('prints one workflow command per finding, located from the working directory', async () => {
    const dir = fixtureDir({ 'ml/requirements.txt': mismatch['requirements.txt'] });
    const { status, stdout } = (await runCliInProcess(['check', 'ml', '--format', 'github'], dir));
    expect(status).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      '::error file=ml/requirements.txt,line=2,endLine=2,col=12,endColumn=20,title=pinwise(torch-family-mismatch)::' +
        'torchvision==0.17.0 cannot install with torch==2.3.1: torchvision 0.17.0 is built for torch 2.2.0; torch==2.3.1 needs torchvision 0.18.1.' +
        '%0AFix available, changing what is installed (pinwise check --fix --unsafe-fixes): Set torchvision to 0.18.1',
      "::warning file=ml/requirements.txt,line=3,endLine=3,col=4,endColumn=15,title=pinwise(unresolved-include)::Requirements file 'missing.txt' not found (looked for missing.txt); its pins are not checked.",
    ]);
  });

  it('escapes %, CR, LF in messages and also : and , in properties', async () => {
    const dir = fixtureDir({ 'a,b:c%/requirements.txt': 'torch=2.1.2\n' });
    const { stdout } = (await runCliInProcess(['check', '.', '--format', 'github'], dir));
    expect(stdout).toMatch(/^::error file=a%2Cb%3Ac%25\/requirements\.txt,line=1,/);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('--format gitlab', () => {
  it('writes a Code Quality report with stable, unique fingerprints', async () => {
    const dir = fixtureDir({ 'requirements.txt': 'torch==2.3.1\ntorchvision==0.17.0\n-r missing.txt\n-r missing.txt\n' });
    const first = JSON.parse((await runCliInProcess(['check', '.', '--format', 'gitlab'], dir)).stdout);
    expect(first.map((i: { check_name: string; severity: string; location: { path: string; positions: { begin: { line: number } } } }) => [i.check_name, i.severity, i.location.path, i.location.positions.begin.line])).toEqual([
      ['torch-family-mismatch', 'major', 'requirements.txt', 2],
      ['unresolved-include', 'minor', 'requirements.txt', 3],
      ['unresolved-include', 'minor', 'requirements.txt', 4],
    ]);
    const fingerprints = first.map((i: { fingerprint: string }) => i.fingerprint);
    expect(new Set(fingerprints).size).toBe(3);
    // Lines added above do not change them: the merge request sees the same issues.
    const moved = fixtureDir({ 'requirements.txt': '# pins\n\ntorch==2.3.1\ntorchvision==0.17.0\n-r missing.txt\n-r missing.txt\n' });
    expect(JSON.parse((await runCliInProcess(['check', '.', '--format', 'gitlab'], moved)).stdout).map((i: { fingerprint: string }) => i.fingerprint)).toEqual(fingerprints);
  });
});

describe('--format junit', () => {
  it('writes well-formed JUnit XML with every special character escaped', async () => {
    const dir = fixtureDir({ 'requirements.txt': 'numpy<2&>1 "x"\n' });
    const { status, stdout } = (await runCliInProcess(['check', '.', '--format', 'junit'], dir));
    expect(status).toBe(1);
    expect(stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="pinwise" tests="1" failures="1">/);
    expect(stdout).toContain('<testsuite name="requirements.txt" tests="1" failures="1" errors="0">');
    expect(stdout).toContain('classname="pinwise.syntax-error"');
    // Attribute and text content never hold a raw <, & or quote.
    for (const match of stdout.matchAll(/="([^"]*)"/g)) expect(match[1]).not.toMatch(/[<&](?!amp;|lt;|gt;|quot;|apos;)/);
    const failure = /<failure [^>]*>([^<]*)<\/failure>/.exec(stdout)![1]!;
    expect(failure).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  it('reports a clean project as one passing test case', async () => {
    const dir = fixtureDir({ 'requirements.txt': 'numpy==1.26.4\n' });
    const { status, stdout } = (await runCliInProcess(['check', '.', '--format', 'junit'], dir));
    expect(status).toBe(0);
    expect(stdout).toContain('<testsuites name="pinwise" tests="1" failures="0">');
    expect(stdout).toContain('<testcase name="pinwise check" classname="pinwise"/>');
  });
});

describe('output and exit flags', () => {
  it('--output-file writes the report there and nothing on stdout', async () => {
    const dir = fixtureDir(mismatch);
    const { status, stdout } = (await runCliInProcess(['check', '.', '--format', 'json', '--output-file', 'reports/pinwise.json'], dir));
    expect(status).toBe(1);
    expect(stdout).toBe('');
    const written = JSON.parse(readFileSync(join(dir, 'reports', 'pinwise.json'), 'utf8'));
    expect(written.summary).toEqual({ errors: 1, warnings: 1, notes: 0, fixes: { fixable: 0, changesInstalled: 1, manual: 0 } });
  });

  it('--exit-zero exits 0 with errors found, but still 2 on a usage error', async () => {
    const dir = fixtureDir(mismatch);
    const ok = (await runCliInProcess(['check', '.', '--exit-zero'], dir));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('1 error');
    expect((await runCliInProcess(['check', '.', '--exit-zero', '--format', 'xml'], dir)).status).toBe(2);
  });

  it('--quiet reports errors only', async () => {
    const dir = fixtureDir(mismatch);
    const { status, stdout } = (await runCliInProcess(['check', '.', '--quiet', '--format', 'json'], dir));
    expect(status).toBe(1);
    expect(JSON.parse(stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['torch-family-mismatch']);
    const warningsOnly = fixtureDir({ 'requirements.txt': '-r missing.txt\n' });
    expect((await runCliInProcess(['check', '.', '--quiet'], warningsOnly)).stdout).toContain('No problems found.');
  });

  it('--statistics counts findings by rule, most frequent first', async () => {
    const dir = fixtureDir({ 'requirements.txt': 'torch==2.3.1\ntorchvision==0.17.0\n-r missing.txt\n-r gone.txt\n' });
    const { status, stdout } = (await runCliInProcess(['check', '.', '--statistics'], dir));
    expect(status).toBe(1);
    const summary = (id: string) => rules.find((r) => r.meta.id === id)!.meta.summary;
    expect(stdout).toBe(`2  unresolved-include     ${summary('unresolved-include')}\n1  torch-family-mismatch  ${summary('torch-family-mismatch')}\n`);
    const json = JSON.parse((await runCliInProcess(['check', '.', '--statistics', '--format', 'json'], dir)).stdout);
    expect(json).toEqual([
      { ruleId: 'unresolved-include', count: 2, fixable: 0 },
      { ruleId: 'torch-family-mismatch', count: 1, fixable: 0 }, // its fix changes a pin: not --fix's
    ]);
  });

  it('--show-fixes lists the fixes under each finding', async () => {
    const dir = fixtureDir(mismatch);
    const { stdout } = (await runCliInProcess(['check', '.', '--show-fixes'], dir));
    expect(stdout).toMatch(/torch-family-mismatch\n.*↳ requirements\.txt:1:6 torch==2\.3\.1 is pinned here\n\s+fix: Set torchvision to 0\.18\.1 \(changes what is installed: applied with --unsafe-fixes\)\n/);
    const unsafe = (await runCliInProcess(['check', '.', '--show-fixes', '--unsafe-fixes'], dir)).stdout;
    expect(unsafe).toMatch(/torch-family-mismatch \[fixable\]\n/);
    expect(unsafe).toContain('1 fixable with --fix');
  });
});

describe('--diff', () => {
  it('prints what --fix would write as a unified diff, writes nothing, and exits 1', async () => {
    const dir = fixtureDir({ 'requirements.txt': '# pins\ntorch==2.3.1\ntorchvision==0.17.0' });
    const { status, stdout } = (await runCliInProcess(['check', '.', '--diff', '--unsafe-fixes'], dir));
    expect(status).toBe(1);
    expect(stdout).toBe(
      '--- a/requirements.txt\n+++ b/requirements.txt\n@@ -1,3 +1,3 @@\n # pins\n torch==2.3.1\n-torchvision==0.17.0\n\\ No newline at end of file\n+torchvision==0.18.1\n\\ No newline at end of file\n',
    );
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe('# pins\ntorch==2.3.1\ntorchvision==0.17.0');    // The pin change is not one --fix makes on its own: without --unsafe-fixes there is nothing to show.
    expect(await runCliInProcess(['check', '.', '--diff'], dir)).toMatchObject({ status: 0, stdout: '' });
  });

  it('prints nothing and exits 0 when there is nothing to fix', async () => {
    const dir = fixtureDir({ 'requirements.txt': '-r missing.txt\n' });
    expect((await runCliInProcess(['check', '.', '--diff', '--unsafe-fixes'], dir))).toMatchObject({ status: 0, stdout: '' });
  });

  it('applies with patch -p1 to exactly what --fix writes', async () => {
    const files = { 'requirements.txt': 'torch==2.3.1+cpu\ntorchvision==0.17.0+cpu\n', 'sub/requirements-gpu.txt': '--index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1+cu118\n' };
    const fixed = fixtureDir(files);
    (await runCliInProcess(['check', '.', '--fix', '--unsafe-fixes'], fixed));
    const patched = fixtureDir(files);
    const diff = (await runCliInProcess(['check', '.', '--diff', '--unsafe-fixes'], patched)).stdout;
    expect(diff).toContain('+++ b/sub/requirements-gpu.txt');
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const applied = spawnSync('patch', ['-p1', '-s'], { cwd: patched, input: diff, encoding: 'utf8' });
    if (applied.error) return; // no patch(1) on this machine: the exact-text test above still holds
    expect(applied.status).toBe(0);
    for (const path of Object.keys(files)) expect(readFileSync(join(patched, path), 'utf8')).toBe(readFileSync(join(fixed, path), 'utf8'));
  });

  it('refuses --diff with --fix', async () => {
    expect((await runCliInProcess(['check', '.', '--diff', '--fix'], fixtureDir(mismatch))).status).toBe(2);
  });
});

describe('pinwise rule', () => {
  it("prints a rule's page from docs/rules", async () => {
    const { status, stdout } = (await runCliInProcess(['rule', 'torch-family-mismatch']));
    expect(status).toBe(0);
    expect(stdout.startsWith('# torch-family-mismatch\n')).toBe(true);
    expect(stdout).toContain('## What it does');
    expect(stdout).not.toContain('<!--');
  });

  it('prints every rule without an ID, and refuses an unknown one', async () => {
    const all = (await runCliInProcess(['rule'])).stdout;
    expect([...all.matchAll(/^# ([a-z-]+)$/gm)].map((m) => m[1])).toEqual(rules.map((r) => r.meta.id));
    const unknown = (await runCliInProcess(['rule', 'E501']));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown rule 'E501'");
  });
});

it('prints the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  expect((await runCliInProcess(['--version'])).stdout).toMatch(new RegExp(`^pinwise ${version.replace(/\./g, '\\.')} \\(knowledge current to \\d{4}-\\d{2}-\\d{2}\\)\n$`));
  expect(existsSync(join(__dirname, '..', '..', 'dist', 'cli.js'))).toBe(true);
});
