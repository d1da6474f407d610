// The long language-server storm: `npm run stress -- --operations 20000 --files 60 --seed 1`,
// or a long session typing into a 1 MB requirement line: `npm run stress -- --huge-line 3000`.
// Prints the figures (resident memory included) for test/robustness/RESULTS.md; exit code 1 on any violation.
import { runStress, typeIntoHugeLine } from './driver';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  if (process.argv.includes('--huge-line')) {
    const options = { edits: argument('--huge-line', 3000), lineLength: argument('--line-length', 1 << 20), sampleEvery: 250, verbose: true };
    const report = await typeIntoHugeLine(options);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (report.violations.length > 0) process.exitCode = 1;
    return;
  }
  const options = { seed: argument('--seed', 1), operations: argument('--operations', 10_000), files: argument('--files', 60), verbose: true };
  const report = await runStress(options);
  process.stdout.write(`${JSON.stringify({ options, ...report }, null, 2)}\n`);
  if (report.violations.length > 0) process.exitCode = 1;
}

void main();
