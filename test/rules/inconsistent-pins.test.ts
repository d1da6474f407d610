import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, defaultSettings, fixAll } from '../../server/src/engine';
import type { Grammars } from '../../server/src/engine/grammars';
import { loadGrammars } from '../../server/src/host/grammars';
import { kb, repoRoot } from '../support/analyze';

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

const input = (files: Record<string, string>) => Object.entries(files).map(([path, text]) => ({ path, text }));

function run(files: Record<string, string>) {
  const { findings } = analyze({ files: input(files), settings: defaultSettings({ select: ['inconsistent-pins'] }), kb, grammars });
  return findings.map((f) => ({
    file: f.file,
    text: files[f.file]!.slice(f.span.start, f.span.end),
    message: f.message,
    level: f.level,
    related: f.related.map((r) => `${r.file}: ${files[r.file]!.slice(r.span.start, r.span.end)}`),
    fixes: f.fixes.map((x) => ({ title: x.title, applicability: x.applicability, edits: x.edits.map((e) => [e.file, files[e.file]!.slice(e.span.start, e.span.end), e.text]) })),
  }));
}

function fix(files: Record<string, string>) {
  const { changed } = fixAll({ files: input(files), settings: defaultSettings({ select: ['inconsistent-pins'] }), kb, grammars });
  return { ...files, ...Object.fromEntries(changed) };
}

const crossFile = join(repoRoot, 'test', 'fixtures', 'project', 'cross-file');
const readFixture = () => Object.fromEntries(readdirSync(crossFile).map((name) => [name, readFileSync(join(crossFile, name), 'utf8')]));

