// setup.cfg and Pipfile as project declarations: requirements with spans on the text as written
// (a non-ASCII line in each), extras and groups, the declared Python, indexes and bad input.
import { describe, expect, it } from 'vitest';
import type { ParsedFile, Span } from '../../server/src/engine/model';
import { parsePipfile } from '../../server/src/engine/parsers/pipfile';
import { parseSetupCfg, readIni } from '../../server/src/engine/parsers/setup-cfg';

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);

function summary(text: string, file: ParsedFile) {
  return file.requirements.map((r) => ({
    written: at(text, r.span),
    name: at(text, r.nameSpan),
    specifier: r.specifier,
    version: at(text, r.clauses[0]?.versionSpan),
    marker: r.marker,
    scope: r.origin.scope,
    group: r.origin.group,
    ...(r.indexes ? { index: r.indexes.map((i) => [i.name, i.url, at(text, i.span)]) } : {}),
  }));
}

const setupCfg = `[metadata]
name = bildwerk
description = Ein Paket für Bilder — café

[options]
packages = find:
python_requires = >=3.9
install_requires =
    torch==2.1.2
    # a comment line inside the value
    ; another comment
    torchvision==0.16.2  # inline comment
    numpy<2; python_version < "3.12"

    pillow>=9
setup_requires = setuptools>=61; wheel

[options.extras_require]
gpu =
    xformers==0.0.23
Docs = sphinx>=7
`;

describe('setup.cfg', () => {
  it('reads install_requires line by line, markers included, comments skipped', () => {
    const file = parseSetupCfg('setup.cfg', setupCfg);
    expect(file.problems).toEqual([]);
    expect(summary(setupCfg, file)).toEqual([
      { written: 'torch==2.1.2', name: 'torch', specifier: '==2.1.2', version: '2.1.2', marker: null, scope: 'base', group: undefined },
      { written: 'torchvision==0.16.2', name: 'torchvision', specifier: '==0.16.2', version: '0.16.2', marker: null, scope: 'base', group: undefined },
      { written: 'numpy<2; python_version < "3.12"', name: 'numpy', specifier: '<2', version: '2', marker: 'python_version < "3.12"', scope: 'base', group: undefined },
      { written: 'pillow>=9', name: 'pillow', specifier: '>=9', version: '9', marker: null, scope: 'base', group: undefined },
      // On one line setuptools splits at `;`.
      { written: 'setuptools>=61', name: 'setuptools', specifier: '>=61', version: '61', marker: null, scope: 'build', group: undefined },
      { written: 'wheel', name: 'wheel', specifier: '', version: null, marker: null, scope: 'build', group: undefined },
      { written: 'xformers==0.0.23', name: 'xformers', specifier: '==0.0.23', version: '0.0.23', marker: null, scope: 'extra', group: 'gpu' },
      { written: 'sphinx>=7', name: 'sphinx', specifier: '>=7', version: '7', marker: null, scope: 'extra', group: 'docs' },
    ]);
    expect(file.groups!.map((g) => [g.kind, g.name, at(setupCfg, g.span)])).toEqual([
      ['extra', 'gpu', 'gpu'],
      ['extra', 'docs', 'Docs'],
    ]);
    expect(file.pythonRequirement).toEqual({ specifier: '>=3.9', span: expect.anything() });
    expect(at(setupCfg, file.pythonRequirement!.span)).toBe('>=3.9');
  });

  it('reads `file:` as requirements files to include', () => {
    const text = '[options]\ninstall_requires = file: requirements.txt requirements-extra.txt\n[options.extras_require]\ncuda = file: requirements/cuda.txt\n';
    const file = parseSetupCfg('pkg/setup.cfg', text);
    expect(file.includes.map((i) => [i.target, at(text, i.targetSpan), i.origin?.group])).toEqual([
      ['requirements.txt', 'requirements.txt', undefined],
      ['requirements-extra.txt', 'requirements-extra.txt', undefined],
      ['requirements/cuda.txt', 'requirements/cuda.txt', 'cuda'],
    ]);
  });

  it('reports a bad requirement and a line that is not INI where they are written', () => {
    const text = 'stray line\n[options]\ninstall_requires =\n    torch=2.1.2\n    numpy\nnot a key\n';
    const file = parseSetupCfg('setup.cfg', text);
    expect(file.problems.map((p) => [p.line, at(text, p.span)])).toEqual([
      [1, 'stray line'],
      [4, '='],
      [6, 'not a key'],
    ]);
    expect(file.requirements.map((r) => r.name)).toEqual(['numpy']);
  });

  it('keeps offsets through CRLF line ends and a BOM-free first line', () => {
    const text = '[options]\r\ninstall_requires =\r\n    torch==2.1.2\r\n';
    const sections = readIni(text, () => {});
    expect(sections[0]!.entries[0]!.lines.map((l) => at(text, { start: l.start, end: l.start + l.text.length }))).toEqual(['torch==2.1.2']);
  });
});

