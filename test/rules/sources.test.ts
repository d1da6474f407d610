// Each rule on the same stack written in every source kind: a requirements file, a pair split
// across `-r`, PEP 621 base + extra, Poetry, uv (with its own index), and a pip line in a script.
import { describe, expect, it } from 'vitest';
import { checkRule } from '../support/analyze';

interface Pin {
  name: string;
  /** PEP 440 specifier (`==2.3.1+cu118`, `>=1.24`). */
  spec: string;
}

interface Stack {
  rule: string;
  pins: [Pin, Pin];
  /** A PyTorch index variant in effect (`cu121`), for the torch rules. */
  index?: string;
  /** The project's Python. */
  python?: string;
  /** What the finding points at: the name of the flagged pin (either, where the rule picks the later one). */
  flagged: string | string[];
}

const indexUrl = (variant: string) => `https://download.pytorch.org/whl/${variant}`;
const torchFamily = new Set(['torch', 'torchvision', 'torchaudio']);
const line = (p: Pin) => `${p.name}${p.spec}`;

type Form = 'requirements' | 'include' | 'pep621 extra' | 'poetry' | 'uv' | 'script';

/** The stack written in one form: the files, with the file that holds each pin. */
function write(stack: Stack, form: Form): { files: Record<string, string>; fileOf: (name: string) => string } {
  const [a, b] = stack.pins;
  const index = stack.index;
  const pythonVersion: Record<string, string> = stack.python ? { '.python-version': `${stack.python}\n` } : {};
  const toml = (s: string) => JSON.stringify(s);
  switch (form) {
    case 'requirements':
      return {
        files: { 'requirements.txt': `${index ? `--index-url ${indexUrl(index)}\n` : ''}${line(a)}\n${line(b)}\n`, ...pythonVersion },
        fileOf: () => 'requirements.txt',
      };
    case 'include':
      return {
        files: {
          'requirements.txt': `-r base.txt\n${line(b)}  # mine\n`,
          'base.txt': `${index ? `--index-url ${indexUrl(index)}\n` : ''}${line(a)}\n`,
          ...pythonVersion,
        },
        fileOf: (name) => (name === a.name ? 'base.txt' : 'requirements.txt'),
      };
    case 'pep621 extra':
    case 'uv': {
      const uv = form === 'uv' || index !== undefined;
      const sources = [a, b].filter((p) => torchFamily.has(p.name)).map((p) => `${p.name} = { index = "pytorch" }`);
      const text =
        `[project]\nname = "demo"\nversion = "0.1.0"\n` +
        (stack.python ? `requires-python = "==${stack.python}.*"\n` : '') +
        (form === 'uv' ? `dependencies = [${toml(line(a))}, ${toml(line(b))}]\n` : `dependencies = [${toml(line(a))}]\n\n[project.optional-dependencies]\nextra = [${toml(line(b))}]\n`) +
        (uv && index ? `\n[tool.uv.sources]\n${sources.join('\n')}\n\n[[tool.uv.index]]\nname = "pytorch"\nurl = "${indexUrl(index)}"\nexplicit = true\n` : '');
      return { files: { 'pyproject.toml': text }, fileOf: () => 'pyproject.toml' };
    }
    case 'poetry': {
      const dep = (p: Pin) => (index && torchFamily.has(p.name) ? `${p.name} = { version = ${toml(p.spec)}, source = "pytorch" }` : `${p.name} = ${toml(p.spec)}`);
      const text =
        `[tool.poetry]\nname = "demo"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "${stack.python ? `~${stack.python}` : '^3.10'}"\n${dep(a)}\n${dep(b)}\n` +
        (index ? `\n[[tool.poetry.source]]\nname = "pytorch"\nurl = "${indexUrl(index)}"\npriority = "explicit"\n` : '');
      return { files: { 'pyproject.toml': text, ...pythonVersion }, fileOf: () => 'pyproject.toml' };
    }
    case 'script':
      return {
        files: {
          'install.sh': `#!/usr/bin/env bash\nset -e\npython -m pip install ${index ? `--index-url ${indexUrl(index)} ` : ''}'${line(a)}' \\\n    '${line(b)}'\n`,
          ...pythonVersion,
        },
        fileOf: () => 'install.sh',
      };
  }
}