describe('inconsistent-pins', () => {
  it('reports the stray pin across pyproject, script and requirements, with the others related', () => {
    const files = readFixture();
    expect(run(files)).toEqual([
      {
        file: 'server-setup.sh',
        text: '==2.2.2',
        message: 'torch is pinned to 2.2.2 here but to 2.3.1 in pyproject.toml, requirements.txt; which version gets installed depends on which file is installed last.',
        level: 'warning',
        related: ['pyproject.toml: ==2.3.1', 'requirements.txt: ==2.3.1'],
        fixes: [{ title: 'Pin torch to 2.3.1, as in pyproject.toml, requirements.txt', applicability: 'manual', edits: [['server-setup.sh', '2.2.2', '2.3.1']] }],
      },
    ]);
    // Offered, not applied: fix-all leaves every file as it was.
    expect(fix(files)).toEqual(files);
  });

  it('says the files drift apart when they are never installed together', () => {
    const files = {
      'pyproject.toml': '[project]\nname = "app"\nversion = "1"\ndependencies = ["torch==2.3.1"]\n',
      'requirements.txt': 'torch==2.3.1\n',
      'docker/requirements.txt': 'torch==2.2.0\n',
    };
    expect(run(files).map((f) => [f.file, f.message])).toEqual([
      ['docker/requirements.txt', 'torch is pinned to 2.2.0 here but to 2.3.1 in pyproject.toml, requirements.txt; installs from these files get different versions of torch.'],
    ]);
  });

  it('keeps findings short in a monorepo of many copies: ten related pins at most, the file list abridged', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`svc${String(i).padStart(2, '0')}/requirements.txt`] = 'torch==2.3.1\n';
    for (let i = 20; i < 25; i++) files[`svc${i}/requirements.txt`] = 'torch==2.2.2\n';
    files['svc25/requirements.txt'] = 'torch==2.1.0\n';
    const findings = run(files);
    expect(findings).toHaveLength(6);
    for (const f of findings) expect(f.related.length).toBeLessThanOrEqual(10);
    expect(findings[0]!.message).toBe(
      'torch is pinned to 2.2.2 here but to 2.3.1 in svc00/requirements.txt, svc01/requirements.txt, svc02/requirements.txt and 17 more files; installs from these files get different versions of torch.',
    );
    // the other stray version is among the related pins
    expect(findings[0]!.related).toContain('svc25/requirements.txt: ==2.1.0');
  });

  it('offers no alignment that would split a PyTorch release row beside the stray pin', () => {
    const files = {
      'train/requirements.txt': 'torch==2.3.1\ntorchvision==0.18.1\n',
      'serve/requirements.txt': 'torchvision==0.17.0\n',
      'ci/requirements.txt': 'torchvision==0.17.0\n',
    };
    const [finding, ...rest] = run(files);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ file: 'train/requirements.txt', text: '==0.18.1' });
    // Only the project-wide alignment on the stray's version is offered: it moves the lone torchvision pins.
    expect(finding!.fixes).toEqual([
      {
        title: 'Align every file to torchvision 0.18.1 (2 pins in 2 files)',
        applicability: 'manual',
        edits: [
          ['serve/requirements.txt', '0.17.0', '0.18.1'],
          ['ci/requirements.txt', '0.17.0', '0.18.1'],
        ],
      },
    ]);
    // a script whose later `pip install -r` replaces its torch still pins the pair in one command
    const script = run({
      'requirements.txt': 'torch==2.3.1\ntorchvision==0.18.1\n',
      'ci/requirements.txt': 'torch==2.3.1\n',
      'setup.sh': 'pip install torch==2.2.2 torchvision==0.17.2\npip install -r requirements.txt\n',
    });
    expect(script.filter((f) => f.file === 'setup.sh').map((f) => [f.text, f.fixes])).toEqual([
      ['==2.2.2', []],
      ['==0.17.2', []],
    ]);
    // without torch beside it, the alignment is offered
    const loose = run({ ...files, 'train/requirements.txt': 'torchvision==0.18.1\n' });
    expect(loose[0]!.fixes.map((f) => f.title)).toEqual([
      'Pin torchvision to 0.17.0, as in serve/requirements.txt, ci/requirements.txt',
      'Align every file to torchvision 0.18.1 (2 pins in 2 files)',
    ]);
  });

  it('prefers pyproject on a tie, keeps a local tag, and is unsafe without a strict majority', () => {
    const files = {
      'pyproject.toml': '[tool.poetry.dependencies]\ntorch = "2.3.1"\n',
      'install.sh': 'pip install torch==2.2.2+cu121 --index-url https://download.pytorch.org/whl/cu121\n',
    };
    const [finding, ...rest] = run(files);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      file: 'install.sh',
      text: '==2.2.2+cu121',
      related: ['pyproject.toml: 2.3.1'],
      fixes: [{ applicability: 'manual', edits: [['install.sh', '2.2.2+cu121', '2.3.1+cu121']] }],
    });
  });

  it('compares public versions: a local tag alone is not a different pin', () => {
    expect(run({ 'requirements.txt': 'torch==2.3.1\n', 'setup.sh': 'pip install torch==2.3.1+cu121\n' })).toEqual([]);
    expect(run({ 'requirements.txt': 'numpy==1.26.0\n', 'pyproject.toml': '[project]\ndependencies = ["numpy==1.26"]\n' })).toEqual([]);
  });

  it('does not compare pins in one file, under different markers, in uncalled functions, or ranges', () => {
    expect(run({ 'pyproject.toml': '[project]\ndependencies = ["torch==2.3.1"]\n[project.optional-dependencies]\nold = ["torch==2.2.2"]\n' })).toEqual([]);
    expect(run({ 'requirements.txt': 'torch==2.3.1; sys_platform == "linux"\n', 'requirements-mac.txt': 'torch==2.2.2; sys_platform == "darwin"\n' })).toEqual([]);
    expect(run({ 'requirements.txt': 'torch==2.3.1\n', 'setup.sh': 'legacy() { pip install torch==2.2.2; }\n' })).toEqual([]);
    expect(run({ 'requirements.txt': 'torch==2.3.1\n', 'setup.sh': 'pip install "torch>=2.2,<2.4"\necho "pip install torch==2.2.2"\n' })).toEqual([]);
  });

  it('rewrites a version written through a shell variable only as an unsafe fix', () => {
    const files = {
      'requirements.txt': 'torch==2.3.1\n',
      'constraints.txt': 'torch==2.3.1\n',
      'setup.sh': 'V=2.2.2\npip install "torch==${V}"\n',
    };
    const [finding] = run(files);
    expect(finding).toMatchObject({
      file: 'setup.sh',
      text: '==${V}',
      fixes: [
        { applicability: 'manual', edits: [['setup.sh', '${V}', '2.3.1']] },
        // Aligning every file on 2.3.1 would need the variable rewritten: only the other direction is offered.
        { title: 'Align every file to torch 2.2.2 (2 pins in 2 files)', applicability: 'manual', edits: [['requirements.txt', '2.3.1', '2.2.2'], ['constraints.txt', '2.3.1', '2.2.2']] },
      ],
    });
    expect(fix(files)).toEqual(files);
  });

  it('offers to align every file on either version, keeping each pin’s local tag', () => {
    const files = {
      'requirements.txt': 'torch==2.3.1\n',
      'requirements-gpu.txt': 'torch==2.3.1+cu121\n',
      'setup.sh': 'pip install torch==2.2.2\n',
    };
    const [finding] = run(files);
    const align = finding!.fixes.find((f) => f.title === 'Align every file to torch 2.2.2 (2 pins in 2 files)')!;
    expect(align.edits).toEqual([
      ['requirements.txt', '2.3.1', '2.2.2'],
      ['requirements-gpu.txt', '2.3.1+cu121', '2.2.2+cu121'],
    ]);
    // The majority's way is the per-pin fix; with one stray there is nothing more to align.
    expect(finding!.fixes.map((f) => f.title)).toEqual(['Pin torch to 2.3.1, as in requirements.txt, requirements-gpu.txt', 'Align every file to torch 2.2.2 (2 pins in 2 files)']);
  });

  it('honours a suppression comment on the stray pin', () => {
    expect(run({ 'requirements.txt': 'torch==2.3.1\n', 'requirements-old.txt': 'torch==2.2.2  # pinwise: ignore[inconsistent-pins]\n' })).toEqual([]);
  });
});

