// Entry of dist/action.js, the GitHub Action (action.yml): runs `pinwise check` on the workspace,
// annotates the findings, appends a job summary and writes SARIF for upload-sarif.
import { appendFileSync } from 'node:fs';
import { collectCheck, main } from '../cli/main';
import { render, visibleFindings, writeFile, type Output } from '../cli/output';
import type { Level } from '../engine/findings';
import { pinwiseVersion } from '../version';
import { jobSummary } from './summary';

/** An input as the runner passes it: `INPUT_<NAME>` (upper case, spaces as underscores). */
function input(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

const failLevels = ['error', 'warning', 'note', 'never'] as const;
type FailOn = (typeof failLevels)[number];
const rank: Record<Level, number> = { error: 0, warning: 1, note: 2 };

export async function runAction(io: Output): Promise<number> {
  const failOn = (input('fail-on') || 'error') as FailOn;
  if (!failLevels.includes(failOn)) {
    io.out(`::error::pinwise: fail-on must be one of ${failLevels.join(', ')} (got '${failOn}')\n`);
    return 2;
  }
  const paths = input('paths').split(/\s+/).filter(Boolean);
  const args = [...paths];
  if (input('python')) args.push('--python', input('python'));
  if (input('baseline')) args.push('--baseline', input('baseline'));

  let collected: Awaited<ReturnType<typeof collectCheck>>;
  try {
    collected = await collectCheck(args, io);
  } catch {
    // A usage error (bad python, missing path): let the CLI report it the way it always does.
    return main(['check', ...args], io);
  }
  const { outcome, options } = collected;
  const { shown, comparison } = visibleFindings(outcome, options);

  io.out(render(outcome, { ...options, format: 'github' }, pinwiseVersion));
  const sarifFile = input('sarif-file');
  if (sarifFile) writeFile(sarifFile, render(outcome, { ...options, format: 'sarif' }, pinwiseVersion));

  const known = comparison?.states.filter((state) => state === 'unchanged').length;
  const summaryPath = process.env['GITHUB_STEP_SUMMARY'];
  if (summaryPath) appendFileSync(summaryPath, jobSummary({ shown, environments: outcome.environments, ...(known ? { baselineKnown: known } : {}), version: pinwiseVersion, knowledgeDate: outcome.knowledgeDate }));

  const count = (level: Level) => shown.filter((r) => r.item.finding.level === level).length;
  const outputPath = process.env['GITHUB_OUTPUT'];
  if (outputPath) {
    const outputs = { errors: count('error'), warnings: count('warning'), notes: count('note'), 'sarif-file': sarifFile };
    appendFileSync(outputPath, Object.entries(outputs).map(([key, value]) => `${key}=${value}\n`).join(''));
  }

  for (const error of outcome.internalErrors) io.out(`::error::pinwise: ${error}\n`);
  if (outcome.internalErrors.length > 0) return 2;
  const failing = failOn === 'never' ? [] : shown.filter((r) => rank[r.item.finding.level] <= rank[failOn]);
  io.out(`pinwise: ${count('error')} errors, ${count('warning')} warnings, ${count('note')} notes${failing.length > 0 ? ` (fail-on: ${failOn})` : ''}\n`);
  return failing.length > 0 ? 1 : 0;
}

void runAction({ out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), isTTY: false }).then((code) => {
  process.exitCode = code;
});
