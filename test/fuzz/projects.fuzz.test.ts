// A short run (~20 s) of the multi-file project fuzzer; `npm run fuzz -- --projects` runs the campaign.
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, ensureBuilt } from '../cli/run-cli';
import { makeProject, runProjectCase } from './projects';

beforeAll(() => ensureBuilt());

describe('whole projects on disk under mutation (seeded)', () => {
  it('never exits 2, hangs, writes outside the project or quotes text from outside', () => {
    const failures: string[] = [];
    const deadline = Date.now() + 20_000;
    for (let seed = 1; seed <= 40 && Date.now() < deadline; seed++) {
      const result = runProjectCase(cliPath, makeProject(seed));
      if (result.failure) failures.push(result.failure);
    }
    expect(failures).toEqual([]);
  }, 90_000);
});
