// setuptools and pipenv declarations and Python launchers through the CLI (issue 16, kinds 2 and 8):
// setup.py, setup.cfg and Pipfile are project declarations like pyproject.toml, and a launcher's
// quoted pip command is an install of the project. Their Python is the project's, their pins meet the
// requirements files' and the lock's, their fixes edit only the value as written, and a broken
// one is a syntax-error, never a crash.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/analyze';
import { ensureBuilt, fixtureDir, runCliInProcess, findingsOf, type JsonFinding } from './run-cli';

beforeAll(() => ensureBuilt());

const fixtures = join(repoRoot, 'test', 'fixtures', 'declarations');

const brief = (findings: JsonFinding[]) => findings.map((f) => [f.file, f.startLine, f.startColumn, f.ruleId]);

function copyOf(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinwise-setup-'));
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}

describe('Pipfile with a PyTorch [[source]] and its Pipfile.lock', () => {
  it('resolves index = "pytorch" to the source URL, checks the torch family and NumPy, and holds the lock to the Pipfile', async () => {
    const { status, stdout } = await runCliInProcess(['check', join(fixtures, 'pipenv-pytorch'), '--format', 'json', '--no-cache']);
    expect(status).toBe(1);
    const findings = findingsOf(stdout);
    expect(brief(findings)).toEqual([
      ['Pipfile', 12, 29, 'index-variant-mismatch'],
      ['Pipfile', 13, 27, 'torch-family-mismatch'],
      ['Pipfile', 14, 1, 'numpy-abi-mismatch'],
      ['Pipfile.lock', 29, 9, 'inconsistent-pins'],
      ['Pipfile.lock', 33, 9, 'inconsistent-pins'],
    ]);
    expect(findings[0]!.message).toBe('torch==2.1.2+cu118 is a `cu118` wheel, but the PyTorch index in effect serves `cu121`: pip will not find it there.');
    expect(findings[3]!.message).toBe('torch 2.1.0+cu121 is locked here, but Pipfile asks for torch==2.1.2+cu118 (packages): the lock is out of date; regenerate it (pipenv lock).');
  });

  it('says the same in text and SARIF', async () => {
    const text = (await runCliInProcess(['check', join(fixtures, 'pipenv-pytorch'), '--no-cache'])).stdout;
    expect(text).toContain('Pipfile\n  12:29   error   torch==2.1.2+cu118 is a `cu118` wheel');
    const sarif = JSON.parse((await runCliInProcess(['check', join(fixtures, 'pipenv-pytorch'), '--format', 'sarif', '--no-cache'])).stdout) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[];
    };
    const where = sarif.runs[0]!.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine, r.locations[0]!.physicalLocation.region.startColumn]);
    expect(where).toEqual([
      ['index-variant-mismatch', 'Pipfile', 12, 29],
      ['torch-family-mismatch', 'Pipfile', 13, 27],
      ['numpy-abi-mismatch', 'Pipfile', 14, 1],
      ['inconsistent-pins', 'Pipfile.lock', 29, 9],
      ['inconsistent-pins', 'Pipfile.lock', 33, 9],
    ]);
  });

  it('--fix rewrites only the version strings (a `*` becomes the cap), never the lock', async () => {
    const dir = copyOf('pipenv-pytorch');
    const lock = readFileSync(join(dir, 'Pipfile.lock'), 'utf8');
    await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes', '--no-cache']);
    const before = readFileSync(join(fixtures, 'pipenv-pytorch', 'Pipfile'), 'utf8');
    expect(readFileSync(join(dir, 'Pipfile'), 'utf8')).toBe(
      before
        .replace('torch = {version = "==2.1.2+cu118"', 'torch = {version = "==2.1.2+cu121"')
        .replace('torchvision = {version = "==0.17.0"', 'torchvision = {version = "==0.16.2"')
        .replace('numpy = "*"', 'numpy = "<2"'),
    );
    expect(readFileSync(join(dir, 'Pipfile.lock'), 'utf8')).toBe(lock);
  });
});

