// GitLab Code Quality report (the `codequality` artifact): a JSON array of issues, each with a
// fingerprint that stays the same while the finding does, so merge requests show new and fixed ones.
import { createHash } from 'node:crypto';
import type { Level } from '../engine/findings';
import type { Reported } from './baseline';

const severityOf: Record<Level, string> = { error: 'major', warning: 'minor', note: 'info' };

export function formatGitlab(reported: readonly Reported[]): string {
  const seen = new Map<string, number>();
  const issues = reported.map(({ item, path, fingerprint }) => {
    // The same finding twice in a file still needs two fingerprints.
    const base = `${item.finding.ruleId}\0${path}\0${fingerprint}`;
    const occurrence = seen.get(base) ?? 0;
    seen.set(base, occurrence + 1);
    return {
      type: 'issue',
      check_name: item.finding.ruleId,
      description: item.finding.message,
      categories: ['Bug Risk'],
      severity: severityOf[item.finding.level],
      fingerprint: createHash('sha256').update(`${base}\0${occurrence}`).digest('hex').slice(0, 32),
      location: {
        path,
        positions: {
          begin: { line: item.region.startLine, column: item.region.startColumn },
          end: { line: item.region.endLine, column: item.region.endColumn },
        },
      },
    };
  });
  return JSON.stringify(issues, null, 2);
}
