import { plannedRule } from './define';

export const pythonVersionUnsupported = plannedRule({
  id: 'python-version-unsupported',
  defaultLevel: 'error',
  summary: 'A pin with no release for the project\'s Python (numpy==1.24.3 on 3.12).',
  fixable: false,
  docs: `## What it does
Checks each pinned version against the Python versions it published wheels for, using the project's target Python (\`requires-python\`, \`.python-version\`, \`--python\`, or the editor setting).

## Why it matters
Without a wheel pip falls back to building from source, which for NumPy, torch or onnxruntime fails or takes an hour.

## Example
\`\`\`text
# .python-version: 3.12
numpy==1.24.3     # NumPy 1.24 supports Python 3.8-3.11
\`\`\`

## Fix
Raise the pin to a release that supports the target Python.

## Status
Planned: this rule is registered and documented; its checks arrive in a later release and it reports nothing yet.
`,
});
