// A rule that throws must cost only its own findings: analyze() records an internal error for
// that rule and every other rule still reports. The knowledge base is the engine's input, so a
// corrupted document (one the host's schema check would have refused) is how a rule is made to throw.
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings } from '../../server/src/engine';
import { grammars, kb } from '../support/analyze';

const files = [
  { path: 'requirements.txt', text: 'torch==2.3.1\ntorchvision==0.17.0\ntorch=2.1\n' },
];

describe('a failing rule', () => {
  it('becomes an internal error for that rule while the others still report', () => {
    const healthy = analyze({ files, settings: defaultSettings(), kb, grammars });
    expect(healthy.internalErrors).toEqual([]);
    expect(healthy.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['syntax-error', 'torch-family-mismatch']));

    // `releases` must be an array of rows; a getter that throws stands for any bug in a rule.
    const brokenTorch = {
      ...(kb.documents['torch'] as object),
      get releases(): never {
        throw new Error('corrupted torch document');
      },
    };
    const broken = { ...kb, documents: { ...kb.documents, torch: brokenTorch } };
    const result = analyze({ files, settings: defaultSettings(), kb: broken, grammars });

    expect(result.internalErrors.length).toBeGreaterThan(0);
    for (const failure of result.internalErrors) expect(failure.message).toContain('corrupted torch document');
    expect(result.internalErrors.map((e) => e.ruleId)).toContain('torch-family-mismatch');
    expect(result.findings.some((f) => f.ruleId === 'torch-family-mismatch')).toBe(false);
    expect(result.findings.filter((f) => f.ruleId === 'syntax-error')).toEqual(healthy.findings.filter((f) => f.ruleId === 'syntax-error'));
  });
});
