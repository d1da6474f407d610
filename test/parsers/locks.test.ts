// Lock files as resolved environments: every locked package is `name==version` with spans on the
// written name and version, its markers and group, and the lock's Python.
import { describe, expect, it } from 'vitest';
import type { ParsedFile, Requirement, Span } from '../../server/src/engine/model';
import { parsePdmLock, parsePoetryLock, parsePylock, parseUvLock } from '../../server/src/engine/parsers/locks';
import { parsePipfileLock } from '../../server/src/engine/parsers/pipfile-lock';

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);

function summary(text: string, file: ParsedFile) {
  return file.requirements.map((r: Requirement) => ({
    name: at(text, r.nameSpan),
    pin: r.specifier,
    version: at(text, r.clauses[0]?.versionSpan),
    clause: at(text, r.clauses[0]?.span),
    marker: r.marker,
    scope: r.origin.scope,
    group: r.origin.group,
    index: r.indexes?.[0]?.url,
  }));
}

// Written as `uv lock` writes it (lock version 1, revision 3): a fork on Python for NumPy.
const uvLock = `version = 1
revision = 3
requires-python = ">=3.9"
resolution-markers = [
    "python_full_version >= '3.10'",
    "python_full_version < '3.10'",
]

[[package]]
name = "café-ml"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "numpy", version = "1.26.4", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.10'" },
    { name = "numpy", version = "2.1.0", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.10'" },
    { name = "torch" },
]

[package.metadata]
requires-dist = [
    { name = "numpy" },
    { name = "torch", specifier = ">=2.3", index = "https://download.pytorch.org/whl/cu121" },
]

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version < '3.10'",
]
sdist = { url = "https://files.pythonhosted.org/packages/65/6e/09db70a523a96d25e115e71cc56a6f9031e7b8cd166c1ac8438307c14058/numpy-1.26.4.tar.gz", hash = "sha256:2a02aba9ed12e4ac4eb3ea9421c420301a0c6460d9830d74a9df87efa4912010", size = 15786129 }

[[package]]
name = "numpy"
version = "2.1.0"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version >= '3.10'",
]

[[package]]
name = "torch"
version = "2.3.1+cu121"
source = { registry = "https://download.pytorch.org/whl/cu121" }
dependencies = [
    { name = "filelock" },
    { name = "nvidia-cudnn-cu12", marker = "platform_machine == 'x86_64' and sys_platform == 'linux'" },
]
wheels = [
    { url = "https://download.pytorch.org/whl/cu121/torch-2.3.1%2Bcu121-cp310-cp310-linux_x86_64.whl", hash = "sha256:0a12aa9aa6bc442dff8823ac8b48d991fd0771562eaea2593b4b4f4f1da2a98a" },
]
`;

