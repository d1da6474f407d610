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
});
