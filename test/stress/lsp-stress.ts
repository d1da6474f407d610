// The long language-server storm: `npm run stress -- --operations 20000 --files 60 --seed 1`.
// Prints the figures for test/robustness/RESULTS.md; exit code 1 on any violation.
import { runStress } from './driver';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const options = { seed: argument('--seed', 1), operations: argument('--operations', 10_000), files: argument('--files', 60), verbose: true };
  const report = await runStress(options);
  process.stdout.write(`${JSON.stringify({ options, ...report }, null, 2)}\n`);
  if (report.violations.length > 0) process.exitCode = 1;
}

void main();