describe('uv.lock', () => {
  it('reads each locked package as name==version, its fork markers and its index; the project itself is not a locked package', () => {
    const file = parseUvLock('uv.lock', uvLock);
    expect(file.problems).toEqual([]);
    expect(summary(uvLock, file)).toEqual([
      { name: 'numpy', pin: '==1.26.4', version: '1.26.4', clause: '1.26.4', marker: "python_full_version < '3.10'", scope: 'base', group: undefined, index: 'https://pypi.org/simple' },
      { name: 'numpy', pin: '==2.1.0', version: '2.1.0', clause: '2.1.0', marker: "python_full_version >= '3.10'", scope: 'base', group: undefined, index: 'https://pypi.org/simple' },
      { name: 'torch', pin: '==2.3.1+cu121', version: '2.3.1+cu121', clause: '2.3.1+cu121', marker: null, scope: 'base', group: undefined, index: 'https://download.pytorch.org/whl/cu121' },
    ]);
    // A finding points at the entry: its name and version lines.
    const torch = file.requirements[2]!;
    expect(at(uvLock, torch.span)).toBe('name = "torch"\nversion = "2.3.1+cu121"');
    expect(torch.line).toBe(uvLock.split('\n').indexOf('name = "torch"') + 1);
    expect(file.targetPython).toEqual({ version: '3.9', specifier: '>=3.9', span: { start: uvLock.indexOf('>=3.9'), end: uvLock.indexOf('>=3.9') + 5 } });
    expect(file.pythonRequirement?.specifier).toBe('>=3.9');
  });

  it('joins several resolution markers with `or`, and keeps the fork extras of conflicting extras', () => {
    const text = `version = 1
requires-python = ">=3.12"
conflicts = [[
    { package = "project", extra = "cpu" },
    { package = "project", extra = "cu124" },
]]

[[package]]
name = "torch"
version = "2.5.1+cu124"
source = { registry = "https://download.pytorch.org/whl/cu124" }
resolution-markers = [
    "sys_platform == 'linux' and extra != 'extra-7-project-cpu' and extra == 'extra-7-project-cu124'",
    "sys_platform != 'linux' and extra != 'extra-7-project-cpu' and extra == 'extra-7-project-cu124'",
]
`;
    const file = parseUvLock('uv.lock', text);
    expect(file.problems).toEqual([]);
    expect(file.requirements[0]!.marker).toBe(
      "(sys_platform == 'linux' and extra != 'extra-7-project-cpu' and extra == 'extra-7-project-cu124') or (sys_platform != 'linux' and extra != 'extra-7-project-cpu' and extra == 'extra-7-project-cu124')",
    );
    expect(file.markerExtras).toEqual(['extra-7-project-cpu', 'extra-7-project-cu124']);
  });

  it('turns bad entries into problems on the entry, never a throw', () => {
    const text = `version = 1\n[[package]]\nname = "torch"\nversion = 2\n[[package]]\nname = "num py"\nversion = "1.0"\n[[package]]\nname = "numpy"\nversion = "not-a-version"\n[[package]]\nversion = "1.0"\n[[package]]\nname = "scipy"\nversion = "1.13.0"\nresolution-markers = ["python_version >>> '3'"]\n`;
    const file = parseUvLock('uv.lock', text);
    expect(file.problems.map((p) => [p.line, p.message])).toEqual([
      [4, 'Expected a string for the version of torch'],
      [6, "Invalid package name 'num py'"],
      [10, "Invalid version 'not-a-version' for numpy (not PEP 440)"],
      [11, 'A package without a name'],
      [16, expect.stringMatching(/^Invalid marker for scipy/)],
    ]);
    expect(file.requirements.map((r) => r.specifier)).toEqual(['==1.13.0']);
    const broken = parseUvLock('uv.lock', 'version = 1\n[[package]\nname = "torch"\n');
    expect(broken.problems[0]!.message).toMatch(/^Invalid TOML/);
    expect(broken.problems[0]!.line).toBe(3);
  });
});

describe('poetry.lock', () => {
  // Poetry 2 (lock-version 2.1): groups, markers per group, a legacy source, extras.
  const text = `# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.

[[package]]
name = "numpy"
version = "1.26.4"
description = "Fundamental package for array computing in Python"
optional = false
python-versions = ">=3.9"
groups = ["main"]
files = [
    {file = "numpy-1.26.4.tar.gz", hash = "sha256:2a02aba9ed12e4ac4eb3ea9421c420301a0c6460d9830d74a9df87efa4912010"},
]

[[package]]
name = "onnxruntime-gpu"
version = "1.18.0"
description = "ONNX Runtime"
optional = true
python-versions = "*"
groups = ["main"]
markers = "sys_platform == \\"linux\\" and extra == \\"gpu\\""
files = []

[[package]]
name = "pytest"
version = "8.2.0"
description = "pytest: simple powerful testing with Python"
optional = false
python-versions = ">=3.8"
groups = ["dev", "test"]
markers = {dev = "python_version >= \\"3.10\\"", test = "sys_platform != \\"win32\\""}
files = []

[[package]]
name = "torch"
version = "2.3.1+cu121"
description = "Tensors and Dynamic neural networks in Python with strong GPU acceleration"
optional = false
python-versions = ">=3.8.0"
groups = ["main", "dev"]
files = []

[package.source]
type = "legacy"
url = "https://download.pytorch.org/whl/cu121"
reference = "pytorch-cu121"

[extras]
gpu = ["onnxruntime-gpu"]

[metadata]
lock-version = "2.1"
python-versions = "^3.10"
content-hash = "0f4c0a2e9c5f6b1f5f6bd3a4d4b4f0e0e2d8c0a1b2c3d4e5f60718293a4b5c6d"
`;

  it('reads groups (main is the base install), markers per group, extras, the source and the Poetry Python constraint', () => {
    const file = parsePoetryLock('poetry.lock', text);
    expect(file.problems).toEqual([]);
    expect(summary(text, file)).toEqual([
      { name: 'numpy', pin: '==1.26.4', version: '1.26.4', clause: '1.26.4', marker: null, scope: 'base', group: undefined, index: undefined },
      { name: 'onnxruntime-gpu', pin: '==1.18.0', version: '1.18.0', clause: '1.18.0', marker: 'sys_platform == "linux" and extra == "gpu"', scope: 'extra', group: 'gpu', index: undefined },
      { name: 'pytest', pin: '==8.2.0', version: '8.2.0', clause: '8.2.0', marker: 'python_version >= "3.10"', scope: 'group', group: 'dev', index: undefined },
      { name: 'pytest', pin: '==8.2.0', version: '8.2.0', clause: '8.2.0', marker: 'sys_platform != "win32"', scope: 'group', group: 'test', index: undefined },
      { name: 'torch', pin: '==2.3.1+cu121', version: '2.3.1+cu121', clause: '2.3.1+cu121', marker: null, scope: 'base', group: undefined, index: 'https://download.pytorch.org/whl/cu121' },
    ]);
    expect(file.groups!.map((g) => [g.kind, g.name])).toEqual([
      ['extra', 'gpu'],
      ['group', 'dev'],
      ['group', 'test'],
    ]);
    expect(file.targetPython).toMatchObject({ version: '3.10', specifier: '>=3.10,<4.0' });
    // Escaped quotes in a marker still map back onto the file.
    const onnx = file.requirements[1]!;
    expect(at(text, onnx.markerSpan)).toBe('sys_platform == \\"linux\\" and extra == \\"gpu\\"');
  });

  it('reads the older category field as the group', () => {
    const old = `[[package]]\nname = "black"\nversion = "24.4.2"\ncategory = "dev"\noptional = false\npython-versions = ">=3.8"\n\n[metadata]\nlock-version = "1.1"\npython-versions = ">=3.9,<3.13"\n`;
    const file = parsePoetryLock('poetry.lock', old);
    expect(summary(old, file).map((r) => [r.name, r.scope, r.group])).toEqual([['black', 'group', 'dev']]);
    expect(file.targetPython).toMatchObject({ version: '3.9', specifier: '>=3.9,<3.13' });
  });
});

