// Installed environments, end to end: environments built as pip leaves them, checked through the CLI.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess } from '../cli/run-cli';
import { writeSitePackages, writeVenv, type FakeDistribution } from './venv';

beforeAll(() => ensureBuilt());

interface JsonFinding {
  ruleId: string;
  level: string;
  message: string;
  file: string;
  startLine: number;
  related?: { file: string; message: string }[];
  fixes?: unknown[];
}

function project(files: Record<string, string>, venv?: { python: string; dists: FakeDistribution[] }): string {
  const dir = fixtureDir(files);
  if (venv) writeVenv(join(dir, '.venv'), venv.python, venv.dists);
  return dir;
}

async function checkJson(dir: string, extra: string[] = []): Promise<{ findings: JsonFinding[]; status: number; stderr: string }> {
  const { status, stdout, stderr } = (await runCliInProcess(['check', dir, '--format', 'json', ...extra]));
  const parsed = JSON.parse(stdout);
  const findings = (Array.isArray(parsed) ? parsed : parsed.findings) as JsonFinding[];
  return { findings, status, stderr };
}

const site = '.venv/lib/python3.11/site-packages';

describe('an installed environment is an environment like any other', () => {
  it('finds a torchvision left over from an older install, at its METADATA, and offers no edit to it', async () => {
    const dir = project({ 'README.md': 'no dependency files\n' }, {
      python: '3.11.7',
      dists: [
        { name: 'torch', version: '2.3.1+cu121' },
        { name: 'torchvision', version: '0.17.0+cu121' },
      ],
    });
    const { findings, status } = (await checkJson(dir));
    expect(status).toBe(1);
    expect((await runCliInProcess(['check', dir])).stdout).toMatch(/^Checking the installed environment \.venv too \(--no-env to skip\)\.\n/);
    const family = findings.filter((f) => f.ruleId === 'torch-family-mismatch');
    expect(family).toHaveLength(1);
    expect(family[0]!.file).toBe(`${site}/torchvision-0.17.0+cu121.dist-info/METADATA`);
    expect(family[0]!.startLine).toBe(3); // the Version: line
    expect(family[0]!.fixes ?? []).toEqual([]);
    // Installed builds are published builds, and pip records no index: neither is judged.
    expect(findings.map((f) => f.ruleId)).not.toContain('index-variant-mismatch');
    expect(findings.map((f) => f.ruleId)).not.toContain('unknown-wheel-variant');
    expect((await checkJson(dir, ['--no-env'])).findings).toEqual([]);
  });

  it('finds NumPy 2 under a torch built for NumPy 1', async () => {
    const dir = project({}, { python: '3.11.7', dists: [{ name: 'torch', version: '2.2.2' }, { name: 'numpy', version: '2.0.1' }] });
    const abi = (await checkJson(dir)).findings.filter((f) => f.ruleId === 'numpy-abi-mismatch');
    expect(abi.map((f) => f.file)).toEqual([`${site}/numpy-2.0.1.dist-info/METADATA`]);
  });

  it('judges Python support against the environment’s own Python', async () => {
    const dir = fixtureDir({});
    writeVenv(join(dir, '.venv'), '3.12.4', [{ name: 'numpy', version: '1.24.3' }]);
    const support = (await checkJson(dir)).findings.filter((f) => f.ruleId === 'python-version-unsupported');
    expect(support).toHaveLength(1);
    expect(support[0]!.message).toContain('runs Python 3.12');
    expect(support[0]!.file).toBe('.venv/lib/python3.12/site-packages/numpy-1.24.3.dist-info/METADATA');
  });
});

