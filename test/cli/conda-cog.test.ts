// Conda environment files and cog.yaml through the CLI, as a user runs it: fixtures written like
// real projects' files, findings in text, json and sarif, fixes that rewrite only their span.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess, findingsOf } from './run-cli';

beforeAll(() => ensureBuilt());

// Like the environment files ML repositories ship: channels, pinned conda packages, a pip section.
const environment = `name: sd-webui   # démo
channels:
  - pytorch
  - nvidia
  - conda-forge
dependencies:
  - python=3.10
  - pip=23.0
  - pytorch=2.1.2
  - torchvision=0.17.0
  - pytorch-cuda=11.8
  - numpy=1.26
  - pip:
    - --extra-index-url https://download.pytorch.org/whl/cu121
    - torchaudio==2.1.2+cu121
    - -r requirements.txt
`;

describe('conda environment files', () => {
  it('torch-family-mismatch on pytorch=2.1.2 + torchvision=0.17.0; local-tag-mismatch on a pip +cu121 beside pytorch-cuda=11.8 (json)', async () => {
    const dir = fixtureDir({ 'environment.yml': environment, 'requirements.txt': 'opencv-python==4.8.0.76\n' });
    const { status, stdout } = (await runCliInProcess(['check', dir, '--format', 'json']));
    expect(status).toBe(1);
    const found = findingsOf(stdout).map((f) => [f.file, f.startLine, f.ruleId]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['environment.yml', 10, 'torch-family-mismatch'],
        ['environment.yml', 15, 'local-tag-mismatch'],
      ]),
    );
    const tag = findingsOf(stdout).find((f) => f.ruleId === 'local-tag-mismatch')!;
    expect(tag.message).toContain('`pytorch-cuda=11.8`');
  });

  it('fixes only their spans: the pip pin\'s local tag follows pytorch-cuda=11.8 (--fix)', async () => {
    const noIndex = environment.replace('    - --extra-index-url https://download.pytorch.org/whl/cu121\n', '');
    const dir = fixtureDir({ 'environment.yml': noIndex, 'requirements.txt': 'opencv-python==4.8.0.76\n' });
    (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
    // The tag fix is safe; torch-family's is not applied automatically (it picks between versions).
    expect(readFileSync(join(dir, 'environment.yml'), 'utf8')).toBe(noIndex.replace('torchaudio==2.1.2+cu121', 'torchaudio==2.1.2+cu118'));
  });

  it('torch-family-mismatch offers its version fix in conda syntax: only the version after `=` changes (json)', async () => {
    const dir = fixtureDir({ 'environment.yml': environment, 'requirements.txt': 'opencv-python==4.8.0.76\n' });
    const { stdout } = (await runCliInProcess(['check', dir, '--format', 'json']));
    const finding = (JSON.parse(stdout) as { findings: { ruleId: string; fixes: { title: string; edits: { startLine: number; startColumn: number; endColumn: number; text: string }[] }[] }[] }).findings.find((f) => f.ruleId === 'torch-family-mismatch')!;
    expect(finding.fixes[0]).toMatchObject({ title: 'Set torchvision to 0.16.2', edits: [{ startLine: 10, startColumn: 17, endColumn: 23, text: '0.16.2' }] });
  });

  it('a tag the pip index serves but pytorch-cuda contradicts: reported, its fix not applied automatically', async () => {
    const dir = fixtureDir({ 'environment.yml': environment, 'requirements.txt': 'opencv-python==4.8.0.76\n' });
    (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
    expect(readFileSync(join(dir, 'environment.yml'), 'utf8')).toBe(environment);
  });

  it('python=3.x is the environment\'s Python: python-version-unsupported fires on a pin that has no wheels for it (sarif)', async () => {
    const dir = fixtureDir({
      'environment.yaml': 'name: old\nchannels: [defaults]\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - torch==2.0.1\n',
    });
    const { stdout } = (await runCliInProcess(['check', dir, '--format', 'sarif']));
    const sarif = JSON.parse(stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const results = sarif.runs[0]!.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine]);
    expect(results).toEqual(expect.arrayContaining([['python-version-unsupported', 'environment.yaml', 7]]));
  });

  it('is found by content under any YAML name, and its pins take part in inconsistent-pins (text)', async () => {
    const dir = fixtureDir({
      'envs/gpu.yml': 'channels:\n  - conda-forge\ndependencies:\n  - numpy==1.24.4\n  - pandas\n',
      'requirements.txt': 'numpy==1.26.4\npandas\n',
    });
    const { stdout } = (await runCliInProcess(['check', dir]));
    expect(stdout).toContain('envs/gpu.yml');
    expect(stdout).toMatch(/inconsistent-pins/);
  });

  it('malformed files are syntax errors at their place, never a crash', async () => {
    const dir = fixtureDir({
      'environment.yml': 'name: x\nchannels: [defaults]\ndependencies:\n  - numpy>=\n\t- scipy\n',
      'conda-cpu.yaml': 'channels: [x]\ndependencies: [pytorch=2.1.2, torchvision=0.17.0\n',
    });
    const { status, stdout } = (await runCliInProcess(['check', dir, '--format', 'json']));
    expect(status).toBe(1);
    const errors = findingsOf(stdout).filter((f) => f.ruleId === 'syntax-error').map((f) => [f.file, f.startLine]);
    expect(errors).toEqual(expect.arrayContaining([['environment.yml', 5]]));
    expect(errors.some(([file]) => file === 'conda-cpu.yaml')).toBe(true);
  });

  it('a UTF-8 BOM changes nothing: the same findings, and --fix keeps it', async () => {
    const noIndex = environment.replace('    - --extra-index-url https://download.pytorch.org/whl/cu121\n', '');
    const plain = fixtureDir({ 'environment.yml': noIndex });
    const marked = fixtureDir({ 'environment.yml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(noIndex)]) });
    const strip = (stdout: string) => findingsOf(stdout).map((f) => [f.ruleId, f.startLine, f.message]);
    const expected = strip((await runCliInProcess(['check', plain, '--format', 'json'])).stdout);
    expect(expected.length).toBeGreaterThan(1);
    expect(strip((await runCliInProcess(['check', marked, '--format', 'json'])).stdout)).toEqual(expected);
    (await runCliInProcess(['check', marked, '--fix', '--unsafe-fixes']));
    expect(readFileSync(join(marked, 'environment.yml'))).toEqual(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(noIndex.replace('+cu121', '+cu118'))]));
  });

  it('`# pinwise: ignore[...]` comments suppress a finding on their line', async () => {
    const dir = fixtureDir({
      'environment.yml': environment.replace('  - torchvision=0.17.0\n', '  - torchvision=0.17.0  # pinwise: ignore[torch-family-mismatch]\n'),
      'requirements.txt': 'opencv-python==4.8.0.76\n',
    });
    const { stdout } = (await runCliInProcess(['check', dir, '--format', 'json']));
    expect(findingsOf(stdout).map((f) => f.ruleId)).not.toContain('torch-family-mismatch');
  });
});

