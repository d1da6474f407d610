import { plannedRule } from './define';

export const unknownWheelVariant = plannedRule({
  id: 'unknown-wheel-variant',
  defaultLevel: 'error',
  summary: 'A version + variant, or an index URL, that PyTorch never published (+rocm5.7.1, 2.3.1+rocm6.2).',
  fixable: true,
  docs: `## What it does
Checks each torch-family local tag and each download.pytorch.org index URL against the wheel variants PyTorch published for that release.

## Why it matters
A variant that was never published cannot be installed; the error pip gives ('No matching distribution found') does not say why.

## Example
\`\`\`text
torch==2.5.0+cu126        # cu126 wheels start with torch 2.6.0
torch==2.3.1+rocm5.7.1    # ROCm 5.7 tags have two parts: +rocm5.7
\`\`\`

## Fix
Pick a variant published for that release; the message lists them.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
