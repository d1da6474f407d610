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

  it.each([['basicsr==1.4.2\ntorchvision==0.16.2\n'], ['basicsr==1.4.2\ntorchvision<0.17\n'], ['basicsr==1.4.2\n'], ['torchvision==0.17.0\n']])('accepts %j', (text) => {
    expect(checkRule(id, { 'requirements.txt': text })).toEqual([]);
  });
});
