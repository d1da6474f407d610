// The release workflow re-points a version tag at a commit carrying the built dist/: what it commits
// must be everything the Action, the bins and the package run from, and it commits only after the tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/analyze';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
}
const workflow = parse(readFileSync(join(repoRoot, '.github', 'workflows', 'release.yml'), 'utf8')) as {
  on: { push: { tags: string[] } };
  jobs: { release: { steps: Step[] } };
};
const steps = workflow.jobs.release.steps;
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as { runs: { main: string } };

const commitStep = steps.findIndex((step) => step.run?.includes('git add -f'));
const committed = (steps[commitStep]?.run ?? '').split('\n').find((line) => line.trim().startsWith('git add -f'))!.trim().split(/\s+/).slice(3);
const covers = (path: string) => committed.some((entry) => path === entry || path.startsWith(`${entry}/`));

describe('release workflow', () => {
  it('runs on version tags only', () => {
    expect(workflow.on.push.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+']);
  });

  it('commits what the Action, the bins and the package run from', () => {
    expect(commitStep).toBeGreaterThan(0);
    expect(covers(action.runs.main), action.runs.main).toBe(true);
    for (const bin of Object.values(manifest.bin)) expect(covers(bin), bin).toBe(true);
    for (const file of manifest.files.filter((f) => f.startsWith('dist/'))) expect(covers(file.replace(/\/\*.*$/, '')), file).toBe(true);
  });

  it('checks the tag against the version and runs the tests before it commits or publishes', () => {
    const index = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step.run ?? ''));
    expect(index(/require\('\.\/package\.json'\)\.version/)).toBeGreaterThanOrEqual(0);
    expect(index(/^npm test$/)).toBeGreaterThan(index(/require\('\.\/package\.json'\)\.version/));
    expect(commitStep).toBeGreaterThan(index(/^npm test$/));
    expect(index(/npm publish/)).toBeGreaterThan(commitStep);
    // The moving major tag follows the release.
    expect(steps[commitStep]!.run).toMatch(/git tag -f "\$major"/);
  });
});
