import { defineRule } from './define';
import type { UnresolvedInclude } from '../project';

function describe(unresolved: UnresolvedInclude): string {
  const what = unresolved.include.kind === 'constraint' ? 'Constraints file' : 'Requirements file';
  switch (unresolved.reason) {
    case 'missing':
      return `${what} '${unresolved.include.target}' not found (looked for ${unresolved.detail}); its pins are not checked.`;
    case 'unreadable':
      return `${what} '${unresolved.include.target}' cannot be read: ${unresolved.detail}`;
    case 'remote':
      return `${what} '${unresolved.include.target}' is remote; Pinwise never fetches URLs, so its pins are not checked.`;
    case 'variable':
      return `${what} '${unresolved.include.target}' depends on an environment variable; its pins are not checked.`;
    case 'cycle':
      return `${what} '${unresolved.include.target}' closes an include cycle (${unresolved.detail}); pip would recurse forever.`;
  }
}

export const unresolvedInclude = defineRule(
  {
    id: 'unresolved-include',
    defaultLevel: 'warning',
    summary: 'A -r/-c target that is missing, unreadable, remote (never fetched), or part of a cycle.',
    fixable: false,
    status: 'active',
    docs: `## What it does
Follows every \`-r\`/\`--requirement\` and \`-c\`/\`--constraint\` relative to the file that names it, as
pip does, and reports targets that are missing, unreadable, remote, built from an environment
variable, or that close an include cycle.

## Why it matters
A missing include makes \`pip install -r\` fail outright; a remote one is fetched at install time and
may change under you; a cycle makes pip recurse until it fails. The pins inside such files cannot be
checked against the rest of the project.

## Example
\`\`\`text
-r base.txt            # base.txt does not exist beside this file
-c https://example.com/constraints.txt
\`\`\`

## Fix
Point the include at an existing file relative to the including file, or vendor the remote file.
`,
  },
  (context) => {
    for (const unresolved of context.project.unresolvedIncludes) {
      context.report({ file: unresolved.include.file, span: unresolved.include.targetSpan, message: describe(unresolved) });
    }
  },
);
