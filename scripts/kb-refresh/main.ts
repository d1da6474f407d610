// `npm run kb:refresh`: reads PyTorch's wheel indexes and PyPI, adds what rules/ is missing, checks
// the result like the build does, and writes a summary for the pull request. Maintainers only: this
// is the one program in the repository that goes online, and nothing ships it.
//
//   npm run kb:refresh                     update rules/*.yaml in place (review with git diff)
//   npm run kb:refresh -- --dry-run        print what would change, write nothing
//   npm run kb:refresh -- --summary FILE   also write the summary (Markdown) to FILE
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledgeBase } from '../../server/src/host/knowledge-base';
import { knowledgeBaseMeaningProblems } from '../check-kb-meaning';
import { networkFetcher } from './http';
import { refreshKnowledgeBase, type RefreshResult } from './refresh';

const refreshed = ['torch', 'python-support', 'requires'];

/** The build's checks (meaning, then schema) over rules/ with the refreshed texts in place. */
export function checkRefreshed(rulesDir: string, changed: Record<string, string>): string[] {
  const scratch = mkdtempSync(join(tmpdir(), 'pinwise-kb-refresh-'));
  try {
    cpSync(rulesDir, join(scratch, 'rules'), { recursive: true });
    for (const [name, text] of Object.entries(changed)) writeFileSync(join(scratch, 'rules', `${name}.yaml`), text);
    const problems = knowledgeBaseMeaningProblems(join(scratch, 'rules'));
    if (problems.length > 0) return problems;
    try {
      loadKnowledgeBase(join(scratch, 'rules'));
    } catch (error) {
      return [(error as Error).message];
    }
    return [];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function summary(result: RefreshResult, problems: string[]): string {
  const list = (items: string[]) => (items.length > 0 ? items.map((i) => `- ${i}`).join('\n') : '- none');
  return [
    '## Knowledge-base refresh',
    '',
    'Read from PyTorch\'s wheel indexes and PyPI\'s JSON API by `npm run kb:refresh`. Rows and variants were only added; nothing written by hand was changed.',
    '',
    '### Added',
    list(result.added),
    '',
    '### For review (the data and upstream disagree, or upstream did not say)',
    list(result.review),
    '',
    '### Checks (`npm run build` runs the same)',
    problems.length > 0 ? list(problems) : '- the refreshed rules pass the meaning and schema checks',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const dryRun = argv.includes('--dry-run');
  const summaryAt = argv.indexOf('--summary');
  const summaryFile = summaryAt >= 0 ? argv[summaryAt + 1] : undefined;
  const rulesDir = join(process.cwd(), 'rules');
  const files: Record<string, string> = {};
  for (const name of refreshed) {
    const path = join(rulesDir, `${name}.yaml`);
    if (existsSync(path)) files[name] = readFileSync(path, 'utf8');
  }
  const result = await refreshKnowledgeBase({ files, fetch: networkFetcher(), log: (line) => process.stderr.write(`${line}\n`) });
  const problems = checkRefreshed(rulesDir, result.changed);
  if (!dryRun) for (const [name, text] of Object.entries(result.changed)) writeFileSync(join(rulesDir, `${name}.yaml`), text);
  const text = summary(result, problems);
  if (summaryFile) writeFileSync(summaryFile, text);
  process.stdout.write(text);
  return problems.length > 0 ? 1 : 0;
}

if (process.argv[1] && /kb-refresh[\\/]main\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`kb:refresh: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(2);
    },
  );
}
