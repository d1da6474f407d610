import { describe, expect, it } from 'vitest';
import { condaNames } from '../../server/src/engine/kb/conda';
import { fileKindOfText } from '../../server/src/engine/kinds';
import type { ParsedFile, Span } from '../../server/src/engine/model';
import { parseCondaEnvironment, resolveCondaNames } from '../../server/src/engine/parsers/conda';
import { buildProject } from '../../server/src/engine/project';
import { testKnowledgeBase } from '../support/knowledge-base';

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);
const names = condaNames(testKnowledgeBase())!;

function pins(text: string, file: ParsedFile) {
  return file.requirements.map((r) => ({
    name: at(text, r.nameSpan),
    normalized: r.normalizedName,
    specifier: r.specifier,
    clauses: r.clauses.map((c) => [c.operator, c.version, at(text, c.span), at(text, c.versionSpan)]),
    origin: r.origin.section,
  }));
}

describe('conda environment files', () => {
  // Written like real environment files: comments, a channel prefix, spaces around operators, a pip section.
  const text = `name: démo-ü   # non-ASCII first
channels:
  - pytorch
  - nvidia
dependencies:
  - python=3.10
  - pytorch::pytorch=2.1.2        # fuzzy: 2.1.2.*
  - torchvision==0.16.2
  - numpy >= 1.24, <2
  - pytorch-cuda=11.8
  - ffmpeg
  - "scipy=1.11.4=py310h*"
  - pillow[version='>=10']
  - pip:
    - --extra-index-url https://download.pytorch.org/whl/cu118
    - -r requirements.txt
    - 'onnxruntime-gpu==1.16.3 ; sys_platform == "linux"'
`;
  const file = parseCondaEnvironment('environment.yml', text);

  it('translates match specs to PEP 440 with spans on what is written', () => {
    expect(file.problems).toEqual([]);
    expect(pins(text, file)).toEqual([
      { name: 'pytorch', normalized: 'pytorch', specifier: '==2.1.2.*', clauses: [['==', '2.1.2.*', '=2.1.2', '2.1.2']], origin: 'dependencies' },
      { name: 'torchvision', normalized: 'torchvision', specifier: '==0.16.2', clauses: [['==', '0.16.2', '==0.16.2', '0.16.2']], origin: 'dependencies' },
      { name: 'numpy', normalized: 'numpy', specifier: '>=1.24,<2', clauses: [['>=', '1.24', '>= 1.24', '1.24'], ['<', '2', '<2', '2']], origin: 'dependencies' },
      { name: 'pytorch-cuda', normalized: 'pytorch-cuda', specifier: '==11.8.*', clauses: [['==', '11.8.*', '=11.8', '11.8']], origin: 'dependencies' },
      { name: 'ffmpeg', normalized: 'ffmpeg', specifier: '', clauses: [], origin: 'dependencies' },
      // With a build string, `=1.11.4` is exactly 1.11.4 (conda's rule).
      { name: 'scipy', normalized: 'scipy', specifier: '==1.11.4', clauses: [['==', '1.11.4', '=1.11.4', '1.11.4']], origin: 'dependencies' },
      { name: 'pillow', normalized: 'pillow', specifier: '>=10', clauses: [['>=', '10', '>=10', '10']], origin: 'dependencies' },
      { name: 'onnxruntime-gpu', normalized: 'onnxruntime-gpu', specifier: '==1.16.3', clauses: [['==', '1.16.3', '==1.16.3', '1.16.3']], origin: 'dependencies.pip' },
    ]);
    expect(file.requirements[5]!.build).toEqual({ text: 'py310h*', span: { start: text.indexOf('py310h*'), end: text.indexOf('py310h*') + 7 } });
    expect(file.requirements.slice(0, 7).every((r) => r.origin.installer === 'conda')).toBe(true);
    expect(file.requirements[7]!.origin.installer).toBeUndefined();
    expect(at(text, file.requirements[7]!.markerSpan)).toBe('sys_platform == "linux"');
  });

  it('reads python=3.10 as the target Python, not a package', () => {
    expect(file.targetPython).toEqual({ version: '3.10', span: { start: text.indexOf('3.10'), end: text.indexOf('3.10') + 4 } });
    expect(file.requirements.some((r) => r.normalizedName === 'python')).toBe(false);
  });

  it('reads the pip section as requirements lines: its index options and -r belong to the environment', () => {
    expect(file.options.filter((o) => o.option !== '--requirement').map((o) => [o.option, o.value, at(text, o.valueSpan)])).toEqual([
      ['--extra-index-url', 'https://download.pytorch.org/whl/cu118', 'https://download.pytorch.org/whl/cu118'],
    ]);
    expect(file.includes.map((i) => [i.target, at(text, i.targetSpan), i.line])).toEqual([['requirements.txt', 'requirements.txt', 16]]);
  });

  it('resolves conda names through rules/conda.yaml: pytorch is torch, pytorch-cuda chooses cu118', () => {
    const resolved = resolveCondaNames(file, names);
    expect(resolved.requirements.map((r) => r.normalizedName)).toEqual(['torch', 'torchvision', 'numpy', 'ffmpeg', 'scipy', 'pillow', 'onnxruntime-gpu']);
    expect(resolved.variant).toMatchObject({ tag: 'cu118' });
    expect(at(text, resolved.variant!.span)).toBe('pytorch-cuda=11.8');
    // The parse itself is never changed, and the resolution is cached.
    expect(file.requirements[0]!.normalizedName).toBe('pytorch');
    expect(resolveCondaNames(file, names)).toBe(resolved);
  });

  it('cpuonly and build strings choose the variant too', () => {
    const cpu = resolveCondaNames(parseCondaEnvironment('environment.yml', 'channels: [pytorch]\ndependencies:\n  - pytorch=2.1.2\n  - cpuonly\n'), names);
    expect(cpu.variant?.tag).toBe('cpu');
    const build = resolveCondaNames(parseCondaEnvironment('environment.yml', 'channels: [pytorch]\ndependencies:\n  - pytorch=2.1.2=py3.10_cuda12.1_cudnn8.9.2_0\n'), names);
    expect(build.variant?.tag).toBe('cu121');
    const forge = resolveCondaNames(parseCondaEnvironment('environment.yml', 'channels: [conda-forge]\ndependencies:\n  - pytorch=2.1.2=cuda118_py310h1234_300\n'), names);
    expect(forge.variant?.tag).toBe('cu118');
    // A build string of another package says nothing about PyTorch.
    const other = resolveCondaNames(parseCondaEnvironment('environment.yml', 'channels: [x]\ndependencies:\n  - magma=2.7=cuda11.8_0\n'), names);
    expect(other.variant).toBeUndefined();
  });

  it('conda env projects: conda pins see no pip index; the environment runs the file\'s Python and variant', () => {
    const project = buildProject({ files: [{ path: 'environment.yml', text }, { path: 'requirements.txt', text: 'opencv-python==4.8.0.76\n' }], condaNames: names });
    const env = project.environments.find((e) => e.rootFile === 'environment.yml')!;
    expect(env.files).toEqual(['environment.yml', 'requirements.txt']);
    expect(env.requirements.map((r) => r.normalizedName)).toContain('opencv-python');
    expect(env.python?.version).toBe('3.10');
    expect(env.variant?.tag).toBe('cu118');
    const torch = env.requirements.find((r) => r.normalizedName === 'torch')!;
    expect(env.optionsFor?.get(torch)).toEqual([]);
    // requirements.txt is installable on its own too (what a declaration reads stays a root).
    expect(project.environments.map((e) => e.rootFile)).toEqual(['requirements.txt', 'environment.yml']);
  });

  it('match spec forms: space-separated, ranges with spaces, alternatives, globs, channels, versions PEP 440 cannot read', () => {
    const forms = `channels: [x]
dependencies:
  - numpy 1.26.*
  - numpy 1.26.4 py311h_0
  - numpy >=1.8,<2|1.9
  - numpy=1.2*
  - conda-forge/linux-64::numpy==1.26.4
  - openssl=1.1.1l
  - python >= 3.9
  - pytorch-mutex = *=*cuda*
`;
    const parsed = parseCondaEnvironment('environment.yml', forms);
    expect(parsed.problems).toEqual([]);
    expect(parsed.requirements.map((r) => [r.name, r.specifier])).toEqual([
      ['numpy', '==1.26.*'],
      ['numpy', '==1.26.4'],
      ['numpy', ''],
      ['numpy', '==1.2.*'],
      ['numpy', '==1.26.4'],
      ['openssl', ''],
      ['pytorch-mutex', ''],
    ]);
    // A range does not fix the Python.
    expect(parsed.targetPython).toBeUndefined();
    expect(parsed.requirements[6]!.build?.text).toBe('*cuda*');
  });

  it('unreadable specs and malformed YAML are problems at their place, never a throw', () => {
    const bad = `channels: [x]
dependencies:
  - numpy>=
  - =1.2
  - numpy==1.2,,<3
  - [not, a, spec]
  - conda: [x]
`;
    const parsed = parseCondaEnvironment('environment.yml', bad);
    expect(parsed.problems.map((p) => [p.line, p.message.replace(/:.*/, '')])).toEqual([
      [3, "Invalid conda version spec '>=' in 'numpy>='"],
      [4, "Invalid conda match spec '=1.2'"],
      [5, "Invalid conda version spec '==1.2,,<3' in 'numpy==1.2,,<3'"],
      [6, 'A dependency must be a package spec or a `pip'],
      [7, "Unknown installer 'conda' in dependencies"],
    ]);
    for (const text of ['dependencies:\n\t- numpy\n', 'channels: [x\ndependencies: [', '- just\n- a list\n', 'dependencies: 3\nchannels: []\n', '', '---\n...\n']) {
      const result = parseCondaEnvironment('environment.yml', text);
      for (const p of result.problems) expect(p.span.end).toBeLessThanOrEqual(text.length);
    }
    expect(parseCondaEnvironment('environment.yml', 'dependencies:\n\t- numpy\n').problems[0]!.message).toMatch(/Invalid YAML: Tabs are not allowed/);
  });

  it('an alias bomb is bounded and reported as a note', () => {
    // Merge keys nine levels deep, ten copies each: a billion entries if expanded.
    const lines = ['a: &a {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9}'];
    for (let level = 1; level < 9; level++) lines.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} {<<: [${Array(10).fill(`*${String.fromCharCode(96 + level)}`).join(', ')}]}`);
    lines.push('<<: *i', 'channels: [x]', 'dependencies: [numpy=1.26]');
    const parsed = parseCondaEnvironment('environment.yml', lines.join('\n') + '\n');
    expect(parsed.problems.filter((p) => p.level === 'note').map((p) => p.message)).toEqual(['Not fully checked: its aliases expand past the number of YAML nodes one file may have read.']);
  });

  it('a huge environment file is read (time bounded by the test timeout)', () => {
    const deps = Array.from({ length: 20_000 }, (_, i) => `  - pkg${i}=1.${i % 50}`).join('\n');
    const parsed = parseCondaEnvironment('environment.yml', `channels: [x]\ndependencies:\n${deps}\n`);
    expect(parsed.requirements.length).toBe(20_000);
  });

  it('is found by name, or by content for any YAML with dependencies and channels', () => {
    expect(fileKindOfText('environment-cuda.yaml', '')).toBe('conda');
    expect(fileKindOfText('envs/conda_gpu.yml', '')).toBe('conda');
    expect(fileKindOfText('envs/train.yml', 'name: x\nchannels:\n  - defaults\ndependencies:\n  - numpy\n')).toBe('conda');
    expect(fileKindOfText('config/train.yml', 'dependencies:\n  - numpy\n')).toBeNull();
  });
});

describe('conda channels', () => {
  it('keeps the channels list in order and the channel a spec is bound to', () => {
    const text = 'channels:\n  - pytorch\n  - nvidia\n  - conda-forge\ndependencies:\n  - pytorch::pytorch=2.1.2\n  - conda-forge/linux-64::numpy=1.26\n  - https://conda.anaconda.org/pytorch::torchvision\n  - torchaudio\n';
    const file = parseCondaEnvironment('environment.yml', text);
    expect(file.channels).toEqual(['pytorch', 'nvidia', 'conda-forge']);
    expect(file.requirements.map((r) => [r.name, r.channel ?? null])).toEqual([
      ['pytorch', 'pytorch'],
      ['numpy', 'conda-forge/linux-64'],
      ['torchvision', 'https://conda.anaconda.org/pytorch'],
      ['torchaudio', null],
    ]);
  });
});
