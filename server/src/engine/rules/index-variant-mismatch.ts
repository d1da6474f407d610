import { plannedRule } from './define';

export const indexVariantMismatch = plannedRule({
  id: 'index-variant-mismatch',
  defaultLevel: 'error',
  summary: 'A local tag whose variant disagrees with the PyTorch index in effect, or a local-tag pin with no PyTorch index at all.',
  fixable: true,
  docs: `## What it does
Compares each local-tag pin with the PyTorch wheel indexes in effect (\`--index-url\`, \`--extra-index-url\`, includes, install scripts, uv indexes).

## Why it matters
pip can only find \`torch==2.1.2+cu118\` on the \`cu118\` index; with a \`cu121\` index, or with PyPI alone, the install fails with 'No matching distribution'.

## Example
\`\`\`text
--index-url https://download.pytorch.org/whl/cu121
torch==2.1.2+cu118
\`\`\`

## Fix
Point the index at the pinned variant, or pin the variant the index serves.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
