import { defineRule } from './define';
import { joinPath, type UnresolvedInclude } from '../project';

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
    case 'outside':
      return `${what} '${unresolved.include.target}' is outside the project; Pinwise reads nothing outside it, so its pins are not checked.`;
    case 'budget':
      return `${what} '${unresolved.include.target}' is ${unresolved.detail}; its pins are not checked.`;
    case 'cycle':
      return `${what} '${unresolved.include.target}' closes an include cycle (${unresolved.detail}); pip would recurse forever.`;
  }
}

export const unresolvedInclude = defineRule(
  {
    id: 'unresolved-include',
    defaultLevel: 'warning',
    summary: 'A -r/-c target that is missing, unreadable, remote (never fetched), outside the project (never read), or part of a cycle.',
    fixable: false,
    status: 'active',
    docs: `## What it does
Follows every \`-r\`/\`--requirement\` and \`-c\`/\`--constraint\` relative to the file that names it, as
pip does, and reports targets that are missing, unreadable, remote, built from an environment
variable, or that close an include cycle.

Nothing outside the project is read: an include, or a symbolic link the walk finds, whose real path
leaves the project (the repository holding the checked path on the command line, the workspace
folder in the editor) is reported as outside the project, and nothing of the target is quoted. When a
project reaches the limit on the files (or bytes) one analysis reads, the files left out are listed in
a \`note\`.

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
    const reported = new Set<string>();
    for (const unresolved of context.project.unresolvedIncludes) {
      if (unresolved.reason === 'outside' || unresolved.reason === 'budget') {
        reported.add(joinPath(unresolved.include.file, unresolved.include.target));
        reported.add(joinPath('', unresolved.include.target)); // a script's target, tried from the root too
      }
      const level = unresolved.reason === 'budget' ? { level: 'note' as const } : {};
      context.report({ file: unresolved.include.file, span: unresolved.include.targetSpan, message: describe(unresolved), ...level });
    }
    // Files the walk found but did not read: a link out of the project, or past the file budget.
    const notRead = context.project.unreadable.filter((u) => u.notRead && !reported.has(u.path) && !u.path.startsWith('../') && !u.path.startsWith('/'));
    for (const file of notRead.filter((u) => u.notRead === 'outside')) {
      context.report({ file: file.path, span: { start: 0, end: 0 }, message: 'This file is a symbolic link to a file outside the project; Pinwise reads nothing outside it, so it is not checked.' });
    }
    // Named on the command line but of no kind Pinwise reads: said, so a run on it is never a silent pass.
    for (const file of notRead.filter((u) => u.notRead === 'not-dependency')) {
      context.report({ file: file.path, span: { start: 0, end: 0 }, level: 'note', message: `Not checked: ${file.reason}.` });
    }
    const overBudget = notRead.filter((u) => u.notRead === 'budget');
    if (overBudget.length > 0) {
      const others = overBudget.length - 1;
      context.report({
        file: overBudget[0]!.path,
        span: { start: 0, end: 0 },
        level: 'note',
        message: `This file is ${overBudget[0]!.reason}${others > 0 ? `, nor are ${others} more file${others === 1 ? '' : 's'}` : ''}; ${others > 0 ? 'they are' : 'it is'} not checked.`,
      });
    }
  },
);
