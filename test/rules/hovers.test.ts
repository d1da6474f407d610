// Hovers beyond the torch release row: competing distributions, the NumPy ABI line, Python
// support of a pin, and the deprecation entry behind a name in a .py file.
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings, hoverAt } from '../../server/src/engine';
import { grammars, kb } from '../support/analyze';

function hover(files: Record<string, string>, file: string, at: string) {
  const input = Object.entries(files).map(([path, text]) => ({ path, text }));
  const { project } = analyze({ files: input, settings: defaultSettings(), kb, grammars });
  const offset = files[file]!.indexOf(at);
  expect(offset, `"${at}" is in ${file}`).toBeGreaterThanOrEqual(0);
  const result = hoverAt(project, kb, file, offset);
  return result && { ...result, text: files[file]!.slice(result.span.start, result.span.end) };
}

describe('pin hovers', () => {
  it('names the distributions that install the same import package', () => {
    const result = hover({ 'requirements.txt': 'onnxruntime-gpu==1.17.1\n' }, 'requirements.txt', 'onnxruntime-gpu');
    expect(result?.markdown).toContain('**Installs `import onnxruntime`**, like `onnxruntime`, `onnxruntime-rocm`');
    expect(result?.markdown).toContain('https://github.com/microsoft/onnxruntime/blob/93f3c4bb0e216a9a8c759418eb9705ec256b6a66/docs/get-started/with-python.md');
    expect(result?.text).toBe('onnxruntime-gpu==1.17.1');
  });

  it('tells which side of the NumPy ABI line a compiled package is on', () => {
    const old = hover({ 'requirements.txt': 'opencv-python==4.8.1.78\n' }, 'requirements.txt', 'opencv');
    expect(old?.markdown).toContain('opencv-python 4.10.0.84 is its first release built against NumPy 2');
    expect(old?.markdown).toContain('`opencv-python==4.8.1.78`: every release it allows was built against NumPy 1.x and needs `numpy<2`');
    const open = hover({ 'requirements.txt': 'opencv-python>=4.8\n' }, 'requirements.txt', 'opencv');
    expect(open?.markdown).toContain('it allows releases on both sides; pip picks the newest, built against NumPy 2');
  });

  it('on numpy, lists the compiled packages installed beside it', () => {
    const files = { 'requirements.txt': 'numpy>=1.24\ntorch==2.2.0\nopencv-python==4.10.0.84\n', 'other/requirements.txt': 'onnxruntime==1.17.0\n' };
    const result = hover(files, 'requirements.txt', 'numpy');
    expect(result?.markdown).toContain('NumPy 2.0 changed the ABI');
    expect(result?.markdown).toContain('| `torch==2.2.0` | built against NumPy 1.x (first NumPy 2 build: 2.3.0) |');
    expect(result?.markdown).toContain('| `opencv-python==4.10.0.84` | built against NumPy 2 |');
    expect(result?.markdown).not.toContain('onnxruntime'); // another environment
  });

  it('shows the Python range of the releases a pin allows, against the target Python', () => {
    const files = { 'requirements.txt': 'numpy==1.24.3\n', '.python-version': '3.12\n' };
    const result = hover(files, 'requirements.txt', 'numpy');
    expect(result?.markdown).toContain('**Python support**: 1.24.x supports Python 3.8–3.11.');
    expect(result?.markdown).toContain('Target Python 3.12 (from .python-version): **no release this pin allows supports it**.');
    // sections are separated, the ABI line comes first
    expect(result?.markdown.indexOf('NumPy ABI line')).toBeLessThan(result!.markdown.indexOf('Python support'));
  });

  it('has nothing to say about a package it does not know', () => {
    expect(hover({ 'requirements.txt': 'requests==2.31.0\n' }, 'requirements.txt', 'requests')).toBeNull();
  });
});

describe('.py hover', () => {
  it('explains a removed NumPy alias against the pinned version', () => {
    const files = { 'requirements.txt': 'numpy==1.26.4\n', 'app.py': 'import numpy as np\nx = np.float(3)\n' };
    const result = hover(files, 'app.py', 'float');
    expect(result?.text).toBe('np.float');
    expect(result?.markdown).toContain('**`numpy.float`** (NumPy): deprecated in NumPy 1.20, removed in 1.24.');
    expect(result?.markdown).toContain('Use `float`.');
    expect(result?.markdown).toContain('In this project (numpy==1.26.4): **removed**.');
    expect(result?.markdown).toMatch(/Source: \[https:\/\/numpy\.org/);
  });

  it('says when the pinned version still has it', () => {
    const files = { 'requirements.txt': 'Pillow==9.5.0\n', 'app.py': 'from PIL import Image\nImage.ANTIALIAS\n' };
    const result = hover(files, 'app.py', 'ANTIALIAS\n');
    expect(result?.markdown).toContain('**`PIL.Image.ANTIALIAS`** (Pillow): deprecated in Pillow 9.1, removed in 10.0.');
    expect(result?.markdown).toContain('In this project (Pillow==9.5.0): deprecated, still works.');
    const before = hover({ ...files, 'requirements.txt': 'Pillow==9.0.1\n' }, 'app.py', 'ANTIALIAS\n');
    expect(before?.markdown).toContain('In this project (Pillow==9.0.1): it still works.');
  });

  it('has nothing for names no entry covers, strings or other objects', () => {
    const files = { 'app.py': 'import numpy as np\nx = np.zeros(3)\ns = "np.float"\nobj.float\n' };
    expect(hover(files, 'app.py', 'zeros')).toBeNull();
    expect(hover(files, 'app.py', 'float"')).toBeNull();
    expect(hover(files, 'app.py', 'float\n')).toBeNull();
  });
});
