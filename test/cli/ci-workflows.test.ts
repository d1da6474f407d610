// CI workflows checked end to end through the CLI: a GitHub Actions workflow with a setup-python
// matrix and a GitLab CI file with a python image, written like ML projects' own.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess, findingsOf } from './run-cli';

beforeAll(() => ensureBuilt());

const project = {
  'requirements.txt': 'numpy==1.26.4\nscipy==1.13.0\n',
  '.github/workflows/test.yml': [
    'name: test',
    'on:',
    '  push:',
    '    branches: [main]',
    'jobs:',
    '  unit:',
    '    runs-on: ubuntu-latest',
    '    strategy:',
    '      fail-fast: false',
    '      matrix:',
    "        python-version: ['3.10', '3.12']",
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-python@v5',
    '        with:',
    '          python-version: ${{ matrix.python-version }}',
    '      - name: Install dependencies',
    '        run: |',
    '          python -m pip install --upgrade pip',
    '          pip install torch==2.1.0 torchvision==0.17.0 --index-url https://download.pytorch.org/whl/cu118',
    '          pip install -r requirements.txt numpy==1.24.3',
    '          pip install pillow>=10',
    '      - run: pytest -q',
    '  windows:',
    '    runs-on: windows-latest',
    '    steps:',
    '      - uses: actions/setup-python@v5',
    '        with:',
    "          python-version: '3.11'",
    '      - run: pip install "numpy<2" onnxruntime==1.17.1 onnxruntime-gpu==1.17.1',
    '',
  ].join('\n'),
  '.gitlab-ci.yml': [
    'image: python:3.12-slim',
    '.deps: &deps',
    '  before_script:',
    '    - pip install -r requirements.txt',
    'test:',
    '  <<: *deps',
    '  script:',
    '    - pip install numpy==1.24.3   # pinwise: ignore[inconsistent-pins]',
    '    - pytest',
    '',
  ].join('\n'),
};

describe('CI workflows through the CLI', () => {
  it('checks each job and each matrix Python, in json', async () => {
    const dir = fixtureDir(project);
    const { status, stdout } = await runCliInProcess(['check', dir, '--format', 'json']);
    expect(status).toBe(1);
    const findings = findingsOf(stdout);
    const found = findings.map((f) => [f.file, f.startLine, f.ruleId]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['.github/workflows/test.yml', 20, 'torch-family-mismatch'],
        ['.github/workflows/test.yml', 22, 'unquoted-specifier'],
        ['.github/workflows/test.yml', 30, 'distribution-conflict'],
        // torch 2.1.0 and numpy 1.24.3 have no wheels for Python 3.12: the 3.12 matrix entry and the GitLab image.
        ['.github/workflows/test.yml', 20, 'python-version-unsupported'],
        ['.github/workflows/test.yml', 21, 'python-version-unsupported'],
        ['.gitlab-ci.yml', 8, 'python-version-unsupported'],
      ]),
    );
    const unsupported = findings.filter((f) => f.ruleId === 'python-version-unsupported' && f.file === '.github/workflows/test.yml');
    // Only the 3.12 entry: the job on Python 3.10 is fine with both; the suppression comment holds in the GitLab file.
    expect(unsupported.map((f) => f.message.includes('Python 3.12'))).toEqual([true, true]);
    expect(found.filter(([file, , rule]) => file === '.gitlab-ci.yml' && rule === 'inconsistent-pins')).toEqual([]);
    // The workflow's `-r requirements.txt` is found from the project root.
    expect(found.filter(([, , rule]) => rule === 'unresolved-include')).toEqual([]);
  });

  it('locates a finding in the YAML text in SARIF, with a fix that keeps the YAML valid', async () => {
    const dir = fixtureDir(project);
    const { stdout } = await runCliInProcess(['check', dir, '--format', 'sarif', '--select', 'unquoted-specifier']);
    const results = JSON.parse(stdout).runs[0].results as {
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[];
      fixes?: { artifactChanges: { replacements: { insertedContent: { text: string } }[] }[] }[];
    }[];
    expect(results.map((r) => [r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region])).toEqual([
      ['.github/workflows/test.yml', { startLine: 22, startColumn: 23, endLine: 22, endColumn: 33 }],
    ]);
    expect(results[0]!.message.text).toContain('the shell reads `>=10` as a redirection');
    expect(results[0]!.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent.text).toBe("'pillow>=10'");
  });

  it('says which job and Python a finding belongs to in the text report', async () => {
    const dir = fixtureDir(project);
    const { stdout } = await runCliInProcess(['check', dir, '--select', 'python-version-unsupported']);
    expect(stdout).toContain('.github/workflows/test.yml\n');
    expect(stdout).toMatch(/ 21:43 +error +`numpy==1\.24\.3` has no release for Python 3\.12/);
    expect(stdout).toContain('.github/workflows/test.yml:11:35 target Python 3.12');
  });

  it('reports malformed YAML as a syntax error and still reads the other files', async () => {
    const dir = fixtureDir({ ...project, '.github/workflows/broken.yaml': 'jobs:\n  x:\n    steps: [\n      - run: pip install torch==2.1.0\n' });
    const { status, stdout } = await runCliInProcess(['check', dir, '--format', 'json']);
    expect(status).toBe(1);
    const found = findingsOf(stdout).map((f) => [f.file, f.ruleId]);
    expect(found).toEqual(expect.arrayContaining([['.github/workflows/broken.yaml', 'syntax-error'], ['.github/workflows/test.yml', 'torch-family-mismatch']]));
  });

  it('takes a job\'s Python from setup-python\'s python-version-file and from a GitLab parallel matrix or variables', async () => {
    const dir = fixtureDir({
      'backend/.python-version': '3.12.4\n',
      'pyproject.toml': '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.9"\n',
      '.github/workflows/ci.yml': [
        'on: push',
        'jobs:',
        '  from-file:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/setup-python@v5',
        '        with:',
        '          python-version-file: backend/.python-version',
        '      - run: pip install numpy==1.24.3',
        '',
      ].join('\n'),
      '.gitlab-ci.yml': [
        'variables:',
        '  PY: "3.9"',
        'test:',
        '  image: python:${PY}-slim',
        '  parallel:',
        '    matrix:',
        '      - PY: ["3.10", "3.12"]',
        '  script:',
        '    - pip install numpy==1.24.3',
        'lint:',
        '  image: python:$PY',
        '  variables:',
        '    PY: "3.12"',
        '  script:',
        '    - pip install numpy==1.24.4',
        '',
      ].join('\n'),
    });
    const { stdout } = await runCliInProcess(['check', dir, '--format', 'json', '--select', 'python-version-unsupported']);
    const found = findingsOf(stdout).map((f) => [f.file, f.startLine, f.message.match(/Python 3\.\d+/)?.[0]]);
    expect(found).toEqual([
      // The GitHub job runs backend/.python-version's 3.12 (not the project's >=3.9).
      ['.github/workflows/ci.yml', 9, 'Python 3.12'],
      // The 3.12 matrix entry only; and the lint job's own variable over the top level's.
      ['.gitlab-ci.yml', 9, 'Python 3.12'],
      ['.gitlab-ci.yml', 15, 'Python 3.12'],
    ]);
  });
});
