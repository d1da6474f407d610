import { plannedRule } from './define';

export const localTagMismatch = plannedRule({
  id: 'local-tag-mismatch',
  defaultLevel: 'error',
  summary: 'torch-family local tags that differ (+cu118 beside +cu121, +cpu beside +rocm6.0).',
  fixable: true,
  docs: `## What it does
Compares the local version tags (\`+cu121\`, \`+rocm6.0\`, \`+cpu\`) of torch, torchvision and torchaudio pins that install together.

## Why it matters
Wheels built for different CUDA or ROCm versions load different runtime libraries; mixing them fails at import or at the first GPU call.

## Example
\`\`\`text
torch==2.1.2+cu118
torchvision==0.16.2+cu121
\`\`\`

## Fix
Use one variant for the whole family.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