describe('distribution-conflict from RECORD', () => {
  it('reports two distributions that wrote the same files, once, whether or not a curated group knows them', async () => {
    const shared = ['onnxruntime/__init__.py', 'onnxruntime/capi/_pybind_state.py', 'onnxruntime/capi/onnxruntime_pybind11_state.so'];
    const dir = project({}, {
      python: '3.11.7',
      dists: [
        { name: 'onnxruntime', version: '1.18.0', record: shared },
        { name: 'onnxruntime-gpu', version: '1.18.0', record: [...shared, 'onnxruntime/capi/libonnxruntime_providers_cuda.so'] },
        { name: 'fake-a', version: '1.0', record: ['fakepkg/core.py', 'fakepkg/__init__.py'] },
        { name: 'fake-b', version: '2.0', record: ['fakepkg/core.py', 'fakepkg/__init__.py'] },
        // Namespace packages share only an __init__.py: not a conflict.
        { name: 'ns-one', version: '1.0', record: ['ns/__init__.py', 'ns/one.py'] },
        { name: 'ns-two', version: '1.0', record: ['ns/__init__.py', 'ns/two.py'] },
      ],
    });
    const conflicts = (await checkJson(dir)).findings.filter((f) => f.ruleId === 'distribution-conflict');
    expect(conflicts.map((f) => [f.file, f.message.split(':')[0]])).toEqual([
      [`${site}/fake_b-2.0.dist-info/METADATA`, '`fake-b 2.0` and `fake-a 1.0` are both installed in .venv and wrote 1 of the same file (fakepkg/core.py)'],
      [`${site}/onnxruntime_gpu-1.18.0.dist-info/METADATA`, '`onnxruntime-gpu 1.18.0` and `onnxruntime 1.18.0` are both installed in .venv and wrote 2 of the same files (onnxruntime/capi/_pybind_state.py, onnxruntime/capi/onnxruntime_pybind11_state.so)'],
    ]);
  });
});

describe('requirement-conflict from each installed Requires-Dist (what pip check reports)', () => {
  it('reports a dependency installed outside its range and one not installed; extras and other platforms do not count', async () => {
    const dir = project({}, {
      python: '3.11.7',
      dists: [
        {
          name: 'transformers',
          version: '4.41.2',
          requires: [
            'huggingface-hub<1.0,>=0.23.0',
            'tokenizers<0.20,>=0.19',
            'pytest; extra == "testing"',
            'pywin32; sys_platform == "win32"',
            'importlib-metadata; python_version < "3.8"',
          ],
        },
        { name: 'huggingface-hub', version: '0.20.3' },
      ],
    });
    const conflicts = (await checkJson(dir)).findings.filter((f) => f.ruleId === 'requirement-conflict');
    expect(conflicts.map((f) => [f.startLine, f.message])).toEqual([
      [5, '`transformers 4.41.2` requires `huggingface-hub<1.0,>=0.23.0`, but .venv has huggingface-hub 0.20.3; pip check reports this environment as broken.'],
      [6, '`transformers 4.41.2` requires `tokenizers<0.20,>=0.19`, which is not installed in .venv; importing transformers can fail.'],
    ]);
    expect(conflicts[0]!.related![0]!.file).toBe(`${site}/huggingface_hub-0.20.3.dist-info/METADATA`);
  });

  it('reads legacy egg-info requires.txt sections', async () => {
    const dir = fixtureDir({});
    writeSitePackages(join(dir, 'site-packages'), [
      { name: 'legacy', version: '1.0', eggInfo: { requiresTxt: 'present>=2\nmissing-one\n\n[docs]\nsphinx\n\n[:sys_platform == "win32"]\ncolorama\n' } },
      { name: 'present', version: '1.5' },
    ]);
    const { findings } = (await checkJson(dir, ['--env', join(dir, 'site-packages')]));
    expect(findings.filter((f) => f.ruleId === 'requirement-conflict').map((f) => [f.file, f.startLine, f.message.split(',')[0]])).toEqual([
      ['site-packages/legacy-1.0.egg-info/requires.txt', 1, '`legacy 1.0` requires `present>=2`'],
      ['site-packages/legacy-1.0.egg-info/requires.txt', 2, '`legacy 1.0` requires `missing-one`'],
    ]);
  });
});

