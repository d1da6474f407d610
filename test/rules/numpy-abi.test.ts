import { describe, expect, it } from 'vitest';
import { checkRule, fixPins } from '../support/analyze';

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
    expect(fixPins(files)['requirements.txt']).toBe('torch==2.2.0\nnumpy>=1.24.0,<2  # arrays\n');
  });

  it('caps a bare numpy and keeps its marker', () => {
    const files = { 'requirements.txt': 'onnxruntime-gpu==1.16.3\nnumpy ; python_version >= "3.9"\n' };
    expect(fixPins(files)['requirements.txt']).toBe('onnxruntime-gpu==1.16.3\nnumpy<2 ; python_version >= "3.9"\n');
  });

  it('offers only the unsafe raise when NumPy is pinned to 2.x', () => {
    const files = { 'requirements.txt': 'numpy==2.1\nopencv-python==4.6.0.66\n' };
    const findings = checkRule(id, files);
    expect(findings.map((f) => f.message)).toEqual([
      '`numpy==2.1` installs NumPy 2, but `opencv-python==4.6.0.66` was built against NumPy 1.x and fails to import under NumPy 2 (first build for NumPy 2: opencv-python 4.10.0.84).',
    ]);
    expect(findings[0]!.fixes.map((f) => [f.title, f.applicability])).toEqual([['Raise opencv-python to 4.10.0.84, its first build for NumPy 2', 'manual']]);
    expect(fixPins(files)).toEqual(files);
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

  describe('packages beyond torch, onnxruntime, opencv, tensorflow and pandas', () => {
    it.each([
      ['scipy==1.12.0', 'scipy 1.13.0'],
      ['scikit-learn==1.4.1.post1', 'scikit-learn 1.4.2'],
      ['numba==0.59.1', 'numba 0.60.0'],
      ['torchvision==0.17.2', 'torchvision 0.18.0'],
      ['torchaudio==2.2.2', 'torchaudio 2.3.0'],
    ])('flags numpy>=1.24 under %s', (pin, first) => {
      const files = { 'requirements.txt': `${pin}\nnumpy>=1.24\n` };
      expect(checkRule(id, files).map((f) => f.message)).toEqual([
        `\`numpy>=1.24\` lets pip install NumPy 2, but \`${pin}\` was built against NumPy 1.x and fails to import under NumPy 2 (first build for NumPy 2: ${first}). Cap NumPy below 2.`,
      ]);
      expect(fixPins(files)['requirements.txt']).toBe(`${pin}\nnumpy>=1.24,<2\n`);
    });

    it('names every culprit once and offers each raise', () => {
      const files = { 'requirements.txt': 'numpy==2.0.1\nscipy==1.11.4\nnumba==0.58.1\n' };
      const findings = checkRule(id, files);
      expect(findings.map((f) => f.message)).toEqual([
        '`numpy==2.0.1` installs NumPy 2, but `scipy==1.11.4` and `numba==0.58.1` were built against NumPy 1.x and fail to import under NumPy 2 (first build for NumPy 2: scipy 1.13.0 and numba 0.60.0).',
      ]);
      expect(findings[0]!.fixes.map((f) => [f.title, f.applicability])).toEqual([
        ['Raise scipy to 1.13.0, its first build for NumPy 2', 'manual'],
        ['Raise numba to 0.60.0, its first build for NumPy 2', 'manual'],
      ]);
    });

    it.each([
      ['scipy==1.13.0\nnumpy>=2\n'],
      ['scikit-learn==1.4.2\nnumpy==2.0.0\n'],
      ['numba==0.60.0\nnumpy>=1.24\n'],
      ['torchvision==0.18.1\nnumpy\n'],
      ['scipy>=1.11\nnumpy>=1.24\n'],
      ['numba==0.59.1\nnumpy>=1.24,<2\n'],
    ])('accepts %j', (text) => {
      expect(checkRule(id, { 'requirements.txt': text })).toEqual([]);
    });
  });

  it('names torch alone when torchvision, which follows it, is pinned too', () => {
    const findings = checkRule(id, { 'requirements.txt': 'torch==2.2.2\ntorchvision==0.17.2\nnumpy\n' });
    expect(findings.map((f) => f.message)).toEqual([
      '`numpy` (no version bound) lets pip install NumPy 2, but `torch==2.2.2` was built against NumPy 1.x and fails to import under NumPy 2 (first build for NumPy 2: torch 2.3.0). Cap NumPy below 2.',
    ]);
  });
});


describe('numpy-abi-mismatch raise fix', () => {
  it('raises the public version and keeps the local tag', () => {
    const files = { 'requirements.txt': 'numpy==2.0.0\ntorch==2.2.2+rocm5.7  # AMD box\n' };
    const [finding] = checkRule('numpy-abi-mismatch', files);
    const raise = finding!.fixes.find((f) => f.title.startsWith('Raise torch'))!;
    expect(raise.applicability).toBe('manual');
    const edit = raise.edits[0]!;
    const text = files['requirements.txt'];
    expect(text.slice(0, edit.span.start) + edit.text + text.slice(edit.span.end)).toBe('numpy==2.0.0\ntorch==2.3.0+rocm5.7  # AMD box\n');
  });
});

describe('numpy-abi-mismatch cap fix where the name and the version are written apart', () => {
  it('replaces the `*` of Poetry and Pipfile values, and leaves other values alone', () => {
    const poetry = '[tool.poetry.dependencies]\npython = "^3.10"\ntorch = "2.1.2"\nnumpy = "*"\n';
    expect(fixPins({ 'pyproject.toml': poetry })['pyproject.toml']).toBe(poetry.replace('numpy = "*"', 'numpy = "<2"'));
    const pipfile = '[packages]\ntorch = "==2.1.2"\nnumpy = {version = "*", markers = "python_version >= \'3.9\'"}\n';
    expect(fixPins({ Pipfile: pipfile }).Pipfile).toBe(pipfile.replace('version = "*"', 'version = "<2"'));
    // No version at all in the table: nothing to rewrite in place, so no fix (never `numpy<2 = …`).
    const bare = '[packages]\ntorch = "==2.1.2"\nnumpy = {extras = ["dev"]}\n';
    expect(checkRule('numpy-abi-mismatch', { Pipfile: bare }).map((f) => f.fixes.map((fix) => fix.title))).toEqual([['Raise torch to 2.3.0, its first build for NumPy 2']]);
  });
});
