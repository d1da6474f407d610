import { countFixes, type LocatedFinding } from './report';

export function formatJson(located: readonly LocatedFinding[], version: string, unsafeFixes = false): string {
  const findings = located.map((item) => ({
    ruleId: item.finding.ruleId,
    level: item.finding.level,
    message: item.finding.message,
    file: item.uri,
    ...item.region,
    ...(item.finding.cell ? { cell: item.finding.cell.number, cellLine: item.finding.cell.line } : {}),
    related: item.related.map((r) => ({ file: r.uri, ...r.region, message: r.message })),
    fixes: item.fixes.map((fix) => ({
      title: fix.title,
      applicability: fix.applicability,
      safe: fix.applicability === 'safe',
      edits: fix.changes.flatMap((change) => change.replacements.map((r) => ({ file: change.uri, ...r.region, text: r.text }))),
    })),
  }));
  const count = (level: string) => findings.filter((f) => f.level === level).length;
  return JSON.stringify(
    { tool: 'pinwise', version, summary: { errors: count('error'), warnings: count('warning'), notes: count('note'), fixes: countFixes(located, unsafeFixes) }, findings },
    null,
    2,
  );
}
