import { describe, expect, it } from 'vitest';
import { checkRule } from '../support/analyze';

const id = 'known-incompatible';
const reason =
  'basicsr imports torchvision.transforms.functional_tensor (in basicsr/data/degradations.py), which torchvision removed in 0.17, so `import basicsr` raises ModuleNotFoundError. Fix: pin torchvision below 0.17 (torch below 2.2), or patch the import to torchvision.transforms.functional.';

describe('known-incompatible', () => {
  it('flags basicsr 1.4.2 with torchvision 0.17', () => {
    const findings = checkRule(id, { 'requirements.txt': 'basicsr==1.4.2\ntorchvision==0.17.0\n' });
    expect(findings.map((f) => [f.text, f.message])).toEqual([['basicsr==1.4.2', `\`basicsr==1.4.2\` breaks with \`torchvision==0.17.0\`: ${reason}`]]);
  });

  it('treats an unpinned torchvision as the newest', () => {
    const findings = checkRule(id, { 'requirements.txt': 'basicsr>=1.4.2\ntorchvision\n' });
    expect(findings.map((f) => f.message)).toEqual([`\`basicsr>=1.4.2\` breaks with \`torchvision\` (unpinned: pip installs the newest): ${reason}`]);
  });

  const diffusers =
    'diffusers before 0.29 imports `cached_download` from huggingface_hub (in diffusers/utils/dynamic_modules_utils.py), which huggingface_hub removed in 0.26.0, so `import diffusers` raises ImportError. Fix: upgrade diffusers to 0.29.0 or later, or pin huggingface-hub below 0.26.';
  const gradio =
    'gradio 4.x imports `HfFolder` from huggingface_hub at the top of gradio/oauth.py, and huggingface_hub 1.0 removed HfFolder, so `import gradio` raises ImportError. Fix: pin huggingface-hub below 1.0.';

  it.each([
    ['diffusers==0.21.4\nhuggingface_hub==0.26.0\n', 'diffusers==0.21.4', `\`diffusers==0.21.4\` breaks with \`huggingface_hub==0.26.0\`: ${diffusers}`],
    ['diffusers<0.29\nhuggingface-hub\n', 'diffusers<0.29', `\`diffusers<0.29\` breaks with \`huggingface-hub\` (unpinned: pip installs the newest): ${diffusers}`],
    ['gradio==4.44.1\nhuggingface-hub>=0.19.3\n', 'gradio==4.44.1', `\`gradio==4.44.1\` breaks with \`huggingface-hub>=0.19.3\`: ${gradio}`],
    ['gradio>=4.43.0,<5\nhuggingface-hub\n', 'gradio>=4.43.0,<5', `\`gradio>=4.43.0,<5\` breaks with \`huggingface-hub\` (unpinned: pip installs the newest): ${gradio}`],
  ])('flags %j', (text, flagged, message) => {
    expect(checkRule(id, { 'requirements.txt': text }).map((f) => [f.text, f.message])).toEqual([[flagged, message]]);
  });

  it.each([
    ['diffusers==0.21.4\nhuggingface_hub==0.25.2\n'],
    ['diffusers==0.29.0\nhuggingface_hub==0.26.0\n'],
    ['diffusers>=0.27\nhuggingface_hub\n'],
    ['gradio==4.44.1\nhuggingface-hub<1.0\n'],
    ['gradio==5.9.1\nhuggingface-hub==1.0.0\n'],
    ['gradio==3.50.2\nhuggingface-hub==1.0.0\n'],
    // pip picks the newest gradio, past the affected 4.x line (HivisionIDPhotos' gradio>=4.43.0 resolves to 6.x)
    ['gradio>=4.43.0\nhuggingface-hub\n'],
    ['diffusers>=0.21\nhuggingface_hub\n'],
  ])('accepts %j', (text) => {
    expect(checkRule(id, { 'requirements.txt': text })).toEqual([]);
  });

  it('holds an unpinned torchvision to the torch pin beside it, as pip does', () => {
    // torch==2.1.2 admits only torchvision 0.16.2 (facefusion dd2193c, which leaves torchvision to basicsr's requirement)
    expect(checkRule(id, { 'requirements.txt': 'basicsr==1.4.2\ntorchvision\ntorch==2.1.2\n' })).toEqual([]);
    expect(checkRule(id, { 'requirements.txt': 'basicsr==1.4.2\ntorchvision>=0.15\ntorch<2.2\n' })).toEqual([]);
    expect(checkRule(id, { 'requirements.txt': 'basicsr==1.4.2\ntorchvision\ntorch==2.2.0\n' }).map((f) => f.message)).toEqual([
      `\`basicsr==1.4.2\` breaks with \`torchvision\` (with \`torch==2.2.0\`, pip installs torchvision 0.17.0): ${reason}`,
    ]);
    // an open torch range does not hold torchvision back
    expect(checkRule(id, { 'requirements.txt': 'basicsr==1.4.2\ntorchvision\ntorch>=2.1\n' })).toHaveLength(1);
  });

  it.each([['basicsr==1.4.2\ntorchvision==0.16.2\n'], ['basicsr==1.4.2\ntorchvision<0.17\n'], ['basicsr==1.4.2\n'], ['torchvision==0.17.0\n']])('accepts %j', (text) => {
    expect(checkRule(id, { 'requirements.txt': text })).toEqual([]);
  });
});
