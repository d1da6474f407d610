import { defineRule } from './define';

export const syntaxError = defineRule(
  {
    id: 'syntax-error',
    defaultLevel: 'error',
    summary: 'A line or file that cannot be parsed (PEP 508, pip options, TOML), with what was expected.',
    fixable: false,
    status: 'active',
    docs: `## What it does
Reports every line pip would reject, and every dependency file that cannot be read or decoded, with
the reason pip or packaging would give.

## Why it matters
pip stops at the first line it cannot parse, so nothing in the file installs. Tools that read the file
differently from pip (editors, other linters) silently skip such lines.

## Example
\`\`\`text
torch=2.1.2          # '=' is not a valid operator; did you mean '=='?
numpy>=1.24,         # a trailing comma is not a specifier
--index-url          # --index-url needs a value
\`\`\`

## Fix
Correct the line by hand; the message says what was expected at that position.
`,
  },
  (context) => {
    for (const file of context.project.parsed.values()) {
      for (const problem of file.problems) {
        context.report({ file: file.path, span: problem.span, message: problem.message, ...(problem.level ? { level: problem.level } : {}) });
      }
    }
    // Broken metadata in an installed environment costs that distribution's checks, not the run.
    for (const env of context.project.installed) {
      for (const problem of env.problems) context.report({ file: problem.file, span: problem.span, message: `${env.label}: ${problem.message}`, level: 'warning' });
    }
    // Budgets reached while building the project: what was left unchecked is said, never dropped.
    for (const note of context.project.budgetNotes) {
      context.report({ file: note.file, span: note.span, message: note.message, level: 'note' });
    }
    for (const bad of context.project.unreadable) {
      if (bad.notRead) continue; // not read on purpose: unresolved-include says why, where it is included
      context.report({ file: bad.path, span: { start: 0, end: 0 }, message: `Cannot read this file: ${bad.reason}` });
    }
  },
);
