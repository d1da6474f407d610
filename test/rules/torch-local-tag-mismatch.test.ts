import { describe, expect, it } from 'vitest';
import { checkRule, fixPins } from '../support/analyze';

const rule = 'local-tag-mismatch';

describe(rule, () => {
  it('flags +cu118 beside +cu121 when indexes serve both, aligning with torch', () => {
    const files = {
      'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/cu121\n--extra-index-url https://download.pytorch.org/whl/cu118\ntorchvision==0.18.1+cu118\r\ntorch==2.3.1+cu121\n',
    };
    const findings = checkRule(rule, files);
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      ['cu118', 'torchvision==0.18.1+cu118 is built for `cu118` but torch==2.3.1+cu121 is `cu121`: every torch-family wheel of one environment must come from the same variant.'],
    ]);
    expect(findings[0]!.related.map((r) => r.text)).toEqual(['cu121']);
    expect(fixPins(files, { select: [rule] })['requirements.txt']).toBe(files['requirements.txt'].replace('+cu118', '+cu121'));
  });

  it('leaves a tag the only PyTorch index does not serve to index-variant-mismatch (one finding, same fix)', () => {
    const files = { 'requirements.txt': '--index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1+cu121\ntorchvision==0.18.1+cu118\r\n' };
    expect(checkRule(rule, files)).toEqual([]);
    expect(checkRule('index-variant-mismatch', files).map((f) => f.text)).toEqual(['cu118']);
    expect(fixPins(files)['requirements.txt']).toBe('--index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1+cu121\ntorchvision==0.18.1+cu121\r\n');
  });

  it('flags +cpu beside +rocm6.0, following torch when no index decides', () => {
    const findings = checkRule(rule, { 'requirements.txt': 'torch==2.3.1+rocm6.0\ntorchaudio==2.3.1+cpu\n' });
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      ['cpu', 'torchaudio==2.3.1+cpu is built for `cpu` but torch==2.3.1+rocm6.0 is `rocm6.0`: every torch-family wheel of one environment must come from the same variant.'],
    ]);
  });

  it('accepts matching tags, untagged pins and exclusive markers', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.3.1+rocm5.7\ntorchvision==0.18.1+rocm5.7\ntorchaudio==2.3.1\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.3.1+cpu ; sys_platform == "darwin"\ntorch==2.3.1+cu121 ; sys_platform != "darwin"\n' })).toEqual([]);
  });

  it('sees tags across -r includes', () => {
    const findings = checkRule(rule, { 'requirements.txt': '-r gpu.txt\ntorchvision==0.18.1+cu118\n', 'gpu.txt': 'torch==2.3.1+cu121\n' });
    expect(findings.map((f) => [f.file, f.text])).toEqual([['requirements.txt', 'cu118']]);
  });
});

describe(`${rule} and phantom variants`, () => {
  it('leaves a tag PyTorch never published to unknown-wheel-variant', () => {
    const files = {
      'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm5.7\ntorch==2.3.1+rocm5.7\ntorchaudio==2.3.1+rocm5.7.1\n',
    };
    expect(checkRule(rule, files)).toEqual([]);
    expect(checkRule('unknown-wheel-variant', files).map((f) => f.text)).toEqual(['rocm5.7.1']);
  });

  it('compares +xpu tags like the others', () => {
    const files = { 'requirements.txt': 'torch==2.13.0+xpu\ntorchvision==0.28.0+cu130\n' };
    expect(checkRule(rule, files).map((f) => [f.text, f.fixes.map((x) => x.title)])).toEqual([['cu130', ['Change the local tag to +xpu']]]);
  });

  it('lets torchaudio 2.11.1 differ from torch in the CUDA minor only', () => {
    const pins = (audio: string) => ({ 'requirements.txt': `torch==2.13.0+cu132\ntorchaudio==${audio}\n` });
    expect(checkRule(rule, pins('2.11.1+cu130'))).toEqual([]);
    // 2.11.0 still required the exact CUDA build, and another major never loads.
    expect(checkRule(rule, pins('2.11.0+cu130')).map((f) => f.text)).toEqual(['cu130']);
    expect(checkRule(rule, pins('2.11.1+cu126')).map((f) => f.text)).toEqual(['cu126']);
  });
});
