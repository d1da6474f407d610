import { describe, expect, it } from 'vitest';
import { checkRule, fixFiles } from '../support/analyze';

const id = 'numpy-abi-mismatch';

describe('numpy-abi-mismatch', () => {
  it('flags an unbounded NumPy range under torch 2.2 and caps it', () => {
    const files = { 'requirements.txt': 'torch==2.2.0\nnumpy>=1.24.0  # arrays\n' };
    const findings = checkRule(id, files);
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      [
        'numpy>=1.24.0',
        '`numpy>=1.24.0` lets pip install NumPy 2, but `torch==2.2.0` was built against NumPy 1.x and fails to import under NumPy 2 (first build for NumPy 2: torch 2.3.0). Cap NumPy below 2.',
      ],
    ]);
    expect(findings[0]!.related).toEqual([{ file: 'requirements.txt', text: 'torch==2.2.0' }]);
    expect(fixFiles(files)['requirements.txt']).toBe('torch==2.2.0\nnumpy>=1.24.0,<2  # arrays\n');
  });

  it('caps a bare numpy and keeps its marker', () => {
    const files = { 'requirements.txt': 'onnxruntime-gpu==1.16.3\nnumpy ; python_version >= "3.9"\n' };
    expect(fixFiles(files)['requirements.txt']).toBe('onnxruntime-gpu==1.16.3\nnumpy<2 ; python_version >= "3.9"\n');
  });

  it('offers only the unsafe raise when NumPy is pinned to 2.x', () => {
    const files = { 'requirements.txt': 'numpy==2.1\nopencv-python==4.6.0.66\n' };
    const findings = checkRule(id, files);
    expect(findings.map((f) => f.message)).toEqual([
      '`numpy==2.1` installs NumPy 2, but `opencv-python==4.6.0.66` was built against NumPy 1.x and fails to import under NumPy 2 (first build for NumPy 2: opencv-python 4.10.0.84).',
    ]);
    expect(findings[0]!.fixes.map((f) => [f.title, f.safe])).toEqual([['Raise opencv-python to 4.10.0.84, its first build for NumPy 2', false]]);
    expect(fixFiles(files)).toEqual(files);
  });

  it.each([
    ['torch==2.2.0\nnumpy>=1.24.0,<2\n'],
    ['torch==2.3.1\nnumpy>=1.24.0\n'],
    ['torch>=2.1\nnumpy\n'],
    ['torch==2.2.0; sys_platform == "darwin"\nnumpy>=1.26; sys_platform != "darwin"\n'],
    ['tensorflow==2.18.0\nnumpy>=2\n'],
  ])('accepts %j', (text) => {
    expect(checkRule(id, { 'requirements.txt': text })).toEqual([]);
  });

  it('takes constraints files into account', () => {
    expect(checkRule(id, { 'requirements.txt': '-c constraints.txt\ntorch==2.2.0\nnumpy\n', 'constraints.txt': 'numpy<2\n' })).toEqual([]);
  });
});
