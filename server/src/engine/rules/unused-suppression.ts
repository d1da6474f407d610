import type { Edit, Fix } from '../findings';
import type { SuppressionComment } from '../suppressions';
import { defineRule } from './define';

export const unusedSuppressionId = 'unused-suppression';

/** The edit deleting a whole comment: its line when nothing else is on it, else the comment and the blanks before it. */
function removeComment(file: string, text: string, comment: SuppressionComment, wholeLines: boolean): Edit {
  const lineStart = text.lastIndexOf('\n', comment.span.start - 1) + 1;
  const newline = text.indexOf('\n', comment.span.end);
  const lineEnd = newline === -1 ? text.length : newline;
  const before = text.slice(lineStart, comment.span.start);
  const after = text.slice(comment.span.end, lineEnd).replace(/\r$/, '');
  if (wholeLines && before.trim() === '' && after.trim() === '') {
    return { file, span: { start: lineStart, end: newline === -1 ? text.length : newline + 1 }, text: '' };
  }
  const blanks = before.length - before.trimEnd().length;
  return { file, span: { start: comment.span.start - blanks, end: comment.span.end }, text: '' };
}

export const unusedSuppression = defineRule(
  {
    id: unusedSuppressionId,
    defaultLevel: 'note',
    summary: 'A `# pinwise: ignore[…]` or `ignore-file[…]` comment that names an unknown rule or suppresses nothing.',
    fixable: true,
    status: 'active',
    docs: `## What it does
Reports ignore comments that do nothing: one that names a rule Pinwise does not have (a typo such as
\`ignore[torch-family-missmatch]\`), and one whose rules report nothing on its line (\`ignore[…]\`) or in
its file (\`ignore-file[…]\`), like ESLint's unused \`eslint-disable\` check and Ruff's unused \`noqa\`.

## Why it matters
A misspelt rule id suppresses nothing, so the finding it was meant for is still reported, or, worse, the
comment outlives the problem it silenced and later hides a new one on the same line. Stale comments also
tell readers that a pin is known to be wrong when it no longer is.

## Example
\`\`\`text
torch==2.3.1
torchvision==0.18.1  # pinwise: ignore[torch-family-mismatch]   <- nothing to suppress any more
numpy==1.26.4  # pinwise: ignore[numpy-abi]                      <- not a rule id
\`\`\`

## Fix
Remove the comment, or only the ids that do nothing; the quick fix does that and is safe (it changes no
requirement). A rule turned off (\`--select\`, \`--ignore\`, severity \`off\`) is not judged: its ids are left
alone, and a comment without ids is judged only when every rule runs. To keep a comment on purpose,
add \`unused-suppression\` to it; this rule's own findings are silenced only by a comment naming it.
`,
  },
  (context) => {
    const { files, known, ran, allRan } = context.suppressions();
    for (const { file, text, comments, used, wholeLines } of files) {
      for (const comment of comments) {
        const suppressed = used.get(comment);
        const where = comment.fileLevel ? 'in this file' : 'on this line';
        const written = text.slice(comment.span.start, comment.span.end);
        if (comment.ids === null) {
          if (!allRan || suppressed) continue;
          context.report({
            file,
            span: comment.span,
            message: `\`${written}\` suppresses nothing: no finding is reported ${where}. Remove it.`,
            fixes: [{ title: 'Remove the unused ignore comment', edits: [removeComment(file, text, comment, wholeLines)], applicability: 'safe' }],
          });
          continue;
        }
        const stale = comment.ids.filter(({ id }) => id !== unusedSuppressionId && (!known.includes(id) || (ran.has(id) && !suppressed?.has(id))));
        if (stale.length === 0 && comment.ids.length > 0) continue;
        const reasons = stale.map(({ id }) => (known.includes(id) ? `no \`${id}\` finding is reported ${where}` : `\`${id}\` is not a Pinwise rule`));
        const kept = comment.ids.filter((entry) => !stale.includes(entry));
        const fix: Fix =
          kept.length === 0
            ? { title: 'Remove the unused ignore comment', edits: [removeComment(file, text, comment, wholeLines)], applicability: 'safe' }
            : {
                title: `Remove ${stale.map(({ id }) => `\`${id}\``).join(', ')} from the ignore comment`,
                edits: [{ file, span: { start: comment.ids[0]!.span.start, end: comment.ids[comment.ids.length - 1]!.span.end }, text: kept.map(({ id }) => id).join(', ') }],
                applicability: 'safe',
              };
        context.report({
          file,
          span: stale.length === 1 && kept.length > 0 ? stale[0]!.span : comment.span,
          message: comment.ids.length === 0 ? `\`${written}\` names no rule, so it suppresses nothing. Remove it.` : `Unused suppression: ${reasons.join('; ')}. Remove ${kept.length === 0 ? 'the comment' : stale.length === 1 ? 'that id' : 'those ids'}.`,
          fixes: [fix],
        });
      }
    }
  },
);