describe('inconsistent-pins: alternatives, vendored copies and copies meant to be one', () => {
  const levels = (files: Record<string, string>) => run(files).map((f) => [f.file, f.level, f.text]);

  it('per-accelerator files are not drift on what differs by accelerator, and a note on the rest', () => {
    const files = {
      'requirements_linux.txt': '--extra-index-url https://download.pytorch.org/whl/cu128\ntorch==2.7.0+cu128\ntorchvision==0.22.0+cu128\nnumpy==1.26.4\n',
      'requirements_linux_rocm.txt': '--extra-index-url https://download.pytorch.org/whl/rocm6.3\ntorch==2.7.1+rocm6.3\ntorchvision==0.22.1+rocm6.3\nnumpy==1.26.4\n',
      'requirements_ipex_xpu.txt': '--extra-index-url https://download.pytorch.org/whl/xpu\ntorch==2.7.1+xpu\ntorchvision==0.22.1+xpu\nnumpy==2.1.0\n',
    };
    expect(levels(files)).toEqual([['requirements_ipex_xpu.txt', 'note', '==2.1.0']]);
  });

  it('files on different PyTorch indexes are alternatives whatever their names', () => {
    const files = {
      'env/a.txt': '--index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1\ntorchvision==0.18.1\neinops==0.8.0\n',
      'env/b.txt': '--index-url https://download.pytorch.org/whl/rocm6.0\ntorch==2.3.0\ntorchvision==0.18.0\neinops==0.7.0\n',
    };
    expect(levels(files).map(([file, level]) => [file, level])).toEqual([['env/b.txt', 'note']]);
  });

  it("a vendored module's own requirements are compared with the host's at note level", () => {
    const files = { 'requirements.txt': 'numpy==2.1.0\nrich==13.7.0\n', 'third_party/taming/requirements.txt': 'numpy==1.26.4\nrich==13.7.0\n' };
    const findings = run(files);
    expect(findings.map((f) => [f.file, f.level])).toEqual([['third_party/taming/requirements.txt', 'note']]);
    expect(findings[0]!.message).toContain("runs in the host's environment");
     // Two plugins of one app are two vendored modules: a note too.
    const plugins = { 'extensions/superbooga/requirements.txt': 'chromadb==0.4.24\n', 'extensions/superboogav2/requirements.txt': 'chromadb==0.6.3\n' };
    expect(run(plugins).map((f) => f.level)).toEqual(['note']);
  });

  it('an install script and the requirements file it mirrors are copies: a warning', () => {
    const files = { 'requirements.txt': 'torch==2.3.1\nnumpy==1.26.4\n', 'install.sh': '#!/bin/sh\npip install torch==2.2.2 numpy==1.26.4\n' };
    expect(levels(files)).toEqual([['install.sh', 'warning', '==2.2.2']]);
  });

  describe('prefix pins (==X.*, conda =X)', () => {
    const conda = (deps: string) => `channels:\n  - conda-forge\ndependencies:\n${deps}`;

    it('agree with every version under the prefix', () => {
      expect(run({ 'environment.yml': conda('  - numpy=1.26\n  - pytorch=2.2\n'), 'requirements.txt': 'numpy==1.26.4\ntorch==2.2.2\n', 'requirements-dev.txt': 'numpy==1.26.*\n' })).toEqual([]);
    });

    it('disagree with a version outside it, in either direction; the stray prefix is rewritten to the exact pin', () => {
      const files = { 'environment.yml': conda('  - numpy=1.24\n'), 'requirements.txt': 'numpy==1.26.4\n', 'docs/requirements.txt': 'numpy==1.26.4\n' };
      expect(run(files).map((f) => [f.file, f.text, f.message, f.fixes.map((x) => x.edits)])).toEqual([
        [
          'environment.yml',
          '=1.24',
          'numpy is pinned to 1.24.* here but to 1.26.4 in requirements.txt, docs/requirements.txt; installs from these files get different versions of numpy.',
          [[['environment.yml', '1.24', '1.26.4']]],
        ],
      ]);
    });

    it('never write a prefix into an exact pin: a group named by prefixes offers no rewrite', () => {
      const files = { 'a/requirements.txt': 'numpy==1.24.*\n', 'b/requirements.txt': 'numpy==1.24.*\n', 'requirements.txt': 'numpy==1.26.4\n' };
      const found = run(files);
      expect(found.map((f) => [f.file, f.message.split(';')[0]])).toEqual([['requirements.txt', 'numpy is pinned to 1.26.4 here but to 1.24.* in a/requirements.txt, b/requirements.txt']]);
      expect(found[0]!.fixes.every((x) => x.edits.every(([, , text]) => !String(text).includes('*') && text !== '1.24'))).toBe(true);
    });
  });
});
