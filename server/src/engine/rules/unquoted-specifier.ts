import { defineRule } from './define';
import type { UnquotedSpecifier } from '../model';

/** What the shell runs instead of what the author wrote: each shell reads `<` / `>` its own way. */
function consequence(found: UnquotedSpecifier, name: string): string {
  const shell = found.shell === 'cmd' ? 'cmd.exe' : found.shell === 'powershell' ? 'PowerShell' : 'the shell';
  if (found.operator === '>') {
    return `${shell} reads \`>${found.target}\` as a redirection: pip installs any ${name} and writes its output to a file named \`${found.target}\``;
  }
  if (found.shell === 'powershell') {
    return `PowerShell refuses to parse the script ("The '<' operator is reserved for future use."), so none of it runs`;
  }
  if (found.shell === 'cmd') {
    return `cmd.exe reads \`<${found.target}\` as a redirection from a file named \`${found.target}\`: without that file it prints "The system cannot find the file specified." and does not run the command, with it pip installs any ${name}`;
  }
  return `the shell reads \`<${found.target}\` as a redirection from a file named \`${found.target}\`: without that file the command does not run at all, with it pip installs any ${name}`;
}

/**
 * The requirement quoted so the shell keeps it as one word: cmd.exe knows only double quotes;
 * PowerShell's single quotes are literal; POSIX shells take single quotes unless the text holds one.
 */
function quoted(text: string, shell: UnquotedSpecifier['shell'], avoid?: "'" | '"'): string | null {
  const single = text.includes("'") || avoid === "'" ? null : `'${text}'`;
  if (shell === 'cmd') return /["%^]/.test(text) || avoid === '"' ? null : `"${text}"`;
  const double = (shell === 'powershell' ? /["$`]/ : /["$`\\!]/).test(text) || avoid === '"' ? null : `"${text}"`;
  return single ?? double;
}

export const unquotedSpecifier = defineRule(
  {
    id: 'unquoted-specifier',
    defaultLevel: 'error',
    summary: 'An unquoted `>`, `>=`, `<` or `<=` in a requirement of a shell, Dockerfile, CI or Windows script command: the shell reads it as a redirection.',
    fixable: true,
    status: 'active',
    docs: `## What it does
Finds requirements in \`pip install\` / \`uv pip install\` commands of shell scripts, Dockerfile \`RUN\`
lines, CI steps (GitHub Actions \`run:\`, GitLab CI \`script:\`), batch files and PowerShell scripts whose
\`>\`, \`>=\`, \`<\` or \`<=\` is not quoted, so the shell takes it for a redirection.

## Why it matters
\`pip install numpy>=1.24 torch\` runs \`pip install numpy torch\` and writes pip's output to a file named
\`=1.24\`: any numpy is installed and the bound is lost without a word. \`pip install numpy<2\` reads its
input from a file named \`2\`; where no such file exists the whole command fails, where one exists NumPy 2
gets installed. The rest of the command line is still run, so the mistake survives review.

cmd.exe (batch files, \`shell: cmd\` steps) does the same with \`>\`; its \`<\` from a missing file prints
"The system cannot find the file specified." and skips the command. PowerShell (\`.ps1\` files, \`pwsh\`
steps, the default shell of GitHub's Windows runners) redirects \`>\` too, and refuses to parse a script
holding an unquoted \`<\` ("The '<' operator is reserved for future use."), so none of it runs.

## Example
\`\`\`sh
pip install numpy>=1.24 torch
pip install "numpy<2"        # quoted: fine
\`\`\`

## Fix
Quote the requirement in the shell's own quoting: \`'numpy>=1.24'\` (POSIX shells, PowerShell),
\`"numpy>=1.24"\` (cmd.exe, which has no single quotes). The quick fix does exactly that; it *changes what is installed*
to what the line says, so plain \`--fix\` leaves it and \`--fix --unsafe-fixes\` applies it.
`,
  },
  (context) => {
    for (const parsed of context.project.parsed.values()) {
      for (const command of parsed.commands ?? []) {
        for (const found of command.unquotedSpecifiers) {
          const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(found.text)?.[0] ?? 'package';
          const replacement = quoted(found.text, found.shell, found.avoidQuote);
          context.report({
            file: parsed.path,
            span: found.span,
            message: `\`${found.text}\` is not quoted: ${consequence(found, name)}. Quote the requirement.`,
            fixes: replacement
              ? [{ title: `Quote \`${found.text}\``, edits: [{ file: parsed.path, span: found.span, text: replacement }], applicability: 'changes-installed' }]
              : [],
          });
        }
      }
    }
  },
);
