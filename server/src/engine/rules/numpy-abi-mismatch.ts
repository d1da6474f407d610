import { plannedRule } from './define';

export const numpyAbiMismatch = plannedRule({
  id: 'numpy-abi-mismatch',
  defaultLevel: 'error',
  summary: 'A NumPy pin on the wrong side of the 1.x / 2.x ABI line for a pinned package built against the other.',
  fixable: true,
  docs: `## What it does
Compares the NumPy range an environment allows with the NumPy ABI each pinned compiled package was built for.

## Why it matters
Extensions compiled against NumPy 1.x fail to import under NumPy 2 ('A module that was compiled using NumPy 1.x cannot be run in NumPy 2.x'). An open \`numpy>=1.24\` lets pip pick NumPy 2.

## Example
\`\`\`text
torch==2.2.0
numpy>=1.24.0    # allows NumPy 2, which torch 2.2 was not built for
\`\`\`

## Fix
Cap NumPy below 2, or raise the other package to its first NumPy 2 build.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