describe('setup.cfg', () => {
  it('python_requires is the target Python; install_requires meets requirements.txt; a suppression comment works on its line', async () => {
    const findings = findingsOf((await runCliInProcess(['check', join(fixtures, 'setup-cfg'), '--format', 'json', '--no-cache'])).stdout);
    expect(brief(findings)).toEqual([
      ['requirements.txt', 1, 1, 'python-version-unsupported'],
      ['requirements.txt', 2, 1, 'python-version-unsupported'],
      ['setup.cfg', 12, 5, 'python-version-unsupported'],
      ['setup.cfg', 12, 10, 'inconsistent-pins'],
      // torchvision's inconsistent-pins is suppressed by the comment on its line.
      ['setup.cfg', 13, 16, 'torch-family-mismatch'],
      ['setup.cfg', 14, 5, 'python-version-unsupported'],
    ]);
    expect(findings[2]!.message).toMatch(/^`torch==2\.1\.2` has no release for Python 3\.12 \(target Python from setup\.cfg\)/);
    expect(findings[3]!.message).toBe('torch is pinned to 2.1.2 here but to 2.0.1 in requirements.txt; installs from these files get different versions of torch.');
  });

  it('--fix rewrites the torchvision pin in place, comments kept', async () => {
    const dir = copyOf('setup-cfg');
    await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes', '--no-cache']);
    const before = readFileSync(join(fixtures, 'setup-cfg', 'setup.cfg'), 'utf8');
    expect(readFileSync(join(dir, 'setup.cfg'), 'utf8')).toBe(before.replace('torchvision==0.17.0  #', 'torchvision==0.16.2  #'));
  });
});

describe('setup.py, read without running it', () => {
  it('install_requires from open("requirements.txt"), literal extras, python_requires as the target; computed parts are notes', async () => {
    const findings = findingsOf((await runCliInProcess(['check', join(fixtures, 'setup-py'), '--format', 'json', '--no-cache'])).stdout);
    expect(findings.map((f) => [f.file, f.startLine, f.startColumn, f.ruleId, (f as unknown as { level: string }).level])).toEqual([
      ['requirements.txt', 1, 1, 'python-version-unsupported', 'error'],
      // The train extra's torchvision against the torch of the file setup.py reads.
      ['setup.py', 17, 21, 'torch-family-mismatch', 'error'],
      // No other torchvision pin to be inconsistent with: the comment on that line is stale.
      ['setup.py', 17, 33, 'unused-suppression', 'note'],
      ['setup.py', 20, 13, 'syntax-error', 'note'],
      ['setup.py', 32, 20, 'syntax-error', 'note'],
    ]);
    expect(findings[0]!.message).toMatch(/\(target Python from setup\.py\)/);
    expect(findings[1]!.related.map((r) => [r.file, r.startLine])).toEqual([['requirements.txt', 1]]);
    expect(findings[3]!.message).toBe('Not checked: extras_require["dev"] is computed here when setup.py runs, and Pinwise never runs it; what it computes was not read.');
    const sarif = JSON.parse((await runCliInProcess(['check', join(fixtures, 'setup-py'), '--format', 'sarif', '--no-cache'])).stdout) as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['python-version-unsupported', 'error', 'requirements.txt', 1],
      ['torch-family-mismatch', 'error', 'setup.py', 17],
      ['unused-suppression', 'note', 'setup.py', 17],
      ['syntax-error', 'note', 'setup.py', 20],
      ['syntax-error', 'note', 'setup.py', 32],
    ]);
    const text = (await runCliInProcess(['check', join(fixtures, 'setup-py'), '--no-cache'])).stdout;
    expect(text).toContain('setup.py\n  17:21   error   torchvision==0.17.0 cannot install with torch==2.1.2');
  });

  it('--fix rewrites only the string, and a missing requirements file it reads is an unresolved include', async () => {
    const dir = copyOf('setup-py');
    await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes', '--select', 'torch-family-mismatch', '--no-cache']);
    const before = readFileSync(join(fixtures, 'setup-py', 'setup.py'), 'utf8');
    expect(readFileSync(join(dir, 'setup.py'), 'utf8')).toBe(before.replace('"torchvision==0.17.0",', '"torchvision==0.16.2",'));
    const missing = fixtureDir({ 'setup.py': 'from setuptools import setup\nsetup(install_requires=open("requirements/base.txt").read().splitlines())\n' });
    const findings = findingsOf((await runCliInProcess(['check', missing, '--format', 'json', '--no-cache'])).stdout);
    expect(findings.map((f) => [f.file, f.startLine, f.ruleId])).toEqual([['setup.py', 2, 'unresolved-include']]);
  });
});

