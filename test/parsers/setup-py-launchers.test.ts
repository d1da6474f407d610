// setup.py read statically and Python launchers' pip commands: what is literal is read with spans on
// the .py text (a non-ASCII line in each), what is computed is left alone (setup.py says so in a note).
import { describe, expect, it } from 'vitest';
import type { ParsedFile, Span } from '../../server/src/engine/model';
import { parsePythonFile } from '../../server/src/engine/parsers/python';
import { parseSetupPy } from '../../server/src/engine/parsers/setup-py';
import { grammars } from '../support/analyze';

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);

const pins = (text: string, file: ParsedFile) => file.requirements.map((r) => [at(text, r.span), r.origin.scope, r.origin.group ?? null, at(text, r.clauses[0]?.versionSpan)]);

describe('setup.py', () => {
  it('reads literal keyword arguments, names bound once, `+` of lists, extras and python_requires', () => {
    const text = `# Bildwerk — für Diffusionsmodelle
from setuptools import setup
import setuptools

REQUIRED = [
    "torch==2.1.2",
    'numpy>=1.24,<2; python_version < "3.13"',
]
GPU = ["xformers==0.0.23"]
EXTRAS = {"gpu": GPU, 'docs': ["sphinx>=7"], "win:platform_system == 'Windows'": ["pywin32"]}

setuptools.setup(
    name="bildwerk",
    python_requires=">=3.9",
    install_requires=REQUIRED + ["safetensors"],
    extras_require=EXTRAS,
    setup_requires=("wheel",),
)
`;
    const file = parseSetupPy('setup.py', text, grammars);
    expect(file.problems).toEqual([]);
    expect(pins(text, file)).toEqual([
      ['torch==2.1.2', 'base', null, '2.1.2'],
      ['numpy>=1.24,<2; python_version < "3.13"', 'base', null, '1.24'],
      ['safetensors', 'base', null, null],
      ['xformers==0.0.23', 'extra', 'gpu', '0.0.23'],
      ['sphinx>=7', 'extra', 'docs', '7'],
      ['wheel', 'build', null, null],
    ]);
    expect(file.groups!.map((g) => [g.name, at(text, g.span)])).toEqual([
      ['gpu', 'gpu'],
      ['docs', 'docs'],
    ]);
    expect(file.pythonRequirement!.specifier).toBe('>=3.9');
    expect(at(text, file.pythonRequirement!.span)).toBe('>=3.9');
    // Its code is read for deprecated-api like any .py file.
    expect(file.python).toBeDefined();
  });

  it('follows reads of a requirements file to an include, per extra too', () => {
    const text = `import os
from pathlib import Path
from setuptools import setup

here = os.path.abspath(os.path.dirname(__file__))

with open("README.md") as f:
    readme = f.read()

with open("requirements.txt") as f:
    requirements = f.read().splitlines()

setup(
    install_requires=requirements,
    extras_require={
        "cuda": open(os.path.join(here, "requirements", "cuda.txt")).readlines(),
        "dev": (Path(__file__).parent / "requirements-dev.txt").read_text().splitlines(),
        "docs": Path("docs/requirements.txt").read_text().split("\\n"),
    },
)
`;
    const file = parseSetupPy('pkg/setup.py', text, grammars);
    expect(file.problems).toEqual([]);
    expect(file.includes.map((i) => [i.target, at(text, i.targetSpan), i.origin?.group ?? null])).toEqual([
      ['requirements.txt', 'requirements.txt', null],
      ['requirements/cuda.txt', 'cuda.txt', 'cuda'],
      ['requirements-dev.txt', 'requirements-dev.txt', 'dev'],
      ['docs/requirements.txt', 'docs/requirements.txt', 'docs'],
    ]);
  });

  it('leaves computed values alone, with one note per argument, and keeps the literal parts', () => {
    const text = `from setuptools import setup
import versioneer

def deps():
    return ["torch"]

VERSION = "2.1.2"
setup(
    install_requires=[f"torch=={VERSION}", "numpy<2"] + deps(),
    extras_require={k: [k] for k in ["a", "b"]},
    setup_requires=[dep.strip() for dep in open("build.txt")],
    cmdclass=versioneer.get_cmdclass(),
)
`;
    const file = parseSetupPy('setup.py', text, grammars);
    expect(pins(text, file)).toEqual([['numpy<2', 'base', null, '2']]);
    expect(file.includes).toEqual([]);
    expect(file.problems.map((p) => [p.level, at(text, p.span), p.message])).toEqual([
      ['note', 'f"torch=={VERSION}"', 'Not checked: install_requires is computed here when setup.py runs, and Pinwise never runs it; what it computes was not read.'],
      ['note', '{k: [k] for k in ["a", "b"]}', 'Not checked: extras_require is computed here when setup.py runs, and Pinwise never runs it; what it computes was not read.'],
      ['note', '[dep.strip() for dep in open("build.txt")]', 'Not checked: setup_requires is computed here when setup.py runs, and Pinwise never runs it; what it computes was not read.'],
    ]);
  });

  it('does not follow a name bound twice, and reports a bad requirement and broken Python', () => {
    const text = 'from setuptools import setup\nREQ = ["torch"]\nREQ = ["numpy"]\nsetup(install_requires=REQ, extras_require={"x": ["torch=2.1"]})\n';
    const file = parseSetupPy('setup.py', text, grammars);
    expect(file.requirements).toEqual([]);
    expect(file.problems.map((p) => [p.line, p.level ?? 'error', at(text, p.span), p.message])).toEqual([
      [4, 'note', 'REQ', 'Not checked: install_requires is computed here when setup.py runs, and Pinwise never runs it; what it computes was not read.'],
      [4, 'error', '=', "'=' is not a valid operator; did you mean '=='?"],
    ]);
    const broken = 'from setuptools import setup\nsetup(\n    install_requires=["torch==2.1.2",\n    python_requires=">=3.9",\n';
    const problems = parseSetupPy('setup.py', broken, grammars).problems;
    expect(problems.filter((p) => p.level !== 'note').map((p) => p.message)).toEqual([expect.stringMatching(/^Invalid Python(?:: missing '.+')?; setup\.py would not run, and what follows may be read wrongly\.$/)]);
  });
});