const stacks: Stack[] = [
  { rule: 'torch-family-mismatch', pins: [{ name: 'torch', spec: '==2.3.1' }, { name: 'torchvision', spec: '==0.17.0' }], flagged: 'torchvision' },
  { rule: 'local-tag-mismatch', pins: [{ name: 'torch', spec: '==2.3.1+cu121' }, { name: 'torchvision', spec: '==0.18.1+cu118' }], flagged: 'torchvision' },
  { rule: 'index-variant-mismatch', pins: [{ name: 'torch', spec: '==2.3.1+cu118' }, { name: 'numpy', spec: '<2' }], index: 'cu121', flagged: 'torch' },
  { rule: 'unknown-wheel-variant', pins: [{ name: 'torch', spec: '==2.3.1+rocm6.2' }, { name: 'numpy', spec: '<2' }], index: 'rocm6.2', flagged: 'torch' },
  { rule: 'distribution-conflict', pins: [{ name: 'onnxruntime', spec: '==1.17.1' }, { name: 'onnxruntime-gpu', spec: '==1.17.1' }], flagged: ['onnxruntime', 'onnxruntime-gpu'] },
  { rule: 'numpy-abi-mismatch', pins: [{ name: 'torch', spec: '==2.2.0' }, { name: 'numpy', spec: '>=1.24.0' }], flagged: 'numpy' },
  { rule: 'python-version-unsupported', pins: [{ name: 'numpy', spec: '==1.24.3' }, { name: 'requests', spec: '>=2' }], python: '3.12', flagged: 'numpy' },
  { rule: 'requirement-conflict', pins: [{ name: 'tensorflow', spec: '==2.12.0' }, { name: 'numpy', spec: '==1.24.3' }], flagged: 'numpy' },
  { rule: 'known-incompatible', pins: [{ name: 'basicsr', spec: '==1.4.2' }, { name: 'torchvision', spec: '==0.17.0' }], flagged: 'basicsr' },
];

/** Whether `text` (what a finding points at) is the pin, a part of it, or its TOML entry. */
function matches(pin: Pin, text: string): boolean {
  const compact = text.replace(/\s+/g, '').toLowerCase();
  const written = `${pin.name}${pin.spec}`.toLowerCase();
  if (compact.length > 0 && written.includes(compact)) return true;
  return compact === `${pin.name}=${JSON.stringify(pin.spec)}`.toLowerCase() || compact.startsWith(`${pin.name}={version=${JSON.stringify(pin.spec)}`.toLowerCase());
}

const forms: Form[] = ['requirements', 'include', 'pep621 extra', 'poetry', 'uv', 'script'];

describe('every rule in every source kind', () => {
  for (const stack of stacks) {
    describe(stack.rule, () => {
      it.each(forms)('%s', (form) => {
        const { files, fileOf } = write(stack, form);
        const findings = checkRule(stack.rule, files);
        expect(findings.length, JSON.stringify(files)).toBeGreaterThan(0);
        const flagged = typeof stack.flagged === 'string' ? [stack.flagged] : stack.flagged;
        for (const finding of findings) {
          // The flagged text is that pin as written in its file: `numpy>=1.24.0`, the tag `cu118`, or
          // Poetry's whole `numpy = ">=1.24.0"` entry.
          const pin = stack.pins.find((p) => flagged.includes(p.name) && fileOf(p.name) === finding.file && matches(p, finding.text));
          expect(pin, `${finding.file}: ${finding.text}`).toBeDefined();
          // Messages quote pins as pip reads them, never TOML syntax.
          expect(finding.message).not.toMatch(/= "|="/);
        }
      });
    });
  }
});

