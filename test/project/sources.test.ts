// One project across files: pyproject, scripts and requirements give the same model and environments.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import { buildProject, type Environment, type Project } from '../../server/src/engine/project';
import type { Requirement } from '../../server/src/engine/model';
import { loadGrammars } from '../../server/src/host/grammars';
import { repoRoot } from '../support/analyze';

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

const fixtures = join(repoRoot, 'test', 'fixtures', 'project');

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full).split('\\').join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function project(files: Record<string, string>, python?: string): Project {
  return buildProject({ files: Object.entries(files).map(([path, text]) => ({ path, text })), grammars, ...(python ? { python } : {}) });
}

/** What a requirement means, independent of how it was written. */
const meaning = (r: Requirement) => ({
  name: r.normalizedName,
  specifier: r.clauses.map((c) => `${c.operator}${c.version}`).sort().join(','),
  extras: r.extras,
  marker: r.marker?.replace(/'/g, '"') ?? null,
});

const envOf = (p: Project, rootFile: string): Environment => {
  const env = p.environments.find((e) => e.rootFile === rootFile && e.id === rootFile);
  if (!env) throw new Error(`no environment for ${rootFile}: ${p.environments.map((e) => e.id).join(', ')}`);
  return env;
};

describe('the same stack in every source kind', () => {
  const files = readTree(join(fixtures, 'same-stack'));
  const roots = ['requirements.txt', 'pep621/pyproject.toml', 'poetry/pyproject.toml', 'uv/pyproject.toml', 'script/install.sh'];

  it('gives the same requirements', () => {
    const p = project(files);
    const expected = envOf(p, 'requirements.txt').requirements.map(meaning).sort((a, b) => a.name!.localeCompare(b.name!));
    expect(expected).toHaveLength(4);
    for (const root of roots) {
      const got = envOf(p, root).requirements.map(meaning).sort((a, b) => a.name!.localeCompare(b.name!));
      expect(got, root).toEqual(expected);
    }
    for (const root of roots) expect(p.parsed.get(root)!.problems, root).toEqual([]);
  });

  it('puts the PyTorch index in effect wherever the source declares one', () => {
    const p = project(files);
    for (const root of ['requirements.txt', 'poetry/pyproject.toml', 'uv/pyproject.toml', 'script/install.sh']) {
      const urls = envOf(p, root).options.filter((o) => /index-url/.test(o.option)).map((o) => o.value);
      expect(urls, root).toEqual(['https://download.pytorch.org/whl/cu121']);
    }
  });

  it('keeps every span on the text as written', () => {
    const p = project(files);
    for (const root of roots) {
      const text = files[root]!;
      for (const r of envOf(p, root).requirements) {
        expect(text.slice(r.nameSpan!.start, r.nameSpan!.end).toLowerCase(), root).toBe(r.name!.toLowerCase());
        for (const clause of r.clauses) {
          const written = text.slice(clause.versionSpan.start, clause.versionSpan.end);
          if (root === 'script/install.sh' && r.name === 'torch') expect(written).toBe('${TORCH_VERSION}');
          else expect(written, `${root} ${r.name}`).toBe(clause.version);
        }
      }
    }
  });

  it('takes the target Python from requires-python or Poetry', () => {
    expect(project({ 'pyproject.toml': files['pep621/pyproject.toml']! }).targetPython).toMatchObject({ version: '3.10', specifier: '>=3.10' });
    expect(project({ 'pyproject.toml': files['poetry/pyproject.toml']! }).targetPython).toMatchObject({ version: '3.10', specifier: '>=3.10,<4.0' });
    expect(project({ 'pyproject.toml': '[project]\nrequires-python = ">=3.9, <3.13"\n' }).targetPython?.version).toBe('3.9');
    // .python-version is the exact interpreter and wins; settings come last.
    expect(project({ 'pyproject.toml': files['pep621/pyproject.toml']!, '.python-version': '3.12\n' }).targetPython?.version).toBe('3.12');
    expect(project({ 'requirements.txt': 'torch\n' }, '3.11').targetPython).toEqual({ version: '3.11', source: 'settings' });
  });
});

describe('environments of pyproject.toml', () => {
  const pyproject = `[project]
name = "x"
dependencies = ["numpy==1.26.4"]

[project.optional-dependencies]
gpu = ["onnxruntime-gpu==1.18.0"]
cpu = ["onnxruntime==1.18.0"]

[dependency-groups]
test = ["pytest==8.2.0"]
dev = [{ include-group = "test" }, "ruff==0.5.0"]

[build-system]
requires = ["setuptools>=68", "numpy>=2.0"]

[tool.uv]
conflicts = [[{ extra = "cpu" }, { extra = "gpu" }]]
constraint-dependencies = ["urllib3<2"]
`;

  it('makes the base, each extra and each group over the base, and the build environment', () => {
    const p = project({ 'pyproject.toml': pyproject });
    const byLabel = Object.fromEntries(p.environments.map((e) => [e.label, e.requirements.map((r) => r.name).sort()]));
    expect(byLabel).toEqual({
      'pyproject.toml': ['numpy'],
      'pyproject.toml [gpu]': ['numpy', 'onnxruntime-gpu'],
      'pyproject.toml [cpu]': ['numpy', 'onnxruntime'],
      'pyproject.toml (group test)': ['numpy', 'pytest'],
      'pyproject.toml (group dev)': ['numpy', 'pytest', 'ruff'],
      'pyproject.toml [build-system]': ['numpy', 'setuptools'],
    });
    expect(p.environments.find((e) => e.label === 'pyproject.toml [gpu]')!.constraints.map((r) => r.name)).toEqual(['urllib3']);
    expect(p.parsed.get('pyproject.toml')!.conflicts).toEqual([[{ kind: 'extra', name: 'cpu' }, { kind: 'extra', name: 'gpu' }]]);
  });

  it('follows dynamic dependencies read from requirements files', () => {
    const p = project({
      'pyproject.toml': `[project]\nname = "x"\ndynamic = ["dependencies", "optional-dependencies"]\n[tool.setuptools.dynamic]\ndependencies = { file = ["requirements.txt"] }\noptional-dependencies.gpu = { file = ["requirements-gpu.txt"] }\n`,
      'requirements.txt': 'numpy==1.26.4\n',
      'requirements-gpu.txt': 'torch==2.3.1\n',
    });
    const env = (label: string) => p.environments.find((e) => e.label === label)!;
    expect(env('pyproject.toml').requirements.map((r) => r.name)).toEqual(['numpy']);
    expect(env('pyproject.toml [gpu]').requirements.map((r) => r.name).sort()).toEqual(['numpy', 'torch']);
    // The requirements files stay installable on their own.
    expect(env('requirements.txt').requirements.map((r) => r.name)).toEqual(['numpy']);
  });

  it('reports a missing dynamic file as an unresolved include', () => {
    const p = project({ 'pyproject.toml': `[project]\ndynamic = ["dependencies"]\n[tool.setuptools.dynamic]\ndependencies = {file = ["reqs.txt"]}\n` });
    expect(p.unresolvedIncludes.map((u) => [u.include.target, u.reason])).toEqual([['reqs.txt', 'missing']]);
  });
});

describe('a script run as an environment', () => {
  it('applies its commands in order over the requirements files it installs', () => {
    const files = readTree(join(fixtures, 'cross-file'));
    const p = project(files);
    const env = envOf(p, 'server-setup.sh');
    expect(env.files).toEqual(['server-setup.sh', 'requirements.txt']);
    const pins = env.requirements.map((r) => `${r.file}:${r.name}${r.specifier}`).sort();
    // The later `pip install torch==2.2.2` replaces the file's torch==2.3.1.
    expect(pins).toEqual(['requirements.txt:numpy==1.26.4', 'requirements.txt:torchvision==0.18.1', 'server-setup.sh:onnxruntime-gpu==1.18.0', 'server-setup.sh:torch==2.2.2']);
  });

  it('lets an uninstall remove what an earlier install put in', () => {
    const p = project({ 'setup.sh': 'pip install onnxruntime==1.18.0 numpy\npip uninstall -y onnxruntime\npip install onnxruntime-gpu==1.18.0\n' });
    expect(envOf(p, 'setup.sh').requirements.map((r) => r.name).sort()).toEqual(['numpy', 'onnxruntime-gpu']);
    const both = project({ 'setup.sh': 'pip install onnxruntime==1.18.0\npip install onnxruntime-gpu==1.18.0\n' });
    expect(envOf(both, 'setup.sh').requirements.map((r) => r.name).sort()).toEqual(['onnxruntime', 'onnxruntime-gpu']);
  });

  it('resolves -r from the project root when not beside the script, and reports what it cannot', () => {
    const p = project({ 'scripts/setup.sh': 'pip install -r requirements.txt -r "$REQS" -r missing.txt\n', 'requirements.txt': 'numpy==2.0.0\n' });
    expect(envOf(p, 'scripts/setup.sh').requirements.map((r) => r.name)).toEqual(['numpy']);
    expect(p.unresolvedIncludes.map((u) => [u.include.target, u.reason]).sort()).toEqual([
      ['$REQS', 'variable'],
      ['missing.txt', 'missing'],
    ]);
  });

  it('has no environment without install commands, and recognises extensionless scripts by shebang', () => {
    const p = project({ 'echo-only.sh': 'echo "pip install torch==2.3.1"\nprintf "%s\\n" "pip install numpy"\n# pip install x\n', 'bin/setup': '#!/usr/bin/env bash\npip install numpy==2.0.0\n' });
    expect(p.environments.map((e) => e.id)).toEqual(['bin/setup']);
    expect(p.parsed.get('echo-only.sh')!.requirements).toEqual([]);
  });

  it('gives shell files no model without grammars', () => {
    const p = buildProject({ files: [{ path: 'setup.sh', text: 'pip install numpy==2.0.0\n' }] });
    expect(p.environments).toEqual([]);
  });
});

describe('knowledge-base rules on every source kind', () => {
  it('flags the same torch-family mismatch in requirements, PEP 621, Poetry and a script, in place', async () => {
    const { analyze, defaultSettings } = await import('../../server/src/engine');
    const { kb } = await import('../support/analyze');
    const forms: Record<string, string> = {
      'requirements.txt': 'torch==2.3.1\ntorchvision==0.17.0\n',
      'pyproject.toml': '[project]\ndependencies = ["torch==2.3.1", "torchvision==0.17.0"]\n',
      'poetry/pyproject.toml': '[tool.poetry.dependencies]\ntorch = "2.3.1"\ntorchvision = "0.17.0"\n',
      'setup.sh': 'pip install torch==2.3.1 torchvision==0.17.0\n',
    };
    for (const [path, text] of Object.entries(forms)) {
      const { findings } = analyze({ files: [{ path, text }], settings: defaultSettings({ select: ['torch-family-mismatch'] }), kb, grammars });
      expect(findings.map((f) => [f.ruleId, text.slice(f.span.start, f.span.end).replace(/^==/, '')]), path).toEqual([['torch-family-mismatch', '0.17.0']]);
    }
  });
});