describe('Python launchers', () => {
  it('reads a pip command bound to a name, a .get() default, a parameter default and an f-string, spans in the .py text', () => {
    const text = `import os
# Installationsbefehl — ünïcode
TORCH_COMMAND = "pip install torch==2.3.1 torchvision==0.18.1 --extra-index-url https://download.pytorch.org/whl/cu121"
xformers = os.environ.get('XFORMERS', "python -m pip install xformers==0.0.26.post1")
def extras(cmd="uv pip install numpy==1.26.4"):
    pass
url = "https://download.pytorch.org/whl/cu118"
audio = f"pip install torchaudio=={os.environ['V']} librosa==0.10.1 --index-url {url}"
print("run: pip install -r requirements.txt")
run("pip install nothing==1.0")
`;
    const file = parsePythonFile('launch.py', text, grammars);
    expect(file.requirements.map((r) => at(text, r.span))).toEqual(['torch==2.3.1', 'torchvision==0.18.1', 'xformers==0.0.26.post1', 'numpy==1.26.4', 'librosa==0.10.1']);
    expect(file.commands!.map((c) => [c.line, c.tool, c.requirements.length])).toEqual([
      [3, 'pip', 2],
      [4, 'python -m pip', 1],
      [5, 'uv pip', 1],
      [8, 'pip', 1],
    ]);
    expect(file.commands![0]!.options.map((o) => [o.option, at(text, o.valueSpan)])).toEqual([['--extra-index-url', 'https://download.pytorch.org/whl/cu121']]);
    expect(file.problems).toEqual([]);
    expect(file.python).toBeDefined();
  });

  it('never parses a file without a quoted pip install for launchers', () => {
    const text = 'import numpy as np\n# pip install numpy\nprint(np.float64(1))\n';
    expect(parsePythonFile('x.py', text, grammars).commands).toBeUndefined();
  });
});
