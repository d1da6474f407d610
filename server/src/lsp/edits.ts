// Text edits the server computes itself (not carried by findings): the "disable for this line"
// and "for this file" comments and the smallest edit between two texts.
import { LineIndex, type Edit } from '../engine';
import type { FileKind } from '../engine';
import { findSuppressions, type CommentStyle } from '../engine/suppressions';

// A line's own ignore comment, never the `ignore-file` one.
const existingIgnore = /#\s*pinwise:\s*ignore(?!-file)(\[([^\]\n]*)\])?/i;

/**
 * The edit that makes `# pinwise: ignore[ruleId]` cover `line` (0-based):
 * appended at the end of the line, or merged into an ignore comment already
 * there. `null` when the comment cannot go on that line without changing its
 * meaning (a backslash continuation), or when the rule is already ignored.
 */
export function ignoreCommentEdit(file: string, text: string, line: number, ruleId: string, kind: FileKind | null): Edit | null {
  const index = new LineIndex(text);
  if (line < 0 || line >= index.lineCount) return null;
  const start = index.lineStart(line);
  const end = index.lineEnd(line);
  const content = text.slice(start, end);
  // A comment after a continuation backslash ends the continuation (pip, shell, Python alike).
  if (/\\\s*$/.test(content)) return null;
  if (kind === 'python-version') return null;
  const match = existingIgnore.exec(content);
  if (match) {
    if (match[1] === undefined) return null; // a bare `# pinwise: ignore` already covers every rule
    const ids = match[2]!.split(',').map((id) => id.trim());
    if (ids.includes(ruleId)) return null;
    const inner = match[2]!;
    const innerStart = start + match.index + match[0].length - 1 - inner.length;
    const trimmed = inner.trimEnd();
    if (trimmed === '') return { file, span: { start: innerStart, end: innerStart + inner.length }, text: ruleId };
    if (trimmed.endsWith(',')) {
      const at = innerStart + inner.length;
      return { file, span: { start: at, end: at }, text: `${inner.length > trimmed.length ? '' : ' '}${ruleId}` };
    }
    const at = innerStart + trimmed.length;
    return { file, span: { start: at, end: at }, text: `, ${ruleId}` };
  }
  const last = content.charCodeAt(content.length - 1);
  const separator = content === '' || last === 32 || last === 9 ? '' : ' ';
  return { file, span: { start: end, end }, text: `${separator}# pinwise: ignore[${ruleId}]` };
}

/**
 * The edit that makes `# pinwise: ignore-file[ruleId]` (`REM pinwise: ignore-file[…]` in batch
 * files) cover the whole file: merged into an ignore-file comment already there, else a line of
 * its own at the top, after what must stay first (a `#!` line, a Python coding line, Dockerfile
 * parser directives, a batch file's `@echo off`). Null when one already covers the rule.
 */
export function fileIgnoreEdit(file: string, text: string, ruleId: string, style: CommentStyle): Edit | null {
  const existing = findSuppressions(text, style).comments.find((comment) => comment.fileLevel);
  if (existing) {
    if (existing.ids === null || existing.ids.some(({ id }) => id === ruleId)) return null;
    const last = existing.ids[existing.ids.length - 1];
    if (last) return { file, span: { start: last.span.end, end: last.span.end }, text: `, ${ruleId}` };
    return { file, span: { start: existing.span.end - 1, end: existing.span.end - 1 }, text: ruleId }; // `ignore-file[]`
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  let at = bom;
  for (let line = 0; at < text.length; line++) {
    const newline = text.indexOf('\n', at);
    const content = text.slice(at, newline === -1 ? text.length : newline).replace(/\r$/, '');
    const first = line === 0 && content.startsWith('#!');
    const coding = line < 2 && /^#.*coding[:=]/.test(content);
    const directive = style === '#' && /^#\s*[A-Za-z]+=\S/.test(content) && line < 8;
    const echoOff = style === 'rem' && /^@?echo\s+off\b/i.test(content.trim());
    if (!(first || coding || directive || echoOff)) break;
    if (newline === -1) return { file, span: { start: text.length, end: text.length }, text: `${eol}${commentText(style, ruleId)}${eol}` };
    at = newline + 1;
  }
  return { file, span: { start: at, end: at }, text: `${commentText(style, ruleId)}${eol}` };
}

const commentText = (style: CommentStyle, ruleId: string): string => `${style === 'rem' ? 'REM' : '#'} pinwise: ignore-file[${ruleId}]`;

/** One edit turning `before` into `after`: the changed middle only, so the rest stays byte for byte. */
export function minimalEdit(file: string, before: string, after: string): Edit | null {
  if (before === after) return null;
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  // Never split a surrogate pair or a CRLF.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { file, span: { start: prefix, end: before.length - suffix }, text: after.slice(prefix, after.length - suffix) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
