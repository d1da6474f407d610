import { describe, expect, it } from 'vitest';
import { checkRule } from '../support/analyze';

const id = 'requirement-conflict';

describe('requirement-conflict', () => {
  it('flags numpy==1.24.3 with tensorflow==2.12.0', () => {
    const findings = checkRule(id, { 'requirements.txt': 'numpy==1.24.3\ntensorflow==2.12.0\n' });
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      [
        'numpy==1.24.3',
        '`numpy==1.24.3` conflicts with `tensorflow==2.12.0`, which requires `numpy>=1.22,<1.24`; pip cannot install both and stops with ResolutionImpossible.',
      ],
    ]);
    expect(findings[0]!.related).toEqual([{ file: 'requirements.txt', text: 'tensorflow==2.12.0' }]);
  });

  it('names the declared marker', () => {
    const findings = checkRule(id, { 'requirements.txt': 'torch==2.0.1\ntriton==2.1.0\n' });
    expect(findings.map((f) => f.message)).toEqual([
      '`triton==2.1.0` conflicts with `torch==2.0.1`, which requires `triton==2.0.0` (where platform_system == "Linux" and platform_machine == "x86_64"); pip cannot install both and stops with ResolutionImpossible.',
    ]);
  });

  it.each([
    ['numpy==1.24.3\ntensorflow==2.13.0\n'],
    ['numpy==1.23.5\ntensorflow==2.12.0\n'],
    ['numpy>=1.23\ntensorflow==2.12.0\n'],
    ['numpy==1.24.3\ntensorflow>=2.12\n'],
    ['torch==2.0.1\ntriton==2.1.0; sys_platform == "win32"\n'],
    ['numpy==1.24.3; python_version >= "3.12"\ntensorflow==2.12.0; python_version < "3.12"\n'],
  ])('accepts %j', (text) => {
    expect(checkRule(id, { 'requirements.txt': text })).toEqual([]);
  });
});