describe('a Python launcher (Stable-Diffusion-webui-like launch_utils.py)', () => {
  it('its TORCH_COMMAND default and a parameter default are installs of the project, checked against requirements_versions.txt', async () => {
    const findings = findingsOf((await runCliInProcess(['check', join(fixtures, 'launcher'), '--format', 'json', '--no-cache'])).stdout);
    expect(brief(findings)).toEqual([
      ['modules/launch_utils.py', 28, 72, 'inconsistent-pins'],
      ['modules/launch_utils.py', 28, 91, 'torch-family-mismatch'],
      ['modules/launch_utils.py', 41, 65, 'numpy-abi-mismatch'],
      ['modules/launch_utils.py', 41, 65, 'unquoted-specifier'],
    ]);
    expect(findings[0]!.message).toBe('torch is pinned to 2.1.2 here but to 2.0.1 in requirements_versions.txt; installs from these files get different versions of torch.');
    expect(findings[3]!.message).toMatch(/^`numpy>=1\.26` is not quoted: the shell reads `>=1\.26` as a redirection/);
    const text = (await runCliInProcess(['check', join(fixtures, 'launcher'), '--no-cache'])).stdout;
    expect(text).toContain('modules/launch_utils.py\n  28:72   warning torch is pinned to 2.1.2 here');
    const sarif = JSON.parse((await runCliInProcess(['check', join(fixtures, 'launcher'), '--format', 'sarif', '--no-cache'])).stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.region.startLine, r.locations[0]!.physicalLocation.region.startColumn])).toEqual([
      ['inconsistent-pins', 28, 72],
      ['torch-family-mismatch', 28, 91],
      ['numpy-abi-mismatch', 41, 65],
      ['unquoted-specifier', 41, 65],
    ]);
  });

  it('--fix rewrites the pin inside the f-string only', async () => {
    const dir = copyOf('launcher');
    // The pin change only (quoting `numpy>=1.26` is another rule's pin change).
    await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes', '--select', 'torch-family-mismatch', '--no-cache']);
    const before = readFileSync(join(fixtures, 'launcher', 'modules', 'launch_utils.py'), 'utf8');
    expect(readFileSync(join(dir, 'modules', 'launch_utils.py'), 'utf8')).toBe(before.replace('torchvision==0.17.0 --extra-index-url', 'torchvision==0.16.2 --extra-index-url'));
  });

  it('a cached run says what an uncached one says, and an edited launcher is never answered from the cache', async () => {
    const dir = fixtureDir({ 'app.py': 'import numpy as np\nx = np.float_(1)\n', 'tools/install.py': 'CMD = "pip install numpy==2.0.0"\n' });
    const run = async (...extra: string[]) => findingsOf((await runCliInProcess(['check', dir, '--format', 'json', ...extra])).stdout).map((f) => [f.file, f.startLine, f.ruleId]);
    const uncached = await run('--no-cache');
    expect(uncached).toEqual([['app.py', 2, 'deprecated-api']]);
    expect(await run()).toEqual(uncached);
    const second = await runCliInProcess(['check', dir, '--format', 'json', '--verbose']);
    expect(second.stderr).toContain('1 .py files: 0 parsed, 1 from the cache');
    expect(findingsOf(second.stdout).map((f) => [f.file, f.startLine, f.ruleId])).toEqual(uncached);
    // The launcher now pins NumPy 1: app.py's cached finding no longer holds.
    writeFileSync(join(dir, 'tools', 'install.py'), 'CMD = "pip install numpy==1.26.4"\n');
    expect(await run()).toEqual([]);
    expect(await run('--no-cache')).toEqual([]);
  });
});

describe('malformed setup.py, setup.cfg and Pipfile', () => {
  it('are syntax-errors where they are broken, in every format', async () => {
    const { status, stdout } = await runCliInProcess(['check', join(fixtures, 'malformed'), '--format', 'json', '--no-cache']);
    expect(status).toBe(1);
    const findings = findingsOf(stdout);
    expect(findings.map((f) => [f.file, f.startLine, f.ruleId, f.message])).toEqual([
      ['Pipfile', 2, 'syntax-error', 'Invalid TOML: Unterminated string constant'],
      ['setup.cfg', 6, 'syntax-error', "'=' is not a valid operator; did you mean '=='?"],
      ['setup.cfg', 8, 'syntax-error', "Expected 'key = value' in [options]"],
      ['setup.py', 3, 'syntax-error', 'Invalid Python; setup.py would not run, and what follows may be read wrongly.'],
    ]);
    const text = (await runCliInProcess(['check', join(fixtures, 'malformed'), '--no-cache'])).stdout;
    expect(text).toContain('setup.cfg\n  6:10    error   \'=\' is not a valid operator');
    const sarif = JSON.parse((await runCliInProcess(['check', join(fixtures, 'malformed'), '--format', 'sarif', '--no-cache'])).stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toEqual(['syntax-error', 'syntax-error', 'syntax-error', 'syntax-error']);
  });
});
