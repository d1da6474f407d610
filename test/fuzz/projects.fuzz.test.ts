// A short run of the multi-file project fuzzer: the same 12 seeded projects every run (a fixed
// set, not as many as fit in a time budget, so a run is deterministic and its cost bounded);
// `npm run fuzz -- --projects` runs the campaign.
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, ensureBuilt } from '../cli/run-cli';
import { makeProject, runProjectCase } from './projects';

beforeAll(() => ensureBuilt());

const seeds = Array.from({ length: 12 }, (_, i) => i + 1);

describe('whole projects on disk under mutation (seeded)', () => {
  it(`never exits 2, hangs, writes outside the project or quotes text from outside (seeds ${seeds[0]}-${seeds[seeds.length - 1]})`, () => {
    const failures: string[] = [];
    for (const seed of seeds) {
      const result = runProjectCase(cliPath, makeProject(seed));
      if (result.failure) failures.push(result.failure);
    }
    expect(failures).toEqual([]);
  }, 90_000);
});
