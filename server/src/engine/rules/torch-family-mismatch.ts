import { plannedRule } from './define';

export const torchFamilyMismatch = plannedRule({
  id: 'torch-family-mismatch',
  defaultLevel: 'error',
  summary: 'torch / torchvision / torchaudio pins that cannot come from one PyTorch release.',
  fixable: true,
  docs: `## What it does
Checks the torch, torchvision and torchaudio specifiers of one environment against PyTorch's release rows and reports pins that no single row satisfies.

## Why it matters
Each torchvision and torchaudio release is built against exactly one torch release. pip happily installs a mismatched trio, which then fails at import (\`undefined symbol\`, \`operator torchvision::nms does not exist\`) or downgrades torch behind your back.

## Example
\`\`\`text
torch==2.3.1+rocm5.7
torchvision==0.17.0+rocm5.7   # 0.17.x belongs to torch 2.2.x; torch 2.3.1 needs 0.18.1
\`\`\`

## Fix
Change the stray pin to the version of the same release row.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
