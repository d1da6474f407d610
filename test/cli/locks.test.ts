// Lock files through the CLI (issue 16, kind 3): uv.lock, poetry.lock, pdm.lock, Pipfile.lock and
// pylock.toml are resolved environments. The existing rules fire on what a resolver locked; a
// finding points at the package's entry; a lock is never edited (the message says to regenerate
// it); forks that never install together are not compared; a lock and its source must agree.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/analyze';
import { ensureBuilt, fixtureDir, runCliInProcess, findingsOf, type JsonFinding } from './run-cli';

beforeAll(() => ensureBuilt());

const fixtures = join(repoRoot, 'test', 'fixtures', 'locks');

const brief = (findings: JsonFinding[]) => findings.map((f) => [f.file, f.startLine, f.ruleId]);

/** A copy of a fixture project, so `--fix` runs cannot touch the repository. */
function copyOf(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinwise-locks-'));
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}

describe('uv.lock: the resolver locked numpy 2.1.0 beside torch 2.1.2', () => {
  it('reports numpy-abi-mismatch, torch-family-mismatch and the out-of-date lock on the entries, with no fix on the lock', async () => {
    const { status, stdout } = await runCliInProcess(['check', join(fixtures, 'uv-headline'), '--format', 'json']);
    expect(status).toBe(1);
    const findings = findingsOf(stdout);
    expect(brief(findings)).toEqual([
      ['uv.lock', 6, 'numpy-abi-mismatch'],
      ['uv.lock', 26, 'inconsistent-pins'],
      ['uv.lock', 39, 'torch-family-mismatch'],
    ]);
    const [numpy, stale, family] = findings;
    expect(numpy!.message).toMatch(/^`numpy==2\.1\.0` installs NumPy 2, but `torch==2\.1\.2` was built against NumPy 1\.x/);
    expect(family!.message).toMatch(/^torchvision==0\.17\.0 cannot install with torch==2\.1\.2/);
    // Where a fix would edit the lock, there is none: the message says to regenerate it.
    for (const finding of [numpy!, family!]) {
      expect(finding.fixes).toEqual([]);
      expect(finding.message).toMatch(/uv\.lock is generated: change what it is generated from, then regenerate it \(uv lock\)\.$/);
    }
    expect(stale!.level).toBe('warning');
    expect(stale!.message).toBe('torch 2.1.2 is locked here, but pyproject.toml asks for torch>=2.3 (project.dependencies): the lock is out of date; regenerate it (uv lock).');
    expect(stale!.related).toEqual([{ file: 'pyproject.toml', startLine: 7, startColumn: 11, endLine: 7, endColumn: 16, message: 'torch>=2.3 in pyproject.toml' }]);
  });

  it('points at the entry in text and SARIF output, and --fix never writes the lock', async () => {
    const text = await runCliInProcess(['check', join(fixtures, 'uv-headline')]);
    expect(text.stdout).toContain('uv.lock\n  6:1     error   `numpy==2.1.0` installs NumPy 2');
    const sarif = JSON.parse((await runCliInProcess(['check', join(fixtures, 'uv-headline'), '--format', 'sarif'])).stdout) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; endLine: number } } }[]; fixes?: unknown[] }[] }[];
    };
    const results = sarif.runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine, r.locations[0]!.physicalLocation.region.endLine])).toEqual([
      ['numpy-abi-mismatch', 'uv.lock', 6, 7],
      ['inconsistent-pins', 'uv.lock', 26, 27],
      ['torch-family-mismatch', 'uv.lock', 39, 39],
    ]);
    expect(results.every((r) => !r.fixes || r.fixes.length === 0)).toBe(true);
    const dir = copyOf('uv-headline');
    const before = readFileSync(join(dir, 'uv.lock'), 'utf8');
    await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']);
    expect(readFileSync(join(dir, 'uv.lock'), 'utf8')).toBe(before);
  });
});

describe('uv.lock forks that never install together', () => {
  it('compares nothing across conflicting extras (cpu / cu124) or disjoint platforms and Pythons', async () => {
    // torch 2.5.1 (macOS), 2.5.1+cpu and 2.5.1+cu124; torchvision alike; opencv-python for Python < 3.13,
    // opencv-python-headless for 3.13 and later: each pair is apart by its resolution markers.
    const { status, stdout } = await runCliInProcess(['check', join(fixtures, 'uv-forks'), '--format', 'json']);
    expect(findingsOf(stdout)).toEqual([]);
    expect(status).toBe(0);
  });

  it('still compares the packages of one fork', async () => {
    const forks = readFileSync(join(fixtures, 'uv-forks', 'uv.lock'), 'utf8');
    // The cu124 torchvision moved to 0.19.1: it installs with the cu124 torch 2.5.1 and does not fit it.
    const dir = fixtureDir({
      'pyproject.toml': readFileSync(join(fixtures, 'uv-forks', 'pyproject.toml'), 'utf8'),
      'uv.lock': forks.replace('version = "0.20.1+cu124"', 'version = "0.19.1+cu124"'),
    });
    const findings = findingsOf((await runCliInProcess(['check', dir, '--format', 'json'])).stdout);
    expect(brief(findings)).toEqual([['uv.lock', 73, 'torch-family-mismatch']]);
    expect(findings[0]!.message).toMatch(/^torchvision==0\.19\.1\+cu124 cannot install with torch==2\.5\.1\+cu124/);
  });
});

