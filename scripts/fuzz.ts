// The long fuzz campaign: `npm run fuzz -- --minutes 5 [--seed N]`. Generated and
// mutated inputs (real corpus files, hostile inputs) through analyze(), alone and as
// small projects. Reports inputs tried, failures (shrunk, up to 5 distinct), and the
// slowest input per KB after warm-up. Exit code 1 when anything failed.
// `--projects`: whole multi-file projects on disk through the built CLI instead (test/fuzz/projects.ts).
import fc from 'fast-check';
import { join } from 'node:path';
import { loadGrammars } from '../server/src/host/grammars';
import { loadKnowledgeBase } from '../server/src/host/knowledge-base';
import { corpusTexts, dependencyText, fuzzPaths, mutated } from '../test/fuzz/generators';
import { analyzeChecked } from '../test/fuzz/invariants';
import { makeProject, runProjectCase } from '../test/fuzz/projects';
import { hostileInputs } from '../test/robustness/pathological';

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

/** The project campaign: one random project per seed through dist/cli.js, every invariant checked. */
function projectCampaign(minutes: number, baseSeed: number): void {
  const cli = join(__dirname, '..', 'dist', 'cli.js');
  const deadline = Date.now() + minutes * 60_000;
  let tried = 0;
  let slowest = { ms: 0, seed: 0 };
  const failures: string[] = [];
  for (let seed = baseSeed; Date.now() < deadline; seed++) {
    const result = runProjectCase(cli, makeProject(seed));
    tried++;
    if (result.ms > slowest.ms) slowest = { ms: result.ms, seed };
    if (result.failure) {
      failures.push(result.failure);
      console.log(`FAILURE: ${result.failure}`);
    }
  }
  console.log(`fuzz --projects: ${tried} projects in ${minutes} min from seed ${baseSeed}; ${failures.length} failure(s); slowest seed ${slowest.seed} (${slowest.ms.toFixed(0)} ms)`);
  if (failures.length > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  const minutes = Number(argument('--minutes') ?? 2);
  if (process.argv.includes('--projects')) return projectCampaign(minutes, Number(argument('--seed') ?? 1));
  const baseSeed = Number(argument('--seed') ?? Date.now() % 2 ** 31);
  const grammars = await loadGrammars();
  const kb = loadKnowledgeBase(join(__dirname, '..', 'rules'));
  const seeds = corpusTexts(join(__dirname, '..'));
  // Hostile inputs as mutation seeds too, cut to 20k chars so a run tries many of them.
  const hostile = hostileInputs(false).map((h) => h.text.slice(0, 20_000));
  const text = fc.oneof(dependencyText, mutated(seeds), mutated(hostile));
  const input = fc.oneof(
    fc.tuple(fc.constantFrom(...fuzzPaths), text).map(([path, t]) => [{ path, text: t }]),
    fc.array(fc.tuple(fc.constantFrom(...fuzzPaths), text), { minLength: 2, maxLength: 4 }).map((pairs) => [...new Map(pairs)].map(([path, t]) => ({ path, text: t }))),
  );
  const deadline = Date.now() + minutes * 60_000;
  let tried = 0;
  let chars = 0;
  let slowest = { msPerKb: 0, paths: '', chars: 0, ms: 0 };
  const failures = new Map<string, string>();
  for (let round = 0; Date.now() < deadline && failures.size < 5; round++) {
    const result = fc.check(
      fc.property(input, (files) => {
        const start = performance.now();
        analyzeChecked(files, kb, grammars);
        const ms = performance.now() - start;
        const size = files.reduce((n, f) => n + f.text.length, 0);
        const perKb = ms / Math.max(1, size / 1024);
        if (tried > 500 && size > 256 && perKb > slowest.msPerKb) slowest = { msPerKb: perKb, paths: files.map((f) => f.path).join('+'), chars: size, ms };
        tried++;
        chars += size;
      }),
      { seed: baseSeed + round, numRuns: 1000 },
    );
    if (result.failed) {
      const message = String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance).split('\n')[0]!;
      if (!failures.has(message)) {
        failures.set(message, JSON.stringify(result.counterexample).slice(0, 2000));
        console.log(`FAILURE (seed ${result.seed}, path ${result.counterexamplePath}): ${message}\n  counterexample: ${failures.get(message)}`);
      }
    }
  }
  console.log(
    `fuzz: ${tried} inputs (${(chars / 1048576).toFixed(1)} MB) in ${minutes} min from seed ${baseSeed}; ${failures.size} distinct failure(s); ` +
      `slowest ${slowest.msPerKb.toFixed(2)} ms/KB (${slowest.paths}, ${slowest.chars} chars, ${slowest.ms.toFixed(0)} ms)`,
  );
  if (failures.size > 0) process.exitCode = 1;
}

void main();
