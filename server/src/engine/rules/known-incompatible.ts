import { plannedRule } from './define';

export const knownIncompatible = plannedRule({
  id: 'known-incompatible',
  defaultLevel: 'error',
  summary: 'A curated pair that installs but breaks at import or run time (e.g. basicsr 1.4.2 with torchvision >= 0.17).',
  fixable: false,
  docs: `## What it does
Reports curated combinations that resolve and install but break at import or run time, each with its upstream source.

## Why it matters
Nothing in the package metadata forbids these combinations, so only a curated list can catch them before run time.

## Example
\`\`\`text
basicsr==1.4.2
torchvision>=0.17   # basicsr imports torchvision.transforms.functional_tensor, removed in 0.17
\`\`\`

## Fix
Pin the other package below the breaking version, or upgrade to a fixed release.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
