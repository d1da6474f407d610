// The long fuzz campaign: `npm run fuzz -- --minutes 5`. Reports inputs tried, the
// slowest input per KB, and the first failure (shrunk) if any.
import fc from 'fast-check';
import { join } from 'node:path';
import { loadGrammars } from '../server/src/host/grammars';
import { corpusTexts, dependencyText, fuzzPaths, mutated } from '../test/fuzz/generators';
import { analyzeChecked } from '../test/fuzz/invariants';

async function main(): Promise<void> {
  const minutesArg = process.argv.indexOf('--minutes');
  const minutes = minutesArg > 0 ? Number(process.argv[minutesArg + 1]) : 2;
  const grammars = await loadGrammars();
  const seeds = corpusTexts(join(__dirname, '..'));
  const deadline = Date.now() + minutes * 60_000;
  let tried = 0;
  let slowest = { msPerKb: 0, path: '', bytes: 0 };
  const input = fc.oneof(
    fc.tuple(fc.constantFrom(...fuzzPaths), dependencyText),
    fc.tuple(fc.constantFrom(...fuzzPaths), mutated(seeds)),
  );
  const seed = Date.now() % 2 ** 31;
  while (Date.now() < deadline) {
    const result = fc.check(
      fc.property(input, ([path, text]) => {
        const start = performance.now();
        analyzeChecked([{ path, text }], grammars);
        const ms = performance.now() - start;
        const perKb = ms / Math.max(1, text.length / 1024);
        if (text.length > 256 && perKb > slowest.msPerKb) slowest = { msPerKb: perKb, path, bytes: text.length };
        tried++;
      }),
      { seed: seed + tried, numRuns: 2000 },
    );
    if (result.failed) {
      console.log(`FAILED after ${tried} inputs (seed ${result.seed}):`, result.counterexample, result.errorInstance);
      process.exitCode = 1;
      return;
    }
  }
  console.log(`fuzz: ${tried} inputs in ${minutes} min, no failure; slowest ${slowest.msPerKb.toFixed(2)} ms/KB (${slowest.path}, ${slowest.bytes} chars)`);
}

void main();