describe('pdm.lock', () => {
  const text = `# This file is @generated by PDM.
# It is not intended for manual editing.

[metadata]
groups = ["default", "dev"]
strategy = ["inherit_metadata"]
lock_version = "4.5.0"
content_hash = "sha256:d49d286986c5de41ec9879b6d710389b0be11cd096d883c069123b489ac6e6ea"

[[metadata.targets]]
requires_python = ">=3.11,<3.13"

[[package]]
name = "django"
version = "5.0.6"
requires_python = ">=3.10"
summary = "A high-level Python web framework"
groups = ["default"]
dependencies = ["asgiref<4,>=3.7.0", "sqlparse>=0.3.1", "tzdata; sys_platform == \\"win32\\""]

[[package]]
name = "django"
version = "5.0.6"
extras = ["argon2"]
requires_python = ">=3.10"
summary = "A high-level Python web framework"
groups = ["default"]
dependencies = ["Django==5.0.6", "argon2-cffi>=19.1.0"]

[[package]]
name = "pytest"
version = "8.2.0"
summary = "pytest: simple powerful testing with Python"
groups = ["dev"]
marker = "python_version >= \\"3.11\\""

[[package]]
name = "torch"
version = "2.3.1+cpu"
summary = "Tensors and Dynamic neural networks in Python with strong GPU acceleration"
groups = ["default", "dev"]
files = [
    {url = "https://download.pytorch.org/whl/cpu/torch-2.3.1%2Bcpu-cp311-cp311-linux_x86_64.whl", hash = "sha256:d679e21d871982b9234444331a26350902cfd2d5ca44ce6f49896af8b3a3087d"},
]
`;

  it('reads groups (default is the base install), markers, the targets Python; an extras entry repeating a package is read once', () => {
    const file = parsePdmLock('pdm.lock', text);
    expect(file.problems).toEqual([]);
    expect(summary(text, file)).toEqual([
      { name: 'django', pin: '==5.0.6', version: '5.0.6', clause: '5.0.6', marker: null, scope: 'base', group: undefined, index: undefined },
      { name: 'pytest', pin: '==8.2.0', version: '8.2.0', clause: '8.2.0', marker: 'python_version >= "3.11"', scope: 'group', group: 'dev', index: undefined },
      { name: 'torch', pin: '==2.3.1+cpu', version: '2.3.1+cpu', clause: '2.3.1+cpu', marker: null, scope: 'base', group: undefined, index: 'https://download.pytorch.org/whl/cpu' },
    ]);
    expect(file.targetPython).toMatchObject({ version: '3.11', specifier: '>=3.11,<3.13' });
  });
});

