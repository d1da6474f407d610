// The release lines added for issue 13 (NumPy 2.4 / 2.5, SciPy 1.16 / 1.17, Numba 0.63,
// scikit-learn 1.5-1.7, TensorFlow 2.21), judged through python-version-unsupported.
import { describe, expect, it } from 'vitest';
import { checkRule } from '../support/analyze';

const id = 'python-version-unsupported';
const judge = (text: string, python: string) => checkRule(id, { 'requirements.txt': text }, { python }).map((f) => f.message);

describe('python-support lines through 2026', () => {
  it.each([
    ['numpy==2.5.0\n', '3.11', '2.5.x before 2.5.2 supports Python 3.12–3.14'],
    ['numpy==2.4.6\n', '3.10', '2.4.x before 2.4.7 supports Python 3.11–3.14'],
    ['numpy==2.4.1\n', '3.15', '2.4.x before 2.4.7 supports Python 3.11–3.14'],
    ['scipy==1.16.0\n', '3.14', '1.16.x before 1.16.1 supports Python 3.11–3.13'],
    ['scipy==1.17.0\n', '3.10', '1.17.x supports Python 3.11–3.14'],
    ['numba==0.63.1\n', '3.9', '0.63.x supports Python 3.10–3.14'],
    ['scikit-learn==1.7.0\n', '3.9', '1.7.x before 1.7.1 supports Python 3.10–3.13'],
    // TensorFlow 2.21 dropped Python 3.9; its newest Python is not known, so only the lower bound is judged.
    ['tensorflow==2.21.0\n', '3.9', '2.21.x has no wheels older than Python 3.10'],
  ])('flags %j on Python %s', (text, python, range) => {
    const messages = judge(text, python);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(range);
  });

  it.each([
    ['numpy==2.5.1\n', '3.14'],
    ['numpy==2.4.0\n', '3.11'],
    ['scipy==1.16.1\n', '3.14'],
    ['numba==0.63.0\n', '3.14'],
    ['scikit-learn==1.6.0\n', '3.13'],
    // Lines not verified are not judged: NumPy 2.5.2+, SciPy 1.18, Numba 0.64, scikit-learn 1.7.1.
    ['numpy==2.5.3\n', '3.15'],
    ['scipy==1.18.1\n', '3.15'],
    ['numba==0.64.0\n', '3.15'],
    ['scikit-learn==1.7.2\n', '3.14'],
    ['tensorflow==2.21.0\n', '3.10'],
    ['tensorflow==2.21.0\n', '3.15'],
    ['tensorflow==2.22.0\n', '3.9'],
  ])('accepts %j on Python %s', (text, python) => {
    expect(judge(text, python)).toEqual([]);
  });
});
