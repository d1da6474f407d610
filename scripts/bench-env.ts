// Benchmark (not a test): reading an installed environment of 500 distributions and checking it.
// Each distribution looks like a real wheel install: a METADATA with a long description and several
// Requires-Dist lines, a RECORD of 60 files, an INSTALLER. Reports the median of the runs for the read
// (metadata only) and for the analysis on top of it, against the 300 ms goal of the read.
//
//   npx tsx scripts/bench-env.ts [--dists 500] [--runs 7]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, defaultSettings } from '../server/src/engine';
import { locateEnvironment, readEnvironment } from '../server/src/host/environment';
import { loadKnowledgeBase } from '../server/src/host/knowledge-base';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const count = arg('dists', 500);
const runs = arg('runs', 7);

const root = mkdtempSync(join(tmpdir(), 'pinwise-bench-env-'));
const venv = join(root, '.venv');
const site = join(venv, 'lib', 'python3.11', 'site-packages');
mkdirSync(site, { recursive: true });
writeFileSync(join(venv, 'pyvenv.cfg'), 'home = /usr/bin\nversion = 3.11.9\n');
const description = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n'.repeat(200);
for (let i = 0; i < count; i++) {
  const name = `package-${i}`;
  const info = join(site, `package_${i}-1.${i % 10}.0.dist-info`);
  mkdirSync(info);
  const requires = Array.from({ length: 8 }, (_, k) => `Requires-Dist: package-${(i + k + 1) % count}>=1.0; python_version >= "3.8"`);
  writeFileSync(join(info, 'METADATA'), ['Metadata-Version: 2.1', `Name: ${name}`, `Version: 1.${i % 10}.0`, 'Requires-Python: >=3.8', ...requires, '', description].join('\n'));
  writeFileSync(join(info, 'RECORD'), Array.from({ length: 60 }, (_, k) => `package_${i}/module_${k}.py,sha256=abcdef,1234`).join('\n') + '\n');
  writeFileSync(join(info, 'INSTALLER'), 'pip\n');
}

const kb = loadKnowledgeBase(join(__dirname, '..', 'rules'));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const reads: number[] = [];
const checks: number[] = [];
for (let run = 0; run < runs; run++) {
  const t0 = performance.now();
  const location = locateEnvironment(venv)!;
  const input = readEnvironment(location, root, '.venv');
  const t1 = performance.now();
  const result = analyze({ files: [], settings: defaultSettings(), kb, installed: [input] });
  const t2 = performance.now();
  if (input.distributions.length !== count) throw new Error(`read ${input.distributions.length} distributions, expected ${count}`);
  if (run === 0) console.log(`${count} distributions, ${result.findings.length} findings`);
  reads.push(t1 - t0);
  checks.push(t2 - t1);
}
rmSync(root, { recursive: true, force: true });
const read = median(reads);
console.log(`read (metadata only): median ${read.toFixed(1)} ms over ${runs} runs (goal < 300 ms: ${read < 300 ? 'met' : 'NOT met'})`);
console.log(`analysis of the environment: median ${median(checks).toFixed(1)} ms`);