describe('pylock.toml (PEP 751)', () => {
  const text = `lock-version = '1.0'
environments = ["sys_platform == 'win32'", "sys_platform == 'linux'"]
requires-python = '== 3.12.*'
created-by = 'mousebender'

[[packages]]
name = 'attrs'
version = '25.1.0'
requires-python = '>= 3.8'
index = 'https://pypi.org/simple'

[[packages.wheels]]
name = 'attrs-25.1.0-py3-none-any.whl'
upload-time = 2025-01-25T11:30:10.164985+00:00
url = 'https://files.pythonhosted.org/packages/fc/30/d4986a882011f9df997a55e6becd864812ccfcd821d64aac8570ee39f719/attrs-25.1.0-py3-none-any.whl'
size = 63152
hashes = {sha256 = 'c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a'}

[[packages]]
name = 'numpy'
version = '2.2.3'
marker = "sys_platform == 'linux'"
index = 'https://pypi.org/simple'

[[packages]]
name = 'my-project'
directory = { path = '.', editable = true }
`;

  it('reads [[packages]] with markers and indexes; a source tree without a version is not a locked package', () => {
    const file = parsePylock('pylock.toml', text);
    expect(file.problems).toEqual([]);
    expect(summary(text, file)).toEqual([
      { name: 'attrs', pin: '==25.1.0', version: '25.1.0', clause: '25.1.0', marker: null, scope: 'base', group: undefined, index: 'https://pypi.org/simple' },
      { name: 'numpy', pin: '==2.2.3', version: '2.2.3', clause: '2.2.3', marker: "sys_platform == 'linux'", scope: 'base', group: undefined, index: 'https://pypi.org/simple' },
    ]);
    expect(file.targetPython).toMatchObject({ version: '3.12', specifier: '==3.12.*' });
  });
});

describe('Pipfile.lock', () => {
  const text = `{
    "_meta": {
        "hash": {
            "sha256": "7f7606f08e0544d8d012ef4d097dabdd6df6843a28793eb6551245d4b2db4242"
        },
        "pipfile-spec": 6,
        "requires": {
            "python_version": "3.10"
        },
        "sources": [
            {
                "name": "pypi",
                "url": "https://pypi.org/simple",
                "verify_ssl": true
            },
            {
                "name": "pytorch",
                "url": "https://download.pytorch.org/whl/cu118",
                "verify_ssl": true
            }
        ]
    },
    "default": {
        "numpy": {
            "hashes": [
                "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            ],
            "index": "pypi",
            "markers": "python_version >= '3.10'",
            "version": "==2.1.0"
        },
        "torch": {
            "hashes": [],
            "index": "pytorch",
            "version": "==2.1.2\\u002bcu118"
        },
        "my-lib": {
            "editable": true,
            "path": "."
        }
    },
    "develop": {
        "pytest": {
            "hashes": [],
            "markers": "python_version >= '3.8'",
            "version": "==8.2.0"
        }
    }
}
`;

  it('reads default as the base install and develop as a group over it, with markers, the source URL and the Python', () => {
    const file = parsePipfileLock('Pipfile.lock', text);
    expect(file.problems).toEqual([]);
    expect(summary(text, file)).toEqual([
      { name: 'numpy', pin: '==2.1.0', version: '2.1.0', clause: '==2.1.0', marker: "python_version >= '3.10'", scope: 'base', group: undefined, index: 'https://pypi.org/simple' },
      // An escaped `+`: the version maps onto the escape, the clause onto the whole `==…`.
      { name: 'torch', pin: '==2.1.2+cu118', version: '2.1.2\\u002bcu118', clause: '==2.1.2\\u002bcu118', marker: null, scope: 'base', group: undefined, index: 'https://download.pytorch.org/whl/cu118' },
      { name: 'pytest', pin: '==8.2.0', version: '8.2.0', clause: '==8.2.0', marker: "python_version >= '3.8'", scope: 'group', group: 'develop', index: undefined },
    ]);
    expect(at(text, file.requirements[0]!.span)).toBe('"numpy"');
    expect(file.groups!.map((g) => [g.kind, g.name])).toEqual([['group', 'develop']]);
    expect(file.targetPython).toEqual({ version: '3.10', span: { start: text.indexOf('"3.10"') + 1, end: text.indexOf('"3.10"') + 5 } });
  });

  it('says where a broken lock stops being JSON, and what an entry should have been', () => {
    const broken = parsePipfileLock('Pipfile.lock', '{\n  "default": {\n    "torch": {"version": "==2.1.2",}\n  }\n}\n');
    expect(broken.problems.map((p) => [p.line, p.message])).toEqual([[3, expect.stringMatching(/^Invalid JSON: Expected a property name/)]]);
    const odd = parsePipfileLock('Pipfile.lock', '{"default": {"torch": "2.1.2", "numpy": {"version": ">=1.24"}, "scipy": {"version": 1}}, "develop": []}');
    expect(odd.problems.map((p) => p.message)).toEqual([
      'Expected an object for torch',
      "Expected an exact version (==X) for numpy, not '>=1.24'",
      'Expected a version string for scipy',
      'Expected an object of packages for "develop"',
    ]);
    expect(parsePipfileLock('Pipfile.lock', '[]').problems[0]!.message).toMatch(/Expected a JSON object/);
  });
});
