import { plannedRule } from './define';

export const deprecatedApi = plannedRule({
  id: 'deprecated-api',
  defaultLevel: 'warning',
  summary: 'A .py use of an API deprecated in (warning) or removed from (error) the version the project pins.',
  fixable: true,
  docs: `## What it does
Flags uses in \`.py\` files of APIs that the pinned version of a library deprecated (warning) or removed (error); unpinned means the newest known version.

## Why it matters
Removed APIs fail at run time (\`AttributeError: module 'numpy' has no attribute 'float'\`); deprecated ones will with the next upgrade.

## Example
\`\`\`text
import numpy as np
x = np.float(3)   # removed in NumPy 1.24
\`\`\`

## Fix
Use the replacement the message names; the fix is safe only when the replacement exists in every version the project allows.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
