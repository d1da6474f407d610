import { plannedRule } from './define';

export const inconsistentPins = plannedRule({
  id: 'inconsistent-pins',
  defaultLevel: 'warning',
  summary: 'One package pinned differently across the files of one project (requirements, pyproject, install scripts).',
  fixable: true,
  docs: `## What it does
Compares the pins of each package across every dependency file of the project.

## Why it matters
Which version you get depends on which file was installed last; CI, Docker and developer machines drift apart.

## Example
\`\`\`text
# requirements.txt
torch==2.3.1
# server-setup.sh
pip install torch==2.2.2
\`\`\`

## Fix
Align the stray pin with the chosen one.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
