import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings, hoverAt } from '../../server/src/engine';
import { kb } from '../support/analyze';

function hover(text: string, at: string) {
  const { project } = analyze({ files: [{ path: 'requirements.txt', text }], settings: defaultSettings({ select: ['torch-family-mismatch'] }), kb });
  return hoverAt(project, kb, 'requirements.txt', text.indexOf(at));
}

describe('torch hover', () => {
  it('shows the release row, variants, index and sources', () => {
    const result = hover('torch==2.3.1+rocm5.7\n', '2.3.1');
    expect(result?.markdown).toContain('**PyTorch 2.3.1** release');
    expect(result?.markdown).toContain('| 2.3.1 | 0.18.1 | 2.3.1 | 3.8–3.12 (3.12 experimental) |');
    expect(result?.markdown).toContain('`+rocm5.7`');
    expect(result?.markdown).toContain('--index-url https://download.pytorch.org/whl/rocm5.7');
    expect(result?.markdown).toContain('https://github.com/pytorch/pytorch.github.io/blob/e3f009bbc0d7509ed5c85b633313ec72aa2d1a40/_get_started/previous-versions.md#v231');
  });

  it('finds the row from torchvision and says nothing for other packages', () => {
    expect(hover('torchvision>=0.17,<0.18\n', 'torchvision')?.markdown).toContain('**PyTorch 2.2.2** release (newest of 3 matching');
    expect(hover('requests==2.31.0\n', 'requests')).toBeNull();
  });

  it('shows the date the knowledge is current to', () => {
    expect(hover('torch==2.3.1\n', '2.3.1')?.markdown).toContain("Pinwise's PyTorch knowledge is current to 2026-11-30 (newest torch 2.14.1).");
  });

  it('shows the 2.14.1 row with torchaudio from its stable-ABI line', () => {
    const markdown = hover('torch==2.14.1+rocm7.14\n', '2.14.1')?.markdown;
    expect(markdown).toContain('| 2.14.1 | 0.29.1 | 2.11.1 (any torch `>=2.11`) | 3.10–3.15 |');
    expect(markdown).toContain('--index-url https://download.pytorch.org/whl/rocm7.14');
  });

  it('explains a torchaudio built against the stable ABI, and a release beyond the data', () => {
    const audio = hover('torchaudio==2.11.0\n', 'torchaudio')?.markdown;
    expect(audio).toContain("**torchaudio 2.11.0**: built against PyTorch's stable ABI");
    expect(audio).toContain('Installs with every torch `>=2.11`');
    const newer = hover('torch==2.15.0\n', 'torch')?.markdown;
    expect(newer).toContain("**torch 2.15.0** is newer than Pinwise's knowledge: not checked.");
    expect(newer).toContain('current to 2026-11-30');
  });
});
