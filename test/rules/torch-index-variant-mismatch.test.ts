import { describe, expect, it } from 'vitest';
import { checkRule, fixPins } from '../support/analyze';

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
    expect(findings[0]!.fixes.map((f) => [f.title, f.applicability])).toEqual([
      ['Change the local tag to +cu121', 'changes-installed'],
      ['Change the index URL to https://download.pytorch.org/whl/cu118', 'manual'],
    ]);
    expect(fixPins(files)['requirements.txt']).toBe('--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1+cu121  # gpu\n');
  });

  it('flags a tagged pin with no PyTorch index at all', () => {
    const findings = checkRule(rule, { 'requirements.txt': 'torch==2.3.1+cu118\n' });
    expect(findings.map((f) => f.message)).toEqual([
      'torch==2.3.1+cu118 has a local tag but no PyTorch index is in effect: PyPI has no `+cu118` wheels, so pip cannot find it. Add `--extra-index-url https://download.pytorch.org/whl/cu118`.',
    ]);
    expect(findings[0]!.fixes[0]).toMatchObject({ applicability: 'manual', edits: [{ text: '--extra-index-url https://download.pytorch.org/whl/cu118\n' }] });
  });

  it('sees the index of an included file', () => {
    expect(checkRule(rule, { 'requirements.txt': '-r index.txt\ntorch==2.3.1+rocm5.7\n', 'index.txt': '--index-url https://download.pytorch.org/whl/rocm5.7\n' })).toEqual([]);
  });

  it('flags an untagged pin whose only index never got that release', () => {
    const findings = checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/cu126\ntorch==2.5.0\n' });
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      ['==2.5.0', 'torch==2.5.0 is not on the PyTorch `cu126` index in effect: torch 2.5.0 was published for cpu, cu118, cu121, cu124, rocm6.1, rocm6.2, xpu only.'],
    ]);
  });

  describe('nightly indexes', () => {
    it('accept a development build of their variant', () => {
      const files = { 'requirements.txt': '--pre\n--index-url https://download.pytorch.org/whl/nightly/cu124\ntorch==2.6.0.dev20241001+cu124\n' };
      expect(checkRule(rule, files)).toEqual([]);
    });

    it('keep /nightly/ when the fix moves the index to the tag', () => {
      const files = { 'requirements.txt': '--index-url https://download.pytorch.org/whl/nightly/cu124\ntorch==2.6.0.dev20241001+cu121\n' };
      const findings = checkRule(rule, files);
      expect(findings.map((f) => f.text)).toEqual(['cu121']);
      const urlFix = findings[0]!.fixes.find((f) => f.title.startsWith('Change the index URL'))!;
      expect(urlFix.title).toBe('Change the index URL to https://download.pytorch.org/whl/nightly/cu121');
      const edit = urlFix.edits[0]!;
      const text = files['requirements.txt'];
      expect(text.slice(0, edit.span.start) + edit.text + text.slice(edit.span.end)).toBe(
        '--index-url https://download.pytorch.org/whl/nightly/cu121\ntorch==2.6.0.dev20241001+cu121\n',
      );
    });

    it('suggest the nightly index for a development build with no PyTorch index', () => {
      const findings = checkRule(rule, { 'requirements.txt': 'torch==2.6.0.dev20241001+cu124\n' });
      expect(findings.map((f) => f.message)).toEqual([
        'torch==2.6.0.dev20241001+cu124 has a local tag but no PyTorch index is in effect: PyPI has no `+cu124` wheels, so pip cannot find it. Add `--extra-index-url https://download.pytorch.org/whl/nightly/cu124` (a development build is served by the nightly index only).',
      ]);
      expect(findings[0]!.fixes.map((f) => f.title)).toEqual(['Add --extra-index-url https://download.pytorch.org/whl/nightly/cu124 to requirements.txt']);
    });
  });

  it('offers the index line only where pip syntax goes (not at the top of pyproject.toml)', () => {
    const pyproject = '[project]\nname = "x"\nversion = "0"\ndependencies = ["torch==2.3.1+cu118"]\n';
    const findings = checkRule(rule, { 'pyproject.toml': pyproject });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fixes).toEqual([]);
  });
});

describe(`${rule} in install scripts`, () => {
  it("judges each pip command by its own --index-url, not another command's", () => {
    const script = [
      '#!/bin/bash',
      'pip install torch==2.3.1+rocm5.7 --index-url https://download.pytorch.org/whl/rocm5.7',
      'pip install torchvision==0.18.1+rocm5.7',
      '',
    ].join('\n');
    const findings = checkRule(rule, { 'setup.sh': script });
    expect(findings.map((f) => [f.file, f.text])).toEqual([['setup.sh', 'rocm5.7']]);
    expect(findings[0]!.message).toContain('torchvision==0.18.1+rocm5.7 has a local tag but no PyTorch index is in effect');
  });

  it('judges +xpu pins: an XPU wheel needs the XPU index', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.9.1+xpu\n' }).map((f) => f.message)).toEqual([
      'torch==2.9.1+xpu has a local tag but no PyTorch index is in effect: PyPI has no `+xpu` wheels, so pip cannot find it. Add `--extra-index-url https://download.pytorch.org/whl/xpu`.',
    ]);
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/cu130\ntorch==2.13.0+xpu\n' }).map((f) => f.fixes.map((x) => [x.title, x.applicability]))).toEqual([
      [
        ['Change the local tag to +cu130', 'changes-installed'],
        ['Change the index URL to https://download.pytorch.org/whl/xpu', 'manual'],
      ],
    ]);
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/xpu\ntorch==2.13.0+xpu\n' })).toEqual([]);
    // XPU is listed per release from 2.5.0 on: an older row does not speak for the XPU index.
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/xpu\ntorch==2.4.0\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/xpu\ntorch==2.8.0\n' })).toEqual([]);
  });

  it('knows the ROCm 7 and CUDA 13 indexes of the 2026 releases', () => {
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm7.0\ntorch==2.10.0+rocm7.0\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm7.2\ntorch==2.12.0\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm7.14\ntorch==2.13.0\n' }).map((f) => f.message)).toEqual([
      'torch==2.13.0 is not on the PyTorch `rocm7.14` index in effect: torch 2.13.0 was published for cpu, cu126, cu129, cu130, cu132, rocm7.1, rocm7.2, xpu only.',
    ]);
  });
});
