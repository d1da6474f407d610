// Two safe fixes that disagree on one span are not safe: contradictory torch pins across
// includes asked for torchvision 0.18.1 (for torch 2.3.1) and 0.16.2 (for torch 2.1.2) on the
// same text; the ten fix passes flipped it back and forth and every --fix run rewrote the file.
// Now neither is applied, the finding says why, and a second --fix run changes no byte.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess } from '../cli/run-cli';

const dirs: string[] = [];
beforeAll(() => ensureBuilt());
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const snapshot = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'latin1')]));

async function fixTwice(files: Record<string, string>) {
  const dir = fixtureDir(files);
  dirs.push(dir);
  const first = (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
  const afterFirst = snapshot(dir);
  const second = (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
  return { dir, first, afterFirst, second, afterSecond: snapshot(dir) };
}

describe('fix-all converges', () => {
  it('contradictory torch pins across includes: neither fix is applied, the finding says why, a second run writes nothing', async () => {
    const files = { 'requirements.txt': '-r a.txt\n-r b.txt\ntorchvision==0.15.2\n', 'a.txt': 'torch==2.3.1\n', 'b.txt': 'torch==2.1.2\n' };
    const run = (await fixTwice(files));
    expect(run.afterFirst).toEqual(files); // the disputed torchvision pin is left for the user
    expect(run.first.stderr).not.toContain('Fixed');
    expect(run.afterSecond).toEqual(run.afterFirst);
    expect(run.second.stderr).not.toContain('Fixed');
    const json = JSON.parse((await runCliInProcess(['check', run.dir, '--format', 'json'])).stdout) as { findings: { ruleId: string; message: string; file: string }[] };
    const disputed = json.findings.filter((f) => f.ruleId === 'torch-family-mismatch' && f.file === 'requirements.txt');
    expect(disputed.length).toBe(2);
    for (const finding of disputed) expect(finding.message).toMatch(/not applied automatically: another finding's fix edits the same text differently \('0\.1[68]\.[12]' vs '0\.1[68]\.[12]'\)/);
  });

  it('one shared file pulled two ways by the environments that include it: the same', async () => {
    const files = { 'requirements-a.txt': '-r common.txt\ntorch==2.3.1\n', 'requirements-b.txt': '-r common.txt\ntorch==2.1.2\n', 'common.txt': 'torchvision==0.15.2\n' };
    const run = (await fixTwice(files));
    expect(run.afterFirst).toEqual(files);
    expect(run.afterSecond).toEqual(run.afterFirst);
  });

  it('fixes that agree are still applied, and a second run writes nothing', async () => {
    const files = { 'requirements-a.txt': '-r common.txt\ntorchvision==0.18.1\n', 'requirements-b.txt': '-r common.txt\ntorchvision==0.16.2\n', 'common.txt': 'torch==2.0.1\n' };
    const run = (await fixTwice(files));
    expect(run.afterFirst['requirements-a.txt']).toBe('-r common.txt\ntorchvision==0.15.2\n');
    expect(run.afterFirst['requirements-b.txt']).toBe('-r common.txt\ntorchvision==0.15.2\n');
    expect(run.afterSecond).toEqual(run.afterFirst);
    expect(run.second.stderr).not.toContain('Fixed');
  });
});
