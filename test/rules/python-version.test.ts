import { describe, expect, it } from 'vitest';
import { checkRule } from '../support/analyze';

const id = 'python-version-unsupported';

describe('python-version-unsupported', () => {
  it('flags numpy==1.24.3 on Python 3.12 from .python-version', () => {
    const findings = checkRule(id, { 'requirements.txt': 'numpy==1.24.3\n', '.python-version': '3.12\n' });
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      [
        'numpy==1.24.3',
        '`numpy==1.24.3` has no release for Python 3.12 (target Python from .python-version): 1.24.x supports Python 3.8–3.11. pip finds no wheel and the install fails.',
      ],
    ]);
    expect(findings[0]!.related).toEqual([{ file: '.python-version', text: '3.12' }]);
  });

  it('judges ranges across release lines', () => {
    const findings = checkRule(id, { 'requirements.txt': 'numpy>=1.24,<1.26\n' }, { python: '3.12' });
    expect(findings.map((f) => f.message)).toEqual([
      '`numpy>=1.24,<1.26` has no release for Python 3.12 (target Python from the settings): 1.24.x supports Python 3.8–3.11; 1.25.x supports Python 3.9–3.11. pip finds no wheel and the install fails.',
    ]);
  });

  it.each([
    ['pandas==2.0.3\n', '3.12', '`pandas==2.0.3` has no release for Python 3.12 (target Python from the settings): 2.0.x supports Python 3.8–3.11. pip finds no wheel and the install fails.'],
    ['pandas==2.2.2\n', '3.13', '`pandas==2.2.2` has no release for Python 3.13 (target Python from the settings): 2.2.x before 2.2.3 supports Python 3.9–3.12. pip finds no wheel and the install fails.'],
    ['onnxruntime==1.24.3\n', '3.10', '`onnxruntime==1.24.3` has no release for Python 3.10 (target Python from the settings): 1.24.x supports Python 3.11–3.14. pip finds no wheel and the install fails.'],
    ['onnxruntime-gpu==1.23.2\n', '3.14', '`onnxruntime-gpu==1.23.2` has no release for Python 3.14 (target Python from the settings): 1.21–1.23 supports Python 3.10–3.13. pip finds no wheel and the install fails.'],
    ['tensorflow==2.19.0\n', '3.13', '`tensorflow==2.19.0` has no release for Python 3.13 (target Python from the settings): 2.19.x supports Python 3.9–3.12. pip finds no wheel and the install fails.'],
    ['pandas>=2.3,<2.3.3\n', '3.14', '`pandas>=2.3,<2.3.3` has no release for Python 3.14 (target Python from the settings): 2.3.x before 2.3.3 supports Python 3.9–3.13. pip finds no wheel and the install fails.'],
  ])('flags %j on %s (pandas, tensorflow)', (text, python, message) => {
    expect(checkRule(id, { 'requirements.txt': text }, { python }).map((f) => f.message)).toEqual([message]);
  });

  it.each([
    ['tensorflow==2.20.0\n', '3.13'],
    ['onnxruntime==1.23.2\n', '3.10'],
    ['onnxruntime>=1.21\n', '3.10'],
    ['pandas==2.2.3\n', '3.13'],
    ['pandas==2.3.3\n', '3.14'],
    ['pandas==2.1.4\n', '3.12'], // 2.1.x is not in the data: never reported
    ['pandas>=2.0\n', '3.13'],
  ])('accepts %j on %s (pandas)', (text, python) => {
    expect(checkRule(id, { 'requirements.txt': text }, { python })).toEqual([]);
  });

  it.each([
    ['numpy==1.26.4\n', '3.12'],
    ['numpy>=1.24\n', '3.12'],
    ['numpy==1.24.3; python_version < "3.12"\n', '3.12'],
    ['numpy==2.3.0\n', '3.11'],
    ['numpy==1.24.3\n', '3.11'],
  ])('accepts %j on %s', (text, python) => {
    expect(checkRule(id, { 'requirements.txt': text }, { python })).toEqual([]);
  });

  it('says nothing without a target Python', () => {
    expect(checkRule(id, { 'requirements.txt': 'numpy==1.24.3\n' })).toEqual([]);
  });

  describe('packages beyond NumPy and torch', () => {
    it.each([
      ['scipy==1.10.1', '3.12', '`scipy==1.10.1` has no release for Python 3.12 (target Python from the settings): 1.10.x supports Python 3.8–3.11. pip finds no wheel and the install fails.'],
      ['scipy==1.11.4', '3.8', '`scipy==1.11.4` has no release for Python 3.8 (target Python from the settings): 1.11.x supports Python 3.9–3.12. pip finds no wheel and the install fails.'],
      ['numba==0.58.1', '3.12', '`numba==0.58.1` has no release for Python 3.12 (target Python from the settings): 0.58.x supports Python 3.8–3.11. pip finds no wheel and the install fails.'],
      ['numba==0.61.0', '3.9', '`numba==0.61.0` has no release for Python 3.9 (target Python from the settings): 0.61.x supports Python 3.10–3.13. pip finds no wheel and the install fails.'],
      ['tensorflow==2.15.0', '3.12', '`tensorflow==2.15.0` has no release for Python 3.12 (target Python from the settings): 2.15.x before 2.15.1 supports Python 3.9–3.11. pip finds no wheel and the install fails.'],
      // 2.11.1 dropped Python 3.7 without saying so (tensorflow#60176).
      ['tensorflow==2.11.1', '3.7', '`tensorflow==2.11.1` has no release for Python 3.7 (target Python from the settings): 2.11.x from 2.11.1 has no wheels older than Python 3.8. pip finds no wheel and the install fails.'],
      ['tensorflow==2.11.0', '3.11', '`tensorflow==2.11.0` has no release for Python 3.11 (target Python from the settings): 2.11.x before 2.11.1 supports Python 3.7–3.10. pip finds no wheel and the install fails.'],
      ['onnxruntime==1.16.3', '3.12', '`onnxruntime==1.16.3` has no release for Python 3.12 (target Python from the settings): 1.16.x has no wheels newer than Python 3.11. pip finds no wheel and the install fails.'],
      ['onnxruntime-gpu==1.20.1', '3.9', '`onnxruntime-gpu==1.20.1` has no release for Python 3.9 (target Python from the settings): 1.20.x supports Python 3.10–3.13. pip finds no wheel and the install fails.'],
      ['scikit-learn==1.4.2', '3.8', '`scikit-learn==1.4.2` has no release for Python 3.8 (target Python from the settings): 1.4.x supports Python 3.9–3.12. pip finds no wheel and the install fails.'],
    ])('flags %s on Python %s', (pin, python, message) => {
      expect(checkRule(id, { 'requirements.txt': `${pin}\n` }, { python }).map((f) => [f.text, f.message])).toEqual([[pin, message]]);
    });

    it.each([
      ['scipy==1.11.4', '3.12'],
      ['numba==0.59.1', '3.12'],
      ['numba==0.60.0', '3.9'],
      ['tensorflow==2.16.1', '3.12'],
      ['tensorflow==2.12.0', '3.8'],
      ['tensorflow==2.11.0', '3.7'],
      // Newest Python not verified for these: not judged on it.
      ['tensorflow==2.11.1', '3.11'],
      ['tensorflow==2.15.1', '3.12'],
      ['onnxruntime==1.17.3', '3.12'],
      ['onnxruntime==1.16.3', '3.7'],
      ['onnxruntime==1.19.2', '3.8'],
      ['scikit-learn==1.3.2', '3.12'],
      // Past the releases the knowledge base knows: never guessed.
      ['tensorflow==2.21.0', '3.13'],
      ['numba==0.63.0', '3.14'],
      ['onnxruntime>=1.16', '3.12'],
      // opencv-python wheels are abi3 and install on any later CPython.
      ['opencv-python==4.8.1.78', '3.13'],
    ])('accepts %s on Python %s', (pin, python) => {
      expect(checkRule(id, { 'requirements.txt': `${pin}\n` }, { python })).toEqual([]);
    });
  });

  describe('target Python from trove classifiers', () => {
    const pyproject = (extra: string) =>
      `[project]\nname = "app"\n${extra}classifiers = [\n  "Programming Language :: Python :: 3",\n  "Programming Language :: Python :: 3.13",\n  "Programming Language :: Python :: 3.12",\n]\ndependencies = ["scipy==1.10.1"]\n`;

    it('reads the lowest listed Python when nothing else says', () => {
      const findings = checkRule(id, { 'pyproject.toml': pyproject('') }, { python: '3.10' });
      expect(findings.map((f) => f.message)).toEqual([
        '`scipy==1.10.1` has no release for Python 3.12 (target Python from pyproject.toml): 1.10.x supports Python 3.8–3.11. pip finds no wheel and the install fails.',
      ]);
      expect(findings[0]!.related).toEqual([{ file: 'pyproject.toml', text: 'Programming Language :: Python :: 3.12' }]);
    });

    it('lets requires-python win over classifiers', () => {
      expect(checkRule(id, { 'pyproject.toml': pyproject('requires-python = ">=3.10"\n') })).toEqual([]);
    });
  });
});

