import { describe, expect, it } from 'vitest';
import { checkRule, fixPins } from '../support/analyze';

const rule = 'unknown-wheel-variant';

describe(rule, () => {
  it('accepts published variants', () => {
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm5.7\ntorch==2.3.1+rocm5.7\ntorchvision==0.18.1+rocm5.7\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.6.0+rocm6.2.4\ntorch==2.4.0+xpu\n' })).toEqual([]);
  });

  it('flags +rocm5.7.1 and replaces it with rocm5.7, in the tag and in the index URL', () => {
    const files = { 'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm5.7.1\ntorch==2.3.1+rocm5.7.1 ; sys_platform == "linux"\n' };
    const findings = checkRule(rule, files);
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      ['rocm5.7.1', 'PyTorch has no `rocm5.7.1` wheel index: `https://download.pytorch.org/whl/rocm5.7.1` does not exist; the nearest published variant is `rocm5.7`.'],
      ['rocm5.7.1', 'torch 2.3.1 was never published as `+rocm5.7.1`; its wheels are +cpu, +cu118, +cu121, +rocm5.7, +rocm6.0 (torch 2.3.1).'],
    ]);
    expect(fixPins(files)['requirements.txt']).toBe('--index-url https://download.pytorch.org/whl/rocm5.7\ntorch==2.3.1+rocm5.7 ; sys_platform == "linux"\n');
  });

  it('flags 2.3.1+rocm6.2 and 2.5.0+cu126, offering the nearest variant without applying it', () => {
    const files = { 'a/requirements.txt': 'torch==2.3.1+rocm6.2\n', 'b/requirements.txt': 'torch==2.5.0+cu126\n' };
    const findings = checkRule(rule, files);
    expect(findings.map((f) => [f.text, f.fixes.map((x) => [x.title, x.applicability])])).toEqual([
      ['rocm6.2', [['Use +rocm6.0', 'manual']]],
      ['cu126', [['Use +cu124', 'manual']]],
    ]);
    expect(fixPins(files)).toEqual(files);
  });

  it('knows torchvision and torchaudio rows', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torchvision==0.20.0+cu126\n' }).map((f) => f.message)).toEqual([
      'torchvision 0.20.0 was never published as `+cu126`; its wheels are +cpu, +cu118, +cu121, +cu124, +rocm6.1, +rocm6.2, +xpu (torch 2.5.0).',
    ]);
  });

  it('accepts the variants of 2.9.x, 2.10 and newer that PyTorch published, and their indexes', () => {
    const published = [
      'torch==2.9.0+cu129',
      'torch==2.9.1+cu129',
      'torch==2.9.1+rocm6.3',
      'torchvision==0.24.1+rocm6.3',
      'torch==2.10.0+cu129',
      'torch==2.10.0+rocm7.0',
      'torch==2.11.0+rocm7.2',
      'torch==2.11.0+cu129',
      'torchaudio==2.11.0+cu129',
      'torch==2.13.0+cu129',
      'torch==2.12.0+cu132',
      'torch==2.13.0+rocm7.1',
      'torch==2.14.1+rocm7.14',
      'torchvision==0.29.1+cu132',
    ];
    for (const pin of published) expect(checkRule(rule, { 'requirements.txt': `${pin}\n` }), pin).toEqual([]);
    for (const variant of ['rocm7.0', 'rocm7.1', 'rocm7.2', 'rocm7.14', 'cu129', 'cu130', 'cu132', 'xpu']) {
      expect(checkRule(rule, { 'requirements.txt': `--extra-index-url https://download.pytorch.org/whl/${variant}\n` }), variant).toEqual([]);
    }
  });

  it('flags variants a new release dropped', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.12.0+cu128\ntorch==2.14.0+rocm7.1\ntorch==2.14.0+cu129\n' }).map((f) => f.message)).toEqual([
      'torch 2.12.0 was never published as `+cu128`; its wheels are +cpu, +cu126, +cu130, +cu132, +rocm7.1, +rocm7.2, +xpu (torch 2.12.0).',
      'torch 2.14.0 was never published as `+rocm7.1`; its wheels are +cpu, +cu126, +cu130, +cu132, +rocm7.2, +rocm7.14, +xpu (torch 2.14.0).',
      'torch 2.14.0 was never published as `+cu129`; its wheels are +cpu, +cu126, +cu130, +cu132, +rocm7.2, +rocm7.14, +xpu (torch 2.14.0).',
    ]);
  });

  it('knows the +cu129 builds 2.12.1 brought back and that 2.14 never shipped +cu134', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.12.1+cu129\ntorch==2.11.0+cu129\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.12.0+cu129\ntorch==2.14.1+cu134\n' }).map((f) => f.text)).toEqual(['cu129', 'cu134']);
  });

  it('judges +xpu: listed per release from 2.5.0 on, checked against the index list before', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.13.0+xpu\ntorchvision==0.28.0+xpu\ntorch==2.8.0+xpu\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torchaudio==2.11.0+xpu\ntorch==2.14.1+xpu\ntorch==2.5.0+xpu\n' })).toEqual([]);
  });

  it('judges nightly index directories too', () => {
    expect(checkRule(rule, { 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/nightly/cu134\n--extra-index-url https://download.pytorch.org/whl/nightly/rocm7.2\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/nightly/cu133\n' }).map((f) => f.message)).toEqual([
      'PyTorch has no nightly `cu133` wheel index: `https://download.pytorch.org/whl/nightly/cu133` does not exist; the nearest published variant is `cu132`.',
    ]);
    // A nightly-only directory is not a stable one.
    expect(checkRule(rule, { 'requirements.txt': '--index-url https://download.pytorch.org/whl/cu134\n' }).map((f) => f.text)).toEqual(['cu134']);
  });
});
