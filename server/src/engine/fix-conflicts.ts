// Fixes that disagree are not applied in bulk. When the safe fixes of two findings edit overlapping
// text differently (a torchvision pin that one torch of the environment wants at 0.18.1 and
// another at 0.16.2), applying either is a guess, and the fix loop would flip the span back and
// forth on every pass. Both fixes stay on offer (as quick fixes to choose from), neither is
// applied by fix-all, and each finding says why.
import type { Edit, Finding } from './findings';

interface Claim {
  finding: number;
  edit: Edit;
}

/** Returns the findings with every safe fix that disagrees with another finding's made unsafe, and the reason in the message. */
export function withoutDisagreeingFixes(findings: readonly Finding[]): Finding[] {
  const byFile = new Map<string, Claim[]>();
  findings.forEach((finding, index) => {
    const fix = finding.fixes.find((f) => f.applicability !== 'manual');
    if (!fix) return;
    for (const edit of fix.edits) {
      let claims = byFile.get(edit.file);
      if (!claims) byFile.set(edit.file, (claims = []));
      claims.push({ finding: index, edit });
    }
  });
  const disagreeing = new Map<number, Set<string>>();
  for (const claims of byFile.values()) {
    claims.sort((a, b) => a.edit.span.start - b.edit.span.start || a.edit.span.end - b.edit.span.end);
    // Clusters of edits that overlap one another (an insertion counts at its point), in one pass.
    for (let i = 0; i < claims.length; ) {
      const start = claims[i]!.edit.span.start;
      let end = claims[i]!.edit.span.end;
      let j = i + 1;
      while (j < claims.length && (claims[j]!.edit.span.start < end || claims[j]!.edit.span.start === start)) {
        end = Math.max(end, claims[j]!.edit.span.end);
        j++;
      }
      const cluster = claims.slice(i, j);
      const first = cluster[0]!.edit;
      const agree = cluster.every(({ edit }) => edit.span.start === first.span.start && edit.span.end === first.span.end && edit.text === first.text);
      const owners = new Set(cluster.map((c) => c.finding));
      if (!agree && owners.size > 1) {
        const texts = new Set(cluster.map((c) => c.edit.text));
        for (const owner of owners) {
          if (!disagreeing.has(owner)) disagreeing.set(owner, new Set());
          for (const text of texts) disagreeing.get(owner)!.add(text);
        }
      }
      i = j;
    }
  }
  if (disagreeing.size === 0) return [...findings];
  return findings.map((finding, index) => {
    const texts = disagreeing.get(index);
    if (!texts) return finding;
    const shown = [...texts].slice(0, 4).map((t) => `'${t.length > 40 ? `${t.slice(0, 40)}…` : t}'`);
    return {
      ...finding,
      message: `${finding.message} Its fix is not applied automatically: another finding's fix edits the same text differently (${shown.join(' vs ')}), so which one is right is for you to decide.`,
      fixes: finding.fixes.map((fix) => (fix.applicability !== 'manual' ? { ...fix, applicability: 'manual' as const } : fix)),
    };
  });
}
