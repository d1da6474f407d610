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
    expect(result?.markdown).toContain('https://pytorch.org/get-started/previous-versions/#v231');
  });

  it('finds the row from torchvision and says nothing for other packages', () => {
    expect(hover('torchvision>=0.17,<0.18\n', 'torchvision')?.markdown).toContain('**PyTorch 2.2.2** release (newest of 3 matching');
    expect(hover('requests==2.31.0\n', 'requests')).toBeNull();
  });
});
