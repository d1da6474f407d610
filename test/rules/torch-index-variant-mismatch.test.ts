import { describe, expect, it } from 'vitest';
import { checkRule, fixFiles } from '../support/analyze';

const rule = 'index-variant-mismatch';

describe(rule, () => {
  it('accepts the seed story and the legacy torch_stable.html page', () => {
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm5.7\ntorch==2.3.1+rocm5.7\ntorchvision==0.18.1+rocm5.7\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': '-f https://download.pytorch.org/whl/torch_stable.html\ntorch==1.13.1+cu117\n' })).toEqual([]);
  });

  it('flags a tag the index does not serve, with both fixes', () => {
    const files = { 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1+cu118  # gpu\n' };
    const findings = checkRule(rule, files);
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      ['cu118', 'torch==2.3.1+cu118 is a `cu118` wheel, but the PyTorch index in effect serves `cu121`: pip will not find it there.'],
    ]);
    expect(findings[0]!.related.map((r) => r.text)).toEqual(['https://download.pytorch.org/whl/cu121']);
    expect(findings[0]!.fixes.map((f) => [f.title, f.safe])).toEqual([
      ['Change the local tag to +cu121', true],
      ['Change the index URL to https://download.pytorch.org/whl/cu118', false],
    ]);
    expect(fixFiles(files)['requirements.txt']).toBe('--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1+cu121  # gpu\n');
  });

  it('flags a tagged pin with no PyTorch index at all', () => {
    const findings = checkRule(rule, { 'requirements.txt': 'torch==2.3.1+cu118\n' });
    expect(findings.map((f) => f.message)).toEqual([
      'torch==2.3.1+cu118 has a local tag but no PyTorch index is in effect: PyPI has no `+cu118` wheels, so pip cannot find it. Add `--extra-index-url https://download.pytorch.org/whl/cu118`.',
    ]);
    expect(findings[0]!.fixes[0]).toMatchObject({ safe: false, edits: [{ text: '--extra-index-url https://download.pytorch.org/whl/cu118\n' }] });
  });

  it('sees the index of an included file', () => {
    expect(checkRule(rule, { 'requirements.txt': '-r index.txt\ntorch==2.3.1+rocm5.7\n', 'index.txt': '--index-url https://download.pytorch.org/whl/rocm5.7\n' })).toEqual([]);
  });

  it('flags an untagged pin whose only index never got that release', () => {
    const findings = checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/cu126\ntorch==2.5.0\n' });
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      ['==2.5.0', 'torch==2.5.0 is not on the PyTorch `cu126` index in effect: torch 2.5.0 was published for cpu, cu118, cu121, cu124, rocm6.1, rocm6.2 only.'],
    ]);
  });
});
