import { plannedRule } from './define';

export const requirementConflict = plannedRule({
  id: 'requirement-conflict',
  defaultLevel: 'error',
  summary: 'Pins that violate what another pinned package declares it needs (its Requires-Dist).',
  fixable: false,
  docs: `## What it does
Checks pins against the declared requirements (Requires-Dist) of the other pinned packages, for the packages ML stacks pin.

## Why it matters
The resolver must refuse such a set; with \`--no-deps\` or in separate installs it installs a broken stack.

## Example
\`\`\`text
tensorflow==2.12.0
numpy==1.24.3     # tensorflow 2.12.0 requires numpy<1.24
\`\`\`

## Fix
Change one of the pins to a version the other accepts.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
