// Tree-sitter reads node text through the same callback as the parse. The parse budget must not
// apply to those reads: it once did, and on files of a few thousand lines the names read late
// came back empty, so findings near the end of a file silently disappeared.
import { describe, expect, it } from 'vitest';
import { checkRule } from '../support/analyze';

const filler = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i)).join('\n');

describe('names are read in full wherever they are in a long file', () => {
  it('.py: a removed NumPy alias after 3,000 lines of NumPy calls', () => {
    const code = `import numpy as np\n${filler(3000, (i) => `a${i} = np.zeros(${i}) + np.ones(${i})`)}\nb = np.float_(1)\n`;
    const findings = checkRule('deprecated-api', { 'app.py': code, 'requirements.txt': 'numpy==2.0.0\n' });
    expect(findings.map((f) => f.text)).toEqual(['np.float_']);
    expect(findings[0]!.message).toContain('removed in NumPy 2.0');
  });

  it('shell: the last pip install of a 3,000-line script', () => {
    const script = `#!/bin/bash\n${filler(3000, (i) => `echo "step ${i}" && mkdir -p "dir${i}"`)}\npip install torch==2.3.1 torchvision==0.17.0\n`;
    const findings = checkRule('torch-family-mismatch', { 'setup.sh': script });
    expect(findings.map((f) => f.text)).toEqual(['==0.17.0']);
  });
});