describe('environment-drift', () => {
  it('reports a declared pin the environment does not satisfy, with the installed version, and a missing package once', async () => {
    const dir = project(
      {
        'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/rocm5.7\ntorch==2.3.1+rocm5.7\ngradio==4.44.1\nnumpy>=1.26\n',
        'requirements-dev.txt': 'gradio==4.44.1\npytest; sys_platform == "win32"\n',
      },
      { python: '3.11.7', dists: [{ name: 'torch', version: '2.2.0+cpu' }, { name: 'numpy', version: '1.26.4' }] },
    );
    const drift = (await checkJson(dir)).findings.filter((f) => f.ruleId === 'environment-drift');
    expect(drift.map((f) => [f.file, f.startLine, f.level, f.message])).toEqual([
      ['requirements-dev.txt', 1, 'warning', '`gradio==4.44.1` is declared but not installed in .venv.'],
      ['requirements.txt', 2, 'warning', '`torch==2.3.1+rocm5.7` is not what .venv has: torch 2.2.0+cpu is installed.'],
    ]);
    expect(drift[1]!.related![0]).toMatchObject({ file: `${site}/torch-2.2.0+cpu.dist-info/METADATA`, message: 'installed: torch 2.2.0+cpu' });
  });

  it('judges an unpinned dependency by the installed pinned release’s own Requires-Dist', async () => {
    const dir = project({ 'requirements.txt': 'diffusers==0.27.2\n' }, {
      python: '3.11.7',
      dists: [
        { name: 'diffusers', version: '0.27.2', requires: ['huggingface-hub<0.26,>=0.20.2'] },
        { name: 'huggingface-hub', version: '0.26.2' },
      ],
    });
    const drift = (await checkJson(dir)).findings.filter((f) => f.ruleId === 'environment-drift');
    expect(drift.map((f) => f.message)).toEqual([
      '`diffusers==0.27.2` requires `huggingface-hub<0.26,>=0.20.2` (its metadata in .venv), which this project does not pin, and .venv has huggingface-hub 0.26.2.',
    ]);
  });
});

describe('--env and what is read', () => {
  it('takes a site-packages folder outside the project and locates findings by absolute file:// URIs', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'pinwise-env-'));
    const sitePackages = writeSitePackages(join(outside, 'lib', 'python3.11', 'site-packages'), [
      { name: 'torch', version: '2.3.1' },
      { name: 'torchvision', version: '0.17.0' },
    ]);
    const dir = fixtureDir({ 'requirements.txt': 'torch==2.3.1\n' });
    const { status, stdout } = (await runCliInProcess(['check', dir, '--env', sitePackages, '--format', 'sarif']));
    expect(status).toBe(1);
    const results = JSON.parse(stdout).runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    const family = results.find((r) => r.ruleId === 'torch-family-mismatch')!;
    expect(family.locations[0]!.physicalLocation.artifactLocation.uri).toBe(pathToFileURL(join(sitePackages, 'torchvision-0.17.0.dist-info', 'METADATA')).href);
  });

  it('reports broken metadata as a clear finding and goes on', async () => {
    const dir = fixtureDir({});
    const sitePackages = writeVenv(join(dir, '.venv'), '3.11.7', [{ name: 'torch', version: '2.3.1' }, { name: 'torchvision', version: '0.17.0' }]);
    mkdirSync(join(sitePackages, 'empty-1.0.dist-info'));
    mkdirSync(join(sitePackages, 'noversion-1.0.dist-info'));
    writeFileSync(join(sitePackages, 'noversion-1.0.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: noversion\n\n');
    writeFileSync(join(sitePackages, 'torch-2.3.1.dist-info', 'RECORD'), Buffer.from([0x00, 0xff, 0x13, 0x37]));
    const { findings, status } = (await checkJson(dir));
    expect(status).toBe(1);
    expect(findings.filter((f) => f.ruleId === 'syntax-error').map((f) => [f.level, f.message])).toEqual([
      ['warning', '.venv: empty-1.0.dist-info has no readable METADATA; this distribution is not checked.'],
      ['warning', '.venv: This metadata file has no `Version:` field; noversion is not checked.'],
      ['warning', '.venv: torch-2.3.1.dist-info/RECORD is not text; the files it installed are not compared.'],
    ]);
    expect(findings.some((f) => f.ruleId === 'torch-family-mismatch')).toBe(true);
  });

  it('refuses a folder that is no environment, and --env with --no-env', async () => {
    const dir = fixtureDir({ 'requirements.txt': 'numpy\n' });
    expect((await runCliInProcess(['check', dir, '--env', dir])).status).toBe(2);
    expect((await runCliInProcess(['check', dir, '--env', dir, '--no-env'])).status).toBe(2);
  });

  it('reads only metadata: a module that would run on import is never executed', async () => {
    const dir = fixtureDir({});
    const sitePackages = writeVenv(join(dir, '.venv'), '3.11.7', [{ name: 'evil', version: '1.0' }]);
    const marker = join(dir, 'ran');
    writeFileSync(join(sitePackages, 'evil.pth'), `import os; open(${JSON.stringify(marker)}, 'w')\n`);
    writeFileSync(join(sitePackages, 'sitecustomize.py'), `open(${JSON.stringify(marker)}, 'w')\n`);
    (await checkJson(dir));
    expect(() => readFileSync(marker)).toThrow();
  });
});
