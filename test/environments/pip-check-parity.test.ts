// requirement-conflict on an installed environment reports what `pip check` reports. The test runs
// pip (the product never does): on environments it builds, and on the real ones of this machine.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCli } from '../cli/run-cli';
import { writeSitePackages } from './venv';

ensureBuilt();

const canonical = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
const pipEnv = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INDEX: '1', PIP_NO_INPUT: '1' };

/** Interpreters on this machine that have pip, one per real executable. */
function pythonsWithPip(): string[] {
  const found = new Map<string, string>();
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-I', '-c', 'import sys, pip; print(sys.executable)'], { encoding: 'utf8' });
    if (probe.status === 0) found.set(probe.stdout.trim(), candidate);
  }
  return [...found.values()];
}

/** `owner|dependency` pairs (canonical names) from pip check's output. */
function pipCheck(python: string, args: string[], env: NodeJS.ProcessEnv = pipEnv): Set<string> {
  const run = spawnSync(python, [...args, '-m', 'pip', 'check'], { encoding: 'utf8', env, timeout: 120_000 });
  const pairs = new Set<string>();
  for (const line of run.stdout.split('\n')) {
    const missing = /^(\S+) \S+ requires ([A-Za-z0-9._-]+)/.exec(line);
    const conflict = /^(\S+) \S+ has requirement ([A-Za-z0-9._-]+)/.exec(line);
    const m = conflict ?? missing;
    if (m) pairs.add(`${canonical(m[1]!)}|${canonical(m[2]!)}`);
  }
  return pairs;
}

/** The same pairs from Pinwise's requirement-conflict findings on `--env dir`. */
function pinwisePairs(dir: string): Set<string> {
  const project = fixtureDir({});
  const { stdout, status } = runCli(['check', project, '--env', dir, '--select', 'requirement-conflict', '--format', 'json']);
  expect(status).not.toBe(2);
  const parsed = JSON.parse(stdout);
  const findings = (Array.isArray(parsed) ? parsed : parsed.findings) as { message: string }[];
  const pairs = new Set<string>();
  for (const f of findings) {
    const m = /^`(\S+) \S+` requires `([A-Za-z0-9._-]+)/.exec(f.message);
    if (m) pairs.add(`${canonical(m[1]!)}|${canonical(m[2]!)}`);
  }
  return pairs;
}

const pythons = pythonsWithPip();
if (pythons.length === 0) console.warn('Skipping the pip check parity test: no python3 with pip on this machine (.ci/run installs python3-pip).');

describe.skipIf(pythons.length === 0)('requirement-conflict agrees with pip check', () => {
  it('on an environment of made-up distributions: ranges, missing ones, markers, extras, pre-releases, egg-info', () => {
    const site = writeSitePackages(join(fixtureDir({}), 'lib', 'python3.11', 'site-packages'), [
      { name: 'pwparity-app', version: '1.0', requires: ['pwparity-lib<2,>=1.2', 'pwparity-absent', 'pwparity-extra-only; extra == "gpu"', 'pwparity-win; sys_platform == "win32"', 'pwparity-old; python_version < "3.0"', 'pwparity-pre>=2.0'] },
      { name: 'pwparity-lib', version: '2.1' },
      { name: 'pwparity-pre', version: '2.1rc1' },
      { name: 'PWParity_Mixed.Case', version: '3', requires: ['pwparity-lib==2.1', 'pwparity-app>1'] },
      { name: 'pwparity-egg', version: '0.1', eggInfo: { requiresTxt: 'pwparity-lib>=3\n[docs]\npwparity-absent-docs\n[:python_version >= "3"]\npwparity-absent-py3\n' } },
    ]);
    const expected = new Set(['pwparity-app|pwparity-lib', 'pwparity-app|pwparity-absent', 'pwparity-mixed-case|pwparity-app', 'pwparity-egg|pwparity-lib', 'pwparity-egg|pwparity-absent-py3']);
    for (const python of pythons) {
      const fromPip = [...pipCheck(python, [], { ...pipEnv, PYTHONPATH: site })].filter((p) => p.startsWith('pwparity'));
      expect(new Set(fromPip)).toEqual(expected);
    }
    expect(pinwisePairs(site)).toEqual(expected);
  });

  it('on the real environments of this machine (each folder of sys.path that holds distributions)', () => {
    const script = [
      'import json, os, sys, importlib.metadata as md',
      'out = {}',
      'for p in sys.path:',
      '    if os.path.isdir(p) and any(e.endswith((".dist-info", ".egg-info")) for e in os.listdir(p)):',
      '        out[p] = sorted({(d.metadata["Name"] or "").lower().replace("_", "-").replace(".", "-") for d in md.distributions(path=[p])})',
      'print(json.dumps(out))',
    ].join('\n');
    let compared = 0;
    for (const python of pythons) {
      const listing = spawnSync(python, ['-I', '-c', script], { encoding: 'utf8' });
      const dirs = JSON.parse(listing.stdout) as Record<string, string[]>;
      const fromPip = pipCheck(python, ['-I']);
      for (const [dir, names] of Object.entries(dirs)) {
        const here = new Set(names);
        const elsewhere = new Set(Object.entries(dirs).filter(([d]) => d !== dir).flatMap(([, n]) => n));
        // Only what this folder alone decides: distributions found only here, with dependencies here or nowhere.
        const decidable = (pair: string) => {
          const [owner, dep] = pair.split('|') as [string, string];
          return here.has(owner) && !elsewhere.has(owner) && !elsewhere.has(dep);
        };
        const pipPairs = new Set([...fromPip].filter(decidable));
        const ours = new Set([...pinwisePairs(dir)].filter(decidable));
        expect(ours, `${python}: ${dir}`).toEqual(pipPairs);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});
