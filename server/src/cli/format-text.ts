// Human output, grouped by file like ESLint, coloured only on a terminal.
import { countFixes, fixSummary, type LocatedFinding } from './report';

export interface TextStyle {
  color: boolean;
  /** `--show-fixes`: each finding's fixes listed under it. */
  showFixes?: boolean;
  /** `--unsafe-fixes`: fixes that change what is installed count as fixable. */
  unsafeFixes?: boolean;
}

const applicabilityNote = { safe: '', 'changes-installed': ' (changes what is installed: applied with --unsafe-fixes)', manual: ' (manual: never applied by --fix)' } as const;

const paint = (on: boolean, code: string, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

export function formatText(located: readonly LocatedFinding[], style: TextStyle): string {
  const c = style.color;
  const levelText = { error: paint(c, '31', 'error'), warning: paint(c, '33', 'warning'), note: paint(c, '36', 'note') };
  const byFile = new Map<string, LocatedFinding[]>();
  for (const item of located) {
    if (!byFile.has(item.uri)) byFile.set(item.uri, []);
    byFile.get(item.uri)!.push(item);
  }
  const lines: string[] = [];
  for (const [uri, items] of byFile) {
    lines.push(paint(c, '4', uri));
    for (const item of items) {
      const position = `${item.region.startLine}:${item.region.startColumn}`.padEnd(7);
      const fixable = item.fixes.some((f) => f.applicability === 'safe' || (style.unsafeFixes && f.applicability === 'changes-installed')) ? paint(c, '32', ' [fixable]') : '';
      // In a notebook, the line and column are in the .ipynb text; the cell says where in the notebook.
      const cell = item.finding.cell ? `${paint(c, '2', `cell ${item.finding.cell.number}, line ${item.finding.cell.line}:`)} ` : '';
      lines.push(`  ${paint(c, '2', position)} ${levelText[item.finding.level].padEnd(c ? 16 : 7)} ${cell}${item.finding.message}  ${paint(c, '2', item.finding.ruleId)}${fixable}`);
      for (const related of item.related) {
        lines.push(`  ${' '.repeat(7)}   ${paint(c, '2', `↳ ${related.uri}:${related.region.startLine}:${related.region.startColumn}`)} ${related.message}`);
      }
      if (style.showFixes) {
        for (const fix of item.fixes) lines.push(`  ${' '.repeat(7)}   ${paint(c, '32', 'fix:')} ${fix.title}${applicabilityNote[fix.applicability]}`);
      }
    }
    lines.push('');
  }
  const errors = located.filter((i) => i.finding.level === 'error').length;
  const warnings = located.filter((i) => i.finding.level === 'warning').length;
  const notes = located.length - errors - warnings;
  if (located.length === 0) {
    lines.push(paint(c, '32', 'No problems found.'));
  } else {
    const parts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`];
    if (notes > 0) parts.push(`${notes} note${notes === 1 ? '' : 's'}`);
    lines.push(paint(c, errors > 0 ? '31;1' : '33;1', `✖ ${located.length} problem${located.length === 1 ? '' : 's'} (${parts.join(', ')})`));
    for (const line of fixSummary(countFixes(located, style.unsafeFixes ?? false))) lines.push(`  ${line}`);
  }
  return lines.join('\n') + '\n';
}
