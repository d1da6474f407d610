// Baselines through the CLI (its main(), in-process): adopt Pinwise with existing findings, see only new ones.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess } from './run-cli';

beforeAll(ensureBuilt);

/** A project with one finding it lives with: numpy 1.24.3 has no wheel for Python 3.12. */
const project = {
  '.python-version': '3.12\n',
  'requirements.txt': 'torch==2.3.1\ntorchvision==0.18.1\nnumpy==1.24.3\n',
};

async function withBaseline(files: Record<string, string>, count = 1): Promise<string> {
  const dir = fixtureDir(files);
  const written = (await runCliInProcess(['check', '.', '--write-baseline', 'pinwise-baseline.json'], dir));
  expect(written.status).toBe(0);
  expect(written.stderr).toContain(`wrote ${count} finding${count === 1 ? '' : 's'} to the baseline pinwise-baseline.json`);
  return dir;
}

const ruleIdsOf = (stdout: string) => JSON.parse(stdout).findings.map((f: { ruleId: string; startLine: number }) => `${f.ruleId}@${f.startLine}`);

describe('--write-baseline / --baseline', () => {
  it('records the findings of today, and then reports nothing and exits 0', async () => {
    const dir = await withBaseline(project);
    const baseline = JSON.parse(readFileSync(join(dir, 'pinwise-baseline.json'), 'utf8'));
    expect(baseline.tool).toBe('pinwise');
    expect(baseline.findings.map((f: { ruleId: string; file: string; line: number }) => [f.ruleId, f.file, f.line])).toEqual([['python-version-unsupported', 'requirements.txt', 3]]);
    expect((await runCliInProcess(['check', '.'], dir)).status).toBe(1);
    const { status, stdout, stderr } = (await runCliInProcess(['check', '.', '--baseline', 'pinwise-baseline.json'], dir));
    expect(status).toBe(0);
    expect(stdout).toContain('No problems found.');
    expect(stderr).toContain('1 finding already in the baseline not shown');
  });

  it('a Dependabot bump of torch alone shows exactly its new torch-family-mismatch', async () => {
    const dir = await withBaseline(project);
    writeFileSync(join(dir, 'requirements.txt'), 'torch==2.4.0\ntorchvision==0.18.1\nnumpy==1.24.3\n');
    const { status, stdout } = (await runCliInProcess(['check', '.', '--baseline', 'pinwise-baseline.json', '--format', 'json'], dir));
    expect(status).toBe(1);
    expect(ruleIdsOf(stdout)).toEqual(['torch-family-mismatch@2']);
  });

  it('keeps a finding matched when lines are added above it (no line numbers), and counts duplicates', async () => {
    const dir = await withBaseline({ ...project, 'requirements.txt': 'numpy==1.24.3\ntorch==2.3.1\n' });
    writeFileSync(join(dir, 'requirements.txt'), '# pinned for the GPU box\n\ntorch==2.3.1\n  numpy==1.24.3\nnumpy==1.24.3\n');
    const { stdout } = (await runCliInProcess(['check', '.', '--baseline', 'pinwise-baseline.json', '--format', 'json'], dir));
    // The re-indented first copy is the known one; the second copy is new.
    expect(ruleIdsOf(stdout).filter((id: string) => id.startsWith('python-version-unsupported'))).toEqual(['python-version-unsupported@5']);
  });

  it('SARIF says new, unchanged and absent in baselineState', async () => {
    const dir = await withBaseline({ ...project, 'requirements.txt': 'torch==2.3.1\ntorchvision==0.18.1\nnumpy==1.24.3\n-r gone.txt\n' }, 2);
    writeFileSync(join(dir, 'requirements.txt'), 'torch==2.4.0\ntorchvision==0.18.1\nnumpy==1.24.3\n');
    const log = JSON.parse((await runCliInProcess(['check', '.', '--baseline', 'pinwise-baseline.json', '--format', 'sarif'], dir)).stdout);
    const states = log.runs[0].results.map((r: { ruleId: string; baselineState: string }) => [r.ruleId, r.baselineState]);
    expect(states).toEqual([
      ['torch-family-mismatch', 'new'],
      ['python-version-unsupported', 'unchanged'],
      ['unresolved-include', 'absent'],
    ]);
    expect(log.runs[0].results[2].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'requirements.txt' }, region: { startLine: 4 } });
  });

  it('refuses a file that is not a baseline', async () => {
    const dir = fixtureDir({ ...project, 'other.json': '{"findings": 3}' });
    const { status, stderr } = (await runCliInProcess(['check', '.', '--baseline', 'other.json'], dir));
    expect(status).toBe(2);
    expect(stderr).toContain('not a Pinwise baseline');
  });
});
