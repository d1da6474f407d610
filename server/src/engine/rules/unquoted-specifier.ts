import { defineRule } from './define';
import type { UnquotedSpecifier } from '../model';

/** What the shell runs instead of what the author wrote. */
function consequence(found: UnquotedSpecifier, name: string): string {
  if (found.operator === '>') {
    return `the shell reads \`>${found.target}\` as a redirection: pip installs any ${name} and writes its output to a file named \`${found.target}\``;
  }
  return `the shell reads \`<${found.target}\` as a redirection from a file named \`${found.target}\`: without that file the command does not run at all, with it pip installs any ${name}`;
}

/** Quotes that keep the text as one word: single quotes unless it holds one, then double quotes where nothing expands. */
function quoted(text: string): string | null {
  if (!text.includes("'")) return `'${text}'`;
  if (!/["$`\\!]/.test(text)) return `"${text}"`;
  return null;
}

export const unquotedSpecifier = defineRule(
  {
    id: 'unquoted-specifier',
    defaultLevel: 'error',
    summary: 'An unquoted `>`, `>=`, `<` or `<=` in a requirement of a shell or Dockerfile command: the shell reads it as a redirection.',
    fixable: true,
    status: 'active',
    docs: `## What it does
Finds requirements in \`pip install\` / \`uv pip install\` commands of shell scripts and Dockerfile \`RUN\`
lines whose \`>\`, \`>=\`, \`<\` or \`<=\` is not quoted, so the shell takes it for a redirection.

## Why it matters
\`pip install numpy>=1.24 torch\` runs \`pip install numpy torch\` and writes pip's output to a file named
\`=1.24\`: any numpy is installed and the bound is lost without a word. \`pip install numpy<2\` reads its
input from a file named \`2\`; where no such file exists the whole command fails, where one exists NumPy 2
gets installed. The rest of the command line is still run, so the mistake survives review.

## Example
\`\`\`sh
pip install numpy>=1.24 torch
pip install "numpy<2"        # quoted: fine
\`\`\`

## Fix
Quote the requirement (\`'numpy>=1.24'\`). The quick fix does exactly that; it changes what gets installed
to what the line says, so it is offered but never applied by \`--fix\` on its own.
`,
  },
  (context) => {
    for (const parsed of context.project.parsed.values()) {
      for (const command of parsed.commands ?? []) {
        for (const found of command.unquotedSpecifiers) {
          const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(found.text)?.[0] ?? 'package';
          const replacement = quoted(found.text);
          context.report({
            file: parsed.path,
            span: found.span,
            message: `\`${found.text}\` is not quoted: ${consequence(found, name)}. Quote the requirement.`,
            fixes: replacement
              ? [{ title: `Quote \`${found.text}\``, edits: [{ file: parsed.path, span: found.span, text: replacement }], safe: false }]
              : [],
          });
        }
      }
    }
  },
);