describe('what is not one environment', () => {
  it('separate extras never install together; base + extra does', () => {
    const pyproject = `[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["numpy<2"]\n\n[project.optional-dependencies]\ncpu = ["onnxruntime==1.18.0"]\ngpu = ["onnxruntime-gpu==1.18.0"]\n`;
    expect(checkRule('distribution-conflict', { 'pyproject.toml': pyproject })).toEqual([]);
    const withBase = pyproject.replace('dependencies = ["numpy<2"]', 'dependencies = ["numpy<2", "onnxruntime==1.18.0"]');
    const findings = checkRule('distribution-conflict', { 'pyproject.toml': withBase });
    expect(findings.map((f) => f.message)).toEqual([
      "`onnxruntime-gpu` and `onnxruntime` both install the import package `onnxruntime` into pyproject.toml [gpu]; whichever pip installs last overwrites the other's files. Keep only one.",
    ]);
  });

  it('extras uv declares conflicting are not judged together', () => {
    const pyproject = `[project]\nname = "demo"\nversion = "0.1.0"\n\n[project.optional-dependencies]\ncu118 = ["torch==2.3.1+cu118"]\ncu121 = ["torchvision==0.18.1+cu121", "torch==2.3.1+cu121"]\n\n[tool.uv]\nconflicts = [[{ extra = "cu118" }, { extra = "cu121" }]]\n`;
    for (const rule of ['local-tag-mismatch', 'torch-family-mismatch', 'distribution-conflict']) {
      expect(checkRule(rule, { 'pyproject.toml': pyproject }), rule).toEqual([]);
    }
  });

  it('a script that uninstalls one build before installing the other has no conflict', () => {
    const script = `#!/bin/sh\npip install onnxruntime==1.18.0\npip uninstall -y onnxruntime\npip install onnxruntime-gpu==1.18.0\n`;
    expect(checkRule('distribution-conflict', { 'setup.sh': script })).toEqual([]);
    const without = `#!/bin/sh\npip install onnxruntime==1.18.0\npip install onnxruntime-gpu==1.18.0\n`;
    expect(checkRule('distribution-conflict', { 'setup.sh': without }).map((f) => f.text)).toEqual(['onnxruntime-gpu==1.18.0']);
  });

  it('a script installs a requirements file, then a pip line with its own --index-url', () => {
    const files = {
      'setup.sh': '#!/bin/sh\npip install -r requirements.txt\npip install --index-url https://download.pytorch.org/whl/cu121 torch==2.3.1+cu118\n',
      'requirements.txt': 'numpy<2\ntorchvision==0.18.1+cu121\n',
    };
    // requirements.txt is also installable alone, and then no PyTorch index serves its tag.
    expect(checkRule('index-variant-mismatch', files).map((f) => [f.file, f.text])).toEqual([
      ['requirements.txt', 'cu121'],
      ['setup.sh', 'cu118'],
    ]);
    // The script's cu118 pin is that index's problem (index-variant-mismatch), not a second local-tag finding.
    expect(checkRule('local-tag-mismatch', files)).toEqual([]);
  });

  it('a constraints file counts as a pin where the rule says so', () => {
    const files = { 'requirements.txt': '-c constraints.txt\ntensorflow==2.12.0\nnumpy\n', 'constraints.txt': 'numpy==1.24.3\n' };
    expect(checkRule('requirement-conflict', files).map((f) => [f.file, f.text])).toEqual([['constraints.txt', 'numpy==1.24.3']]);
    const torch = { 'requirements.txt': '-c constraints.txt\ntorchvision==0.17.0\n', 'constraints.txt': 'torch==2.3.1\n' };
    expect(checkRule('torch-family-mismatch', torch).map((f) => [f.file, f.text])).toEqual([['requirements.txt', '==0.17.0']]);
  });

  it('Poetry pins read as pip reads them in messages', () => {
    const pyproject = `[tool.poetry]\nname = "demo"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.10"\ntensorflow = "2.12.0"\nnumpy = { version = "1.24.3", markers = "sys_platform == 'linux'" }\n`;
    const findings = checkRule('requirement-conflict', { 'pyproject.toml': pyproject });
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      [
        `numpy = { version = "1.24.3", markers = "sys_platform == 'linux'" }`,
        '`numpy==1.24.3` conflicts with `tensorflow==2.12.0`, which requires `numpy>=1.22,<1.24`; pip cannot install both and stops with ResolutionImpossible.',
      ],
    ]);
  });
});