const pipfile = `[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[[source]]
url = "https://download.pytorch.org/whl/cu121"
verify_ssl = true
name = "pytorch"

[packages]
# Bildverarbeitung für alle — café
torch = {version = "==2.1.2+cu118", index = "pytorch"}
numpy = "*"
"ruamel.yaml" = ">=0.17,<0.19"
transformers = {extras = ["torch", "sentencepiece"], version = "~=4.36"}
pywin32 = {version = "==306", sys_platform = "== 'win32'"}
mylib = {path = ".", editable = true}
tools = {git = "https://github.com/example/tools.git", ref = "v1"}

[dev-packages]
pytest = ">=7"

[requires]
python_version = "3.10"
`;

describe('Pipfile', () => {
  it('reads packages, dev-packages, specifiers, extras, marker keys and indexes', () => {
    const file = parsePipfile('Pipfile', pipfile);
    expect(file.problems).toEqual([]);
    expect(summary(pipfile, file)).toEqual([
      {
        written: 'torch = {version = "==2.1.2+cu118", index = "pytorch"}',
        name: 'torch',
        specifier: '==2.1.2+cu118',
        version: '2.1.2+cu118',
        marker: null,
        scope: 'base',
        group: undefined,
        index: [['pytorch', 'https://download.pytorch.org/whl/cu121', 'pytorch']],
      },
      { written: 'numpy = "*"', name: 'numpy', specifier: '', version: null, marker: null, scope: 'base', group: undefined },
      { written: '"ruamel.yaml" = ">=0.17,<0.19"', name: 'ruamel.yaml', specifier: '>=0.17,<0.19', version: '0.17', marker: null, scope: 'base', group: undefined },
      { written: 'transformers = {extras = ["torch", "sentencepiece"], version = "~=4.36"}', name: 'transformers', specifier: '~=4.36', version: '4.36', marker: null, scope: 'base', group: undefined },
      { written: 'pywin32 = {version = "==306", sys_platform = "== \'win32\'"}', name: 'pywin32', specifier: '==306', version: '306', marker: "sys_platform == 'win32'", scope: 'base', group: undefined },
      { written: 'pytest = ">=7"', name: 'pytest', specifier: '>=7', version: '7', marker: null, scope: 'group', group: 'dev-packages' },
    ]);
    expect(file.requirements[3]!.extras).toEqual(['torch', 'sentencepiece']);
    expect(file.groups!.map((g) => g.name)).toEqual(['dev-packages']);
    expect(file.targetPython).toEqual({ version: '3.10', span: expect.anything() });
    expect(at(pipfile, file.targetPython!.span)).toBe('3.10');
    // The first source is the index; the others serve only packages that name them.
    expect(file.options.map((o) => [o.option, o.value])).toEqual([['--index-url', 'https://pypi.org/simple']]);
  });

  it('turns bad TOML and bad values into problems, never a throw', () => {
    const broken = '[packages]\ntorch = "==2.1\n';
    expect(parsePipfile('Pipfile', broken).problems[0]!.message).toMatch(/^Invalid TOML/);
    const values = '[packages]\ntorch = "2.1.2"\nnumpy = 3\nscipy = "==1.11.*.x"\n';
    const file = parsePipfile('Pipfile', values);
    expect(file.problems.map((p) => [p.line, at(values, p.span)])).toEqual([
      [2, '2.1.2'],
      [3, '3'],
      [4, '.x'],
    ]);
    expect(file.problems[0]!.message).toBe(`Expected a version specifier for 'torch' (like "==2.1.2" or "*"), not '2.1.2'`);
  });
});