describe('poetry.lock: groups are environments over the main group, and the lock fixes the Python', () => {
  it('reports torchvision of the dev group against torch of main, and numpy 2.1 against the lock\'s Python 3.8', async () => {
    const { stdout } = await runCliInProcess(['check', join(fixtures, 'poetry-groups'), '--format', 'json']);
    const findings = findingsOf(stdout);
    expect(brief(findings)).toEqual([
      ['poetry.lock', 4, 'numpy-abi-mismatch'],
      ['poetry.lock', 4, 'python-version-unsupported'],
      ['poetry.lock', 31, 'torch-family-mismatch'],
    ]);
    expect(findings[1]!.message).toBe(
      '`numpy==2.1.0` has no release for Python 3.8 (target Python from poetry.lock): 2.1.x supports Python 3.10–3.13. pip finds no wheel and the install fails.',
    );
    expect(findings[1]!.related).toEqual([{ file: 'poetry.lock', startLine: 46, startColumn: 20, endLine: 46, endColumn: 24, message: 'target Python 3.8' }]);
  });
});

describe('Pipfile.lock, pdm.lock and pylock.toml', () => {
  it('Pipfile.lock: numpy-abi-mismatch and python-version-unsupported on the package keys', async () => {
    const findings = findingsOf((await runCliInProcess(['check', join(fixtures, 'pipenv'), '--format', 'json'])).stdout);
    expect(brief(findings)).toEqual([
      // The Pipfile's `numpy = "*"` lets NumPy 2 in too (its fix caps it there).
      ['Pipfile', 8, 'numpy-abi-mismatch'],
      ['Pipfile.lock', 19, 'numpy-abi-mismatch'],
      ['Pipfile.lock', 19, 'python-version-unsupported'],
    ]);
    expect(findings[1]!.startColumn).toBe(9); // the "numpy" key
    expect(findings[1]!.message).toMatch(/regenerate it \(pipenv lock\)\.$/);
  });

  it('pdm.lock: distribution-conflict between opencv-python and opencv-python-headless, without its remove-line fix', async () => {
    const findings = findingsOf((await runCliInProcess(['check', join(fixtures, 'pdm'), '--format', 'json'])).stdout);
    expect(brief(findings)).toEqual([['pdm.lock', 22, 'distribution-conflict']]);
    expect(findings[0]!.fixes).toEqual([]);
    expect(findings[0]!.message).toMatch(/pdm\.lock is generated: .*\(pdm lock\)\.$/);
  });

  it('pylock.toml: torch-family-mismatch', async () => {
    const findings = findingsOf((await runCliInProcess(['check', join(fixtures, 'pylock'), '--format', 'json'])).stdout);
    expect(brief(findings)).toEqual([['pylock.toml', 14, 'torch-family-mismatch']]);
  });

  it('reads named PEP 751 locks (pylock.<name>.toml), not other TOML files', async () => {
    const pylock = readFileSync(join(fixtures, 'pylock', 'pylock.toml'), 'utf8');
    const dir = fixtureDir({ 'pylock.gpu.toml': pylock, 'pylock.a.b.toml': pylock, 'mylock.toml': pylock });
    const findings = findingsOf((await runCliInProcess(['check', dir, '--format', 'json'])).stdout);
    expect(brief(findings)).toEqual([['pylock.gpu.toml', 14, 'torch-family-mismatch']]);
  });
});