describe("Replicate's cog.yaml", () => {
  const cog = `# Configuration for Cog ⚙️
build:
  gpu: true
  cuda: "11.8"
  python_version: "3.12"
  python_packages:
    - "torch==2.1.2"
    - "torchvision==0.17.0"
  python_requirements: requirements.txt
  run:
    - pip install numpy>=1.24
    - command: pip install "onnxruntime==1.16.3"
predict: "predict.py:Predictor"
`;

  it('python_packages, python_requirements and run commands install in order, with python_version as the Python (json)', async () => {
    const dir = fixtureDir({ 'cog.yaml': cog, 'requirements.txt': 'onnxruntime-gpu==1.16.3\n' });
    const { status, stdout } = (await runCliInProcess(['check', dir, '--format', 'json']));
    expect(status).toBe(1);
    const found = findingsOf(stdout).map((f) => [f.file, f.startLine, f.ruleId]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['cog.yaml', 8, 'torch-family-mismatch'],
        ['cog.yaml', 7, 'python-version-unsupported'],
        ['cog.yaml', 11, 'unquoted-specifier'],
        ['cog.yaml', 12, 'distribution-conflict'],
      ]),
    );
  });

  it('a missing python_requirements file is reported where it is named', async () => {
    const dir = fixtureDir({ 'cog.yaml': 'build:\n  python_version: "3.11"\n  python_requirements: requirements/prod.txt\n' });
    const { stdout } = (await runCliInProcess(['check', dir, '--format', 'json']));
    expect(findingsOf(stdout).map((f) => [f.ruleId, f.startLine])).toEqual(expect.arrayContaining([['unresolved-include', 3]]));
  });

  it('malformed cog.yaml is a syntax error, never a crash', async () => {
    const dir = fixtureDir({ 'cog.yaml': 'build:\n  python_packages: [torch==2.1.2\n  run: 3\n' });
    const { stdout } = (await runCliInProcess(['check', dir, '--format', 'json']));
    expect(findingsOf(stdout).some((f) => f.ruleId === 'syntax-error' && f.file === 'cog.yaml')).toBe(true);
  });
});
