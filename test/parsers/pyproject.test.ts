import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedFile, Span } from '../../server/src/engine/model';
import { parsePyproject } from '../../server/src/engine/parsers/pyproject';

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);

function summary(text: string, file: ParsedFile) {
  return file.requirements.map((r) => ({
    name: at(text, r.nameSpan),
    specifier: r.specifier,
    clauses: r.clauses.map((c) => [c.operator, c.version, at(text, c.span), at(text, c.versionSpan)]),
    marker: r.marker,
    markerText: at(text, r.markerSpan),
    origin: r.origin,
  }));
}

describe('PEP 621', () => {
  const text = `[project]
name = "démo-café"   # non-ASCII before the pins
requires-python = ">=3.10"
dependencies = [
  "torch==2.3.1",   # ünïcode comment
  'numpy >=1.26, <2 ; python_version >= "3.10"',
]
[project.optional-dependencies]
gpu = ["onnxruntime-gpu==1.18.0"]
`;

  it('parses dependencies and extras with spans on the written text', () => {
    const file = parsePyproject('pyproject.toml', text);
    expect(file.problems).toEqual([]);
    expect(summary(text, file)).toEqual([
      { name: 'torch', specifier: '==2.3.1', clauses: [['==', '2.3.1', '==2.3.1', '2.3.1']], marker: null, markerText: null, origin: { section: 'project.dependencies' } },
      {
        name: 'numpy',
        specifier: '>=1.26,<2',
        clauses: [
          ['>=', '1.26', '>=1.26', '1.26'],
          ['<', '2', '<2', '2'],
        ],
        marker: 'python_version >= "3.10"',
        markerText: 'python_version >= "3.10"',
        origin: { section: 'project.dependencies' },
      },
      { name: 'onnxruntime-gpu', specifier: '==1.18.0', clauses: [['==', '1.18.0', '==1.18.0', '1.18.0']], marker: null, markerText: null, origin: { section: 'project.optional-dependencies', group: 'gpu' } },
    ]);
    expect(file.requirements.map((r) => r.line)).toEqual([5, 6, 9]);
    expect(file.requirements[0]!.span).toEqual({ start: text.indexOf('torch'), end: text.indexOf('torch') + 'torch==2.3.1'.length });
    expect(file.pythonRequirement).toEqual({ specifier: '>=3.10', span: { start: text.indexOf('>=3.10'), end: text.indexOf('>=3.10') + 6 } });
    expect(file.groups).toEqual([{ kind: 'extra', name: 'gpu', span: { start: text.indexOf('gpu ='), end: text.indexOf('gpu =') + 3 }, includeGroups: [] }]);
  });

  it('maps spans through TOML escapes', () => {
    const t = 'dependencies = ["torch\\u003D=2.3.1 ; sys_platform == \\"linux\\""]';
    const file = parsePyproject('pyproject.toml', `[project]\n${t}\n`);
    const full = `[project]\n${t}\n`;
    const r = file.requirements[0]!;
    expect(r.name).toBe('torch');
    expect(r.specifier).toBe('==2.3.1');
    expect(at(full, r.clauses[0]!.versionSpan)).toBe('2.3.1');
    expect(at(full, r.clauses[0]!.span)).toBe('\\u003D=2.3.1');
    expect(at(full, r.markerSpan)).toBe('sys_platform == \\"linux\\"');
  });

  it('reports an invalid requirement string and keeps the others', () => {
    const text = '[project]\ndependencies = ["torch=2.3.1", "numpy==2.0.0", 3]\n';
    const file = parsePyproject('pyproject.toml', text);
    expect(file.requirements.map((r) => r.name)).toEqual(['numpy']);
    expect(file.problems).toHaveLength(2);
    expect(file.problems.every((p) => p.line === 2)).toBe(true);
    expect(at(text, file.problems[1]!.span)).toBe('3');
  });
});

