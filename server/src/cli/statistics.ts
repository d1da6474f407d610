// `--statistics`: how many findings each rule reported, like Ruff's, instead of the findings.
import { rules } from '../engine/rules';
import type { LocatedFinding } from './report';

export interface RuleCount {
  ruleId: string;
  count: number;
  fixable: number;
}

/** Most frequent first; ties in registry order. */
export function countByRule(located: readonly LocatedFinding[]): RuleCount[] {
  const order = new Map(rules.map((rule, index) => [rule.meta.id, index]));
  const counts = new Map<string, RuleCount>();
  for (const item of located) {
    const id = item.finding.ruleId;
    if (!counts.has(id)) counts.set(id, { ruleId: id, count: 0, fixable: 0 });
    const entry = counts.get(id)!;
    entry.count++;
    if (item.fixes.some((fix) => fix.applicability === 'safe')) entry.fixable++;
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0));
}

export function formatStatistics(located: readonly LocatedFinding[]): string {
  const counts = countByRule(located);
  if (counts.length === 0) return 'No problems found.\n';
  const width = String(counts[0]!.count).length;
  const idWidth = counts.reduce((width, c) => Math.max(width, c.ruleId.length), 0);
  const lines = counts.map((c) => {
    const summary = rules.find((rule) => rule.meta.id === c.ruleId)?.meta.summary ?? '';
    const fixable = c.fixable > 0 ? `[${c.fixable} fixable] ` : '';
    return `${String(c.count).padStart(width)}  ${c.ruleId.padEnd(idWidth)}  ${fixable}${summary}`;
  });
  return lines.join('\n') + '\n';
}
