import { plannedRule } from './define';

export const distributionConflict = plannedRule({
  id: 'distribution-conflict',
  defaultLevel: 'error',
  summary: 'Two distributions that install the same import package and can end up in one environment (onnxruntime + onnxruntime-gpu, opencv variants).',
  fixable: true,
  docs: `## What it does
Finds distributions that provide the same import package (\`onnxruntime\` and \`onnxruntime-gpu\`, the four opencv-python builds, tensorflow variants) installed into one environment. Mutually exclusive markers or separate extras are not a conflict.

## Why it matters
Both distributions write into the same directory; the one installed last wins file by file, leaving a broken mix (for example a CPU-only onnxruntime that ignores the GPU you paid for).

## Example
\`\`\`text
onnxruntime==1.17.1
onnxruntime-gpu==1.17.1
\`\`\`

## Fix
Keep one variant, or split them with complementary markers.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