describe('dependency groups, build system, uv', () => {
  const text = `[dependency-groups]
test = ["pytest==8.2.0"]
dev = [{include-group = "test"}, "ruff"]

[build-system]
requires = ["setuptools>=68"]

[tool.uv]
constraint-dependencies = ["urllib3<2"]
override-dependencies = ["numpy==1.26.4"]
conflicts = [[{ extra = "cpu" }, { group = "cu121" }]]

[tool.uv.sources]
torch = [
  { index = "pytorch-cpu", marker = "sys_platform == 'darwin'" },
  { index = "pytorch-cu121", marker = "sys_platform == 'linux'" },
]

[[tool.uv.index]]
name = "pytorch-cu121"
url = "https://download.pytorch.org/whl/cu121"
explicit = true

[[tool.uv.index]]
name = "mirror"
url = "https://mirror.example/simple"

[project]
dependencies = ["torch==2.3.1"]
`;
  const file = parsePyproject('pyproject.toml', text);

  it('records groups with their includes, build requirements and constraints', () => {
    expect(file.problems).toEqual([]);
    expect(file.groups!.map((g) => [g.kind, g.name, g.includeGroups])).toEqual([
      ['group', 'test', []],
      ['group', 'dev', ['test']],
    ]);
    expect(file.requirements.map((r) => [r.name, r.origin.section, r.origin.group ?? null, r.isConstraint])).toEqual([
      ['torch', 'project.dependencies', null, false],
      ['pytest', 'dependency-groups', 'test', false],
      ['ruff', 'dependency-groups', 'dev', false],
      ['setuptools', 'build-system.requires', null, false],
      ['urllib3', 'tool.uv.constraint-dependencies', null, true],
      ['numpy', 'tool.uv.override-dependencies', null, true],
    ]);
    expect(file.conflicts).toEqual([[{ kind: 'extra', name: 'cpu' }, { kind: 'group', name: 'cu121' }]]);
  });

  it('ties packages to their uv index and makes non-explicit indexes global', () => {
    const torch = file.requirements.find((r) => r.name === 'torch')!;
    expect(torch.indexes!.map((i) => [i.name, i.url, i.marker, at(text, i.span), at(text, i.urlSpan)])).toEqual([
      ['pytorch-cpu', null, "sys_platform == 'darwin'", 'pytorch-cpu', null],
      ['pytorch-cu121', 'https://download.pytorch.org/whl/cu121', "sys_platform == 'linux'", 'pytorch-cu121', 'https://download.pytorch.org/whl/cu121'],
    ]);
    expect(file.options.map((o) => [o.option, o.value, at(text, o.valueSpan), o.line])).toEqual([
      ['--extra-index-url', 'https://mirror.example/simple', 'https://mirror.example/simple', 26],
    ]);
  });
});

describe('Poetry', () => {
  const text = `[tool.poetry.dependencies]
python = "^3.10"
torch = { version = "^2.3", source = "pytorch" }
numpy = "~1.26.4"
pillow = "10.3.0"
scipy = ">= 1.11, < 1.14"
requests = "*"
opencv-python = { version = "4.9.0.80", markers = "sys_platform == 'linux'", extras = ["contrib"] }
onnxruntime-gpu = { version = "1.18.0", optional = true }
mylib = { git = "https://example.com/mylib.git" }
[tool.poetry.extras]
gpu = ["onnxruntime-gpu"]
[tool.poetry.group.dev.dependencies]
pytest = "^0.8.1"
[[tool.poetry.source]]
name = "pytorch"
url = "https://download.pytorch.org/whl/cu121"
priority = "explicit"
`;
  const file = parsePyproject('pyproject.toml', text);

  it('translates constraints into PEP 440 with spans on the written text', () => {
    expect(file.problems).toEqual([]);
    const rows = Object.fromEntries(file.requirements.map((r) => [r.name, [r.specifier, r.clauses.map((c) => at(text, c.versionSpan)), at(text, r.specifierSpan)]]));
    expect(rows).toEqual({
      torch: ['>=2.3,<3.0', ['2.3', '2.3'], '^2.3'],
      numpy: ['>=1.26.4,<1.27.0', ['1.26.4', '1.26.4'], '~1.26.4'],
      pillow: ['==10.3.0', ['10.3.0'], '10.3.0'],
      scipy: ['>=1.11,<1.14', ['1.11', '1.14'], '>= 1.11, < 1.14'],
      requests: ['', [], '*'],
      'opencv-python': ['==4.9.0.80', ['4.9.0.80'], '4.9.0.80'],
      'onnxruntime-gpu': ['==1.18.0', ['1.18.0'], '1.18.0'],
      mylib: ['', [], null],
      pytest: ['>=0.8.1,<0.9.0', ['0.8.1', '0.8.1'], '^0.8.1'],
    });
  });

  it('keeps markers, extras, sources, groups and optional extras', () => {
    const by = (name: string) => file.requirements.find((r) => r.name === name)!;
    expect(by('opencv-python')).toMatchObject({ marker: "sys_platform == 'linux'", extras: ['contrib'] });
    expect(at(text, by('opencv-python').nameSpan)).toBe('opencv-python');
    expect(by('torch').indexes).toMatchObject([{ name: 'pytorch', url: 'https://download.pytorch.org/whl/cu121' }]);
    expect(by('onnxruntime-gpu').origin).toEqual({ section: 'tool.poetry.extras', group: 'gpu' });
    expect(by('pytest').origin).toEqual({ section: 'tool.poetry.group', group: 'dev' });
    expect(by('mylib').url).toBe('https://example.com/mylib.git');
    expect(file.pythonRequirement).toMatchObject({ specifier: '>=3.10,<4.0' });
    expect(file.options).toEqual([]); // the explicit source serves only the packages naming it
  });

  it('follows the caret and tilde tables of the Poetry docs', () => {
    const cases: Record<string, string> = {
      '^1.2.3': '>=1.2.3,<2.0.0', '^1.2': '>=1.2,<2.0', '^1': '>=1,<2', '^0.2.3': '>=0.2.3,<0.3.0',
      '^0.0.3': '>=0.0.3,<0.0.4', '^0.0': '>=0.0,<0.1', '^0': '>=0,<1',
      '~1.2.3': '>=1.2.3,<1.3.0', '~1.2': '>=1.2,<1.3', '~1': '>=1,<2', '==1.2.*': '==1.2.*', '1.2.*': '==1.2.*',
    };
    for (const [poetry, pep440] of Object.entries(cases)) {
      const f = parsePyproject('pyproject.toml', `[tool.poetry.dependencies]\nx = "${poetry}"\n`);
      expect(f.requirements[0]!.specifier, poetry).toBe(pep440);
    }
  });
});

