// The job summary (Markdown appended to $GITHUB_STEP_SUMMARY): findings by rule and by environment,
// and the fixes `pinwise check --fix` would apply.
import type { Reported } from '../cli/baseline';
import type { EnvironmentSummary } from '../cli/output';
import { countByRule } from '../cli/statistics';
import { pushAll } from '../engine/arrays';
import { ruleDocsUrl } from '../engine/rules';

/** Table cells and list items: no pipes, newlines or HTML from messages. */
const cell = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Lists longer than this are cut, with a line saying how many were left out. */
const maxListed = 50;

export interface SummaryInput {
  shown: readonly Reported[];
  environments: readonly EnvironmentSummary[];
  /** Set when a baseline hid findings it already holds. */
  baselineKnown?: number;
  version: string;
  knowledgeDate: string | null;
}

export function jobSummary({ shown, environments, baselineKnown, version, knowledgeDate }: SummaryInput): string {
  const count = (level: string) => shown.filter((r) => r.item.finding.level === level).length;
  const counts = [plural(count('error'), 'error'), plural(count('warning'), 'warning')];
  if (count('note') > 0) counts.push(plural(count('note'), 'note'));
  const lines = [`## Pinwise ${version}`, '', ...(knowledgeDate ? [`Knowledge base current to ${knowledgeDate}.`, ''] : [])];
  if (shown.length === 0) {
    lines.push(baselineKnown ? `No new problems (${plural(baselineKnown, 'finding')} already in the baseline).` : 'No problems found.', '');
    return lines.join('\n') + '\n';
  }
  lines.push(`**${plural(shown.length, 'problem')}** (${counts.join(', ')})${baselineKnown ? `, not counting ${plural(baselineKnown, 'finding')} already in the baseline` : ''}.`, '');

  lines.push('### By rule', '', '| rule | level | findings | fixable |', '| --- | --- | ---: | ---: |');
  for (const { ruleId, count: n, fixable } of countByRule(shown.map((r) => r.item))) {
    // The levels reported, not the default: settings and the rule itself (deprecated-api) vary them.
    const levels = (['error', 'warning', 'note'] as const).filter((level) => shown.some((r) => r.item.finding.ruleId === ruleId && r.item.finding.level === level));
    lines.push(`| [\`${ruleId}\`](${ruleDocsUrl(ruleId)}) | ${levels.join(', ')} | ${n} | ${fixable || ''} |`);
  }
  lines.push('');

  // A file read by several environments counts in each; files outside any (a .py file) come last.
  const rows: { label: string; items: Reported[] }[] = environments.map((env) => ({ label: env.label, items: shown.filter((r) => env.files.includes(r.path)) }));
  const inSome = new Set(environments.flatMap((env) => env.files));
  rows.push({ label: 'other files', items: shown.filter((r) => !inSome.has(r.path)) });
  const used = rows.filter((row) => row.items.length > 0);
  if (used.length > 0) {
    lines.push('### By environment', '', '| environment | findings | rules |', '| --- | ---: | --- |');
    for (const row of used) {
      const rules = countByRule(row.items.map((r) => r.item)).map((c) => `\`${c.ruleId}\`${c.count > 1 ? ` ×${c.count}` : ''}`);
      lines.push(`| ${cell(row.label)} | ${row.items.length} | ${rules.join(', ')} |`);
    }
    lines.push('');
  }

  // Safe fixes first (`--fix`), then those that change what is installed (`--fix --unsafe-fixes`).
  const sections = [
    { applicability: 'safe', flags: '', what: (n: number) => (n === 1 ? 'the safe fix' : `${n} safe fixes`) },
    { applicability: 'changes-installed', flags: ' --unsafe-fixes', what: (n: number) => (n === 1 ? 'the fix that changes what is installed' : `${n} fixes that change what is installed`) },
  ] as const;
  const listed = new Set<Reported>();
  const parts: string[] = [];
  for (const section of sections) {
    const fixable = shown.filter((r) => !listed.has(r) && r.item.fixes.some((fix) => fix.applicability === section.applicability));
    if (fixable.length === 0) continue;
    parts.push(`\`pinwise check --fix${section.flags}\` applies ${section.what(fixable.length)}; \`pinwise check --diff${section.flags}\` shows them first:`, '');
    for (const r of fixable.slice(0, maxListed)) {
      listed.add(r);
      const fix = r.item.fixes.find((f) => f.applicability === section.applicability)!;
      parts.push(`- \`${cell(r.path)}:${r.item.region.startLine}\` ${cell(fix.title)} (\`${r.item.finding.ruleId}\`)`);
    }
    if (fixable.length > maxListed) parts.push(`- … and ${fixable.length - maxListed} more`);
    parts.push('');
  }
  if (parts.length > 0) pushAll(lines, ['### Fixes available', '', ...parts]);
  return lines.join('\n') + '\n';
}