describe('a lock and the file it is generated from', () => {
  it('an exact pin the lock does not hold: the lock is out of date (reported once, on the lock)', async () => {
    const dir = fixtureDir({
      'pyproject.toml': '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch==2.3.1"]\n',
      'uv.lock': 'version = 1\nrequires-python = ">=3.10"\n\n[[package]]\nname = "torch"\nversion = "2.2.2"\nsource = { registry = "https://pypi.org/simple" }\n',
    });
    const findings = findingsOf((await runCliInProcess(['check', dir, '--format', 'json'])).stdout);
    expect(findings.map((f) => [f.file, f.startLine, f.ruleId, f.message])).toEqual([
      ['uv.lock', 5, 'inconsistent-pins', 'torch 2.2.2 is locked here, but pyproject.toml asks for torch==2.3.1 (project.dependencies): the lock is out of date; regenerate it (uv lock).'],
    ]);
  });

  it('agrees when a locked version satisfies the source, local tags and markers included; build requirements are not locked', async () => {
    const dir = fixtureDir({
      'pyproject.toml':
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch==2.3.1", "numpy<2 ; python_version < \'3.11\'"]\n[build-system]\nrequires = ["setuptools>=70"]\n',
      'uv.lock':
        'version = 1\nrequires-python = ">=3.10"\n\n[[package]]\nname = "torch"\nversion = "2.3.1+cu121"\nsource = { registry = "https://download.pytorch.org/whl/cu121" }\n\n' +
        '[[package]]\nname = "numpy"\nversion = "1.26.4"\nsource = { registry = "https://pypi.org/simple" }\nresolution-markers = ["python_full_version < \'3.11\'"]\n\n' +
        '[[package]]\nname = "numpy"\nversion = "2.1.0"\nsource = { registry = "https://pypi.org/simple" }\nresolution-markers = ["python_full_version >= \'3.11\'"]\n\n' +
        '[[package]]\nname = "setuptools"\nversion = "69.0.0"\nsource = { registry = "https://pypi.org/simple" }\n',
    });
    const { stdout } = await runCliInProcess(['check', dir, '--format', 'json', '--select', 'inconsistent-pins']);
    expect(findingsOf(stdout)).toEqual([]);
  });

  it('a lock beside another project file still drifts from it like any pinned file', async () => {
    const dir = fixtureDir({
      'requirements.txt': 'torch==2.3.1\n',
      'uv.lock': 'version = 1\n[[package]]\nname = "torch"\nversion = "2.2.2"\nsource = { registry = "https://pypi.org/simple" }\n',
    });
    const findings = findingsOf((await runCliInProcess(['check', dir, '--format', 'json', '--select', 'inconsistent-pins'])).stdout);
    expect(findings.map((f) => [f.file, f.fixes.length])).toEqual([['uv.lock', 0]]);
    expect(findings[0]!.message).toMatch(/uv\.lock is generated: .*\(uv lock\)\.$/);
  });
});

describe('malformed locks', () => {
  it('each kind reports a syntax-error where it stops being readable, and the rest of the project is still checked', async () => {
    const dir = fixtureDir({
      'uv.lock': 'version = 1\n[[package]]\nname = "torch"\nversion = "2.1.2\n',
      'sub/poetry.lock': '[[package]]\nname = "numpy"\nversion = "2.1.0"\n[[package]]\nname = "torch"\nversion = 2\n',
      'sub2/pdm.lock': '[metadata]\ngroups = "default"\n[[package]]\nname = "ü ber"\nversion = "1.0"\n',
      'sub3/Pipfile.lock': '{"_meta": {}, "default": {"torch": {"version": "==2.1.2",}}}',
      'sub4/pylock.toml': "lock-version = '1.0'\n[[packages]]\nname = 'numpy'\nversion = 'two'\n",
      'requirements.txt': 'torch==2.3.1\ntorchvision==0.17.0\n',
    });
    const { status, stdout, stderr } = await runCliInProcess(['check', dir, '--format', 'json']);
    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(findingsOf(stdout).map((f) => [f.file, f.startLine, f.ruleId, f.message.replace(/:.*$/s, '')])).toEqual([
      ['requirements.txt', 2, 'torch-family-mismatch', 'torchvision==0.17.0 cannot install with torch==2.3.1'],
      ['sub/poetry.lock', 6, 'syntax-error', 'Expected a string for the version of torch'],
      ['sub2/pdm.lock', 4, 'syntax-error', "Invalid package name 'ü ber'"],
      ['sub3/Pipfile.lock', 1, 'syntax-error', 'Invalid JSON'],
      ['sub4/pylock.toml', 4, 'syntax-error', "Invalid version 'two' for numpy (not PEP 440)"],
      ['uv.lock', 4, 'syntax-error', 'Invalid TOML'],
    ]);
  });
});

describe('suppression comments in TOML locks', () => {
  it('`# pinwise: ignore[rule]` on the entry line silences that rule only', async () => {
    const lock = readFileSync(join(fixtures, 'uv-headline', 'uv.lock'), 'utf8').replace('name = "numpy"\n', 'name = "numpy"  # pinwise: ignore[numpy-abi-mismatch]\n');
    const dir = fixtureDir({ 'pyproject.toml': readFileSync(join(fixtures, 'uv-headline', 'pyproject.toml'), 'utf8'), 'uv.lock': lock });
    const findings = findingsOf((await runCliInProcess(['check', dir, '--format', 'json'])).stdout);
    expect(findings.map((f) => f.ruleId)).toEqual(['inconsistent-pins', 'torch-family-mismatch']);
  });
});