describe('dynamic dependencies', () => {
  it('records setuptools and hatch requirement files as includes', () => {
    const text = `[project]
dynamic = ["dependencies", "optional-dependencies"]
[tool.setuptools.dynamic]
dependencies = { file = ["requirements.txt"] }
optional-dependencies = { gpu = { file = ["requirements-gpu.txt"] } }
[tool.hatch.metadata.hooks.requirements_txt]
files = ["reqs/base.txt"]
`;
    const file = parsePyproject('pyproject.toml', text);
    expect(file.includes.map((i) => [i.target, at(text, i.targetSpan), i.origin, i.line])).toEqual([
      ['requirements.txt', 'requirements.txt', { section: 'project.dependencies' }, 4],
      ['reqs/base.txt', 'reqs/base.txt', { section: 'project.dependencies' }, 7],
      ['requirements-gpu.txt', 'requirements-gpu.txt', { section: 'project.optional-dependencies', group: 'gpu' }, 5],
    ]);
  });
});

describe('TOML errors and robustness', () => {
  it('reports TOML syntax errors with the reason at their position', () => {
    const text = '[project]\nname = "x"\ndependencies = ["torch==2.3.1",\nrequires-python = ">=3.10"\n';
    const file = parsePyproject('pyproject.toml', text);
    expect(file.requirements).toEqual([]);
    expect(file.problems).toHaveLength(1);
    expect(file.problems[0]!.message).toMatch(/^Invalid TOML: /);
    expect(file.problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a duplicate key', () => {
    const file = parsePyproject('pyproject.toml', '[project]\nname = "a"\nname = "b"\n');
    expect(file.problems.map((p) => [p.line, p.message])).toEqual([[3, 'Invalid TOML: Defining a key multiple times is invalid']]);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const file = parsePyproject('pyproject.toml', `[project]\ndependencies = ["${s}"]\n[tool.poetry.dependencies]\nx = "${s}"\n${s}`);
        for (const p of file.problems) expect(p.span.start).toBeLessThanOrEqual(p.span.end);
      }),
      { numRuns: 300, seed: 42 },
    );
    expect(() => parsePyproject('pyproject.toml', '\u0000\uffff'.repeat(1000))).not.toThrow();
    expect(() => parsePyproject('pyproject.toml', '[a]\n'.repeat(5000) + 'x = [' + '['.repeat(2000))).not.toThrow();
  });
});
