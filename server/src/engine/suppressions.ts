import { LineIndex } from './line-index';

const ignoreComment = /#\s*pinwise:\s*ignore(?:\[([^\]\n]*)\])?/gi;
// cmd.exe has no trailing comments: `REM` / `::` start a command of their own (after `&` on the same line).
const remIgnoreComment = /(?:^|[\s&@(])(?:rem|::)[ \t]+pinwise:\s*ignore(?:\[([^\]\n]*)\])?/gim;

/** How a file kind writes comments (see the registry's `comment`). */
export type CommentStyle = '#' | 'rem';

/** Rules suppressed per 0-based line: `null` means every rule. */
export type SuppressionMap = Map<number, Set<string> | null>;

/** Finds `# pinwise: ignore[rule, ...]` / `# pinwise: ignore` comments (`REM pinwise: ignore[…]` / `:: pinwise: ignore[…]` in batch files). */
export function findSuppressions(text: string, style: CommentStyle = '#'): SuppressionMap {
  const map: SuppressionMap = new Map();
  if (!text.includes('pinwise')) return map;
  const index = new LineIndex(text);
  for (const match of text.matchAll(style === 'rem' ? remIgnoreComment : ignoreComment)) {
    const line = index.positionAt(match.index + match[0].search(/\S/)).line;
    if (match[1] === undefined) {
      map.set(line, null);
      continue;
    }
    const existing = map.get(line);
    if (existing === null) continue;
    const ids = existing ?? new Set<string>();
    for (const id of match[1].split(',')) if (id.trim()) ids.add(id.trim());
    map.set(line, ids);
  }
  return map;
}

export function isSuppressed(map: SuppressionMap, line: number, ruleId: string): boolean {
  if (!map.has(line)) return false;
  const rules = map.get(line);
  return rules === null || rules!.has(ruleId);
}
